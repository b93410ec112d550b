#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "persistence/pg_store.hpp"

namespace lakoo::persistence {

/// Fires the durable timers of the shards this node serves (including shards it has just taken
/// over, so a dead node's sagas and deadlines resume on their new owner): every `interval` it reads
/// the snapshots whose `wake_at` has passed (`snapshots_wake_idx`) and calls `on_due(kind, id)` for
/// each, so the owning node activates the entity and lets it catch up (a payment deadline, a saga
/// step interrupted by a crash). The entity then writes its next `wake_at` (or none).
///
/// A key that is still due is not fired again within `quiet` (the entity is being woken; it may
/// be waiting on another node). One thread; `on_due` runs on it and must only hand off (e.g.
/// `caf::anon_send`). A database outage only delays the timers.
class wake_poller {
public:
  using due_handler = std::function<void(const std::string& kind, const std::string& id)>;

  /// The shards this node serves right now (they change as leases move): read at every poll.
  using shard_source = std::function<std::vector<int32_t>()>;

  wake_poller(pg_settings settings, shard_source shards, std::chrono::milliseconds interval,
              std::chrono::milliseconds quiet, due_handler on_due);
  ~wake_poller();

  wake_poller(const wake_poller&) = delete;
  wake_poller& operator=(const wake_poller&) = delete;

  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace lakoo::persistence
