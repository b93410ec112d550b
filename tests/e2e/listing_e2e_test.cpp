// GET /v1/products on a 3-node cluster: every node's catalog index follows approvals, price
// changes and rejections; filters, search, cursors and bad parameters.

#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/checks.hpp"
#include "tests/support/wait.hpp"

using namespace lakoo::test;
using nlohmann::json;

namespace {

/// Polls `GET target` on `port` (bounded) until `pred(body)` holds; returns the last body.
json poll_listing(uint16_t port, const std::string& target,
                  const std::function<bool(const json&)>& pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  json last;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = http(port, "GET", target);
    if (r.status == 200) {
      last = r.json();
      if (pred(last)) {
        return last;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  INFO("last page: " << last.dump());
  FAIL("the listing did not reach the expected state on port " << port << ": " << target);
  return last;
}

std::vector<std::string> ids_of(const json& page) {
  INFO(page.dump().substr(0, 500));
  REQUIRE(page.contains("items"));
  std::vector<std::string> out;
  for (const auto& item : page.at("items")) {
    out.push_back(item.at("id").get<std::string>());
  }
  return out;
}

/// The product ids of a page answered with 200 (any other status fails the test).
std::vector<std::string> ids_of(const http_result& r) {
  return ids_of(json_of(r, 200));
}

/// The suffix as letters only, so it is one search word.
std::string word_of(std::string s) {
  for (auto& ch : s) {
    ch = (ch >= '0' && ch <= '9') ? static_cast<char>('a' + (ch - '0')) : 'x';
  }
  return "lakoo" + s;
}

json product_body(const std::string& title, const std::string& description,
                  const std::string& category, const std::string& sku, int64_t price) {
  return json{{"title", title},
              {"description", description},
              {"category", category},
              {"images", {"https://img.lakoo.id/" + sku + ".jpg"}},
              {"variants", {{{"sku", sku}, {"price", price}, {"stock", 7}}}}};
}

} // namespace

TEST_CASE("listings and search follow moderation and price changes on every node",
          "[e2e][catalog][listing]") {
  test_cluster c{"listing"};
  REQUIRE(c.wait_all_ready());
  auto admin = admin_token(c.port(0));
  auto owner = register_user(c.port(0), "Tenun");
  auto r = http(c.port(1), "POST", "/v1/sellers", json{{"brand_name", "Tenun Sumba"}}.dump(),
                owner.access_token);
  REQUIRE(r.status == 201);
  auto seller = r.json()["id"].get<std::string>();
  REQUIRE(http(c.port(2), "POST", "/v1/admin/sellers/" + seller + "/approve", "", admin).status
          == 200);
  auto word = word_of(unique_suffix());
  auto sku = "TNN" + unique_suffix();
  auto create = [&](const json& body) {
    auto x = http(c.port(0), "POST", "/v1/sellers/" + seller + "/products", body.dump(),
                  owner.access_token);
    INFO(x.body);
    REQUIRE(x.status == 201);
    return x.json()["id"].get<std::string>();
  };
  auto scarf = create(product_body("Syal Tenun " + word, "Motif kuda, pewarna alami",
                                   "Fashion.Tenun", sku + "-1", 450000));
  auto cloth = create(product_body("Kain Ikat", "Tenun ikat " + word + " dari Sumba Timur",
                                   "rumah_tangga.dekorasi", sku + "-2", 1250000));
  auto draft = create(product_body("Tas " + word, "masih draf", "fashion", sku + "-3", 90000));
  for (const auto& id : {scarf, cloth}) {
    REQUIRE(http(c.port(1), "POST", "/v1/products/" + id + "/submit", "", owner.access_token).status
            == 200);
    REQUIRE(http(c.port(2), "POST", "/v1/admin/products/" + id + "/approve", "", admin).status
            == 200);
  }

  auto by_seller = "/v1/products?seller_id=" + seller;
  for (size_t n = 0; n < c.size(); ++n) { // every node's index gets both approvals
    auto page
      = poll_listing(c.port(n), by_seller, [](const json& p) { return p["items"].size() == 2; });
    CHECK(ids_of(page) == std::vector<std::string>{cloth, scarf}); // newest first
    CHECK(page["next_cursor"].is_null());
    const auto& item = page["items"][1];
    CHECK(item["status"] == "active");
    CHECK(item["seller_id"] == seller);
    CHECK(item["category"] == "fashion.tenun"); // the tree's id, whatever the case sent
    CHECK(item["variants"][0]["price"] == 450000);
    CHECK(item["variants"][0]["currency"] == "IDR");
    CHECK(item["variants"][0]["available"] == 7);
    CHECK(item["rating_count"] == 0);
  }

  // Search: words of title or description, any case; the title hit ranks first.
  auto found = http(c.port(1), "GET", "/v1/products?q=" + word);
  REQUIRE(found.status == 200);
  CHECK(ids_of(found.json()) == std::vector<std::string>{scarf, cloth});
  CHECK(ids_of(http(c.port(2), "GET", "/v1/products?q=SUMBA+" + word))
        == std::vector<std::string>{cloth});
  CHECK(ids_of(http(c.port(0), "GET", "/v1/products?q=" + word + "%20kuda"))
        == std::vector<std::string>{scarf});
  CHECK(ids_of(http(c.port(0), "GET", "/v1/products?q=" + word + "+sepatu")).empty());
  // A parent category lists its children's products; any case.
  CHECK(ids_of(http(c.port(0), "GET", "/v1/products?category=fashion&q=" + word))
        == std::vector<std::string>{scarf});
  CHECK(ids_of(http(c.port(0), "GET", "/v1/products?category=fashion.tenun&q=" + word))
        == std::vector<std::string>{scarf});
  CHECK(ids_of(http(c.port(0), "GET", "/v1/products?category=fashion.batik&q=" + word)).empty());
  CHECK(ids_of(http(c.port(0), "GET", "/v1/products?category=RUMAH_TANGGA&seller_id=" + seller))
        == std::vector<std::string>{cloth});

  // Cursor pages.
  auto first = json_of(http(c.port(2), "GET", by_seller + "&limit=1"), 200);
  CHECK(ids_of(first) == std::vector<std::string>{cloth});
  REQUIRE(first["next_cursor"].is_string());
  auto second
    = json_of(http(c.port(0), "GET",
                   by_seller + "&limit=1&cursor=" + first["next_cursor"].get<std::string>()),
              200);
  CHECK(ids_of(second) == std::vector<std::string>{scarf});
  CHECK(second["next_cursor"].is_null());

  // The seller's product count follows the index.
  int64_t count = -1;
  CHECK(eventually([&] {
    count = json_of(http(c.port(1), "GET", "/v1/sellers/" + seller), 200)
              .at("product_count")
              .get<int64_t>();
    return count == 2;
  }));
  CHECK(count == 2);

  // A price change and a stock change show up everywhere.
  REQUIRE(http(c.port(1), "PATCH", "/v1/products/" + scarf + "/variants/" + sku + "-1",
               json{{"price", 399000}, {"stock", 3}}.dump(), owner.access_token)
            .status
          == 200);
  for (size_t n = 0; n < c.size(); ++n) {
    poll_listing(c.port(n), "/v1/products?q=" + word + "&category=fashion", [](const json& p) {
      return p["items"].size() == 1 && p["items"][0]["variants"][0]["price"] == 399000
             && p["items"][0]["variants"][0]["available"] == 3;
    });
  }

  // A rejection takes the product down everywhere.
  REQUIRE(http(c.port(0), "POST", "/v1/admin/products/" + scarf + "/reject",
               json{{"reason", "foto buram"}}.dump(), admin)
            .status
          == 200);
  for (size_t n = 0; n < c.size(); ++n) {
    poll_listing(c.port(n), by_seller,
                 [&](const json& p) { return ids_of(p) == std::vector<std::string>{cloth}; });
  }
  CHECK(ids_of(http(c.port(2), "GET", "/v1/products?q=" + word))
        == std::vector<std::string>{cloth});
  (void)draft;
}

TEST_CASE("listing parameters are checked", "[e2e][catalog][listing]") {
  test_cluster c{"listing-input", 1};
  REQUIRE(c.wait_all_ready());
  auto port = c.port(0);
  poll_listing(port, "/v1/products?limit=1", [](const json& p) { return p.contains("items"); });
  struct bad_case {
    std::string query;
    std::string field;
  };
  std::vector<bad_case> cases{
    {"limit=0", "limit"},
    {"limit=101", "limit"},
    {"limit=abc", "limit"},
    {"limit=-5", "limit"},
    {"cursor=garbage", "cursor"},
    {"cursor=n.123", "cursor"},
    {"q=kaos&cursor=n.1.prd_x", "cursor"}, // a listing cursor for a search
    {"q=" + std::string(201, 'a'), "q"},
    {"category=%FF%FE", "category"},
    {"seller_id=" + std::string(300, 's'), "seller_id"},
  };
  for (const auto& bc : cases) {
    auto r = http(port, "GET", "/v1/products?" + bc.query);
    INFO(bc.query << " -> " << r.body);
    CHECK(r.status == 400);
    CHECK(r.error_code() == "invalid_request");
    CHECK(r.error_field() == bc.field);
  }
  auto ok
    = json_of(http(port, "GET", "/v1/products?seller_id=sel_unknown&category=nothing&q=zzzz"), 200);
  CHECK(ok.at("items").empty());
  CHECK(ok.at("next_cursor").is_null());
  CHECK(http(port, "POST", "/v1/products").status == 405);
}
