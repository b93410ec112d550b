// Shard leases and fencing against a real PostgreSQL: lease keepers (nodes/) of two "nodes" in
// this process, each with its own shard map and `pg_lease_store`, sharing the lease tables of one
// cluster name.

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "persistence/pg_lease_store.hpp"
#include "tests/integration/pg_helpers.hpp"
#include "tests/support/lease_member.hpp"
#include "tests/support/wait.hpp"

namespace {

using lakoo::persistence::pg_lease_store;
using lakoo::persistence::pg_settings;
using lakoo::runtime::shard_map;
using outcome = lakoo::runtime::cluster_control::outcome;
using refusal = lakoo::runtime::cluster_control::refusal;
using lakoo::runtime::snapshot;
using lakoo::runtime::store_status;
using lakoo::test::eventually;
using lakoo::test::lease_member;
using lakoo::test::lease_settings_of;
using lakoo::test::load_sync;
using lakoo::test::migrated_dsn;
using lakoo::test::outcome_of;
using lakoo::test::save_sync;
using lakoo::test::unique;
using namespace std::chrono_literals;

constexpr int32_t shard_count = 16;

/// Node `id` of `cluster` on PostgreSQL: a lease of 900 ms renewed every 100 ms.
struct member : lease_member {
  member(const std::string& cluster, const std::string& id, int rebalance = 4)
      : lease_member(std::make_unique<pg_lease_store>(pg_settings{migrated_dsn()}, cluster, id),
                     lease_settings_of(cluster, id, 900ms, 100ms, 200ms, rebalance), shard_count) {}
};

int64_t lease_epoch(const std::string& cluster, int32_t shard) {
  pqxx::connection conn{migrated_dsn()};
  pqxx::nontransaction txn{conn};
  return txn
    .exec_params1("SELECT epoch FROM shard_leases WHERE cluster = $1 AND shard = $2", cluster,
                  shard)[0]
    .as<int64_t>();
}

} // namespace

TEST_CASE("two members split the shards by home and a silent one's shards are taken over",
          "[lease]") {
  auto cluster = unique("lease");
  auto a = std::make_unique<member>(cluster, "n1");
  member b{cluster, "n2"};
  REQUIRE(a->keeper->wait_joined(10s));
  REQUIRE(b.keeper->wait_joined(10s));
  REQUIRE(eventually([&] { return a->keeper->view().settled && b.keeper->view().settled; }));
  for (int32_t s = 0; s < shard_count; ++s) {
    CHECK(a->map->owner_of(s) == static_cast<size_t>(s % 2));
    CHECK(b.map->owner_of(s) == static_cast<size_t>(s % 2));
  }
  CHECK(a->map->serves(0, 0));
  CHECK_FALSE(a->map->serves(1, 0));
  auto epoch0 = lease_epoch(cluster, 0);
  CHECK(a->map->epoch_of(0) == epoch0);

  // n1 stops renewing (as a crashed or hung process would): after its lease, n2 takes all.
  a->keeper->stop();
  REQUIRE(eventually([&] { return b.map->shards_of(1) == shard_count; }));
  // Not before n1's lease had run out: the takeover's time (the database's clock) is not earlier
  // than n1's last membership expiry, whenever its last renewal happened.
  {
    pqxx::connection conn{migrated_dsn()};
    pqxx::nontransaction txn{conn};
    auto row = txn.exec_params1(
      "SELECT l.acquired_at >= m.expires_at FROM shard_leases l JOIN cluster_members m"
      " ON m.cluster = l.cluster WHERE l.cluster = $1 AND l.shard = 0 AND m.node = 'n1'",
      cluster);
    CHECK(row[0].as<bool>());
  }
  CHECK(lease_epoch(cluster, 0) == epoch0 + 1);
  CHECK(b.map->epoch_of(0) == epoch0 + 1);
  // n1's own view stops serving once its lease deadline passes, even with no news.
  CHECK(eventually([&] { return !a->map->serves(0, 0); }));
  REQUIRE(eventually([&] { return b.keeper->view().settled; }));
}

TEST_CASE("a write fenced by a newer lease epoch is refused and changes nothing", "[lease]") {
  auto cluster = unique("fence");
  auto a = std::make_unique<member>(cluster, "n1");
  REQUIRE(a->keeper->wait_joined(10s));
  REQUIRE(eventually([&] { return a->map->shards_of(0) == shard_count; })); // alone: takes all
  pg_settings fenced{migrated_dsn()};
  fenced.cluster = cluster;
  lakoo::persistence::pg_store store{fenced};
  auto kind = unique("fenced");
  int32_t shard = 3;
  auto old_epoch = a->map->epoch_of(shard);
  snapshot s{kind, "x", shard, 1, old_epoch, "one"};
  REQUIRE(save_sync(store, s) == store_status::ok);

  // n1 goes silent; n2 takes the shard over with a new epoch.
  a->keeper->stop();
  member b{cluster, "n2"};
  REQUIRE(eventually([&] { return b.map->owner_of(shard) == 1; }));
  auto new_epoch = b.map->epoch_of(shard);
  CHECK(new_epoch == old_epoch + 1);

  // The old owner's next write (a higher version, as it would make) is refused...
  CHECK(save_sync(store, snapshot{kind, "x", shard, 2, old_epoch, "stale two"})
        == store_status::stale);
  auto [status, loaded] = load_sync(store, kind, "x");
  REQUIRE(loaded.has_value());
  CHECK(loaded->version == 1);
  CHECK(loaded->body == "one");
  // ...the new owner's is not.
  CHECK(save_sync(store, snapshot{kind, "x", shard, 2, new_epoch, "two"}) == store_status::ok);
  // A released shard (no holder) refuses every write.
  pqxx::connection conn{migrated_dsn()};
  pqxx::nontransaction txn{conn};
  b.keeper->stop();
  txn.exec_params0("UPDATE shard_leases SET node = NULL WHERE cluster = $1 AND shard = $2", cluster,
                   shard);
  CHECK(save_sync(store, snapshot{kind, "x", shard, 3, new_epoch, "three"}) == store_status::stale);
}

TEST_CASE("a rejoining member gets its shards back a few at a time", "[lease]") {
  auto cluster = unique("rejoin");
  member a{cluster, "n1", 1}; // gives back one shard per renewal
  REQUIRE(a.keeper->wait_joined(10s));
  REQUIRE(eventually([&] { return a.map->shards_of(0) == shard_count; }));
  member b{cluster, "n2"};
  REQUIRE(b.keeper->wait_joined(10s));
  // A few at a time: on the way to all 8 of n2's home shards, partial counts are seen (one
  // comes back per renewal; the count is polled several times per renewal).
  std::set<int64_t> seen;
  REQUIRE(eventually([&] {
    auto n = b.map->shards_of(1);
    seen.insert(n);
    return n == 8 && a.map->shards_of(0) == 8;
  }));
  INFO("counts seen on the way");
  CHECK(std::any_of(seen.begin(), seen.end(), [](int64_t n) { return n >= 1 && n < 8; }));
  REQUIRE(eventually([&] { return a.keeper->view().settled; }));
}

TEST_CASE("drain hands every shard to the others and undrain brings them back", "[lease]") {
  auto cluster = unique("drain");
  member a{cluster, "n1", 16};
  member b{cluster, "n2", 16};
  REQUIRE(eventually([&] { return a.keeper->view().settled && b.keeper->view().settled; }));
  std::promise<outcome> drained;
  a.keeper->set_state("n2", "draining", [&](outcome o) { drained.set_value(o); });
  CHECK(outcome_of(drained).error == refusal::none);
  REQUIRE(eventually([&] { return a.map->shards_of(0) == shard_count; }));
  CHECK(b.map->shards_of(1) == 0);
  std::promise<outcome> unknown;
  a.keeper->set_state("n9", "draining", [&](outcome o) { unknown.set_value(o); });
  CHECK(outcome_of(unknown).error == refusal::not_found);
  std::promise<outcome> back;
  b.keeper->set_state("n2", "active", [&](outcome o) { back.set_value(o); });
  CHECK(outcome_of(back).error == refusal::none);
  REQUIRE(eventually([&] { return b.map->shards_of(1) == 8; }));
  // An operator move places one shard elsewhere, and moving it home again undoes it.
  std::promise<outcome> moved;
  a.keeper->move_shard(1, "n1", [&](outcome o) { moved.set_value(o); });
  CHECK(outcome_of(moved).error == refusal::none);
  REQUIRE(eventually([&] { return a.map->owner_of(1) == 0 && b.map->owner_of(1) == 0; }));
  std::promise<outcome> home;
  a.keeper->move_shard(1, "n2", [&](outcome o) { home.set_value(o); });
  CHECK(outcome_of(home).error == refusal::none);
  REQUIRE(eventually([&] { return b.map->owner_of(1) == 1; }));
}
