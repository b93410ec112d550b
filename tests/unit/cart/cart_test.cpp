// The cart entity: it reads the catalog itself (the sku for what is available, the product for
// whether it is sold and at what price) and shows itself priced by the pricing module.

#include "actors/cart/cart.hpp"

#include <catch2/catch.hpp>

#include "actors/catalog/catalog.hpp"
#include "tests/support/actor_fixture.hpp"
#include "tests/support/catalog_fixture.hpp"
#include "tests/support/expected.hpp"

using namespace lakoo;
using lakoo::test::error_of;
using lakoo::test::must;

namespace {

/// Carts without a courier (their shipping quotes are tested end to end).
void carts(lakoo::runtime::entity_kinds& k) {
  lakoo::cart::register_kinds(k, nullptr);
}

auto cart_kinds() {
  return test::kinds_of(catalog::register_kinds, carts);
}

} // namespace

TEST_CASE("a cart adds up quantities within what is available, priced now", "[cart]") {
  test::actor_fixture f{cart_kinds()};
  test::listed(f, "prd_k", "sel_1", "usr_s", {{"KMJ-M", 250000, 5}, {"KMJ-L", 260000, 1}},
               "Kemeja");
  auto add = [&](const char* sku, int64_t q) {
    return f.ask<protocol::cart_view>("cart:usr_1", protocol::change_cart{sku, q, false});
  };
  auto empty = must(f.ask<protocol::cart_view>("cart:usr_1", protocol::get_cart{}));
  CHECK(empty.items.empty());
  CHECK(empty.subtotal == 0);
  CHECK(f.store.version_of("cart", "usr_1") == 0); // reading an empty cart writes nothing
  REQUIRE(add("KMJ-M", 2));
  auto more = must(add("KMJ-M", 3));
  REQUIRE(more.items.size() == 1);
  const auto& line = more.items[0];
  CHECK(line.quantity == 5);
  CHECK(line.unit_price == 250000);
  CHECK(line.line_total == 1250000);
  CHECK(line.product_id == "prd_k");
  CHECK(line.seller_id == "sel_1");
  CHECK(line.title == "Kemeja");
  CHECK(more.subtotal == 1250000);
  CHECK(error_of(add("KMJ-M", 1)) == protocol::errc::out_of_stock);
  CHECK(error_of(add("NO-SUCH", 1)) == protocol::errc::not_found);
  REQUIRE(add("KMJ-L", 1));

  SECTION("a price change shows at once: the cart keeps no prices") {
    REQUIRE(f.ask<protocol::product_view>("product:prd_k",
                                          protocol::set_variant_price{"usr_s", "KMJ-M", 199000}));
    auto now = must(f.ask<protocol::cart_view>("cart:usr_1", protocol::get_cart{}));
    REQUIRE(now.items.size() == 2);
    CHECK(now.items[0].unit_price == 199000);
    CHECK(now.subtotal == 5 * 199000 + 260000);
  }
  SECTION("replace sets the quantity, 0 removes the line") {
    auto set
      = must(f.ask<protocol::cart_view>("cart:usr_1", protocol::change_cart{"KMJ-M", 1, true}));
    CHECK(set.items[0].quantity == 1);
    auto removed
      = must(f.ask<protocol::cart_view>("cart:usr_1", protocol::change_cart{"KMJ-M", 0, true}));
    REQUIRE(removed.items.size() == 1);
    CHECK(removed.items[0].sku == "KMJ-L");
  }
  SECTION("clearing one sku or all") {
    auto one = must(f.ask<protocol::cart_view>("cart:usr_1", protocol::clear_cart{"KMJ-L"}));
    CHECK(one.items.size() == 1);
    auto all = must(f.ask<protocol::cart_view>("cart:usr_1", protocol::clear_cart{}));
    CHECK(all.items.empty());
  }
  SECTION("a non-positive quantity is rejected and changes nothing") {
    CHECK(error_of(add("KMJ-M", 0)) == protocol::errc::invalid_request);
    CHECK(must(f.ask<protocol::cart_view>("cart:usr_1", protocol::get_cart{})).items[0].quantity
          == 5);
  }
  SECTION("a product taken off sale leaves the view, not the cart") {
    REQUIRE(f.ask<protocol::product_view>(
      "product:prd_k",
      protocol::moderate_product{protocol::product_action::reject, "admin", "foto buram"}));
    auto hidden = must(f.ask<protocol::cart_view>("cart:usr_1", protocol::get_cart{}));
    CHECK(hidden.items.empty());
    CHECK(hidden.subtotal == 0);
    CHECK(error_of(add("KMJ-M", 1)) == protocol::errc::not_found); // not for sale any more
  }
}

TEST_CASE("a checkout takes the lines once, and gives them back once", "[cart]") {
  test::actor_fixture f{cart_kinds()};
  test::listed(f, "prd_t", "sel_1", "usr_s", {{"TEH", 10000, 50}});
  REQUIRE(f.ask<protocol::cart_view>("cart:usr_2", protocol::change_cart{"TEH", 3, false}));
  auto taken = must(f.ask<protocol::cart_lines>("cart:usr_2", protocol::take_cart{"ord_1:0"}));
  REQUIRE(taken.lines.size() == 1);
  CHECK(taken.lines[0].quantity == 3);
  // The cart is empty now; the same take again answers the same lines; another take gets none.
  CHECK(must(f.ask<protocol::cart_view>("cart:usr_2", protocol::get_cart{})).items.empty());
  CHECK(must(f.ask<protocol::cart_lines>("cart:usr_2", protocol::take_cart{"ord_1:0"})).lines.size()
        == 1);
  CHECK(
    must(f.ask<protocol::cart_lines>("cart:usr_2", protocol::take_cart{"ord_2:0"})).lines.empty());
  // Giving back adds to what the cart holds now, once per key.
  REQUIRE(f.ask<protocol::cart_view>("cart:usr_2", protocol::change_cart{"TEH", 1, false}));
  protocol::return_to_cart back{"ord_1:0:back", taken.lines};
  REQUIRE(f.ask<protocol::cart_lines>("cart:usr_2", back));
  REQUIRE(f.ask<protocol::cart_lines>("cart:usr_2", back));
  auto view = must(f.ask<protocol::cart_view>("cart:usr_2", protocol::get_cart{}));
  REQUIRE(view.items.size() == 1);
  CHECK(view.items[0].quantity == 4);
}
