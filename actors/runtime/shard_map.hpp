#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lakoo::runtime {

/// Maps entity keys (`kind:id`) to shards, and holds this node's view of who owns each shard.
///
/// `shard = fnv1a64(key) mod shard_count`, stable across processes and versions.
///
/// Ownership: a *static* map (tests, tools) assigns shards round-robin over the nodes with
/// epoch 1 and never changes. A *leased* map starts with every shard unowned; the node's lease
/// keeper (nodes/lease_keeper) fills it from the `shard_leases` table and keeps it current:
/// `assign` per shard, `set_lease_deadline` after each renewal of this node's membership,
/// `set_handing_off` while a shard is being handed to another node. Every read is lock-free, so
/// the router, the entities and the edge read it from any thread.
class shard_map {
public:
  static constexpr size_t nobody = static_cast<size_t>(-1);
  using clock = std::chrono::steady_clock;

  /// A static map: round-robin, epoch 1, leases never expire.
  shard_map(std::vector<std::string> node_ids, int32_t shard_count);
  /// A leased map (`leased = true`): nothing owned until `assign`.
  shard_map(std::vector<std::string> node_ids, int32_t shard_count, bool leased);

  int32_t shard_of(const std::string& key) const;
  /// Index into `node_ids()` of the node owning `shard`, or `nobody` (unowned or moving).
  size_t owner_of(int32_t shard) const;
  /// The fencing epoch of `shard` as this node knows it (0 before the first lease).
  int64_t epoch_of(int32_t shard) const;
  /// Whether node `me` may act for `shard` right now: it owns it, its lease is still valid by
  /// its own clock, and the shard is not being handed off.
  bool serves(int32_t shard, size_t me) const;

  void assign(int32_t shard, size_t owner, int64_t epoch);
  void set_handing_off(int32_t shard, bool on);
  bool handing_off(int32_t shard) const;
  /// Until when (by this process's steady clock) this node's leases are surely still its own.
  void set_lease_deadline(clock::time_point t);
  bool lease_valid() const;

  const std::vector<std::string>& node_ids() const { return node_ids_; }
  int32_t shard_count() const { return shard_count_; }
  /// Number of shards owned by node `index` in this view.
  int64_t shards_of(size_t index) const;
  /// The shards node `index` owns in this view, ascending.
  std::vector<int32_t> owned_by(size_t index) const;
  /// Index of `node_id` in `node_ids()`, or `nobody`.
  size_t index_of(const std::string& node_id) const;

  static uint64_t fnv1a64(const std::string& s);

private:
  // One word per shard: epoch << 16 | (owner + 1), 0 = unowned.
  static uint64_t pack(size_t owner, int64_t epoch);
  std::vector<std::string> node_ids_;
  int32_t shard_count_;
  std::unique_ptr<std::atomic<uint64_t>[]> slots_;
  std::unique_ptr<std::atomic<bool>[]> handing_off_;
  std::atomic<int64_t> deadline_ns_;
};

/// `kind` of a key `kind:id` (all of the key if it has no colon).
std::string kind_of(const std::string& key);
/// `id` of a key `kind:id`.
std::string id_of(const std::string& key);

} // namespace lakoo::runtime
