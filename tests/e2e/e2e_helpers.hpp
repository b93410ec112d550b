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

inline std::string login_body(const session& s) {
  return nlohmann::json{{"email", s.email}, {"password", s.password}}.dump();
}

} // namespace lakoo::test
