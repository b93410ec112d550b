#pragma once

// Bounded polling for tests: wait for a condition that another process or thread makes true.

#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>

namespace lakoo::test {

/// Polls `pred` every `every` until it holds or `timeout` passes; the milliseconds it took, or
/// -1 if it never held.
inline int64_t wait_for(const std::function<bool()>& pred,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30),
                        std::chrono::milliseconds every = std::chrono::milliseconds(25)) {
  auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    if (pred()) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now()
                                                                   - t0)
        .count();
    }
    if (std::chrono::steady_clock::now() - t0 >= timeout) {
      return -1;
    }
    std::this_thread::sleep_for(every);
  }
}

/// Whether `pred` holds within `timeout` (polled).
inline bool eventually(const std::function<bool()>& pred,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  return wait_for(pred, timeout) >= 0;
}

/// What `absent_until` saw.
enum class absence {
  proven,        ///< the marker appeared and the unwanted effect was never seen
  unwanted_seen, ///< the unwanted effect was seen (before or with the marker)
  no_marker,     ///< the marker never appeared: nothing can be concluded
};

inline const char* to_string(absence a) {
  switch (a) {
    case absence::proven:
      return "proven";
    case absence::unwanted_seen:
      return "unwanted_seen";
    case absence::no_marker:
      return "no_marker";
  }
  return "?";
}

/// "Never happened", proven instead of assumed. The caller first causes the effect that must
/// not repeat (a duplicate webhook, a second like), then a distinct *marker* effect through the
/// same pipeline after it (another order paid, another comment). Polls until `marker` holds,
/// checking `unwanted` at every poll and once more after the marker: a pipeline that delivers in
/// order must have delivered the unwanted effect before the marker, so its absence then is a
/// fact, not a guess after a fixed sleep. Use with `CHECK(absent_until(...) == absence::proven)`.
inline absence absent_until(const std::function<bool()>& marker,
                            const std::function<bool()>& unwanted,
                            std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  bool seen = false;
  auto found = wait_for(
    [&] {
      seen = seen || unwanted();
      return seen || marker();
    },
    timeout);
  if (seen || unwanted()) {
    return absence::unwanted_seen;
  }
  return found >= 0 ? absence::proven : absence::no_marker;
}

} // namespace lakoo::test
