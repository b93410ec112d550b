#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/runtime/cluster_control.hpp"
#include "actors/runtime/lease_store.hpp"
#include "actors/runtime/shard_map.hpp"

namespace lakoo::node {

/// How a node takes part in shard ownership. Filled by `main` from `cluster.conf`.
struct lease_settings {
  std::string cluster = "lakoo"; ///< the cluster it joins (its `lease_store` works on the same)
  std::string node_id;           ///< this node (its `lease_store` writes as the same)
  std::string address;           ///< host:http_port, shown to operators
  /// A member that has not renewed for this long is dead: its shards are taken over.
  std::chrono::milliseconds lease{3000};
  /// How often the keeper renews, reads the placement and acquires or releases shards.
  std::chrono::milliseconds renew{500};
  /// Safety margin: this node stops serving this long before its lease could expire.
  std::chrono::milliseconds margin{500};
  /// Shards a node gives back per renewal while rebalancing to a (re)joined node.
  int rebalance_per_tick = 4;
  /// Shards a draining or leaving node hands off per renewal.
  int drain_per_tick = 32;
};

/// Keeps this node's shard leases in a `runtime::lease_store` (PostgreSQL:
/// `persistence::pg_lease_store`) and its `shard_map` in step with them.
///
/// One thread, which alone calls the store. Every `renew` it:
/// 1. renews this node's membership (node id + incarnation, a fresh incarnation at every start).
///    A membership found expired (the process was paused or cut off longer than `lease`) is
///    never revived: the node drops every shard, stops their entities, and joins again as a new
///    incarnation;
/// 2. reads members, leases and operator moves; `runtime::plan_leases` (actors/runtime/
///    lease_policy.hpp) says where each shard belongs: its move target, else its home node
///    (`shard mod nodes`, the static layout), else the live active member with the highest
///    rendezvous hash — the same answer on every node;
/// 3. acquires (compare-and-set on the epoch, which grows by one) the shards that belong here
///    and whose holder is gone or released them; during its first `lease` after joining a node
///    takes only its home shards, so a cold start does not pile everything on the first node;
/// 4. hands off at most `rebalance_per_tick` (draining: `drain_per_tick`) shards that belong
///    elsewhere: marks them handing off (the router answers 503 for them), asks `handoff` to stop
///    their entities gracefully, and releases the leases once they are gone.
/// Operator commands and finished handoffs wake the thread between renewals; a step that throws
/// (the store's database is away) is tried again on the next one.
///
///     (start) --join--> member --renew finds it expired: drop every shard--> (join again)
///                         |--leave(): hand everything off, expire--> left (no more renewals)
///
/// The local lease deadline (`shard_map::set_lease_deadline`) is the start of the last successful
/// renewal plus `lease - margin`, measured on this process's steady clock: a paused process stops
/// serving before anyone may take its shards. Snapshot writes are fenced by the epochs
/// (`persistence::pg_store`), so even a process that resumes after losing its shards cannot write.
class lease_keeper final : public runtime::cluster_control {
public:
  /// Stops the entities of `shards` gracefully, then calls `done(all_stopped)` from any thread.
  /// Must not block.
  using handoff_fn
    = std::function<void(std::vector<int32_t> shards, std::function<void(bool)> done)>;
  /// Ownership of some shard changed (this node lost one or got a new epoch); must not block.
  using changed_fn = std::function<void()>;

  /// Starts the thread. `store` must be for `settings.cluster` and `settings.node_id`.
  lease_keeper(std::unique_ptr<runtime::lease_store> store, lease_settings settings,
               std::shared_ptr<runtime::shard_map> map, handoff_fn handoff, changed_fn changed);
  ~lease_keeper() override;

  lease_keeper(const lease_keeper&) = delete;
  lease_keeper& operator=(const lease_keeper&) = delete;

  /// Blocks until this node has joined and read the placement once (or `timeout`).
  bool wait_joined(std::chrono::milliseconds timeout);

  /// Graceful exit: hands every shard off (bounded by `budget`), then expires the membership so
  /// the rest is taken at once. Blocks; call from `main`.
  void leave(std::chrono::milliseconds budget);
  /// Stops the thread (without releasing anything: leases then expire). Idempotent.
  void stop();

  runtime::placement_view view() const override;
  /// `done` runs on the keeper's thread once the change is committed.
  void set_state(std::string node, std::string state, command_done done) override;
  void move_shard(int32_t shard, std::string node, command_done done) override;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace lakoo::node
