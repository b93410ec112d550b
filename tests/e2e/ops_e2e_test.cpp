// Operating a cluster: the console (CLI and API), drain and a rolling restart under load with a
// client that retries on 503, and back-pressure.

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/e2e/social_helpers.hpp"
#include "tests/support/checks.hpp"
#include "tests/support/race.hpp"
#include "tests/support/wait.hpp"
#include "tests/support/ws_client.hpp"

namespace {

using namespace lakoo::test;
using nlohmann::json;

const std::string admin_password = "admin-password"; // what admin_session registers

json console_view(test_cluster& c, size_t node, const std::string& admin) {
  auto r = http(c.port(node), "GET", "/v1/admin/console", "", admin, 5000);
  REQUIRE(r.status == 200);
  return r.json();
}

int64_t shards_of(const json& view, const std::string& node) {
  for (const auto& m : view["members"]) {
    if (m["id"] == node) {
      return m["shards"].get<int64_t>();
    }
  }
  return -1;
}

/// A client that retries: on 503 and 429 it waits a little and tries again, on a refused
/// connection it goes to the next node (what a load balancer does). Gives up after 30 s.
/// Used from load threads: what failed is collected and reported on the test's thread.
struct retrying_client {
  explicit retrying_client(test_cluster& cluster) : c(cluster) {}

  test_cluster& c;
  std::atomic<int64_t> retried_503{0};
  std::atomic<int64_t> retried_conn{0};
  std::atomic<int64_t> failed{0};
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::vector<std::string> failures; ///< "POST /x -> 500 ..." of the requests that failed

  http_result send(const std::string& method, const std::string& target, const std::string& body,
                   const std::string& token) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    http_result r;
    while (std::chrono::steady_clock::now() < deadline) {
      r = http(c.port(next++ % c.size()), method, target, body, token, 5000);
      if (r.status == 503 || r.status == 429) {
        ++retried_503;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      if (r.status == 0) {
        ++retried_conn;
        continue;
      }
      break;
    }
    if (r.status < 200 || r.status >= 300) {
      ++failed;
      std::lock_guard<std::mutex> guard{mu};
      failures.push_back(r.describe());
    }
    return r;
  }
};

} // namespace

TEST_CASE("the console shows members, shards, entities and sagas, and checks its input",
          "[e2e][ops]") {
  test_cluster c{"console"};
  REQUIRE(c.wait_all_ready());
  auto admin = admin_token(c.port(0));
  auto someone = register_user(c.port(1), "Biasa");
  CHECK(http(c.port(0), "GET", "/v1/admin/console", "", someone.access_token).status == 403);
  CHECK(http(c.port(0), "GET", "/v1/admin/console").status == 401);
  json view;
  REQUIRE(eventually([&] { // every node answering its stats within the console's 1 s bound
    view = console_view(c, 1, admin);
    bool all = view["settled"] == true;
    for (const auto& m : view["members"]) {
      all = all && m["reachable"] == true;
    }
    return all;
  }));
  CHECK(view["members"].size() == 3);
  int64_t total = 0;
  for (const auto& m : view["members"]) {
    CHECK(m["live"] == true);
    CHECK(m["state"] == "active");
    CHECK(m["reachable"] == true);
    CHECK(m["incarnation"].get<int64_t>() > 0);
    total += m["shards"].get<int64_t>();
  }
  CHECK(total == 64);
  CHECK(view["placement"].size() == 64);
  // Entities per kind are counted where they live.
  CHECK(eventually([&] {
    int64_t accounts = 0;
    auto now = console_view(c, 1, admin);
    for (const auto& m : now["members"]) {
      accounts += m.contains("actors_by_kind") ? m["actors_by_kind"].value("account", 0) : 0;
    }
    return accounts >= 2;
  }));

  // A checkout waiting for its payment is an in-flight saga, counted where its order lives.
  auto owner = register_user(c.port(0), "Penjual");
  auto seller = open_shop(c.port(0), owner, admin, "Toko Konsol");
  auto sku = "KONSOL" + unique_suffix();
  listed_product(c.port(0), seller, owner, admin, sku, 50000, 3);
  REQUIRE(http(c.port(1), "POST", "/v1/cart/items", json{{"sku", sku}, {"quantity", 1}}.dump(),
               someone.access_token)
            .status
          == 200);
  auto order
    = http_with_headers(c.port(2), "POST", "/v1/checkout", checkout_address_body,
                        someone.access_token, {{"Idempotency-Key", "console-" + unique_suffix()}});
  REQUIRE(order.status == 201);
  auto awaiting = [&] {
    int64_t n = 0;
    auto now = console_view(c, 0, admin);
    for (const auto& m : now["members"]) {
      n += m["sagas"].value("awaiting", 0);
    }
    return n;
  };
  // (A node too busy to answer its stats within 1 s shows as unreachable for that look.)
  CHECK(eventually([&] { return awaiting() == 1; }));
  CHECK(c.console({"--password", admin_password, "sagas"}).second.find("awaiting=1")
        != std::string::npos);

  // Bad commands change nothing.
  CHECK(http(c.port(0), "POST", "/v1/admin/nodes/n9/drain", "{}", admin).status == 404);
  CHECK(
    http(c.port(0), "POST", "/v1/admin/shards/999/move", json{{"node", "n1"}}.dump(), admin).status
    == 404);
  CHECK(
    http(c.port(0), "POST", "/v1/admin/shards/1/move", json{{"node", "n7"}}.dump(), admin).status
    == 404);
  CHECK(http(c.port(0), "POST", "/v1/admin/shards/x/move", json{{"node", "n1"}}.dump(), admin)
          .error_field()
        == "shard");
  CHECK(http(c.port(0), "POST", "/v1/admin/shards/1/move", "{}", admin).error_field() == "node");
  CHECK(http(c.port(0), "POST", "/v1/admin/nodes/n2/drain", "{}", someone.access_token).status
        == 403);
  CHECK_STATUS(http(c.port(0), "POST", "/v1/admin/nodes/n9/undrain", "{}", admin), 404);
  CHECK_STATUS(http(c.port(0), "POST", "/v1/admin/nodes/n2/undrain", "{}", someone.access_token),
               403);
  CHECK_STATUS(http(c.port(0), "POST", "/v1/admin/nodes/n2/undrain", "{}"), 401);
  // Undraining a node that is not draining is harmless: still active, nothing moves.
  CHECK_STATUS(http(c.port(0), "POST", "/v1/admin/nodes/n2/undrain", "{}", admin), 202);
  CHECK(console_view(c, 0, admin)["members"][1]["state"] == "active");

  // The live console socket: admins only, checked before the upgrade.
  auto no_token = raw_exchange(c.port(0), upgrade_request(c.port(0), "/v1/admin/console/ws"));
  CHECK(status_of(no_token) == 401);
  CHECK(no_token.find("Sec-WebSocket-Accept") == std::string::npos);
  auto not_admin = raw_exchange(
    c.port(0), upgrade_request(c.port(0), "/v1/admin/console/ws?token=" + someone.access_token));
  CHECK(status_of(not_admin) == 403);
  CHECK(not_admin.find("\"forbidden\"") != std::string::npos);
  CHECK_THROWS(ws_client{c.port(0), "/v1/admin/console/ws", someone.access_token});
  {
    ws_client live{c.port(2), "/v1/admin/console/ws", admin};
    auto frame = live.wait_for(
      [](const json& f) { return f.is_object() && f.value("type", "") == "console"; },
      std::chrono::seconds(10));
    REQUIRE(frame.is_object());
    CHECK(frame.at("console").at("members").size() == 3);
  }

  // The CLI: status, shards, entities, move a shard and back.
  auto [rc, out] = c.console({"--password", admin_password, "status"});
  CHECK(rc == 0);
  CHECK(out.find("settled") != std::string::npos);
  CHECK(out.find("n3") != std::string::npos);
  auto shards = c.console({"--password", admin_password, "shards"});
  CHECK(shards.first == 0);
  CHECK(shards.second.find("n2      21 shards") != std::string::npos);
  auto entities = c.console({"--password", admin_password, "entities"});
  CHECK(entities.second.find("account=") != std::string::npos);
  CHECK(c.console({"--password", admin_password, "sagas"}).first == 0);
  CHECK(c.console({"--password", admin_password, "errors"}).first == 0);
  CHECK(c.console({"--password", "wrong", "status"}).first != 0);
  CHECK_STATUS(
    http(c.port(1), "POST", "/v1/admin/shards/2/move", json{{"node", "n1"}}.dump(), admin),
    202); // home: n3
  REQUIRE(eventually([&] {
    auto v = console_view(c, 0, admin);
    return v["placement"][2]["node"] == "n1" && v["settled"] == true;
  }));
  CHECK(c.console({"--password", admin_password, "move", "2", "n3"}).first == 0);
  REQUIRE(eventually([&] { return console_view(c, 0, admin)["placement"][2]["node"] == "n3"; }));
  CHECK(c.console({"--password", admin_password, "wait-settled", "30"}).first == 0);
}

TEST_CASE("drain and a rolling restart under load: zero failed requests for a retrying client",
          "[e2e][ops][lease]") {
  test_cluster c{"rolling"};
  REQUIRE(c.wait_all_ready());
  auto admin = admin_token(c.port(0));
  auto author = register_user(c.port(0), "Penulis");
  std::vector<std::string> posts;
  for (int i = 0; i < 8; ++i) {
    posts.push_back(
      make_post(c.port(static_cast<size_t>(i) % 3), author, "Pos " + std::to_string(i)));
  }
  std::vector<session> users;
  for (int i = 0; i < 4; ++i) {
    users.push_back(register_user(c.port(static_cast<size_t>(i) % 3), "Pengguna"));
  }
  retrying_client client{c};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::set<std::pair<size_t, std::string>> liked;
  std::atomic<int64_t> done{0};
  std::vector<std::thread> workers;
  for (size_t w = 0; w < users.size(); ++w) {
    workers.emplace_back([&, w] {
      for (size_t i = 0; !stop && i < 5000; ++i) {
        const auto& post = posts[(i + w) % posts.size()];
        auto r = client.send("POST", "/v1/posts/" + post + "/like", "", users[w].access_token);
        if (r.status == 200) {
          std::lock_guard<std::mutex> guard{mu};
          liked.emplace(w, post);
        }
        ++done;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
  }
  // One node at a time: drain (its shards move away), restart, undrain (they come back).
  for (size_t i = 0; i < c.size(); ++i) {
    auto id = "n" + std::to_string(i + 1);
    auto other = (i + 1) % c.size();
    if (i == 0) { // through the API; the others through the CLI
      REQUIRE_STATUS(http(c.port(other), "POST", "/v1/admin/nodes/" + id + "/drain", "{}", admin),
                     202);
    } else {
      REQUIRE(c.console({"--password", admin_password, "--node", "n" + std::to_string(other + 1),
                         "drain", id})
                .first
              == 0);
    }
    REQUIRE(eventually([&] { return shards_of(console_view(c, other, admin), id) == 0; }));
    CHECK(c.stop(i) == 0);
    c.start(i);
    REQUIRE(c.wait_ready(i));
    CHECK(console_view(c, other, admin)["members"][i]["state"] == "draining"); // kept
    REQUIRE(c.console({"--password", admin_password, "undrain", id}).first == 0);
    if (i == 0) {
      // While its shards come back (a few per renewal), no node is ready: /ready says 503.
      http_result moving;
      CHECK(eventually(
        [&] {
          moving = http(c.port(other), "GET", "/ready");
          return moving.status == 503;
        },
        std::chrono::seconds(10)));
      CHECK(moving.error_code() == "unavailable");
    }
    REQUIRE(eventually([&] {
      auto v = console_view(c, other, admin);
      return v["settled"] == true && shards_of(v, id) > 20;
    }));
  }
  stop = true;
  for (auto& t : workers) {
    t.join();
  }
  WARN("rolling restart: " << done.load() << " likes, " << client.retried_503.load()
                           << " retried on 503, " << client.retried_conn.load()
                           << " retried on a refused connection");
  for (const auto& f : client.failures) {
    WARN("failed: " << f);
  }
  CHECK(client.failed.load() == 0);
  // Progress: the workers kept liking through the whole restart (about 100 likes a second).
  CHECK(done.load() > 200);
  CHECK(liked.size() == users.size() * posts.size());
  for (const auto& [w, post] : liked) {
    auto r = client.send("GET", "/v1/posts/" + post, "", users[w].access_token);
    CHECK(json_of(r, 200).at("liked_by_me") == true);
  }
}

TEST_CASE("back-pressure: past the per-entity bound the edge answers 429", "[e2e][ops]") {
  test_cluster c{"pressure", 3, {"max_in_flight_per_entity = 1"}};
  REQUIRE(c.wait_all_ready());
  auto author = register_user(c.port(0), "Penulis");
  auto post = make_post(c.port(0), author, "Ramai");
  std::vector<session> fans;
  for (int i = 0; i < 24; ++i) {
    fans.push_back(register_user(c.port(static_cast<size_t>(i) % 3), "Fans"));
  }
  // 24 likes of one post released at once on open connections to one node: with one request
  // per entity allowed in flight, the ones that overlap a running like are refused.
  auto run = race(
    fans.size(), [&](size_t) { return http_connection{c.port(0)}; },
    [&](size_t i, http_connection& conn) {
      return conn.request("POST", "/v1/posts/" + post + "/like", "", fans[i].access_token);
    });
  int ok = 0;
  int limited = 0;
  for (const auto& r : run.results) {
    INFO(r.describe());
    if (r.status == 200) {
      ++ok;
    } else {
      CHECK(r.status == 429);
      CHECK(r.error_code() == "rate_limited");
      ++limited;
    }
  }
  INFO("ok " << ok << ", 429 " << limited << ", peak in flight " << run.timing.peak_in_flight());
  CHECK(run.timing.peak_in_flight() >= 2);
  CHECK(ok >= 1);
  CHECK(limited >= 1);
  // Every acknowledged like counts; refused ones changed nothing.
  auto p = json_of(http(c.port(1), "GET", "/v1/posts/" + post), 200);
  CHECK(p.at("like_count").get<int>() == ok);
  // The node is fine and answers the next request.
  CHECK(http(c.port(0), "POST", "/v1/posts/" + post + "/like", "", author.access_token).status
        == 200);
}
