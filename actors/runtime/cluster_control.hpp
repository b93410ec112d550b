#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace lakoo::runtime {

/// One member as this node last read it.
struct member_view {
  std::string node;
  int64_t incarnation = 0;
  std::string state; ///< active | draining | leaving
  bool live = false; ///< its membership has not expired
  std::string address;
  int64_t shards = 0; ///< leases it holds
};

/// Shard placement as this node last read it (the operator console shows it).
struct placement_view {
  int64_t incarnation = 0; ///< this node's
  std::string state;       ///< this node's
  bool member = false;     ///< this node's membership is current
  bool settled = false;    ///< every shard is held by a live node and by the node it belongs on
  std::vector<member_view> members;
  std::vector<std::string> owner; ///< per shard: the live holder's node id ("" = none)
  std::vector<int64_t> epoch;     ///< per shard
  std::vector<std::pair<int32_t, std::string>> moves; ///< operator placements
};

/// What the operator console may ask of the cluster (implemented by the lease keeper).
class cluster_control {
public:
  virtual ~cluster_control() = default;
  /// Why a command was not carried out (`none`: it was, and is committed).
  enum class refusal { none, not_found, invalid, unavailable };
  struct outcome {
    refusal error = refusal::none;
    std::string message{};
  };
  /// Runs once with the command's outcome, on another thread.
  using command_done = std::function<void(outcome)>;

  virtual placement_view view() const = 0;
  /// `state` "active" or "draining" for member `node`.
  virtual void set_state(std::string node, std::string state, command_done done) = 0;
  /// Place `shard` on `node` (its home node: back to the default placement).
  virtual void move_shard(int32_t shard, std::string node, command_done done) = 0;
};

} // namespace lakoo::runtime
