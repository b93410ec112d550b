#include "actors/cart/cart.hpp"

#include <catch2/catch.hpp>

#include "tests/support/actor_fixture.hpp"
#include "tests/support/expected.hpp"

using namespace lakoo;
using lakoo::test::error_of;
using lakoo::test::must;

TEST_CASE("a cart adds up quantities within what is available", "[cart]") {
  test::actor_fixture f{test::kinds_of(cart::register_kinds)};
  auto add = [&](const char* sku, int64_t q, int64_t available) {
    return f.ask<protocol::cart_view>("cart:usr_1",
                                      protocol::change_cart{sku, "prd_1", q, available, false});
  };
  auto empty = f.ask<protocol::cart_view>("cart:usr_1", protocol::get_cart{});
  REQUIRE(empty);
  CHECK(empty->lines.empty());
  CHECK(f.store.version_of("cart", "usr_1") == 0); // reading an empty cart writes nothing
  REQUIRE(add("KMJ-M", 2, 5));
  auto more = add("KMJ-M", 3, 5);
  REQUIRE(more);
  REQUIRE(more->lines.size() == 1);
  CHECK(more->lines[0].quantity == 5);
  auto over = add("KMJ-M", 1, 5);
  REQUIRE_FALSE(over);
  CHECK(over.error() == protocol::errc::out_of_stock);
  REQUIRE(add("KMJ-L", 1, 1));

  SECTION("replace sets the quantity, 0 removes the line") {
    auto set = f.ask<protocol::cart_view>("cart:usr_1",
                                          protocol::change_cart{"KMJ-M", "prd_1", 1, 5, true});
    REQUIRE(set);
    CHECK(set->lines[0].quantity == 1);
    auto removed = f.ask<protocol::cart_view>("cart:usr_1",
                                              protocol::change_cart{"KMJ-M", "prd_1", 0, 5, true});
    REQUIRE(removed);
    REQUIRE(removed->lines.size() == 1);
    CHECK(removed->lines[0].sku == "KMJ-L");
  }
  SECTION("clearing one sku or all") {
    auto one = f.ask<protocol::cart_view>("cart:usr_1", protocol::clear_cart{"KMJ-L"});
    REQUIRE(one);
    CHECK(one->lines.size() == 1);
    auto all = f.ask<protocol::cart_view>("cart:usr_1", protocol::clear_cart{});
    REQUIRE(all);
    CHECK(all->lines.empty());
  }
  SECTION("a non-positive quantity is rejected and changes nothing") {
    auto bad = add("KMJ-M", 0, 5);
    REQUIRE_FALSE(bad);
    CHECK(bad.error() == protocol::errc::invalid_request);
    CHECK(must(f.ask<protocol::cart_view>("cart:usr_1", protocol::get_cart{})).lines[0].quantity
          == 5);
  }
}
