// Overselling is impossible by construction: hundreds of concurrent reservations of one sku,
// sent through the routers of all three nodes of a real cluster (as a checkout saga on any node
// would send them), never reserve more than the stock.

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/protocol/messages.hpp"
#include "tests/e2e/e2e_helpers.hpp"

using namespace lakoo::test;
using nlohmann::json;
namespace protocol = lakoo::protocol;

namespace {

struct client_config : caf::actor_system_config {
  client_config() {
    protocol::add_message_types(*this);
    load<caf::io::middleman>();
    set("scheduler.max-threads", size_t{2});
  }
};

/// What the reservations got back, per key.
struct tally {
  std::mutex mu;
  std::map<std::string, std::vector<std::string>> outcomes; ///< key -> "ok" / error code
};

std::string outcome_of(const caf::error& e) {
  if (e.category() == caf::atom("lakoo")) {
    return e == protocol::errc::out_of_stock ? "out_of_stock" : "lakoo:" + std::to_string(e.code());
  }
  return "other:" + std::to_string(e.code());
}

/// Sends `msg` for `key` through `router` and records the outcome.
void fire(caf::actor_system& sys, caf::actor router, std::string key, std::string sku,
          caf::message msg, std::shared_ptr<tally> t) {
  sys.spawn([=](caf::event_based_actor* self) {
    self->request(router, std::chrono::seconds(20), protocol::route_atom::value, "sku:" + sku, msg)
      .then(
        [=](const protocol::sku_view&) {
          std::lock_guard<std::mutex> guard{t->mu};
          t->outcomes[key].push_back("ok");
        },
        [=](caf::error& e) {
          std::lock_guard<std::mutex> guard{t->mu};
          t->outcomes[key].push_back(outcome_of(e));
        });
  });
}

int64_t available_of(uint16_t port, const std::string& product, const std::string& token) {
  auto r = http(port, "GET", "/v1/products/" + product, "", token);
  REQUIRE(r.status == 200);
  return r.json()["variants"][0]["available"].get<int64_t>();
}

} // namespace

TEST_CASE("hundreds of concurrent reservations of one sku through all nodes never oversell",
          "[e2e][catalog][oversell]") {
  test_cluster c{"oversell"};
  REQUIRE(c.wait_all_ready());
  auto admin = admin_token(c.port(0));
  auto owner = register_user(c.port(0), "Gudang");
  auto r = http(c.port(1), "POST", "/v1/sellers", json{{"brand_name", "Gudang Kopi"}}.dump(),
                owner.access_token);
  REQUIRE(r.status == 201);
  auto seller = r.json()["id"].get<std::string>();
  REQUIRE(http(c.port(2), "POST", "/v1/admin/sellers/" + seller + "/approve", "", admin).status
          == 200);
  constexpr int64_t stock = 100;
  auto sku = "KOPI" + unique_suffix();
  json body{{"title", "Kopi Gayo 200g"},
            {"category", "makanan_minuman"},
            {"variants", {{{"sku", sku}, {"price", 75000}, {"stock", stock}}}}};
  r = http(c.port(0), "POST", "/v1/sellers/" + seller + "/products", body.dump(),
           owner.access_token);
  REQUIRE(r.status == 201);
  auto product = r.json()["id"].get<std::string>();

  client_config cfg;
  caf::actor_system sys{cfg};
  std::vector<caf::actor> routers;
  for (size_t i = 0; i < c.size(); ++i) {
    auto router = sys.middleman().remote_actor("127.0.0.1", c.cluster_port(i));
    REQUIRE(router);
    routers.push_back(*router);
  }
  // 300 buyers, each key sent twice at once through two different nodes (a retried step).
  constexpr int buyers = 300;
  auto t = std::make_shared<tally>();
  for (int i = 0; i < buyers; ++i) {
    auto key = "checkout-" + std::to_string(i);
    auto msg = caf::make_message(protocol::reserve_sku{key, 1, 600000});
    fire(sys, routers[static_cast<size_t>(i) % 3], key, sku, msg, t);
    fire(sys, routers[static_cast<size_t>(i + 1) % 3], key, sku, msg, t);
  }
  sys.await_all_actors_done();

  // Every one of the 600 requests was answered, each with a clean outcome: reserved, or
  // out_of_stock. A timeout or an `unavailable` is not a refusal to oversell, it is a failure.
  REQUIRE(t->outcomes.size() == static_cast<size_t>(buyers));
  std::set<std::string> won;
  std::map<std::string, int> counts;
  for (const auto& [key, results] : t->outcomes) {
    REQUIRE(results.size() == 2);
    for (const auto& o : results) {
      ++counts[o];
    }
    if (results[0] == "ok" || results[1] == "ok") {
      won.insert(key);
    }
  }
  INFO("outcomes: ok=" << counts["ok"] << " out_of_stock=" << counts["out_of_stock"]);
  for (const auto& [outcome, n] : counts) {
    INFO(outcome << " x " << n);
    CHECK((outcome == "ok" || outcome == "out_of_stock"));
  }
  CHECK(counts["ok"] + counts["out_of_stock"] == 2 * buyers);
  CHECK(won.size() == static_cast<size_t>(stock));
  // A key retried through a second node is the same reservation: both answers say "ok".
  CHECK(counts["ok"] == 2 * stock);
  for (size_t i = 0; i < c.size(); ++i) {
    CHECK(available_of(c.port(i), product, owner.access_token) == 0);
  }

  // Releasing ten of them (through every node) makes exactly ten available again.
  auto rel = std::make_shared<tally>();
  int n = 0;
  for (const auto& key : won) {
    if (n == 10) {
      break;
    }
    fire(sys, routers[static_cast<size_t>(n++) % 3], key, sku,
         caf::make_message(protocol::release_sku{key}), rel);
  }
  sys.await_all_actors_done();
  REQUIRE(rel->outcomes.size() == 10);
  for (const auto& [key, results] : rel->outcomes) {
    CHECK(results == std::vector<std::string>{"ok"});
  }
  for (size_t i = 0; i < c.size(); ++i) {
    CHECK(available_of(c.port(i), product, owner.access_token) == 10);
  }
}
