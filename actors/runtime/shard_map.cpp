#include "actors/runtime/shard_map.hpp"

#include <limits>
#include <stdexcept>

namespace lakoo::runtime {

shard_map::shard_map(std::vector<std::string> node_ids, int32_t shard_count)
    : shard_map(std::move(node_ids), shard_count, false) {}

shard_map::shard_map(std::vector<std::string> node_ids, int32_t shard_count, bool leased)
    : node_ids_(std::move(node_ids)),
      shard_count_(shard_count) {
  if (node_ids_.empty() || shard_count_ <= 0 || node_ids_.size() >= 0xffff) {
    throw std::invalid_argument("shard_map needs 1..65534 nodes and at least one shard");
  }
  slots_ = std::make_unique<std::atomic<uint64_t>[]>(static_cast<size_t>(shard_count_));
  handing_off_ = std::make_unique<std::atomic<bool>[]>(static_cast<size_t>(shard_count_));
  for (int32_t s = 0; s < shard_count_; ++s) {
    slots_[s].store(leased ? 0 : pack(static_cast<size_t>(s) % node_ids_.size(), 1));
    handing_off_[s].store(false);
  }
  deadline_ns_.store(leased ? 0 : std::numeric_limits<int64_t>::max());
}

uint64_t shard_map::fnv1a64(const std::string& s) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

uint64_t shard_map::pack(size_t owner, int64_t epoch) {
  uint64_t who = owner == nobody ? 0 : static_cast<uint64_t>(owner + 1);
  return (static_cast<uint64_t>(epoch) << 16) | who;
}

int32_t shard_map::shard_of(const std::string& key) const {
  return static_cast<int32_t>(fnv1a64(key) % static_cast<uint64_t>(shard_count_));
}

size_t shard_map::owner_of(int32_t shard) const {
  if (shard < 0 || shard >= shard_count_) {
    return nobody;
  }
  auto who = slots_[shard].load(std::memory_order_acquire) & 0xffff;
  return who == 0 ? nobody : static_cast<size_t>(who - 1);
}

int64_t shard_map::epoch_of(int32_t shard) const {
  if (shard < 0 || shard >= shard_count_) {
    return 0;
  }
  return static_cast<int64_t>(slots_[shard].load(std::memory_order_acquire) >> 16);
}

bool shard_map::serves(int32_t shard, size_t me) const {
  return owner_of(shard) == me && !handing_off(shard) && lease_valid();
}

void shard_map::assign(int32_t shard, size_t owner, int64_t epoch) {
  if (shard >= 0 && shard < shard_count_) {
    slots_[shard].store(pack(owner, epoch), std::memory_order_release);
  }
}

void shard_map::set_handing_off(int32_t shard, bool on) {
  if (shard >= 0 && shard < shard_count_) {
    handing_off_[shard].store(on, std::memory_order_release);
  }
}

bool shard_map::handing_off(int32_t shard) const {
  return shard >= 0 && shard < shard_count_ && handing_off_[shard].load(std::memory_order_acquire);
}

void shard_map::set_lease_deadline(clock::time_point t) {
  deadline_ns_.store(
    std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count(),
    std::memory_order_release);
}

bool shard_map::lease_valid() const {
  auto now
    = std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now().time_since_epoch()).count();
  return now < deadline_ns_.load(std::memory_order_acquire);
}

int64_t shard_map::shards_of(size_t index) const {
  int64_t n = 0;
  for (int32_t s = 0; s < shard_count_; ++s) {
    n += owner_of(s) == index ? 1 : 0;
  }
  return n;
}

std::vector<int32_t> shard_map::owned_by(size_t index) const {
  std::vector<int32_t> out;
  for (int32_t s = 0; s < shard_count_; ++s) {
    if (owner_of(s) == index) {
      out.push_back(s);
    }
  }
  return out;
}

size_t shard_map::index_of(const std::string& node_id) const {
  for (size_t i = 0; i < node_ids_.size(); ++i) {
    if (node_ids_[i] == node_id) {
      return i;
    }
  }
  return nobody;
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
