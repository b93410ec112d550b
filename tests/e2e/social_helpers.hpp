#pragma once

// Helpers of the social end-to-end tests.

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/checks.hpp"

namespace lakoo::test {

using clock_type = std::chrono::steady_clock;

using nlohmann::json;

/// Polls `get` until `ok` holds or `within` passes; returns the last answer.
inline json poll(const std::function<json()>& get, const std::function<bool(const json&)>& ok,
                 std::chrono::milliseconds within) {
  auto deadline = clock_type::now() + within;
  json last;
  for (;;) {
    last = get();
    if (ok(last) || clock_type::now() >= deadline) {
      return last;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

/// Whether the feed page `page` (a 200 answer's body) holds `post_id`. A body without `items`
/// fails the test: an error answer must never read as "not there".
inline bool has_post(const json& page, const std::string& post_id) {
  INFO(page.dump().substr(0, 500));
  REQUIRE(page.contains("items"));
  for (const auto& item : page.at("items")) {
    if (item.at("post").at("id") == post_id) {
      return true;
    }
  }
  return false;
}

inline std::string make_post(uint16_t port, const session& author, const std::string& caption,
                             const std::string& product = "") {
  json body{{"caption", caption}, {"media_urls", {"https://cdn.lakoo.id/p/1.jpg"}}};
  if (!product.empty()) {
    body["product_tags"] = {{{"product_id", product}, {"x", 0.5}, {"y", 0.25}}};
  }
  auto r = http(port, "POST", "/v1/posts", body.dump(), author.access_token);
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.json()["id"].get<std::string>();
}

inline void follow(uint16_t port, const session& who, const session& whom, bool on = true) {
  auto r = http(port, on ? "POST" : "DELETE", "/v1/users/" + whom.user_id + "/follow", "",
                who.access_token);
  INFO(r.body);
  REQUIRE(r.status == 200);
}

/// A feed page of `who`, answered with 200 (anything else fails the test).
inline json feed(uint16_t port, const session& who,
                 const std::string& path = "/v1/feed/following") {
  return json_of(http(port, "GET", path, "", who.access_token), 200);
}

inline auto kind_is(const std::string& kind) {
  return [kind](const json& f) {
    return f.value("type", "") == "notification" && f["notification"].value("kind", "") == kind;
  };
}

/// A shop with one listed product; returns the product id.
inline std::string shop_product(uint16_t port, const std::string& admin, session& owner,
                                const std::string& sku_prefix) {
  auto seller = open_shop(port, owner, admin, "Toko " + sku_prefix);
  owner.access_token
    = http(port, "POST", "/v1/auth/login", login_body(owner)).json()["access_token"];
  return listed_product(port, seller, owner, admin, sku_prefix + "-" + unique_suffix(), 125000, 10);
}

} // namespace lakoo::test
