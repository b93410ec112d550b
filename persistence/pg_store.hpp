#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "actors/runtime/store.hpp"

namespace lakoo::persistence {

/// How a `pg_store` reaches PostgreSQL. Filled by `nodes/` from `cluster.conf`.
struct pg_settings {
  std::string dsn;         ///< libpq connection string
  size_t max_batch = 1000; ///< most snapshots written by one group commit
  size_t readers = 2;      ///< load threads, one connection each
  /// Writer threads, one connection and one group commit each. A snapshot's (kind, id) always
  /// goes to the same writer, so its versions are written in order.
  size_t writers = 1;
  std::chrono::milliseconds retry_delay{200}; ///< least time between two failed connects
  /// The cluster whose shard leases fence the writes (`shard_leases.cluster`). Empty: no
  /// fencing (tools and tests that write without a cluster).
  std::string cluster{};
  /// With fencing: the server ends a writer transaction left idle this long (a paused or hung
  /// process), so its share locks cannot hold up the takeover of its shards. 0: no limit.
  std::chrono::milliseconds idle_txn_timeout{0};
  /// The kinds some `snapshot_feed` follows: only their writes record the writing transaction
  /// (`txid`), so the updates of every other kind stay HOT. Empty: every write records it.
  std::vector<std::string> followed_kinds{};
};

/// The PostgreSQL `snapshot_store`: group commit for saves, a small pool for loads.
///
/// Owned by the node (`nodes/`), built after `migrate()`, shared by all entity actors. Threads:
/// - `writers` writers, each with its own queue (a (kind, id) always queues at the same one): takes
///   everything queued (up to `max_batch`), keeps the highest version of each
///   (kind, id), and writes them with ONE autocommitted statement (one round trip, one
///   transaction, one fsync): it upserts the snapshots and adds the list entries of every
///   committed one (`list_entries`); then it answers every callback: `ok`, `stale` (refused by
///   version, or fenced) or `failed`. Fencing: the same statement share-locks the
///   `shard_leases` rows of the batch's shards and leaves out every snapshot whose epoch is not
///   its shard's current lease epoch (or whose shard is released), so a node that lost a shard
///   (paused, partitioned) can never overwrite the new owner's state; a takeover waits for
///   in-flight batches to commit;
/// - `readers` loaders, each with its own connection and prepared SELECTs (snapshot loads first,
///   then list pages).
///
/// Connections are opened lazily and dropped on errors; a broken database turns into `failed`
/// answers, never into a hang or an exception. Callbacks always run on these threads.
///
///     running --stop()/~pg_store--> draining (queued saves committed, loads answered) --> stopped
///
/// Calls after `stop()` are answered `failed` (still off the caller's thread).
class pg_store final : public runtime::snapshot_store, public runtime::list_reader {
public:
  explicit pg_store(pg_settings settings);
  ~pg_store() override;

  pg_store(const pg_store&) = delete;
  pg_store& operator=(const pg_store&) = delete;

  void save(runtime::snapshot s, save_callback done) override;
  void load(std::string kind, std::string id, load_callback done) override;
  void read_list(std::string list, int64_t after_sort, std::string after_item, size_t limit,
                 page_callback done) override;

  /// Commits the pending saves, answers the pending loads, joins the threads. Idempotent;
  /// blocks, so call it from `main` during shutdown, never from an actor or a callback.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace lakoo::persistence
