#pragma once

#include <memory>
#include <string>

#include "actors/runtime/lease_store.hpp"
#include "persistence/pg_store.hpp"

namespace lakoo::persistence {

/// The PostgreSQL `runtime::lease_store`: the tables of migration 6 (`cluster_members`,
/// `shard_leases`, `shard_moves`, the sequence `node_incarnations`), rows of `cluster` only, for
/// member `node_id`.
///
/// Owned by the node's lease keeper (nodes/lease_keeper) and called from its thread only. One
/// connection, opened on first use, dropped by `reset` and reopened on the next call (no sooner
/// than `db.retry_delay` after a failed attempt; while none can be made, calls throw
/// `unreachable`). Each call is one short transaction (`acquire`: one per shard, with a
/// `lock_timeout`, so a takeover never waits long on a paused writer's lock).
class pg_lease_store final : public runtime::lease_store {
public:
  pg_lease_store(pg_settings db, std::string cluster, std::string node_id);
  ~pg_lease_store() override;

  pg_lease_store(const pg_lease_store&) = delete;
  pg_lease_store& operator=(const pg_lease_store&) = delete;

  int64_t join(const std::string& address, std::chrono::milliseconds lease,
               int32_t shard_count) override;
  std::optional<runtime::lease_snapshot> renew(int64_t incarnation, bool leaving,
                                               std::chrono::milliseconds lease) override;
  std::optional<int64_t> acquire(int32_t shard, int64_t incarnation, int64_t expected_epoch,
                                 std::chrono::milliseconds lock_timeout) override;
  std::vector<std::pair<int32_t, int64_t>> release(int64_t incarnation,
                                                   const std::vector<int32_t>& shards) override;
  void expire(int64_t incarnation) override;
  bool set_state(const std::string& node, const std::string& state) override;
  void move_shard(int32_t shard, const std::string& node, bool home) override;
  void reset(const std::exception& failure) override;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace lakoo::persistence
