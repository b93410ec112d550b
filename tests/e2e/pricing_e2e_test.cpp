// The domain decides what a buyer pays: a checkout is priced by the saga from the catalog at
// checkout time, whatever the client sends; it takes the lines out of the cart (a second tap on
// "Bayar" finds the cart empty), and they come back when the payment fails or expires.

#include <string>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/checks.hpp"
#include "tests/support/wait.hpp"

using namespace lakoo::test;
using nlohmann::json;

namespace {

struct shop {
  std::string admin;
  session owner;
  std::string seller;
  std::string sku;
  std::string product;
};

json cart_of(uint16_t port, const session& s) {
  return json_of(http(port, "GET", "/v1/cart", "", s.access_token), 200);
}

int64_t quantity_in_cart(uint16_t port, const session& s, const std::string& sku) {
  auto cart = cart_of(port, s); // kept: a range over a temporary's member would dangle
  for (const auto& item : cart.at("items")) {
    if (item.at("sku") == sku) {
      return item.at("quantity").get<int64_t>();
    }
  }
  return 0;
}

int64_t available(uint16_t port, const std::string& product) {
  return json_of(http(port, "GET", "/v1/products/" + product), 200)
    .at("variants")
    .at(0)
    .at("available")
    .get<int64_t>();
}

http_result checkout(uint16_t port, const session& s, const std::string& key, json body) {
  return http_with_headers(port, "POST", "/v1/checkout", body.dump(), s.access_token,
                           {{"Idempotency-Key", key}});
}

json address_body() {
  return json::parse(checkout_address_body);
}

} // namespace

TEST_CASE("the saga prices the checkout: forged prices, price changes, carts taken and given back",
          "[e2e][checkout][pricing]") {
  test_cluster c{"pricing", 3, {"payment_ttl_s = 3"}};
  REQUIRE(c.wait_all_ready());
  shop m;
  m.admin = admin_token(c.port(0));
  m.owner = register_user(c.port(0), "Penjual");
  m.seller = open_shop(c.port(1), m.owner, m.admin, "Kopi Harga Pas");
  m.owner.access_token
    = json_of(http(c.port(0), "POST", "/v1/auth/login", login_body(m.owner)), 200)
        .at("access_token")
        .get<std::string>();
  m.sku = "HARGA" + unique_suffix();
  m.product = listed_product(c.port(2), m.seller, m.owner, m.admin, m.sku, 50000, 10);
  auto buyer = register_user(c.port(1), "Pembeli");
  auto add = [&](int64_t q) {
    REQUIRE_STATUS(http(c.port(0), "POST", "/v1/cart/items",
                        json{{"sku", m.sku}, {"quantity", q}}.dump(), buyer.access_token),
                   200);
  };

  // 1. A body full of forged prices, totals and lines is charged the catalog's price for what
  //    is in the cart.
  add(2);
  auto forged = address_body();
  forged["items"] = {{{"sku", m.sku}, {"unit_price", 1}, {"quantity", 100}, {"line_total", 1}}};
  forged["lines"] = forged["items"];
  forged["subtotal"] = 1;
  forged["total"] = 1;
  forged["amount"] = 1;
  forged["unit_price"] = 1;
  forged["discount"] = 49999;
  auto first = checkout(c.port(1), buyer, "forged-" + unique_suffix(), forged);
  auto placed = json_of(first, 201);
  const auto& order = placed.at("order");
  REQUIRE(order.at("items").size() == 1);
  CHECK(order.at("items").at(0).at("quantity") == 2);
  CHECK(order.at("items").at(0).at("unit_price") == 50000);
  CHECK(order.at("items").at(0).at("line_total") == 100000);
  CHECK(order.at("subtotal") == 100000);
  CHECK(order.at("discount") == 0);
  CHECK(order.at("total") == 100000);
  CHECK(placed.at("payment").at("amount") == 100000);
  CHECK(available(c.port(0), m.product) == 8);

  // 2. The lines left the cart with the order: a second checkout (a second tap on "Bayar",
  //    another key) finds it empty and reserves nothing.
  CHECK(cart_of(c.port(2), buyer).at("items").empty());
  auto second = checkout(c.port(2), buyer, "second-" + unique_suffix(), address_body());
  CHECK_STATUS(second, 400);
  CHECK(second.error_field() == "cart");
  CHECK(available(c.port(0), m.product) == 8);

  // 3. The payment fails: the order is cancelled, its stock released and its lines come back.
  auto payment = placed.at("payment").at("id").get<std::string>();
  REQUIRE_STATUS(http(c.port(0), "POST", "/v1/payments/" + payment + "/simulate",
                      json{{"outcome", "failed"}}.dump(), buyer.access_token),
                 202);
  CHECK(eventually([&] { return quantity_in_cart(c.port(1), buyer, m.sku) == 2; }));
  CHECK(eventually([&] { return available(c.port(2), m.product) == 10; }));
  auto cancelled = json_of(http(c.port(0), "GET", "/v1/orders/" + order.at("id").get<std::string>(),
                                "", buyer.access_token),
                           200);
  CHECK(cancelled.at("status") == "cancelled");

  // 4. The price changes between the cart and the checkout: the checkout charges the new one.
  REQUIRE_STATUS(http(c.port(1), "PATCH", "/v1/products/" + m.product + "/variants/" + m.sku,
                      json{{"price", 60000}}.dump(), m.owner.access_token),
                 200);
  CHECK(cart_of(c.port(0), buyer).at("items").at(0).at("unit_price") == 60000);
  auto repriced
    = json_of(checkout(c.port(0), buyer, "repriced-" + unique_suffix(), address_body()), 201);
  CHECK(repriced.at("order").at("items").at(0).at("unit_price") == 60000);
  CHECK(repriced.at("order").at("total") == 120000);
  CHECK(repriced.at("payment").at("amount") == 120000);
  CHECK(cart_of(c.port(1), buyer).at("items").empty());

  // 5. Nobody pays: at the deadline the order expires and the lines come back again.
  auto expired_id = repriced.at("order").at("id").get<std::string>();
  CHECK(eventually([&] {
    auto o = http(c.port(2), "GET", "/v1/orders/" + expired_id, "", buyer.access_token);
    return o.status == 200 && o.json().at("status") == "expired";
  }));
  CHECK(eventually([&] { return quantity_in_cart(c.port(2), buyer, m.sku) == 2; }));
  CHECK(eventually([&] { return available(c.port(0), m.product) == 10; }));
  // ...and they can be bought again, at the catalog's price of now.
  auto again = json_of(checkout(c.port(1), buyer, "again-" + unique_suffix(), address_body()), 201);
  CHECK(again.at("order").at("total") == 120000);
}
