#include "actors/runtime/ids.hpp"

#include <chrono>
#include <set>

#include <catch2/catch.hpp>

TEST_CASE("ids are unique, prefixed, url-safe and sort by creation time", "[runtime]") {
  std::set<std::string> seen;
  std::string previous;
  for (int i = 0; i < 10000; ++i) {
    auto id = lakoo::runtime::new_id("usr");
    REQUIRE(id.size() == 30);
    REQUIRE(id.rfind("usr_", 0) == 0);
    for (char c : id.substr(4)) {
      REQUIRE(((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')));
    }
    REQUIRE(seen.insert(id).second);
    // Same millisecond: random tail decides; across milliseconds: time prefix decides.
    REQUIRE(id.substr(0, 13) >= previous.substr(0, std::min<size_t>(13, previous.size())));
    previous = id;
  }
  CHECK(lakoo::runtime::random_hex(16).size() == 32);
}

TEST_CASE("an id tells its millisecond, and new_id_after always climbs", "[runtime]") {
  using namespace lakoo::runtime;
  auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  auto id = new_id("ntf");
  auto ms = id_time_ms(id);
  CHECK(ms >= before);
  CHECK(ms - before < 60000);
  for (const char* bad : {"", "ntf_", "ntf_short", "ntf_0000000000000000000000000u",
                          "ntf_zzzzzzzzzzzzzzzzzzzzzzzzzz"}) {
    CHECK(id_time_ms(bad) == -1);
  }
  // The clock behind the last id (or at it): the id just above it, carrying like a counter.
  const std::string future = "ntf_7zzzzzzzzzzzzzzzzzzzzzz0y0";
  CHECK(new_id_after("ntf", future) == "ntf_7zzzzzzzzzzzzzzzzzzzzzz0y1");
  CHECK(new_id_after("ntf", "ntf_7zzzzzzzzzzzzzzzzzzzzzzzzz").size() == 30);
  CHECK(new_id_after("ntf", "ntf_6zzzzzzzzzzzzzzzzzzzzzzzzz") == "ntf_70000000000000000000000000");
  std::string last = future;
  for (int i = 0; i < 1000; ++i) {
    auto next = new_id_after("ntf", last);
    REQUIRE(next > last);
    last = next;
  }
  CHECK(new_id_after("ntf", id) > id); // an ordinary id: a fresh id (same millisecond or later)
}
