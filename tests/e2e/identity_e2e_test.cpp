#include <algorithm>
#include <atomic>
#include <thread>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/checks.hpp"
#include "tests/support/race.hpp"
#include "tests/support/wait.hpp"

using namespace lakoo::test;
using nlohmann::json;

TEST_CASE("register through one node, log in through another, read through the third",
          "[e2e][identity]") {
  test_cluster c{"journey"};
  REQUIRE(c.wait_all_ready());
  auto s = register_user(c.port(0), "Ani");
  auto login = http(c.port(1), "POST", "/v1/auth/login", login_body(s));
  REQUIRE(login.status == 200);
  auto token = login.json()["access_token"].get<std::string>();
  CHECK(login.json()["user"]["id"] == s.user_id);

  auto me = http(c.port(2), "GET", "/v1/me", "", token);
  REQUIRE(me.status == 200);
  auto u = me.json();
  CHECK(u["id"] == s.user_id);
  CHECK(u["email"] == s.email);
  CHECK(u["name"] == "Ani");
  CHECK(u["roles"] == json::array({"customer"}));
  CHECK(u["seller_id"].is_null());
  CHECK(u["created_at"].get<std::string>().size() == 20);

  SECTION("profile changes are visible from every node") {
    auto patched
      = http(c.port(2), "PATCH", "/v1/me",
             json{{"bio", "Suka batik"}, {"avatar_url", "https://img.id/a.png"}}.dump(), token);
    REQUIRE(patched.status == 200);
    CHECK(patched.json()["bio"] == "Suka batik");
    CHECK(patched.json()["name"] == "Ani");
    auto pub = http(c.port(0), "GET", "/v1/users/" + s.user_id);
    REQUIRE(pub.status == 200);
    CHECK(pub.json()["bio"] == "Suka batik");
    CHECK(pub.json()["follower_count"] == 0);
    CHECK_FALSE(pub.json().contains("email"));
  }
  SECTION("address book CRUD") {
    json a{{"label", "Rumah"},        {"recipient", "Ani"}, {"phone", "+62 812 1111 2222"},
           {"line1", "Jl. Braga 10"}, {"city", "Bandung"},  {"province", "Jawa Barat"},
           {"postal_code", "40111"}};
    auto first = http(c.port(0), "POST", "/v1/me/addresses", a.dump(), token);
    REQUIRE(first.status == 201);
    CHECK(first.json()["is_default"] == true);
    CHECK(first.json()["country"] == "ID");
    a["label"] = "Kantor";
    a["is_default"] = true;
    auto second = http(c.port(1), "POST", "/v1/me/addresses", a.dump(), token);
    REQUIRE(second.status == 201);
    auto id2 = second.json()["id"].get<std::string>();
    auto patched = http(c.port(2), "PATCH", "/v1/me/addresses/" + id2,
                        json{{"city", "Jakarta"}}.dump(), token);
    REQUIRE(patched.status == 200);
    CHECK(patched.json()["city"] == "Jakarta");
    CHECK(patched.json()["label"] == "Kantor");
    auto list = http(c.port(0), "GET", "/v1/me/addresses", "", token);
    REQUIRE(list.status == 200);
    REQUIRE(list.json()["items"].size() == 2);
    CHECK(list.json()["items"][0]["is_default"] == false);
    CHECK(list.json()["items"][1]["is_default"] == true);
    auto del = http(c.port(1), "DELETE", "/v1/me/addresses/" + id2, "", token);
    CHECK(del.status == 204);
    auto after = http(c.port(2), "GET", "/v1/me/addresses", "", token);
    REQUIRE(after.json()["items"].size() == 1);
    CHECK(after.json()["items"][0]["is_default"] == true);
    CHECK(http(c.port(1), "DELETE", "/v1/me/addresses/" + id2, "", token).status == 404);
  }
  SECTION("refresh rotates; reuse revokes the family; logout ends a session") {
    auto r1 = http(c.port(1), "POST", "/v1/auth/refresh",
                   json{{"refresh_token", s.refresh_token}}.dump());
    REQUIRE(r1.status == 200);
    auto next = r1.json()["refresh_token"].get<std::string>();
    CHECK(next != s.refresh_token);
    CHECK(http(c.port(2), "GET", "/v1/me", "", r1.json()["access_token"]).status == 200);
    auto reuse = http(c.port(2), "POST", "/v1/auth/refresh",
                      json{{"refresh_token", s.refresh_token}}.dump());
    CHECK(reuse.status == 401);
    CHECK(reuse.error_code() == "unauthorized");
    auto revoked
      = http(c.port(0), "POST", "/v1/auth/refresh", json{{"refresh_token", next}}.dump());
    CHECK(revoked.status == 401);
    // The reuse revoked the family's access tokens on every node too (the revocation reaches
    // the other nodes as a broadcast: polled, not assumed to be there at once).
    auto reused_access = r1.json()["access_token"].get<std::string>();
    for (size_t n = 0; n < c.size(); ++n) {
      INFO("node " << n);
      CHECK(eventually(
        [&] { return http(c.port(n), "GET", "/v1/me", "", reused_access).status == 401; },
        std::chrono::seconds(10)));
      CHECK(eventually(
        [&] { return http(c.port(n), "GET", "/v1/me", "", s.access_token).status == 401; },
        std::chrono::seconds(10)));
    }
    // The login session is a separate family and still works, until logout.
    auto other = login.json()["refresh_token"].get<std::string>();
    CHECK(http(c.port(0), "GET", "/v1/me", "", token).status == 200);
    CHECK(http(c.port(0), "POST", "/v1/auth/logout", json{{"refresh_token", other}}.dump()).status
          == 204);
    CHECK(http(c.port(1), "POST", "/v1/auth/refresh", json{{"refresh_token", other}}.dump()).status
          == 401);
    for (size_t n = 0; n < c.size(); ++n) {
      INFO("node " << n);
      http_result after;
      CHECK(eventually(
        [&] {
          after = http(c.port(n), "GET", "/v1/me", "", token);
          return after.status == 401;
        },
        std::chrono::seconds(10)));
      CHECK(after.error_code() == "unauthorized");
    }
  }
  SECTION("wrong password and unknown email look the same") {
    auto wrong = http(c.port(0), "POST", "/v1/auth/login",
                      json{{"email", s.email}, {"password", "salah-sekali"}}.dump());
    auto unknown
      = http(c.port(0), "POST", "/v1/auth/login",
             json{{"email", "nobody-" + unique_suffix() + "@e2e.id"}, {"password", "salah-sekali"}}
               .dump());
    CHECK(wrong.status == 401);
    CHECK(unknown.status == 401);
    CHECK(wrong.body == unknown.body);
    // Emails are case-insensitive.
    auto upper = json{{"email", "ANI" + s.email.substr(3)}, {"password", s.password}};
    CHECK(http(c.port(2), "POST", "/v1/auth/login", upper.dump()).status == 200);
  }
}

TEST_CASE("concurrent registrations of one email through all nodes: exactly one wins",
          "[e2e][identity]") {
  test_cluster c{"race"};
  REQUIRE(c.wait_all_ready());
  for (int round = 0; round < 3; ++round) {
    auto email = "race-" + unique_suffix() + "@e2e.id";
    auto body = json{{"email", email}, {"password", "rahasia123"}, {"name", "R"}}.dump();
    auto run = race(
      9, [&](size_t t) { return http_connection{c.port(t % 3)}; },
      [&](size_t, http_connection& conn) {
        return conn.request("POST", "/v1/auth/register", body).status;
      });
    INFO("round " << round << ", peak in flight " << run.timing.peak_in_flight());
    CHECK(std::count(run.results.begin(), run.results.end(), 201) == 1);
    CHECK(std::count(run.results.begin(), run.results.end(), 409) == 8);
    // The claims raced: more than one registration was in flight at once.
    CHECK(run.timing.peak_in_flight() >= 3);
  }
}

TEST_CASE("the admin email gets the admin role and sees the cluster", "[e2e][ops]") {
  test_cluster c{"admin"};
  REQUIRE(c.wait_all_ready());
  auto r = admin_session(c.port(0));
  CHECK(r.json()["user"]["roles"] == json::array({"customer", "admin"}));
  auto token = r.json()["access_token"].get<std::string>();
  auto view = http(c.port(1), "GET", "/v1/admin/cluster", "", token);
  REQUIRE(view.status == 200);
  auto j = view.json();
  CHECK(j["shards"] == 64);
  REQUIRE(j["nodes"].size() == 3);
  int64_t shards = 0;
  for (const auto& n : j["nodes"]) {
    CHECK(n["status"] == "up");
    shards += n["shards"].get<int64_t>();
  }
  CHECK(shards == 64);
  auto user = register_user(c.port(2), "Biasa");
  CHECK(http(c.port(2), "GET", "/v1/admin/cluster", "", user.access_token).status == 403);
  CHECK(http(c.port(2), "GET", "/v1/admin/cluster").status == 401);

  auto health = http(c.port(2), "GET", "/health").json();
  CHECK(health["status"] == "ok");
  CHECK(health["node"] == "n3");
  auto metrics = http(c.port(0), "GET", "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.header("Content-Type").find("text/plain") == 0);
  for (const char* family :
       {"lakoo_http_requests_total{", "lakoo_http_request_seconds_bucket{", "lakoo_actors_alive{",
        "lakoo_entity_mailbox_depth_bucket{", "lakoo_snapshot_batch_size_bucket",
        "lakoo_snapshot_commit_seconds_bucket"}) {
    INFO(family);
    CHECK(metrics.body.find(family) != std::string::npos);
  }
}
