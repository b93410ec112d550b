#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lakoo::runtime {

/// Maps entity keys (`kind:id`) to shards and shards to nodes.
///
/// `shard = fnv1a64(key) mod shard_count`, stable across processes and versions. Shards are
/// assigned round-robin over the nodes in `cluster.conf` order; every shard has epoch 1 until
/// shard leases (operations issue) move shards and bump epochs.
class shard_map {
public:
  shard_map(std::vector<std::string> node_ids, int32_t shard_count);

  int32_t shard_of(const std::string& key) const;
  /// Index into `node_ids()` of the node owning `shard`.
  size_t owner_of(int32_t shard) const;
  /// The fencing epoch of `shard` as this node knows it.
  int64_t epoch_of(int32_t shard) const;

  const std::vector<std::string>& node_ids() const { return node_ids_; }
  int32_t shard_count() const { return shard_count_; }
  /// Number of shards owned by node `index`.
  int64_t shards_of(size_t index) const;

  static uint64_t fnv1a64(const std::string& s);

private:
  std::vector<std::string> node_ids_;
  int32_t shard_count_;
};

/// `kind` of a key `kind:id` (all of the key if it has no colon).
std::string kind_of(const std::string& key);
/// `id` of a key `kind:id`.
std::string id_of(const std::string& key);

} // namespace lakoo::runtime
