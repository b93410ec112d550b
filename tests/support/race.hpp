#pragma once

/// A start gate for concurrency tests: every contender prepares (opens its connection, builds
/// its request) on its own thread, then waits at the gate; the gate opens only once all of them
/// are waiting, so the contended part starts as close to "at once" as the machine allows. Each
/// contender's contended part is timed, so the test can assert that the calls really overlapped
/// (a race test that passes on a sequential schedule proves nothing).
///
/// No Catch2 macro may run inside `prepare` or `act` (Catch2 v2 is not thread-safe): return
/// what happened and assert on the test's thread after `race` returns. An exception thrown by a
/// contender is rethrown by `race` on the test's thread.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <future>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace lakoo::test {

/// When each contender's contended part ran.
struct race_timing {
  using clock_type = std::chrono::steady_clock;
  std::vector<std::pair<clock_type::time_point, clock_type::time_point>> spans; ///< [start, end]

  /// The largest number of contended parts that were running at one instant.
  size_t peak_in_flight() const {
    std::vector<std::pair<clock_type::time_point, int>> edges;
    for (const auto& [start, end] : spans) {
      edges.emplace_back(start, +1);
      edges.emplace_back(end, -1);
    }
    // At equal instants an end sorts before a start: touching spans do not overlap.
    std::sort(edges.begin(), edges.end());
    int now = 0;
    int peak = 0;
    for (const auto& e : edges) {
      now += e.second;
      peak = std::max(peak, now);
    }
    return static_cast<size_t>(peak);
  }

  /// Whether every contended part had started before the first one ended (all overlapped).
  bool all_overlapped() const {
    if (spans.empty()) {
      return false;
    }
    auto last_start = spans.front().first;
    auto first_end = spans.front().second;
    for (const auto& [start, end] : spans) {
      last_start = std::max(last_start, start);
      first_end = std::min(first_end, end);
    }
    return last_start < first_end;
  }
};

/// What `race` returns: each contender's result (in contender order) and the timing.
template <class Result>
struct race_outcome {
  std::vector<Result> results;
  race_timing timing;
};

/// Runs `n` contenders on `n` threads: contender `i` runs `prepare(i)` (its result, say an open
/// connection, is kept by the thread), waits at the gate, then runs `act(i, prepared)` once the
/// gate is open. Returns when all are done.
template <class Prepare, class Act>
auto race(size_t n, Prepare prepare, Act act) {
  using prepared_type = std::invoke_result_t<Prepare, size_t>;
  using result_type = std::invoke_result_t<Act, size_t, prepared_type&>;
  race_outcome<result_type> out;
  out.results.resize(n);
  out.timing.spans.resize(n);
  std::vector<std::exception_ptr> errors(n);
  std::mutex mu;
  std::condition_variable cv;
  size_t waiting = 0;
  std::promise<void> open;
  std::shared_future<void> gate = open.get_future().share();
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      try {
        auto prepared = prepare(i);
        {
          std::lock_guard<std::mutex> guard{mu};
          ++waiting;
        }
        cv.notify_one();
        gate.wait();
        auto start = race_timing::clock_type::now();
        out.results[i] = act(i, prepared);
        out.timing.spans[i] = {start, race_timing::clock_type::now()};
      } catch (...) {
        errors[i] = std::current_exception();
        std::lock_guard<std::mutex> guard{mu};
        ++waiting; // a contender that failed to prepare must not keep the gate shut
        cv.notify_one();
      }
    });
  }
  {
    std::unique_lock<std::mutex> lock{mu};
    cv.wait(lock, [&] { return waiting >= n; });
  }
  open.set_value();
  for (auto& t : threads) {
    t.join();
  }
  for (auto& e : errors) {
    if (e) {
      std::rethrow_exception(e);
    }
  }
  return out;
}

} // namespace lakoo::test
