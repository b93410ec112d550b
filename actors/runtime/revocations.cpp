#include "actors/runtime/revocations.hpp"

#include "actors/runtime/clock.hpp"

namespace lakoo::runtime {

void revocation_list::add(const std::string& family_id, int64_t until) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto& slot = until_[family_id];
  slot = std::max(slot, until);
  prune(unix_now());
}

bool revocation_list::contains(const std::string& family_id, int64_t now) const {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = until_.find(family_id);
  return i != until_.end() && i->second > now;
}

size_t revocation_list::size() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return until_.size();
}

void revocation_list::prune(int64_t now) {
  if (now < next_prune_) {
    return;
  }
  next_prune_ = now + 60;
  for (auto i = until_.begin(); i != until_.end();) {
    i = i->second <= now ? until_.erase(i) : std::next(i);
  }
}

} // namespace lakoo::runtime
