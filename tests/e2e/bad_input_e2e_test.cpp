#include "http_edge/tokens.hpp"
#include "tests/e2e/e2e_helpers.hpp"

using namespace lakoo::test;
using nlohmann::json;

namespace {

struct route {
  const char* method;
  std::string path;
  bool needs_token;
  bool has_body;
};

std::vector<route> routes_of(const std::string& address_id) {
  return {
    {"POST", "/v1/auth/register", false, true},
    {"POST", "/v1/auth/login", false, true},
    {"POST", "/v1/auth/refresh", false, true},
    {"POST", "/v1/auth/logout", false, true},
    {"GET", "/v1/me", true, false},
    {"PATCH", "/v1/me", true, true},
    {"GET", "/v1/me/addresses", true, false},
    {"POST", "/v1/me/addresses", true, true},
    {"PATCH", "/v1/me/addresses/" + address_id, true, true},
    {"DELETE", "/v1/me/addresses/" + address_id, true, false},
    {"GET", "/v1/admin/cluster", true, false},
  };
}

std::string expired_token(const std::string& user_id) {
  lakoo::edge::token_signer signer{test_cluster::token_secret};
  lakoo::edge::access_claims claims{user_id, {"customer", "admin"}, "rtf_x", 1000, 1900};
  return signer.issue(claims);
}

std::string forged_token(const std::string& user_id) {
  lakoo::edge::token_signer wrong{"not-the-cluster-secret-at-all"};
  return wrong.issue({user_id, {"customer", "admin"}, "rtf_x", 0, 4102444800});
}

void check_field(uint16_t port, const char* method, const std::string& path, const json& body,
                 const std::string& token, const std::string& field) {
  auto r = http(port, method, path, body.dump(), token);
  INFO(method << " " << path << " " << body.dump() << " -> " << r.status << " " << r.body);
  CHECK(r.status == 400);
  CHECK(r.error_code() == "invalid_request");
  CHECK(r.error_field() == field);
}

} // namespace

TEST_CASE("bad input on the identity routes gets a clear 4xx, changes nothing, kills no node",
          "[e2e][validation]") {
  test_cluster c{"badinput"};
  REQUIRE(c.wait_all_ready());
  auto s = register_user(c.port(0), "Valid");
  auto addr = http(c.port(1), "POST", "/v1/me/addresses",
                   json{{"recipient", "V"},
                        {"phone", "081234567"},
                        {"line1", "Jl. A 1"},
                        {"city", "Medan"},
                        {"province", "Sumatera Utara"},
                        {"postal_code", "20111"}}
                     .dump(),
                   s.access_token);
  REQUIRE(addr.status == 201);
  auto address_id = addr.json()["id"].get<std::string>();
  auto before = http(c.port(2), "GET", "/v1/me", "", s.access_token).body;
  auto book_before = http(c.port(2), "GET", "/v1/me/addresses", "", s.access_token).body;
  std::string huge(1024 * 1024 + 1, ' ');

  for (const auto& r : routes_of(address_id)) {
    for (size_t n = 0; n < c.size(); ++n) {
      auto port = c.port(n);
      INFO(r.method << " " << r.path << " on n" << n + 1);
      if (r.needs_token) {
        for (const auto& bad : {std::string{}, std::string{"garbage"}, expired_token(s.user_id),
                                forged_token(s.user_id), s.access_token + "x"}) {
          auto res = http(port, r.method, r.path, r.has_body ? "{}" : "", bad);
          CHECK(res.status == 401);
          CHECK(res.error_code() == "unauthorized");
        }
      }
      if (r.has_body) {
        auto token = r.needs_token ? s.access_token : std::string{};
        for (const auto& body : {std::string{"{\"email\": "}, std::string{"[1,2]"},
                                 std::string{"\"text\""}, std::string{"\xff\xfe{}"}}) {
          auto res = http(port, r.method, r.path, body, token);
          CHECK(res.status == 400);
          CHECK(res.error_code() == "invalid_request");
          CHECK(res.error_field() == "body");
        }
        auto big = http(port, r.method, r.path, huge, token);
        CHECK(big.status == 413);
        CHECK(big.error_code() == "payload_too_large");
      }
    }
  }

  const auto& t = s.access_token;
  auto p = c.port(0);
  check_field(p, "POST", "/v1/auth/register",
              {{"email", 5}, {"password", "12345678"}, {"name", "x"}}, "", "email");
  check_field(p, "POST", "/v1/auth/register",
              {{"email", "not-an-email"}, {"password", "12345678"}, {"name", "x"}}, "", "email");
  check_field(p, "POST", "/v1/auth/register",
              {{"email", "a@b.id"}, {"password", "short"}, {"name", "x"}}, "", "password");
  check_field(p, "POST", "/v1/auth/register", {{"email", "a@b.id"}, {"password", "12345678"}}, "",
              "name");
  check_field(p, "POST", "/v1/auth/register",
              {{"email", "a@b.id"}, {"password", "12345678"}, {"name", std::string(201, 'n')}}, "",
              "name");
  check_field(p, "POST", "/v1/auth/login", {{"email", true}, {"password", "12345678"}}, "",
              "email");
  check_field(p, "POST", "/v1/auth/refresh", {{"refresh_token", 42}}, "", "refresh_token");
  check_field(p, "POST", "/v1/auth/logout", json::object(), "", "refresh_token");
  check_field(p, "PATCH", "/v1/me", {{"name", 123}}, t, "name");
  check_field(p, "PATCH", "/v1/me", {{"name", ""}}, t, "name");
  check_field(p, "PATCH", "/v1/me", {{"bio", std::string(5001, 'b')}}, t, "bio");
  check_field(p, "PATCH", "/v1/me", {{"avatar_url", json::array()}}, t, "avatar_url");
  check_field(p, "POST", "/v1/me/addresses", {{"phone", "0812345678"}}, t, "recipient");
  check_field(p, "POST", "/v1/me/addresses",
              {{"recipient", "R"},
               {"phone", "call me"},
               {"line1", "x"},
               {"city", "x"},
               {"province", "x"},
               {"postal_code", "1"}},
              t, "phone");
  check_field(p, "PATCH", "/v1/me/addresses/" + address_id, {{"country", "Indonesia"}}, t,
              "country");
  check_field(p, "PATCH", "/v1/me/addresses/" + address_id, {{"is_default", "yes"}}, t,
              "is_default");

  // 200 code points of a multi-byte script are a valid name (limits count characters).
  std::string aksara;
  for (int i = 0; i < 200; ++i) {
    aksara += "\xea\xa6\xb2"; // JAVANESE LETTER HA, 3 bytes
  }
  CHECK(http(p, "PATCH", "/v1/me", json{{"name", aksara}}.dump(), t).status == 200);
  CHECK(http(p, "PATCH", "/v1/me", json{{"name", "Valid"}}.dump(), t).status == 200);

  // Refresh tokens that were never issued.
  for (const auto& fake :
       {"rtf_nope.secret", "no-dot-at-all", "rtf_01m80cfm3982e666n2ktqd7g24.AAAA"}) {
    auto r = http(p, "POST", "/v1/auth/refresh", json{{"refresh_token", fake}}.dump());
    CHECK(r.status == 401);
  }
  // Unknown routes and methods; garbage on the socket.
  CHECK(http(p, "GET", "/v1/nothing-here").status == 404);
  CHECK(http(p, "GET", "/v1/nothing-here").error_code() == "not_found");
  auto wrong = http(p, "PUT", "/v1/me", "{}", t);
  CHECK(wrong.status == 405);
  CHECK(wrong.error_code() == "method_not_allowed");
  CHECK(http(p, "GET", "/v1/users/not-an-id").status == 404);
  CHECK(http(p, "GET", "/v1/me/addresses/../../etc").status == 404);
  auto garbage = raw_exchange(p, "HELLO THERE\r\n\r\n");
  CHECK(garbage.rfind("HTTP/1.1 400", 0) == 0);

  // Nothing changed, every node is alive.
  for (size_t n = 0; n < c.size(); ++n) {
    CHECK(c.is_running(n));
    CHECK(http(c.port(n), "GET", "/health").status == 200);
  }
  CHECK(http(c.port(2), "GET", "/v1/me", "", t).body == before);
  CHECK(http(c.port(2), "GET", "/v1/me/addresses", "", t).body == book_before);
}
