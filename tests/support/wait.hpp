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

} // namespace lakoo::test
