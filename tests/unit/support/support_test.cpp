// The test helpers themselves: a helper that cannot tell a race from a queue, or an absence from
// a delay, would make every test built on it vacuous.

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/race.hpp"
#include "tests/support/wait.hpp"

using namespace lakoo::test;
using namespace std::chrono_literals;

TEST_CASE("race timing counts the contenders running at one instant", "[support]") {
  using clock_type = race_timing::clock_type;
  auto t = clock_type::now();
  race_timing timing;
  timing.spans = {{t, t + 10ms}, {t + 5ms, t + 15ms}, {t + 12ms, t + 20ms}};
  CHECK(timing.peak_in_flight() == 2);
  CHECK_FALSE(timing.all_overlapped());                 // the third starts after the first ended
  timing.spans = {{t, t + 10ms}, {t + 10ms, t + 20ms}}; // touching is not overlapping
  CHECK(timing.peak_in_flight() == 1);
  timing.spans = {{t, t + 10ms}, {t + 1ms, t + 9ms}, {t + 2ms, t + 8ms}};
  CHECK(timing.peak_in_flight() == 3);
  CHECK(timing.all_overlapped());
}

TEST_CASE("contenders released by the gate are in flight together", "[support]") {
  // The spans are the client's view (sent .. answered): what the test proves is that the
  // requests were out at the same time, whatever the server then does with them (an entity
  // actor rightly handles them one by one).
  auto slow = [](size_t i, int&) {
    std::this_thread::sleep_for(50ms);
    return i;
  };
  auto together = race(
    4, [](size_t) { return 0; }, slow);
  CHECK(together.results == std::vector<size_t>{0, 1, 2, 3});
  CHECK(together.timing.peak_in_flight() == 4);
  CHECK(together.timing.all_overlapped());
  // Contenders that prepare slowly still start together: the gate waits for the last one.
  auto staggered = race(
    3,
    [](size_t i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(30 * i));
      return 0;
    },
    slow);
  CHECK(staggered.timing.all_overlapped());
}

TEST_CASE("a contender's exception reaches the test's thread", "[support]") {
  CHECK_THROWS_AS(race(
                    3,
                    [](size_t i) {
                      if (i == 1) {
                        throw std::runtime_error("no connection");
                      }
                      return 0;
                    },
                    [](size_t, int&) { return 0; }),
                  std::runtime_error);
}

TEST_CASE("an absence is proven only after the marker", "[support]") {
  std::atomic<int> marker{0};
  std::atomic<int> unwanted{0};
  auto check = [&](std::chrono::milliseconds timeout) {
    return absent_until([&] { return marker.load() > 0; }, [&] { return unwanted.load() > 0; },
                        timeout);
  };
  CHECK(check(100ms) == absence::no_marker); // nothing yet: no conclusion
  std::thread late{[&] {
    std::this_thread::sleep_for(50ms);
    marker = 1;
  }};
  CHECK(check(5s) == absence::proven);
  late.join();
  unwanted = 1;
  CHECK(check(5s) == absence::unwanted_seen);
}
