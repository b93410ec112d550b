#pragma once

/// Catch2 checks for HTTP answers: the status first, then the body. A failure names the request
/// and shows the body, so "nothing there" can never be read out of an error answer.
///
///   REQUIRE_STATUS(r, 200);                  // stops the test case on another status
///   CHECK_STATUS(r, 404);                    // records a failure and goes on
///   auto page = json_of(r, 200);             // REQUIRE_STATUS, then the parsed body
///   CHECK(page.at("items").empty());         // .at: a missing key throws instead of null
///
/// Only on the test's thread (Catch2 v2 is not thread-safe).

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/http_client.hpp"

#define LAKOO_STATUS_CHECK_(macro, result, expected)                                               \
  do {                                                                                             \
    const ::lakoo::test::http_result& lakoo_r_ = (result);                                         \
    INFO(lakoo_r_.describe());                                                                     \
    macro(lakoo_r_.status == (expected));                                                          \
  } while (false)

/// The answer's status is `expected`, else the test case stops (the request and body are shown).
#define REQUIRE_STATUS(result, expected) LAKOO_STATUS_CHECK_(REQUIRE, result, expected)

/// The answer's status is `expected`, else a failure is recorded (the request and body shown).
#define CHECK_STATUS(result, expected) LAKOO_STATUS_CHECK_(CHECK, result, expected)

namespace lakoo::test {

/// The body of `r` as JSON after requiring its status to be `status` and the body to parse.
inline nlohmann::json json_of(const http_result& r, int status) {
  REQUIRE_STATUS(r, status);
  auto j = r.json();
  INFO(r.describe());
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

/// The `items` of a page answered with 200 (fails the test on any other status or shape).
inline nlohmann::json items_of(const http_result& r) {
  auto j = json_of(r, 200);
  INFO(r.describe());
  REQUIRE(j.contains("items"));
  REQUIRE(j.at("items").is_array());
  return j.at("items");
}

} // namespace lakoo::test
