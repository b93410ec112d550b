// Live notifications over WebSocket on a real 3-node cluster: authentication before the
// upgrade, pushes to every socket of a user on other nodes than the inbox. (Slow clients:
// social_e2e_test.cpp, which has a cheap way to make many notifications.)

#include <algorithm>
#include <chrono>
#include <memory>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/checks.hpp"
#include "tests/support/ws_client.hpp"

namespace {

using namespace lakoo::test;
using nlohmann::json;

auto kind_is(const std::string& kind) {
  return [kind](const json& f) {
    return f.value("type", "") == "notification" && f["notification"].value("kind", "") == kind;
  };
}

} // namespace

TEST_CASE("the WebSocket upgrade needs a valid access token", "[e2e][push]") {
  test_cluster cluster{"ws-auth", 1};
  REQUIRE(cluster.wait_all_ready());
  auto p = cluster.port(0);
  auto user = register_user(p, "Wulan");

  // No token, a garbage token, a forged one: 401 in the API's shape, and no upgrade.
  for (const auto& req : {upgrade_request(p, "/v1/ws"), upgrade_request(p, "/v1/ws?token=abc"),
                          upgrade_request(p, "/v1/ws", "Authorization: Bearer x.y.z\r\n")}) {
    auto raw = raw_exchange(p, req);
    INFO(raw);
    CHECK(status_of(raw) == 401);
    CHECK(raw.find("\"unauthorized\"") != std::string::npos);
    CHECK(raw.find("Sec-WebSocket-Accept") == std::string::npos);
  }
  // A logged-out session's token is refused too.
  auto second = http(p, "POST", "/v1/auth/login", login_body(user));
  REQUIRE(second.status == 200);
  auto revoked = second.json()["access_token"].get<std::string>();
  REQUIRE(http(p, "POST", "/v1/auth/logout",
               json{{"refresh_token", second.json()["refresh_token"]}}.dump(), revoked)
            .status
          == 204);
  CHECK(status_of(raw_exchange(p, upgrade_request(p, "/v1/ws?token=" + revoked))) == 401);
  CHECK_THROWS(ws_client{p, "/v1/ws", revoked});

  // Unknown upgrade path: 404; a plain GET of the WebSocket route: 400.
  CHECK(status_of(raw_exchange(p, upgrade_request(p, "/v1/nope?token=" + user.access_token)))
        == 404);
  auto plain = http(p, "GET", "/v1/ws", "", user.access_token);
  CHECK(plain.status == 400);
  CHECK(http(p, "GET", "/v1/ws").status == 401);

  // The token in the header or in the query both work.
  CHECK_NOTHROW(ws_client{p, "/v1/ws", user.access_token});
  CHECK_NOTHROW(ws_client{p, "/v1/ws?token=" + user.access_token});
}

TEST_CASE("every socket of a user gets each notification, on any node", "[e2e][push]") {
  test_cluster cluster{"ws-push"};
  REQUIRE(cluster.wait_all_ready());
  auto admin = admin_token(cluster.port(0));
  auto owner = register_user(cluster.port(0), "Putri");

  // Two devices on two nodes, a third socket on the same node as the second.
  ws_client phone{cluster.port(1), "/v1/ws", owner.access_token};
  ws_client laptop{cluster.port(2), "/v1/ws?token=" + owner.access_token};
  ws_client tablet{cluster.port(2), "/v1/ws", owner.access_token};
  for (auto* socket : {&phone, &laptop, &tablet}) {
    REQUIRE(socket->wait_ready()); // the user's inbox pushes to the socket's node from now on
  }

  // The approval happens through node 1; the inbox lives wherever its shard is.
  open_shop(cluster.port(0), owner, admin, "Toko Putri");
  for (auto* socket : {&phone, &laptop, &tablet}) {
    auto frame = socket->wait_for(kind_is("seller_approved"));
    INFO(frame.dump());
    REQUIRE(frame.is_object());
    CHECK(frame["notification"]["read"] == false);
    CHECK(frame["notification"]["id"].get<std::string>().rfind("ntf_", 0) == 0);
  }
  // The same notification is in the inbox.
  auto inbox = items_of(http(cluster.port(1), "GET", "/v1/notifications", "", owner.access_token));
  REQUIRE(inbox.size() == 1);
  CHECK(inbox.at(0).at("id") == phone.wait_for(kind_is("seller_approved"))["notification"]["id"]);
  // A socket opened later on a node already watching is ready at once, and gets the next ones.
  ws_client late{cluster.port(1), "/v1/ws", owner.access_token};
  REQUIRE(late.wait_ready());

  // A closed socket is cleaned up; the others keep receiving.
  tablet.close();
  nlohmann::json body{
    {"title", "Kopi Gayo"},
    {"category", "makanan_minuman"},
    {"variants", {{{"sku", "KOPI-" + unique_suffix()}, {"price", 90000}, {"stock", 5}}}}};
  auto seller = http(cluster.port(0), "GET", "/v1/me", "", owner.access_token).json();
  auto refreshed = http(cluster.port(0), "POST", "/v1/auth/login", login_body(owner)).json();
  auto token = refreshed["access_token"].get<std::string>(); // carries the seller role now
  auto created = http(cluster.port(0), "POST",
                      "/v1/sellers/" + seller["seller_id"].get<std::string>() + "/products",
                      body.dump(), token);
  REQUIRE(created.status == 201);
  auto pid = created.json()["id"].get<std::string>();
  REQUIRE(http(cluster.port(0), "POST", "/v1/products/" + pid + "/submit", "", token).status
          == 200);
  REQUIRE(http(cluster.port(2), "POST", "/v1/admin/products/" + pid + "/approve", "", admin).status
          == 200);
  CHECK(phone.wait_for(kind_is("product_approved")).is_object());
  CHECK(laptop.wait_for(kind_is("product_approved")).is_object());
  CHECK(late.wait_for(kind_is("product_approved")).is_object());
  CHECK(tablet.frames().size() == 2); // ready and seller_approved: closed before the approval
}

TEST_CASE("idle sockets are pinged: a live client stays, a silent one is closed", "[e2e][push]") {
  test_cluster cluster{"ws-ping", 1, {"ws_idle_timeout_s = 2"}};
  REQUIRE(cluster.wait_all_ready());
  auto p = cluster.port(0);
  auto user = register_user(p, "Sepi");
  ws_client live{p, "/v1/ws", user.access_token}; // reads, so Beast answers the pings
  REQUIRE(live.wait_ready());
  // A raw client that upgrades and then never answers anything: the server pings it after 1 s of
  // silence and closes it at 2 s, long before this exchange's own 10 s limit.
  auto started = std::chrono::steady_clock::now();
  auto raw = raw_exchange(p, upgrade_request(p, "/v1/ws?token=" + user.access_token), 10000);
  auto waited = std::chrono::steady_clock::now() - started;
  CHECK(status_of(raw) == 101);
  // Closed for its silence, not at once: after the idle timeout, before the exchange's limit.
  CHECK(waited >= std::chrono::milliseconds(1500));
  CHECK(waited < std::chrono::seconds(8));
  // It was pinged before it was dropped: a ping frame (FIN + opcode 9) after the headers.
  auto frames = raw.substr(std::min(raw.size(), raw.find("\r\n\r\n") + 4));
  CHECK(frames.find('\x89') != std::string::npos);
  // The live client has been connected longer than the idle timeout and is still open.
  CHECK(std::chrono::steady_clock::now() - started > std::chrono::seconds(2));
  CHECK_FALSE(live.closed());
  // The live one still gets notifications.
  auto admin = admin_token(p);
  open_shop(p, user, admin, "Toko Sepi");
  CHECK(live.wait_for(kind_is("seller_approved")).is_object());
}
