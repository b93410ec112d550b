#include "persistence/migrations.hpp"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include <pqxx/pqxx>

#include "persistence/log.hpp"

namespace lakoo::persistence {

namespace {

struct migration {
  int version;
  const char* name;
  const char* sql;
};

// Append only: never edit or reorder an entry once it has been released; fix forward with a
// new one. Each must also be safe for nodes still running the previous release.
const std::vector<migration>& all_migrations() {
  static const std::vector<migration> list = {
    {1, "snapshots",
     "CREATE TABLE snapshots ("
     "  kind text NOT NULL,"
     "  id text NOT NULL,"
     "  shard int NOT NULL,"
     "  version bigint NOT NULL,"
     "  epoch bigint NOT NULL,"
     "  body bytea NOT NULL,"
     "  updated_at timestamptz NOT NULL DEFAULT now(),"
     "  PRIMARY KEY (kind, id));"
     "CREATE INDEX snapshots_shard_idx ON snapshots (shard);"},
    // The transaction that last wrote each row: `snapshot_feed` follows committed changes by it.
    {2, "snapshot_feed",
     "ALTER TABLE snapshots ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();"
     "CREATE INDEX snapshots_catalog_feed_idx ON snapshots (txid)"
     "  WHERE kind IN ('product', 'sku');"},
    // Durable timers: when an entity wants to be woken (unix ms); `wake_poller` follows it.
    {3, "wake_at",
     "ALTER TABLE snapshots ADD COLUMN wake_at bigint;"
     "CREATE INDEX snapshots_wake_idx ON snapshots (wake_at) WHERE wake_at IS NOT NULL;"},
    // Durable lists (order books), written with the snapshots that add to them.
    {4, "list_entries",
     "CREATE TABLE list_entries ("
     "  list text NOT NULL,"
     "  sort bigint NOT NULL,"
     "  item text NOT NULL,"
     "  PRIMARY KEY (list, sort, item));"},
    // The post index (trending, explore, for-you) follows committed posts like the catalog.
    {5, "post_feed",
     "CREATE INDEX snapshots_post_feed_idx ON snapshots (txid) WHERE kind = 'post';"},
    // Cluster operations: members (one row per node, renewed by its lease keeper), shard
    // leases (the fencing epoch every snapshot write is checked against) and operator moves.
    // Keyed by cluster name so several clusters (tests) can share one database.
    {6, "shard_leases",
     "CREATE SEQUENCE node_incarnations;"
     "CREATE TABLE cluster_members ("
     "  cluster text NOT NULL,"
     "  node text NOT NULL,"
     "  incarnation bigint NOT NULL,"
     "  state text NOT NULL DEFAULT 'active',"
     "  address text NOT NULL DEFAULT '',"
     "  expires_at timestamptz NOT NULL,"
     "  started_at timestamptz NOT NULL DEFAULT now(),"
     "  PRIMARY KEY (cluster, node));"
     "CREATE TABLE shard_leases ("
     "  cluster text NOT NULL,"
     "  shard int NOT NULL,"
     "  node text,"
     "  incarnation bigint NOT NULL DEFAULT 0,"
     "  epoch bigint NOT NULL DEFAULT 0,"
     "  acquired_at timestamptz,"
     "  PRIMARY KEY (cluster, shard));"
     "CREATE TABLE shard_moves ("
     "  cluster text NOT NULL,"
     "  shard int NOT NULL,"
     "  target text NOT NULL,"
     "  requested_at timestamptz NOT NULL DEFAULT now(),"
     "  PRIMARY KEY (cluster, shard));"},
    // Room on each page for a row's next version, so snapshot updates can be HOT (no new index
    // entries). Applies to pages written from now on.
    {7, "snapshots_fillfactor", "ALTER TABLE snapshots SET (fillfactor = 85);"},
    // Bodies over ~2 KB (inboxes, carts) are compressed on every write: lz4 costs the single
    // writer connection far less CPU than the default pglz. Applies to values written from now.
    {8, "snapshots_lz4", "ALTER TABLE snapshots ALTER COLUMN body SET COMPRESSION lz4;"},
  };
  return list;
}

// Any constant works as long as nothing else in the database uses it: "LAKOOMIG" in ASCII.
constexpr int64_t migration_lock_key = 0x4c414b4f4f4d4947;

} // namespace

int latest_migration() {
  return all_migrations().back().version;
}

void migrate(const std::string& dsn) {
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(dsn);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string{"migrations: cannot connect to PostgreSQL: "} + e.what());
  }
  int step = 0; // the migration being applied; 0 before, -1 while committing
  try {
    pqxx::work txn{*conn, "migrate"};
    txn.exec_params("SELECT pg_advisory_xact_lock($1)", migration_lock_key);
    // Created under the lock: concurrent CREATE ... IF NOT EXISTS can still collide in pg_type.
    txn.exec0("CREATE TABLE IF NOT EXISTS schema_migrations ("
              "  version int PRIMARY KEY,"
              "  applied_at timestamptz DEFAULT now())");
    auto current
      = txn.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations")[0].as<int>();
    if (current > latest_migration()) {
      log().warn("[migrations] database is at version {}, newer than this binary's {}", current,
                 latest_migration());
    }
    int applied = 0;
    for (const auto& m : all_migrations()) {
      if (m.version <= current) {
        continue;
      }
      step = m.version;
      txn.exec0(m.sql, std::string{"migration "} + m.name);
      txn.exec_params0("INSERT INTO schema_migrations(version) VALUES ($1)", m.version);
      log().info("[migrations] applied {} ({})", m.version, m.name);
      ++applied;
    }
    step = -1;
    txn.commit();
    if (applied == 0) {
      log().debug("[migrations] schema is up to date at version {}", current);
    }
  } catch (const std::exception& e) {
    auto what = step == 0    ? std::string{"migrations: cannot read schema_migrations: "}
                : step == -1 ? std::string{"migrations: commit failed: "}
                             : "migrations: migration " + std::to_string(step) + " failed: ";
    throw std::runtime_error(what + e.what());
  }
}

} // namespace lakoo::persistence
