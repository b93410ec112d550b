#include <algorithm>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/checks.hpp"
#include "tests/support/race.hpp"

using namespace lakoo::test;
using nlohmann::json;

namespace {

/// A user with an approved seller account; returns the seller id.
std::string active_seller(test_cluster& c, const session& s, const std::string& admin) {
  auto r = http(c.port(0), "POST", "/v1/sellers", json{{"brand_name", "Toko " + s.email}}.dump(),
                s.access_token);
  REQUIRE(r.status == 201);
  auto id = r.json()["id"].get<std::string>();
  REQUIRE(
    http(c.port(c.size() - 1), "POST", "/v1/admin/sellers/" + id + "/approve", "", admin).status
    == 200);
  return id;
}

json product(const std::string& sku_prefix, int64_t stock = 5) {
  return json{{"title", "Kemeja Batik Parang"},
              {"description", "Katun primisima, batik tulis"},
              {"category", "fashion"},
              {"images", {"https://img.lakoo.id/kemeja-1.jpg"}},
              {"variants",
               {{{"sku", sku_prefix + "-M"},
                 {"price", 350000},
                 {"stock", stock},
                 {"options", {{"size", "M"}}}},
                {{"sku", sku_prefix + "-L"},
                 {"price", 375000},
                 {"stock", 2},
                 {"options", {{"size", "L"}}}}}}};
}

} // namespace

TEST_CASE("a product goes from draft to active through moderation, visible only when active",
          "[e2e][catalog]") {
  test_cluster c{"catalog"};
  REQUIRE(c.wait_all_ready());
  auto admin = admin_token(c.port(0));
  auto owner = register_user(c.port(0), "Penjual");
  auto stranger = register_user(c.port(2), "Pembeli");
  auto seller = active_seller(c, owner, admin);
  auto sku = "KMJ" + unique_suffix();
  auto base = "/v1/sellers/" + seller + "/products";

  CHECK(http(c.port(1), "POST", base, product(sku).dump(), stranger.access_token).status == 403);
  auto created = http(c.port(1), "POST", base, product(sku).dump(), owner.access_token);
  REQUIRE(created.status == 201);
  auto p = created.json();
  auto id = p["id"].get<std::string>();
  CHECK(p["status"] == "draft");
  CHECK(p["seller_id"] == seller);
  REQUIRE(p["variants"].size() == 2);
  CHECK(p["variants"][0]["available"] == 5);
  CHECK(p["variants"][0]["currency"] == "IDR");
  CHECK(p["variants"][0]["options"]["size"] == "M");
  CHECK(p["rating_count"] == 0);

  // The same sku in another product: 409, for anyone.
  auto clash = http(c.port(2), "POST", base, product(sku).dump(), owner.access_token);
  CHECK(clash.status == 409);

  auto path = "/v1/products/" + id;
  CHECK(http(c.port(2), "GET", path).status == 404);
  CHECK(http(c.port(2), "GET", path, "", stranger.access_token).status == 404);
  CHECK(http(c.port(2), "GET", path, "", owner.access_token).status == 200);
  CHECK(http(c.port(2), "GET", path, "", admin).status == 200);

  CHECK(http(c.port(0), "POST", path + "/submit", "", stranger.access_token).status == 403);
  CHECK(http(c.port(0), "POST", "/v1/admin/products/" + id + "/approve", "", admin).status
        == 409); // still a draft
  CHECK(http(c.port(0), "POST", path + "/submit", "", owner.access_token).json()["status"]
        == "pending");
  CHECK(
    http(c.port(1), "POST", "/v1/admin/products/" + id + "/approve", "", owner.access_token).status
    == 403);
  auto approved = http(c.port(1), "POST", "/v1/admin/products/" + id + "/approve", "", admin);
  REQUIRE(approved.status == 200);
  CHECK(approved.json()["status"] == "active");
  auto pub = http(c.port(2), "GET", path);
  REQUIRE(pub.status == 200);
  CHECK(pub.json()["variants"][1]["available"] == 2);

  auto variant = path + "/variants/" + sku + "-M";
  CHECK(http(c.port(0), "PATCH", variant, json{{"price", 1}}.dump(), stranger.access_token).status
        == 403);
  auto changed = http(c.port(0), "PATCH", variant, json{{"price", 299000}, {"stock", 9}}.dump(),
                      owner.access_token);
  REQUIRE(changed.status == 200);
  CHECK(changed.json()["variants"][0]["price"] == 299000);
  CHECK(changed.json()["variants"][0]["available"] == 9);
  CHECK(http(c.port(1), "GET", path).json()["variants"][0]["available"] == 9);
  CHECK(
    http(c.port(0), "PATCH", path + "/variants/NOPE", json{{"price", 5}}.dump(), owner.access_token)
      .status
    == 404);

  auto no_reason = http(c.port(2), "POST", "/v1/admin/products/" + id + "/reject", "{}", admin);
  CHECK(no_reason.status == 400);
  CHECK(no_reason.error_field() == "reason");
  auto rejected = http(c.port(2), "POST", "/v1/admin/products/" + id + "/reject",
                       json{{"reason", "foto buram"}}.dump(), admin);
  REQUIRE(rejected.status == 200);
  CHECK(rejected.json()["status"] == "rejected");
  CHECK(http(c.port(0), "GET", path).status == 404);
  CHECK(http(c.port(0), "GET", "/v1/products/prd_00000000000000000000000000").status == 404);
}

TEST_CASE("three products created at once with the same sku: one created, two 409",
          "[e2e][catalog]") {
  test_cluster c{"sku-race"};
  REQUIRE(c.wait_all_ready());
  auto admin = admin_token(c.port(0));
  auto owner = register_user(c.port(0), "Kembar");
  auto seller = active_seller(c, owner, admin);
  for (int round = 0; round < 3; ++round) {
    auto sku = "RACE" + unique_suffix();
    auto run = race(
      3, [&](size_t t) { return http_connection{c.port(t)}; },
      [&](size_t, http_connection& conn) {
        return conn
          .request("POST", "/v1/sellers/" + seller + "/products", product(sku).dump(),
                   owner.access_token)
          .status;
      });
    INFO("round " << round << ", peak in flight " << run.timing.peak_in_flight());
    CHECK(std::count(run.results.begin(), run.results.end(), 201) == 1);
    CHECK(std::count(run.results.begin(), run.results.end(), 409) == 2);
    CHECK(run.timing.peak_in_flight() >= 2);
  }
}

TEST_CASE("product input and seller state are checked before anything is created",
          "[e2e][catalog][validation]") {
  test_cluster c{"catalog-bad", 1};
  REQUIRE(c.wait_ready(0));
  auto admin = admin_token(c.port(0));
  auto owner = register_user(c.port(0), "Teliti");
  auto seller = active_seller(c, owner, admin);
  auto base = "/v1/sellers/" + seller + "/products";
  auto check = [&](json body, const std::string& field) {
    auto r = http(c.port(0), "POST", base, body.dump(), owner.access_token);
    INFO(body.dump() << " -> " << r.body);
    CHECK(r.status == 400);
    CHECK(r.error_field() == field);
  };
  auto sku = "BAD" + unique_suffix();
  auto p = product(sku);
  p.erase("title");
  check(p, "title");
  p = product(sku);
  p["variants"][0]["price"] = 0;
  check(p, "variants[0].price");
  p = product(sku);
  p["variants"][1]["stock"] = -1;
  check(p, "variants[1].stock");
  p = product(sku);
  p["variants"] = json::array();
  check(p, "variants");
  p = product(sku);
  p["variants"][0]["sku"] = "has space";
  check(p, "variants[0].sku");
  p = product(sku);
  p["variants"][1]["sku"] = p["variants"][0]["sku"];
  check(p, "variants[1].sku");
  p = product(sku);
  p["title"] = std::string(201, 't');
  check(p, "title");
  // Nothing above claimed the sku: a valid product with it is created.
  CHECK(http(c.port(0), "POST", base, product(sku).dump(), owner.access_token).status == 201);

  // A pending seller cannot list products yet.
  auto newbie = register_user(c.port(0), "Baru");
  auto pending = json_of(http(c.port(0), "POST", "/v1/sellers", json{{"brand_name", "Baru"}}.dump(),
                              newbie.access_token),
                         201)
                   .at("id")
                   .get<std::string>();
  CHECK(http(c.port(0), "POST", "/v1/sellers/" + pending + "/products",
             product("NEW" + unique_suffix()).dump(), newbie.access_token)
          .status
        == 403);
}

TEST_CASE("the cart holds active skus within availability, at current prices", "[e2e][cart]") {
  test_cluster c{"cart"};
  REQUIRE(c.wait_all_ready());
  auto admin = admin_token(c.port(0));
  auto owner = register_user(c.port(0), "Toko");
  auto buyer = register_user(c.port(1), "Pembeli");
  auto seller = active_seller(c, owner, admin);
  auto sku = "CRT" + unique_suffix();
  auto created = http(c.port(0), "POST", "/v1/sellers/" + seller + "/products",
                      product(sku, 5).dump(), owner.access_token);
  REQUIRE(created.status == 201);
  auto id = created.json()["id"].get<std::string>();
  auto add = [&](size_t node, const std::string& s, int64_t q) {
    return http(c.port(node), "POST", "/v1/cart/items", json{{"sku", s}, {"quantity", q}}.dump(),
                buyer.access_token);
  };
  // A draft's skus are not for sale yet.
  CHECK(add(0, sku + "-M", 1).status == 404);
  REQUIRE(http(c.port(0), "POST", "/v1/products/" + id + "/submit", "", owner.access_token).status
          == 200);
  REQUIRE(http(c.port(0), "POST", "/v1/admin/products/" + id + "/approve", "", admin).status
          == 200);

  auto first = add(0, sku + "-M", 2);
  REQUIRE(first.status == 200);
  auto second = add(1, sku + "-M", 2);
  REQUIRE(second.status == 200);
  auto cart = second.json();
  REQUIRE(cart["items"].size() == 1);
  CHECK(cart["items"][0]["quantity"] == 4);
  CHECK(cart["items"][0]["unit_price"] == 350000);
  CHECK(cart["items"][0]["line_total"] == 1400000);
  CHECK(cart["items"][0]["seller_id"] == seller);
  CHECK(cart["items"][0]["title"] == "Kemeja Batik Parang");
  CHECK(cart["subtotal"] == 1400000);
  CHECK(cart["currency"] == "IDR");

  auto over = add(2, sku + "-M", 2);
  CHECK(over.status == 409);
  CHECK(over.error_code() == "out_of_stock");
  CHECK(over.json()["error"]["details"]["skus"] == json::array({sku + "-M"}));
  CHECK(add(2, "NO-SUCH-SKU", 1).status == 404);
  REQUIRE(add(2, sku + "-L", 1).status == 200);

  // Prices are the catalog's current ones.
  REQUIRE(http(c.port(1), "PATCH", "/v1/products/" + id + "/variants/" + sku + "-M",
               json{{"price", 300000}}.dump(), owner.access_token)
            .status
          == 200);
  auto now = json_of(http(c.port(2), "GET", "/v1/cart", "", buyer.access_token), 200);
  CHECK(now.at("items").at(0).at("unit_price") == 300000);
  CHECK(now["subtotal"] == 4 * 300000 + 375000);

  auto set = http(c.port(0), "PATCH", "/v1/cart/items/" + sku + "-M", json{{"quantity", 1}}.dump(),
                  buyer.access_token);
  REQUIRE(set.status == 200);
  CHECK(set.json()["items"][0]["quantity"] == 1);
  auto removed = http(c.port(1), "DELETE", "/v1/cart/items/" + sku + "-L", "", buyer.access_token);
  REQUIRE(removed.status == 200);
  CHECK(removed.json()["items"].size() == 1);

  auto bad = http(c.port(0), "POST", "/v1/cart/items",
                  json{{"sku", sku + "-M"}, {"quantity", 0}}.dump(), buyer.access_token);
  CHECK(bad.status == 400);
  CHECK(bad.error_field() == "quantity");
  CHECK(http(c.port(0), "POST", "/v1/cart/items", json{{"quantity", 1}}.dump(), buyer.access_token)
          .error_field()
        == "sku");
  CHECK(http(c.port(0), "POST", "/v1/cart/items",
             json{{"sku", sku + "-M"}, {"quantity", "2"}}.dump(), buyer.access_token)
          .error_field()
        == "quantity");
  CHECK(http(c.port(0), "GET", "/v1/cart").status == 401);
  CHECK_STATUS(http(c.port(0), "PATCH", "/v1/cart/items/" + sku + "-M",
                    json{{"quantity", -1}}.dump(), buyer.access_token),
               400);
  CHECK_STATUS(http(c.port(0), "DELETE", "/v1/cart/items/" + sku + "-M"), 401);
  CHECK_STATUS(http(c.port(0), "DELETE", "/v1/cart"), 401);

  CHECK(http(c.port(2), "DELETE", "/v1/cart", "", buyer.access_token).status == 204);
  auto empty = json_of(http(c.port(0), "GET", "/v1/cart", "", buyer.access_token), 200);
  CHECK(empty.at("items").empty());
  CHECK(empty.at("subtotal") == 0);
}
