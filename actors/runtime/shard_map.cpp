#include "actors/runtime/shard_map.hpp"

#include <stdexcept>

namespace lakoo::runtime {

shard_map::shard_map(std::vector<std::string> node_ids, int32_t shard_count)
    : node_ids_(std::move(node_ids)),
      shard_count_(shard_count) {
  if (node_ids_.empty() || shard_count_ <= 0) {
    throw std::invalid_argument("shard_map needs at least one node and one shard");
  }
}

uint64_t shard_map::fnv1a64(const std::string& s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

int32_t shard_map::shard_of(const std::string& key) const {
  return static_cast<int32_t>(fnv1a64(key) % static_cast<uint64_t>(shard_count_));
}

size_t shard_map::owner_of(int32_t shard) const {
  return static_cast<size_t>(shard) % node_ids_.size();
}

int64_t shard_map::epoch_of(int32_t) const {
  return 1;
}

int64_t shard_map::shards_of(size_t index) const {
  int64_t n = 0;
  for (int32_t s = 0; s < shard_count_; ++s) {
    if (owner_of(s) == index) {
      ++n;
    }
  }
  return n;
}

std::string kind_of(const std::string& key) {
  auto pos = key.find(':');
  return pos == std::string::npos ? key : key.substr(0, pos);
}

std::string id_of(const std::string& key) {
  auto pos = key.find(':');
  return pos == std::string::npos ? std::string{} : key.substr(pos + 1);
}

} // namespace lakoo::runtime
