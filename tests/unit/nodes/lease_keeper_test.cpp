// The lease keeper's state machine against an in-memory lease store (no PostgreSQL): joining,
// taking shards, handing them off, losing a membership, losing a race, operator commands and
// leaving. The same keeper against PostgreSQL: tests/integration/lease_test.cpp.

#include "nodes/lease_keeper.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "actors/runtime/metrics.hpp"
#include "tests/support/lease_member.hpp"
#include "tests/support/wait.hpp"
#include "tests/unit/nodes/memory_lease_store.hpp"

namespace {

using lakoo::runtime::shard_map;
using lakoo::test::eventually;
using lakoo::test::lease_member;
using lakoo::test::lease_settings_of;
using lakoo::test::memory_lease_store;
using lakoo::test::memory_leases;
using lakoo::test::outcome_of;
using outcome = lakoo::runtime::cluster_control::outcome;
using refusal = lakoo::runtime::cluster_control::refusal;
using namespace std::chrono_literals;

constexpr int32_t shard_count = 8; // home: even shards on n1, odd ones on n2
constexpr auto patience = 10s;

/// Node `id` on `db`: a lease of 300 ms renewed every 20 ms.
struct member : lease_member {
  member(std::shared_ptr<memory_leases> db, const std::string& id, int rebalance = 4)
      : lease_member(std::make_unique<memory_lease_store>(std::move(db), id),
                     lease_settings_of("unit", id, 300ms, 20ms, 100ms, rebalance), shard_count) {}
};

uint64_t lease_events(const char* event) {
  return lakoo::runtime::metrics::global()
    .counter_of("lakoo_shard_lease_events_total", std::string{"event=\""} + event + "\"")
    .value();
}

} // namespace

TEST_CASE("a lone member takes its home shards first and the others after its first lease",
          "[lease][node]") {
  auto db = std::make_shared<memory_leases>();
  member a{db, "n1"};
  REQUIRE(a.keeper->wait_joined(patience));
  REQUIRE(eventually([&] { return a.settled_with(shard_count); }, patience));
  // While in its first lease only its home shards (the even ones), then the rest.
  auto got = db->acquisitions();
  REQUIRE(got.size() == shard_count);
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("acquisition " << i << ": shard " << got[i].second);
    CHECK(got[i].first == "n1");
    CHECK(got[i].second % 2 == (i < 4 ? 0 : 1));
  }
  auto view = a.keeper->view();
  CHECK(view.member);
  CHECK(view.state == "active");
  CHECK(view.incarnation == db->member_of("n1")->incarnation);
  REQUIRE(view.members.size() == 1);
  CHECK(view.members[0].shards == shard_count);
  for (int32_t s = 0; s < shard_count; ++s) {
    CHECK(db->lease_of(s).epoch == 1);
    CHECK(a.map->epoch_of(s) == 1);
    CHECK(view.owner[static_cast<size_t>(s)] == "n1");
    CHECK(a.map->serves(s, a.index));
  }
  CHECK(a.changes.load() > 0);
}

TEST_CASE("a member that joins gets its home shards back rebalance_per_tick at a time",
          "[lease][node]") {
  auto db = std::make_shared<memory_leases>();
  member a{db, "n1", 1};
  REQUIRE(eventually([&] { return a.settled_with(shard_count); }, patience));
  member b{db, "n2"};
  REQUIRE(eventually([&] { return a.settled_with(4) && b.settled_with(4); }, patience));
  // n1 handed off and released one shard per renewal, each of them n2's.
  std::vector<int32_t> handed;
  for (const auto& h : a.handed_off()) {
    CHECK(h.size() == 1);
    handed.insert(handed.end(), h.begin(), h.end());
  }
  std::sort(handed.begin(), handed.end());
  CHECK(handed == std::vector<int32_t>{1, 3, 5, 7});
  for (const auto& r : db->releases()) {
    CHECK(r.size() == 1);
  }
  CHECK(b.handed_off().empty());
  for (int32_t s = 1; s < shard_count; s += 2) {
    CHECK(db->lease_of(s).node == "n2");
    CHECK(db->lease_of(s).epoch == 2); // taken by n1, then by n2
    CHECK(b.map->epoch_of(s) == 2);
    CHECK(a.map->owner_of(s) == b.index); // n1 follows
    CHECK_FALSE(a.map->handing_off(s));
  }
}

TEST_CASE("a member whose membership expired drops every shard and joins again as a new "
          "incarnation",
          "[lease][node]") {
  auto db = std::make_shared<memory_leases>();
  member a{db, "n1"};
  REQUIRE(eventually([&] { return a.settled_with(shard_count); }, patience));
  auto first = a.keeper->view().incarnation;
  auto expired = lease_events("expired");
  auto changes = a.changes.load();
  // As after a pause longer than the lease; its join is held back so the gap can be seen.
  db->set_failing_joins(true);
  db->expire_member("n1");
  REQUIRE(eventually([&] { return a.map->shards_of(a.index) == 0; }, patience));
  CHECK_FALSE(a.map->lease_valid());
  CHECK_FALSE(a.map->serves(0, a.index));
  CHECK(a.changes.load() > changes);
  CHECK(lease_events("expired") == expired + 1);
  REQUIRE(eventually([&] { return db->resets() > 0; }, patience)); // the failed join's
  // A join that keeps failing is retried at the renewal pace (20 ms here), not in a spin: a
  // quarter of a second holds at most a dozen or so (without the pause: 24 in one run).
  auto before = db->resets();
  auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  auto attempts = db->resets() - before;
  auto elapsed = std::chrono::steady_clock::now() - t0;
  CHECK(attempts > 0); // still trying
  CHECK(attempts
        <= 2 + std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() / 20);

  db->set_failing_joins(false);
  REQUIRE(eventually(
    [&] { return a.keeper->view().incarnation > first && a.settled_with(shard_count); }, patience));
  auto second = a.keeper->view().incarnation;
  CHECK(db->member_of("n1")->incarnation == second);
  for (int32_t s = 0; s < shard_count; ++s) {
    CHECK(db->lease_of(s).incarnation == second);
    CHECK(db->lease_of(s).epoch == 2); // a new epoch: the old incarnation's writes are fenced
    CHECK(a.map->epoch_of(s) == 2);
  }
}

TEST_CASE("an acquire that loses the race leaves the shard unowned until it wins",
          "[lease][node]") {
  auto db = std::make_shared<memory_leases>();
  db->set_lost_races({3});
  member a{db, "n1"};
  REQUIRE(eventually([&] { return a.map->shards_of(a.index) == shard_count - 1; }, patience));
  CHECK(a.map->owner_of(3) == shard_map::nobody);
  CHECK(a.map->epoch_of(3) == 0);
  CHECK_FALSE(a.map->serves(3, a.index));
  CHECK(db->lease_of(3).node.empty());
  auto view = a.keeper->view();
  CHECK_FALSE(view.settled);
  CHECK(view.owner[3].empty());

  db->set_lost_races({});
  REQUIRE(eventually([&] { return a.settled_with(shard_count); }, patience));
  CHECK(a.map->epoch_of(3) == 1);
}

TEST_CASE("operator commands reach the store and are unavailable while it is down",
          "[lease][node]") {
  auto db = std::make_shared<memory_leases>();
  member a{db, "n1"};
  REQUIRE(eventually([&] { return a.settled_with(shard_count); }, patience));
  auto ask_state = [&](const std::string& node, const std::string& state) {
    std::promise<outcome> p;
    a.keeper->set_state(node, state, [&](outcome o) { p.set_value(o); });
    return outcome_of(p);
  };
  auto ask_move = [&](int32_t shard, const std::string& node) {
    std::promise<outcome> p;
    a.keeper->move_shard(shard, node, [&](outcome o) { p.set_value(o); });
    return outcome_of(p);
  };
  CHECK(ask_state("n1", "paused").error == refusal::invalid);
  CHECK(ask_state("n2", "draining").error == refusal::not_found); // never joined
  CHECK(ask_move(shard_count, "n1").error == refusal::not_found);
  CHECK(ask_move(1, "n9").error == refusal::not_found);
  CHECK(ask_move(1, "n1").error == refusal::none); // shard 1's home is n2
  CHECK(db->moves() == std::map<int32_t, std::string>{{1, "n1"}});
  REQUIRE(eventually([&] { return a.keeper->view().moves.size() == 1; }, patience));
  CHECK(ask_move(1, "n2").error == refusal::none); // home again: the move is removed
  CHECK(db->moves().empty());

  db->set_down(true);
  auto down = ask_state("n1", "draining");
  CHECK(down.error == refusal::unavailable);
  CHECK(down.message == "the database is unreachable");
  // No renewal: the node stops serving at its local deadline, though it still holds the shards.
  REQUIRE(eventually([&] { return !a.map->lease_valid(); }, patience));
  CHECK(a.map->shards_of(a.index) == shard_count);
  CHECK_FALSE(a.map->serves(0, a.index));
  db->set_down(false);
  REQUIRE(eventually([&] { return a.map->serves(0, a.index); }, patience));
  CHECK(db->member_of("n1")->state == "active");
}

TEST_CASE("leaving hands every shard to the other member and ends the membership",
          "[lease][node]") {
  auto db = std::make_shared<memory_leases>();
  member a{db, "n1"};
  member b{db, "n2"};
  REQUIRE(eventually([&] { return a.settled_with(4) && b.settled_with(4); }, patience));
  a.keeper->leave(5s);
  CHECK(a.map->shards_of(a.index) == 0);
  CHECK_FALSE(a.map->lease_valid());
  CHECK_FALSE(db->is_live("n1"));
  CHECK(db->member_of("n1")->state == "leaving");
  REQUIRE(eventually([&] { return b.settled_with(shard_count); }, patience));
  for (int32_t s = 0; s < shard_count; s += 2) {
    CHECK(db->lease_of(s).node == "n2");
    CHECK(db->lease_of(s).epoch == 2);
  }
}
