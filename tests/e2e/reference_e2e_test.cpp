#include <algorithm>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/checks.hpp"

using namespace lakoo::test;
using nlohmann::json;

namespace {

/// The item of `page` with this id (a failure when missing).
json item_with_id(const json& page, const std::string& id) {
  const auto& items = page.at("items");
  auto it
    = std::find_if(items.begin(), items.end(), [&](const json& x) { return x.at("id") == id; });
  REQUIRE(it != items.end());
  return *it;
}

} // namespace

// One cluster for the reference data and what it checks: regions, categories, Indonesian
// phones, addresses by province and city id, product categories and weights.
TEST_CASE("reference data: regions, categories and the addresses and products they check",
          "[e2e][reference]") {
  test_cluster c{"reference"};
  REQUIRE(c.wait_all_ready());

  // Provinces and their cities, the same on every node.
  auto provinces = json_of(http(c.port(0), "GET", "/v1/regions/provinces"), 200);
  CHECK(provinces.at("items").size() == 38);
  auto jabar = item_with_id(provinces, "32");
  CHECK(jabar.at("name") == "Jawa Barat");
  CHECK(jabar.at("capital_city_id") == "3273");
  auto cities = json_of(http(c.port(1), "GET", "/v1/regions/provinces/32/cities"), 200);
  CHECK(cities.at("items").size() == 27);
  CHECK(item_with_id(cities, "3273").at("name") == "Kota Bandung");
  auto papua = json_of(http(c.port(2), "GET", "/v1/regions/provinces/96/cities"), 200);
  CHECK(item_with_id(papua, "9671").at("name") == "Kota Sorong");
  auto unknown = http(c.port(2), "GET", "/v1/regions/provinces/99/cities");
  CHECK_STATUS(unknown, 404);
  CHECK(unknown.json().at("error").at("code") == "not_found");

  // The category tree: ids with their parents, names in Indonesian and English.
  auto tree = json_of(http(c.port(0), "GET", "/v1/categories"), 200);
  auto batik = item_with_id(tree, "fashion.batik");
  CHECK(batik.at("parent_id") == "fashion");
  CHECK(item_with_id(tree, "fashion").at("parent_id").is_null());
  CHECK(item_with_id(tree, "makanan_minuman").at("name") == "Makanan & Minuman");
  CHECK(item_with_id(tree, "makanan_minuman").at("name_en") == "Food & Drinks");

  auto buyer = register_user(c.port(0), "Sari");
  auto addresses = [&](uint16_t port) {
    return json_of(http(port, "GET", "/v1/me/addresses", "", buyer.access_token), 200);
  };

  // An address by ids is named from the reference data; a city alone brings its province.
  json home{{"recipient", "Sari"}, {"phone", "0812-3456-7890"}, {"line1", "Jl. Braga 10"},
            {"province_id", "32"}, {"city_id", "3273"},         {"postal_code", "40111"}};
  auto made = http(c.port(1), "POST", "/v1/me/addresses", home.dump(), buyer.access_token);
  REQUIRE_STATUS(made, 201);
  auto home_id = made.json().at("id").get<std::string>();
  CHECK(made.json().at("province") == "Jawa Barat");
  CHECK(made.json().at("city") == "Kota Bandung");
  CHECK(made.json().at("city_id") == "3273");
  json office{{"recipient", "Sari"},
              {"phone", "+62 812 1111 2222"},
              {"line1", "Jl. Tunjungan 1"},
              {"city_id", "3578"},
              {"postal_code", "60261"}};
  auto second = http(c.port(2), "POST", "/v1/me/addresses", office.dump(), buyer.access_token);
  REQUIRE_STATUS(second, 201);
  CHECK(second.json().at("province_id") == "35");
  CHECK(second.json().at("province") == "Jawa Timur");
  // An address without ids keeps its names and shows null ids.
  json plain{{"recipient", "Sari"},  {"phone", "081234567"}, {"line1", "Jl. Malioboro 1"},
             {"city", "Yogyakarta"}, {"province", "DIY"},    {"postal_code", "55271"}};
  auto third = http(c.port(0), "POST", "/v1/me/addresses", plain.dump(), buyer.access_token);
  REQUIRE_STATUS(third, 201);
  CHECK(third.json().at("city_id").is_null());
  auto before = addresses(c.port(0));
  REQUIRE(before.at("items").size() == 3);

  // Refusals name the field and change nothing.
  auto refused = [&](const std::string& method, const std::string& path, const json& body,
                     const std::string& field) {
    auto r = http(c.port(2), method, path, body.dump(), buyer.access_token);
    INFO(method << " " << path << " " << body.dump());
    CHECK_STATUS(r, 400);
    CHECK(r.json().at("error").at("code") == "invalid_request");
    CHECK(r.error_field() == field);
  };
  auto mismatch = home;
  mismatch["city_id"] = "3578"; // Surabaya is not in Jawa Barat
  refused("POST", "/v1/me/addresses", mismatch, "city_id");
  auto nowhere = home;
  nowhere["province_id"] = "98";
  refused("POST", "/v1/me/addresses", nowhere, "province_id");
  auto foreign_phone = plain;
  foreign_phone["phone"] = "+1 415 555 0100";
  refused("POST", "/v1/me/addresses", foreign_phone, "phone");
  auto no_city = plain;
  no_city.erase("city");
  refused("POST", "/v1/me/addresses", no_city, "city");
  // A patch is checked against the address it changes: a province that does not hold the city.
  refused("PATCH", "/v1/me/addresses/" + home_id, json{{"province_id", "31"}}, "city_id");
  refused("PATCH", "/v1/me/addresses/" + home_id, json{{"phone", "12345"}}, "phone");
  CHECK(addresses(c.port(1)) == before);
  // A patch that moves the address within the reference data renames it.
  auto moved = http(c.port(1), "PATCH", "/v1/me/addresses/" + home_id,
                    json{{"province_id", "31"}, {"city_id", "3174"}}.dump(), buyer.access_token);
  REQUIRE_STATUS(moved, 200);
  CHECK(moved.json().at("province") == "DKI Jakarta");
  CHECK(moved.json().at("city") == "Kota Administrasi Jakarta Selatan");
  CHECK(moved.json().at("line1") == "Jl. Braga 10");

  // Products: the category must be an id of the tree; weights default to 500 g.
  auto admin = admin_token(c.port(0));
  auto owner = register_user(c.port(1), "Dewi");
  auto seller = open_shop(c.port(1), owner, admin, "Batik Dewi");
  auto product = [&](const std::string& category, const json& variant) {
    json body{{"title", "Kemeja Batik"}, {"category", category}, {"variants", {variant}}};
    return http(c.port(2), "POST", "/v1/sellers/" + seller + "/products", body.dump(),
                owner.access_token);
  };
  auto batik_shirt
    = product("fashion.batik", json{{"sku", "REF-BTK-1"}, {"price", 250000}, {"stock", 3}});
  REQUIRE_STATUS(batik_shirt, 201);
  CHECK(batik_shirt.json().at("category") == "fashion.batik");
  CHECK(batik_shirt.json().at("variants").at(0).at("weight_g") == 500);
  auto heavy
    = product("rumah_tangga.furnitur",
              json{{"sku", "REF-KRS-1"}, {"price", 900000}, {"stock", 1}, {"weight_g", 12000}});
  REQUIRE_STATUS(heavy, 201);
  auto heavy_id = heavy.json().at("id").get<std::string>();
  auto read_back
    = json_of(http(c.port(0), "GET", "/v1/products/" + heavy_id, "", owner.access_token), 200);
  CHECK(read_back.at("variants").at(0).at("weight_g") == 12000);
  auto bad_category = product("food", json{{"sku", "REF-X-1"}, {"price", 1000}, {"stock", 1}});
  CHECK_STATUS(bad_category, 400);
  CHECK(bad_category.error_field() == "category");
  auto bad_weight
    = product("fashion", json{{"sku", "REF-X-2"}, {"price", 1000}, {"stock", 1}, {"weight_g", 0}});
  CHECK_STATUS(bad_weight, 400);
  CHECK(bad_weight.error_field() == "variants[0].weight_g");

  // A checkout's own address is checked the same way, before anything is taken from the cart.
  auto forged = json::parse(checkout_address_body);
  forged["shipping_address"]["province_id"] = "32";
  forged["shipping_address"]["city_id"] = "3578";
  auto co = http(c.port(0), "POST", "/v1/checkout", forged.dump(), buyer.access_token);
  CHECK_STATUS(co, 400);
  CHECK(co.error_field() == "shipping_address.city_id");
}
