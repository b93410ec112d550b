#include "actors/runtime/ids.hpp"

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
