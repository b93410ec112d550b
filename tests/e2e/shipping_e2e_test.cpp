#include <algorithm>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/checks.hpp"

using namespace lakoo::test;
using nlohmann::json;

namespace {

/// Creates, submits and approves a one-variant product of `weight_g`; returns its id.
std::string weighed_product(uint16_t port, const std::string& seller, const session& owner,
                            const std::string& admin, const std::string& sku, int64_t weight_g) {
  json body{
    {"title", "Produk " + sku},
    {"category", "rumah_tangga.furnitur"},
    {"variants", {{{"sku", sku}, {"price", 100000}, {"stock", 50}, {"weight_g", weight_g}}}}};
  auto r
    = http(port, "POST", "/v1/sellers/" + seller + "/products", body.dump(), owner.access_token);
  REQUIRE_STATUS(r, 201);
  auto id = r.json().at("id").get<std::string>();
  REQUIRE_STATUS(http(port, "POST", "/v1/products/" + id + "/submit", "", owner.access_token), 200);
  REQUIRE_STATUS(http(port, "POST", "/v1/admin/products/" + id + "/approve", "", admin), 200);
  return id;
}

const json& options_of(const json& quote, const std::string& seller) {
  const auto& sellers = quote.at("sellers");
  auto it = std::find_if(sellers.begin(), sellers.end(),
                         [&](const json& s) { return s.at("seller_id") == seller; });
  REQUIRE(it != sellers.end());
  return it->at("options");
}

int64_t fee_of(const json& options, const std::string& courier, const std::string& service) {
  for (const auto& o : options) {
    if (o.at("courier") == courier && o.at("service") == service) {
      return o.at("fee").get<int64_t>();
    }
  }
  FAIL("no " << courier << " " << service << " in " << options.dump());
  return 0;
}

} // namespace

// Shipping rates per seller, priced by the sandbox courier from each seller's origin city to
// the buyer's city by the parcel's weight; sellers set their origin with PATCH /v1/sellers/{id}.
TEST_CASE("shipping rates: per seller, by origin, destination and weight", "[e2e][shipping]") {
  test_cluster c{"shipping"};
  REQUIRE(c.wait_all_ready());
  auto admin = admin_token(c.port(0));
  auto bandung_owner = register_user(c.port(0), "Dewi");
  auto medan_owner = register_user(c.port(1), "Ucok");
  auto bandung_shop = open_shop(c.port(0), bandung_owner, admin, "Rotan Dewi");
  auto medan_shop = open_shop(c.port(1), medan_owner, admin, "Kopi Ucok");

  // The origin: a city of the reference data, set by the owner only.
  auto set_origin = [&](const std::string& shop, const session& owner, const std::string& city) {
    return http(c.port(2), "PATCH", "/v1/sellers/" + shop, json{{"origin_city_id", city}}.dump(),
                owner.access_token);
  };
  auto bad_city = set_origin(bandung_shop, bandung_owner, "9999");
  CHECK_STATUS(bad_city, 400);
  CHECK(bad_city.error_field() == "origin_city_id");
  CHECK_STATUS(set_origin(bandung_shop, medan_owner, "3273"), 403);
  auto set = set_origin(bandung_shop, bandung_owner, "3273"); // Kota Bandung
  REQUIRE_STATUS(set, 200);
  CHECK(set.json().at("origin_city_id") == "3273");
  REQUIRE_STATUS(set_origin(medan_shop, medan_owner, "1271"), 200); // Kota Medan
  CHECK(json_of(http(c.port(0), "GET", "/v1/sellers/" + medan_shop), 200).at("origin_city_id")
        == "1271");

  weighed_product(c.port(0), bandung_shop, bandung_owner, admin, "SHP-KRS-1", 2500);
  weighed_product(c.port(1), medan_shop, medan_owner, admin, "SHP-KPI-1", 250);

  auto buyer = register_user(c.port(2), "Sari");
  auto rates = [&](const json& body) {
    return http(c.port(1), "POST", "/v1/shipping/rates", body.dump(), buyer.access_token);
  };
  // Explicit items to Surabaya: the Bandung shop is in the same island group (zone 2), Medan
  // is across the sea (zone 3); 2 chairs weigh 5 kg, 3 coffees 750 g (charged as 1 kg).
  json items = json::array(
    {json{{"sku", "SHP-KRS-1"}, {"quantity", 2}}, json{{"sku", "SHP-KPI-1"}, {"quantity", 3}}});
  auto to_surabaya = json_of(
    rates(json{{"destination", {{"province_id", "35"}, {"city_id", "3578"}}}, {"items", items}}),
    200);
  REQUIRE(to_surabaya.at("sellers").size() == 2);
  const auto& from_bandung = options_of(to_surabaya, bandung_shop);
  const auto& from_medan = options_of(to_surabaya, medan_shop);
  CHECK(fee_of(from_bandung, "jne", "reg") == 5 * 18000);
  CHECK(fee_of(from_medan, "jne", "reg") == 32000);
  for (const auto& o : from_bandung) {
    CHECK(o.at("etd_days").is_string());
  }
  CHECK(std::is_sorted(from_bandung.begin(), from_bandung.end(), [](const json& a, const json& b) {
    return a.at("fee").get<int64_t>() < b.at("fee").get<int64_t>();
  }));
  // Within Bandung it is cheaper, and the same request gets the same answer on another node.
  auto local = json{{"destination", {{"city_id", "3273"}}}, {"items", items}};
  auto in_bandung = json_of(rates(local), 200);
  CHECK(fee_of(options_of(in_bandung, bandung_shop), "jne", "reg") == 5 * 9000);
  CHECK(
    json_of(http(c.port(0), "POST", "/v1/shipping/rates", local.dump(), buyer.access_token), 200)
    == in_bandung);

  // Default items: the cart; the destination: one of the buyer's addresses (by its city id).
  REQUIRE_STATUS(http(c.port(2), "POST", "/v1/cart/items",
                      json{{"sku", "SHP-KPI-1"}, {"quantity", 1}}.dump(), buyer.access_token),
                 200);
  auto address = http(c.port(2), "POST", "/v1/me/addresses",
                      json{{"recipient", "Sari"},
                           {"phone", "081234567890"},
                           {"line1", "Jl. Tunjungan 1"},
                           {"city_id", "3578"},
                           {"postal_code", "60261"}}
                        .dump(),
                      buyer.access_token);
  REQUIRE_STATUS(address, 201);
  auto address_id = address.json().at("id").get<std::string>();
  auto from_cart = json_of(rates(json{{"address_id", address_id}}), 200);
  REQUIRE(from_cart.at("sellers").size() == 1);
  CHECK(fee_of(options_of(from_cart, medan_shop), "jne", "reg") == 32000);

  // Refusals name the field.
  auto refused = [&](const json& body, const std::string& field) {
    auto r = rates(body);
    INFO(body.dump());
    CHECK_STATUS(r, 400);
    CHECK(r.error_field() == field);
  };
  refused(json::object(), "destination");
  refused(json{{"address_id", address_id}, {"destination", {{"city_id", "3578"}}}}, "destination");
  refused(json{{"address_id", "adr_nope"}}, "address_id");
  refused(json{{"destination", {{"city_id", "9999"}}}}, "destination.city_id");
  refused(json{{"destination", {{"province_id", "32"}, {"city_id", "3578"}}}},
          "destination.city_id");
  refused(
    json{{"destination", {{"city_id", "3578"}}}, {"items", {{{"sku", "NOPE-1"}, {"quantity", 1}}}}},
    "items[0].sku");
  refused(json{{"destination", {{"city_id", "3578"}}},
               {"items", {{{"sku", "SHP-KPI-1"}, {"quantity", 0}}}}},
          "items[0].quantity");
  CHECK_STATUS(http(c.port(0), "POST", "/v1/shipping/rates", local.dump()), 401);
  // An address without a city id cannot be priced.
  auto plain = http(c.port(2), "POST", "/v1/me/addresses",
                    json{{"recipient", "Sari"},
                         {"phone", "081234567890"},
                         {"line1", "Jl. Malioboro 1"},
                         {"city", "Yogyakarta"},
                         {"province", "DIY"},
                         {"postal_code", "55271"}}
                      .dump(),
                    buyer.access_token);
  REQUIRE_STATUS(plain, 201);
  refused(json{{"address_id", plain.json().at("id")}}, "address_id");
}
