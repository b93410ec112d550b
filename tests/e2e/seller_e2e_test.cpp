#include <algorithm>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/checks.hpp"
#include "tests/support/race.hpp"

using namespace lakoo::test;
using nlohmann::json;

namespace {

std::vector<std::string> roles_after_refresh(uint16_t port, session& s) {
  auto r = http(port, "POST", "/v1/auth/refresh", json{{"refresh_token", s.refresh_token}}.dump());
  REQUIRE(r.status == 200);
  s.refresh_token = r.json()["refresh_token"].get<std::string>();
  s.access_token = r.json()["access_token"].get<std::string>();
  auto me = http(port, "GET", "/v1/me", "", s.access_token);
  REQUIRE(me.status == 200);
  return me.json()["roles"].get<std::vector<std::string>>();
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

} // namespace

TEST_CASE("sellers apply, get reviewed by an admin, and only active ones are public",
          "[e2e][seller]") {
  test_cluster c{"sellers"};
  REQUIRE(c.wait_all_ready());
  auto admin = admin_token(c.port(0));
  auto owner = register_user(c.port(0), "Sekar");
  auto stranger = register_user(c.port(1), "Orang");

  auto applied = http(c.port(1), "POST", "/v1/sellers",
                      json{{"brand_name", "Batik Sekar"},
                           {"bio", "Batik tulis dari Solo"},
                           {"instagram_handle", "@batiksekar"},
                           {"acquisition_source", "bazaar"}}
                        .dump(),
                      owner.access_token);
  REQUIRE(applied.status == 201);
  auto seller = applied.json();
  auto id = seller["id"].get<std::string>();
  CHECK(seller["status"] == "pending");
  CHECK(seller["owner_user_id"] == owner.user_id);
  CHECK(seller["instagram_handle"] == "batiksekar");
  CHECK(seller["follower_count"] == 0);
  CHECK(seller["product_count"] == 0);
  CHECK(
    http(c.port(2), "POST", "/v1/sellers", json{{"brand_name", "Dua"}}.dump(), owner.access_token)
      .status
    == 409);
  auto me = http(c.port(2), "GET", "/v1/me", "", owner.access_token).json();
  CHECK(me["seller_id"] == id);

  // Pending: the owner and admins see it, nobody else.
  CHECK(http(c.port(2), "GET", "/v1/sellers/" + id).status == 404);
  CHECK(http(c.port(2), "GET", "/v1/sellers/" + id, "", stranger.access_token).status == 404);
  CHECK(http(c.port(2), "GET", "/v1/sellers/" + id, "", owner.access_token).status == 200);
  CHECK(http(c.port(2), "GET", "/v1/sellers/" + id, "", admin).status == 200);
  CHECK(http(c.port(2), "GET", "/v1/sellers/" + id, "", "forged").status == 401);

  // Only the owner edits; only admins decide.
  auto patch = json{{"bio", "Batik tulis & cap"}}.dump();
  CHECK(http(c.port(0), "PATCH", "/v1/sellers/" + id, patch, stranger.access_token).status == 403);
  auto edited = http(c.port(0), "PATCH", "/v1/sellers/" + id, patch, owner.access_token);
  REQUIRE(edited.status == 200);
  CHECK(edited.json()["bio"] == "Batik tulis & cap");
  CHECK(edited.json()["brand_name"] == "Batik Sekar");
  CHECK(
    http(c.port(1), "POST", "/v1/admin/sellers/" + id + "/approve", "", owner.access_token).status
    == 403);

  auto approved = http(c.port(1), "POST", "/v1/admin/sellers/" + id + "/approve", "", admin);
  REQUIRE(approved.status == 200);
  CHECK(approved.json()["status"] == "active");
  CHECK(http(c.port(2), "GET", "/v1/sellers/" + id).status == 200);
  CHECK(contains(roles_after_refresh(c.port(2), owner), "seller"));

  auto no_reason = http(c.port(0), "POST", "/v1/admin/sellers/" + id + "/reject", "{}", admin);
  CHECK(no_reason.status == 400);
  CHECK(no_reason.error_field() == "reason");
  auto rejected = http(c.port(0), "POST", "/v1/admin/sellers/" + id + "/reject",
                       json{{"reason", "counterfeit goods"}}.dump(), admin);
  REQUIRE(rejected.status == 200);
  CHECK(rejected.json()["status"] == "rejected");
  CHECK(rejected.json()["rejection_reason"] == "counterfeit goods");
  CHECK(http(c.port(1), "GET", "/v1/sellers/" + id).status == 404);
  CHECK_FALSE(contains(roles_after_refresh(c.port(1), owner), "seller"));
  CHECK(http(c.port(1), "GET", "/v1/sellers/sel_00000000000000000000000000", "", admin).status
        == 404);
}

TEST_CASE("concurrent applications of one user through all nodes: exactly one seller",
          "[e2e][seller]") {
  test_cluster c{"seller-race"};
  REQUIRE(c.wait_all_ready());
  auto s = register_user(c.port(0), "Balap");
  auto run = race(
    9, [&](size_t t) { return http_connection{c.port(t % 3)}; },
    [&](size_t t, http_connection& conn) {
      return conn
        .request("POST", "/v1/sellers", json{{"brand_name", "Toko " + std::to_string(t)}}.dump(),
                 s.access_token)
        .status;
    });
  INFO("peak in flight " << run.timing.peak_in_flight());
  CHECK(std::count(run.results.begin(), run.results.end(), 201) == 1);
  CHECK(std::count(run.results.begin(), run.results.end(), 409) == 8);
  CHECK(run.timing.peak_in_flight() >= 3);
  // The one seller is the user's.
  auto me = json_of(http(c.port(1), "GET", "/v1/me", "", s.access_token), 200);
  REQUIRE(me.at("seller_id").is_string());
  auto shop = json_of(http(c.port(2), "GET", "/v1/sellers/" + me.at("seller_id").get<std::string>(),
                           "", s.access_token),
                      200);
  CHECK(shop.at("owner_user_id") == s.user_id);
}

TEST_CASE("bad seller input is rejected with the field named", "[e2e][seller][validation]") {
  test_cluster c{"seller-bad", 1};
  REQUIRE(c.wait_ready(0));
  auto s = register_user(c.port(0), "Salah");
  auto check = [&](const json& body, const std::string& field) {
    auto r = http(c.port(0), "POST", "/v1/sellers", body.dump(), s.access_token);
    INFO(body.dump() << " -> " << r.body);
    CHECK(r.status == 400);
    CHECK(r.error_field() == field);
  };
  check(json::object(), "brand_name");
  check({{"brand_name", 42}}, "brand_name");
  check({{"brand_name", std::string(201, 'b')}}, "brand_name");
  check({{"brand_name", "B"}, {"acquisition_source", "tv"}}, "acquisition_source");
  check({{"brand_name", "B"}, {"instagram_handle", "not a handle!"}}, "instagram_handle");
  check({{"brand_name", "B"}, {"bio", std::string(5001, 'x')}}, "bio");
  CHECK(http(c.port(0), "POST", "/v1/sellers", json{{"brand_name", "B"}}.dump()).status == 401);
  // Nothing was created by the rejected requests.
  auto me = json_of(http(c.port(0), "GET", "/v1/me", "", s.access_token), 200);
  REQUIRE(me.contains("seller_id"));
  CHECK(me.at("seller_id").is_null());
}
