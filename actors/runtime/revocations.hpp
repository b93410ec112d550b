#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace lakoo::runtime {

/// Token families revoked recently, as this node has heard (its own and its peers'
/// broadcasts). The edge rejects an access token whose family is listed: access tokens are
/// verified locally, so without this a logged-out token would work until it expires.
/// An entry only needs to live as long as the access tokens it covers (`until`).
/// Thread-safe: written by the router, read by every io thread.
class revocation_list {
public:
  /// Lists `family_id` until `until` (unix seconds).
  void add(const std::string& family_id, int64_t until);

  /// Whether `family_id` is listed at `now`.
  bool contains(const std::string& family_id, int64_t now) const;

  size_t size() const;

private:
  void prune(int64_t now);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, int64_t> until_;
  int64_t next_prune_ = 0;
};

} // namespace lakoo::runtime
