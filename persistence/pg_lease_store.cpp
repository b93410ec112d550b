#include "persistence/pg_lease_store.hpp"

#include "persistence/pg_link.hpp"

namespace lakoo::persistence {

using runtime::lease_row;
using runtime::member_view;

namespace {

std::string int_array(const std::vector<int32_t>& xs) {
  std::string out = "{";
  for (auto x : xs) {
    out += (out.size() > 1 ? "," : "") + std::to_string(x);
  }
  return out + "}";
}

} // namespace

struct pg_lease_store::impl {
  std::string cluster;
  std::string node_id;
  db_link link;

  impl(const pg_settings& db, std::string cluster_name, std::string node)
      : cluster(std::move(cluster_name)),
        node_id(std::move(node)),
        link("lease " + node_id, db, nullptr) {}

  /// The connection, or `lease_store::unreachable` (logged by the link).
  pqxx::connection& conn() {
    try {
      return link.get();
    } catch (const unreachable& e) {
      throw runtime::lease_store::unreachable{e.what()};
    }
  }

  std::string tag(int64_t incarnation) const { return node_id + "#" + std::to_string(incarnation); }
};

pg_lease_store::pg_lease_store(pg_settings db, std::string cluster, std::string node_id)
    : impl_(std::make_unique<impl>(db, std::move(cluster), std::move(node_id))) {}

pg_lease_store::~pg_lease_store() = default;

int64_t pg_lease_store::join(const std::string& address, std::chrono::milliseconds lease,
                             int32_t shard_count) {
  pqxx::work txn{impl_->conn(), "lease_join"};
  auto inc = txn.exec1("SELECT nextval('node_incarnations')")[0].as<int64_t>();
  txn.exec_params0(
    "INSERT INTO cluster_members(cluster, node, incarnation, state, address, expires_at)"
    " VALUES ($1, $2, $3, 'active', $4, now() + $5 * interval '1 millisecond')"
    " ON CONFLICT (cluster, node) DO UPDATE SET incarnation = excluded.incarnation,"
    "  state = CASE WHEN cluster_members.state = 'draining' THEN 'draining' ELSE 'active' END,"
    "  address = excluded.address, expires_at = excluded.expires_at, started_at = now()",
    impl_->cluster, impl_->node_id, inc, address, static_cast<int64_t>(lease.count()));
  txn.exec_params0("INSERT INTO shard_leases(cluster, shard)"
                   " SELECT $1, generate_series(0, $2 - 1) ON CONFLICT DO NOTHING",
                   impl_->cluster, shard_count);
  txn.commit();
  return inc;
}

std::optional<runtime::lease_snapshot> pg_lease_store::renew(int64_t incarnation, bool leaving,
                                                             std::chrono::milliseconds lease) {
  const auto& cluster = impl_->cluster;
  pqxx::work txn{impl_->conn(), "lease_tick"};
  auto renewed = txn.exec_params(
    "UPDATE cluster_members SET expires_at = now() + $4 * interval '1 millisecond',"
    " state = CASE WHEN $5 THEN 'leaving' ELSE state END"
    " WHERE cluster = $1 AND node = $2 AND incarnation = $3 AND expires_at > now()"
    " RETURNING state",
    cluster, impl_->node_id, incarnation, static_cast<int64_t>(lease.count()), leaving);
  if (renewed.empty()) {
    txn.commit();
    return std::nullopt;
  }
  runtime::lease_snapshot out;
  out.state = renewed[0][0].as<std::string>();
  auto member_rows = txn.exec_params(
    "SELECT node, incarnation, state, expires_at > now(), address FROM cluster_members"
    " WHERE cluster = $1 ORDER BY node",
    cluster);
  auto lease_rows = txn.exec_params(
    "SELECT l.shard, coalesce(l.node, ''), l.incarnation, l.epoch,"
    " EXISTS (SELECT 1 FROM cluster_members m WHERE m.cluster = l.cluster AND m.node = l.node"
    "  AND m.incarnation = l.incarnation AND m.expires_at > now())"
    " FROM shard_leases l WHERE l.cluster = $1 ORDER BY l.shard",
    cluster);
  auto move_rows
    = txn.exec_params("SELECT shard, target FROM shard_moves WHERE cluster = $1", cluster);
  txn.commit();
  for (const auto& r : member_rows) {
    out.members.push_back(member_view{r[0].as<std::string>(), r[1].as<int64_t>(),
                                      r[2].as<std::string>(), r[3].as<bool>(),
                                      r[4].as<std::string>(), 0});
  }
  for (const auto& r : lease_rows) {
    out.leases.emplace_back(
      r[0].as<int32_t>(),
      lease_row{r[1].as<std::string>(), r[2].as<int64_t>(), r[3].as<int64_t>(), r[4].as<bool>()});
  }
  for (const auto& r : move_rows) {
    out.moves.emplace_back(r[0].as<int32_t>(), r[1].as<std::string>());
  }
  return out;
}

std::optional<int64_t> pg_lease_store::acquire(int32_t shard, int64_t incarnation,
                                               int64_t expected_epoch,
                                               std::chrono::milliseconds lock_timeout) {
  try {
    pqxx::work txn{impl_->conn(), "lease_acquire"};
    txn.exec0("SET LOCAL lock_timeout = " + std::to_string(lock_timeout.count()));
    auto r = txn.exec_params(
      "UPDATE shard_leases l SET node = $3, incarnation = $4, epoch = l.epoch + 1,"
      " acquired_at = now()"
      " WHERE l.cluster = $1 AND l.shard = $2 AND l.epoch = $5 AND NOT EXISTS ("
      "  SELECT 1 FROM cluster_members m WHERE m.cluster = l.cluster AND m.node = l.node"
      "  AND m.incarnation = l.incarnation AND m.expires_at > now())"
      " RETURNING l.epoch",
      impl_->cluster, shard, impl_->node_id, incarnation, expected_epoch);
    txn.commit();
    if (r.empty()) {
      return std::nullopt;
    }
    return r[0][0].as<int64_t>();
  } catch (const pqxx::sql_error& e) {
    if (e.sqlstate() != "55P03") { // lock_not_available
      throw;
    }
    log().info("[lease {}] shard {} is still locked by its old owner's writer; retrying",
               impl_->tag(incarnation), shard);
    return std::nullopt;
  }
}

std::vector<std::pair<int32_t, int64_t>>
pg_lease_store::release(int64_t incarnation, const std::vector<int32_t>& shards) {
  pqxx::work txn{impl_->conn(), "lease_release"};
  auto res = txn.exec_params("UPDATE shard_leases SET node = NULL, incarnation = 0"
                             " WHERE cluster = $1 AND shard = ANY($2::int[]) AND node = $3"
                             " AND incarnation = $4 RETURNING shard, epoch",
                             impl_->cluster, int_array(shards), impl_->node_id, incarnation);
  txn.commit();
  std::vector<std::pair<int32_t, int64_t>> out;
  for (const auto& r : res) {
    out.emplace_back(r[0].as<int32_t>(), r[1].as<int64_t>());
  }
  return out;
}

void pg_lease_store::expire(int64_t incarnation) {
  pqxx::work txn{impl_->conn(), "lease_leave"};
  txn.exec_params0("UPDATE cluster_members SET expires_at = now() - interval '1 millisecond'"
                   " WHERE cluster = $1 AND node = $2 AND incarnation = $3",
                   impl_->cluster, impl_->node_id, incarnation);
  txn.commit();
}

bool pg_lease_store::set_state(const std::string& node, const std::string& state) {
  pqxx::work txn{impl_->conn(), "lease_state"};
  auto r = txn.exec_params("UPDATE cluster_members SET state = $3"
                           " WHERE cluster = $1 AND node = $2 RETURNING node",
                           impl_->cluster, node, state);
  txn.commit();
  return !r.empty();
}

void pg_lease_store::move_shard(int32_t shard, const std::string& node, bool home) {
  pqxx::work txn{impl_->conn(), "lease_move"};
  if (home) {
    txn.exec_params0("DELETE FROM shard_moves WHERE cluster = $1 AND shard = $2", impl_->cluster,
                     shard);
  } else {
    txn.exec_params0("INSERT INTO shard_moves(cluster, shard, target) VALUES ($1, $2, $3)"
                     " ON CONFLICT (cluster, shard) DO UPDATE SET target = excluded.target,"
                     " requested_at = now()",
                     impl_->cluster, shard, node);
  }
  txn.commit();
}

void pg_lease_store::reset(const std::exception& failure) {
  impl_->link.reset(failure);
}

} // namespace lakoo::persistence
