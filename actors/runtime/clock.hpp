#pragma once

#include <cstdint>
#include <string>

namespace lakoo::runtime {

/// Seconds since the Unix epoch, now.
int64_t unix_now();

/// Milliseconds since the Unix epoch, now.
int64_t unix_ms();

/// `t` (seconds since the epoch) as RFC 3339 UTC, e.g. `2026-11-21T10:00:00Z`.
std::string rfc3339(int64_t t);

/// Now as RFC 3339 UTC.
inline std::string rfc3339_now() {
  return rfc3339(unix_now());
}

} // namespace lakoo::runtime
