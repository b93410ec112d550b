#pragma once

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

#include "tests/support/http_client.hpp"
#include "tests/support/test_cluster.hpp"

namespace lakoo::test {

/// A registered user with its first session.
struct session {
  std::string email;
  std::string password;
  std::string user_id;
  std::string access_token;
  std::string refresh_token;
};

inline session register_user(uint16_t port, const std::string& name) {
  session s;
  s.email = name + "-" + unique_suffix() + "@e2e.id";
  // Stored and answered in lower case (emails are case-insensitive).
  std::transform(s.email.begin(), s.email.end(), s.email.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  s.password = "kata-sandi-" + name;
  nlohmann::json body{{"email", s.email}, {"password", s.password}, {"name", name}};
  auto r = http(port, "POST", "/v1/auth/register", body.dump());
  INFO(r.body);
  REQUIRE(r.status == 201);
  auto j = r.json();
  s.user_id = j["user"]["id"].get<std::string>();
  s.access_token = j["access_token"].get<std::string>();
  s.refresh_token = j["refresh_token"].get<std::string>();
  return s;
}

/// The cluster's admin (its email is in `admin_emails`): registered on first use, logged in
/// afterwards (the database outlives test runs). Returns the response with the session.
inline http_result admin_session(uint16_t port) {
  auto creds = nlohmann::json{{"email", test_cluster::admin_email}, {"password", "admin-password"}};
  auto with_name = creds;
  with_name["name"] = "Admin";
  auto r = http(port, "POST", "/v1/auth/register", with_name.dump());
  if (r.status == 409) {
    r = http(port, "POST", "/v1/auth/login", creds.dump());
  }
  REQUIRE((r.status == 201 || r.status == 200));
  return r;
}

inline std::string admin_token(uint16_t port) {
  return admin_session(port).json()["access_token"].get<std::string>();
}

/// Opens a seller account for `owner` and has the admin approve it; returns the seller id.
inline std::string open_shop(uint16_t port, const session& owner, const std::string& admin,
                             const std::string& brand) {
  auto r = http(port, "POST", "/v1/sellers", nlohmann::json{{"brand_name", brand}}.dump(),
                owner.access_token);
  INFO(r.body);
  REQUIRE(r.status == 201);
  auto id = r.json()["id"].get<std::string>();
  REQUIRE(http(port, "POST", "/v1/admin/sellers/" + id + "/approve", "", admin).status == 200);
  return id;
}

/// Creates, submits and approves a one-variant product; returns its id.
inline std::string listed_product(uint16_t port, const std::string& seller, const session& owner,
                                  const std::string& admin, const std::string& sku, int64_t price,
                                  int64_t stock) {
  nlohmann::json body{{"title", "Produk " + sku},
                      {"category", "makanan_minuman"},
                      {"variants", {{{"sku", sku}, {"price", price}, {"stock", stock}}}}};
  auto r
    = http(port, "POST", "/v1/sellers/" + seller + "/products", body.dump(), owner.access_token);
  INFO(r.body);
  REQUIRE(r.status == 201);
  auto id = r.json()["id"].get<std::string>();
  REQUIRE(http(port, "POST", "/v1/products/" + id + "/submit", "", owner.access_token).status
          == 200);
  REQUIRE(http(port, "POST", "/v1/admin/products/" + id + "/approve", "", admin).status == 200);
  return id;
}

/// A checkout body with a new shipping address.
inline const char* const checkout_address_body
  = R"({"shipping_address":{"recipient":"Sari","phone":"+62 812 3456 789",
  "line1":"Jl. Malioboro 1","city":"Yogyakarta","province":"DIY","postal_code":"55271"}})";

/// The raw bytes of a WebSocket upgrade request for `target` (for `raw_exchange`).
inline std::string upgrade_request(uint16_t port, const std::string& target,
                                   const std::string& extra_headers = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port)
         + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
         + extra_headers + "\r\n";
}

/// The status code of a raw HTTP answer (0 if there is none).
inline int status_of(const std::string& raw) {
  if (raw.size() < 12 || raw.rfind("HTTP/1.", 0) != 0) {
    return 0;
  }
  return std::atoi(raw.substr(9, 3).c_str());
}

inline std::string login_body(const session& s) {
  return nlohmann::json{{"email", s.email}, {"password", s.password}}.dump();
}

} // namespace lakoo::test
