#pragma once

#include <algorithm>
#include <cctype>
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

inline std::string login_body(const session& s) {
  return nlohmann::json{{"email", s.email}, {"password", s.password}}.dump();
}

} // namespace lakoo::test
