#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "actors/runtime/cluster_control.hpp"
#include "actors/runtime/lease_policy.hpp"

namespace lakoo::runtime {

/// The cluster as one renewal of a membership read it (in the renewal's transaction).
struct lease_snapshot {
  std::string state;                ///< this member's after the renewal: active|draining|leaving
  std::vector<member_view> members; ///< every member that ever joined, by node id; `shards` 0
  std::vector<std::pair<int32_t, lease_row>> leases;  ///< (shard, lease), by shard
  std::vector<std::pair<int32_t, std::string>> moves; ///< operator placements (shard, node)
};

/// Where the lease keeper (nodes/lease_keeper) keeps the shard leases of ONE member (a node id)
/// of ONE cluster: the membership table, one lease row per shard with its fencing epoch, and the
/// operator's moves. Implemented by `persistence::pg_lease_store`; tests use an in-memory one.
///
/// Every call is synchronous, made from the keeper's thread only (never two at once), and
/// commits what it reports before returning. Failure is an exception, which means "this step
/// failed, try it again next tick":
/// - `unreachable`: no connection could be made (the store has logged it and waits its retry
///   delay before the next attempt);
/// - anything else: the keeper logs it and calls `reset(e)`; the store drops its connection
///   (it may be broken) and the next call opens a new one.
class lease_store {
public:
  /// The store could not reach its database (already logged by the store).
  struct unreachable : std::runtime_error {
    using std::runtime_error::runtime_error;
  };

  virtual ~lease_store() = default;

  /// Joins under a fresh incarnation (state `active`, unless an operator left this node
  /// `draining`), live for `lease`, and makes sure the lease rows of shards 0..shard_count-1
  /// exist. Returns the incarnation.
  virtual int64_t join(const std::string& address, std::chrono::milliseconds lease,
                       int32_t shard_count)
    = 0;

  /// Extends membership `incarnation` by `lease` (and marks it `leaving` if `leaving`), then
  /// reads the cluster. `nullopt`: the membership had already expired; it is never revived.
  virtual std::optional<lease_snapshot> renew(int64_t incarnation, bool leaving,
                                              std::chrono::milliseconds lease)
    = 0;

  /// Takes `shard` for membership `incarnation` if its epoch is still `expected_epoch` and its
  /// holder is not a live member; the new epoch (`expected_epoch + 1`). `nullopt`: someone else
  /// was faster, or the old owner's writer still held the row after `lock_timeout`.
  virtual std::optional<int64_t> acquire(int32_t shard, int64_t incarnation, int64_t expected_epoch,
                                         std::chrono::milliseconds lock_timeout)
    = 0;

  /// Releases those of `shards` that membership `incarnation` holds: (shard, epoch) of each.
  virtual std::vector<std::pair<int32_t, int64_t>> release(int64_t incarnation,
                                                           const std::vector<int32_t>& shards)
    = 0;

  /// Ends membership `incarnation` at once, so the survivors may take what it still holds.
  virtual void expire(int64_t incarnation) = 0;

  /// Operator: sets member `node` to `state` (active | draining); false if it never joined.
  virtual bool set_state(const std::string& node, const std::string& state) = 0;

  /// Operator: places `shard` on `node`; `home` (node is the shard's home node) removes the
  /// placement instead.
  virtual void move_shard(int32_t shard, const std::string& node, bool home) = 0;

  /// A call threw `failure` (not `unreachable`): drop the connection, the next call reopens it.
  virtual void reset(const std::exception& failure) = 0;
};

} // namespace lakoo::runtime
