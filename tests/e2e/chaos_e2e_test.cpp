// Cluster operations under load on real 3-node clusters: kill -9, SIGSTOP past the lease and
// restarts, with a bounded load client running checkouts, likes and cart writes. Safety: every
// acknowledged write is there afterwards, nothing is oversold, each paid order is credited once.
// Progress: the cluster acknowledges writes in every phase (before the kill, while the dead
// node's shards are taken over, while a node hangs, after the restarts), so a cluster that
// stopped serving cannot pass. (Fencing of a stale writer is proven deterministically by the
// integration test "a write fenced by a newer lease epoch..."; here fenced writes are only
// reported, since whether the paused node had a write in flight at SIGSTOP is luck.)

#include <array>
#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/e2e/social_helpers.hpp"
#include "tests/support/wait.hpp"

namespace {

using namespace lakoo::test;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;

int64_t ms_since(clock_type::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t).count();
}

/// What the load client saw and what the cluster acknowledged.
struct load_record {
  std::mutex mu;
  std::set<std::pair<std::string, std::string>> likes; ///< (user token index, post) acked
  std::map<size_t, int64_t> cart_acked;                ///< cart user -> last acked quantity
  std::map<size_t, int64_t> cart_tried;                ///< cart user -> last attempted quantity
  std::vector<std::string> orders;                     ///< acked checkouts
  std::atomic<int64_t> ok{0}, unavailable{0}, busy{0}, refused{0}, sold_out{0}, other{0};
  std::atomic<int64_t> no_retry_after{0}; ///< 503s without a Retry-After header
  /// The scenario's phase (set by the test) and the 2xx answers seen in each.
  static constexpr size_t phases = 5;
  std::atomic<size_t> phase{0};
  std::array<std::atomic<int64_t>, phases> ok_in_phase{};

  void count(const http_result& r) {
    auto status = r.status;
    if (status >= 200 && status < 300) {
      ++ok;
      ++ok_in_phase[phase.load()];
    } else if (status == 503) {
      ++unavailable;
      if (r.header("Retry-After").empty()) {
        ++no_retry_after;
      }
    } else if (status == 429) {
      ++busy;
    } else if (status == 409) {
      ++sold_out; // out_of_stock: the scarce sku is gone (or reserved)
    } else if (status == 0) {
      ++refused; // connection refused or timed out (a dead or paused node)
    } else {
      ++other;
    }
  }
};

/// The actors of the scenario: a shop with one scarce sku, posts to like, buyers, cart users.
struct scenario {
  std::string admin;
  session owner;
  std::string seller;
  std::string sku;
  std::string product;
  std::string plenty_sku; ///< what the cart users write: never runs out
  int64_t stock = 12;
  int64_t price = 10000;
  std::vector<std::string> posts;
  std::vector<session> buyers;     ///< check out
  std::vector<session> cart_users; ///< only write their carts
  std::vector<session> likers;

  scenario(test_cluster& c, size_t per_role) {
    admin = admin_token(c.port(0));
    owner = register_user(c.port(0), "Penjual");
    seller = open_shop(c.port(1), owner, admin, "Toko Tangguh");
    owner.access_token
      = http(c.port(0), "POST", "/v1/auth/login", login_body(owner)).json()["access_token"];
    sku = "TANGGUH" + unique_suffix();
    product = listed_product(c.port(2), seller, owner, admin, sku, price, stock);
    plenty_sku = "BANYAK" + unique_suffix();
    listed_product(c.port(1), seller, owner, admin, plenty_sku, price, 1000000);
    for (int i = 0; i < 6; ++i) {
      posts.push_back(make_post(c.port(static_cast<size_t>(i) % 3), owner,
                                "Koleksi #" + std::to_string(i), product));
    }
    for (size_t i = 0; i < per_role; ++i) {
      buyers.push_back(register_user(c.port(i % 3), "Pembeli"));
      cart_users.push_back(register_user(c.port((i + 1) % 3), "Keranjang"));
      likers.push_back(register_user(c.port((i + 2) % 3), "Penyuka"));
      auto r
        = http(c.port(0), "POST", "/v1/cart/items",
               json{{"sku", plenty_sku}, {"quantity", 1}}.dump(), cart_users.back().access_token);
      REQUIRE(r.status == 200);
    }
  }
};

/// Which node a worker sends to: the next one round robin, skipping for a second a node that
/// gave no answer (refused or timed out), as a load balancer's health check would.
struct node_picker {
  explicit node_picker(size_t nodes, size_t first) : down_until(nodes), next(first) {}

  size_t pick() {
    auto now = clock_type::now();
    for (size_t k = 0; k < down_until.size(); ++k) {
      auto n = next++ % down_until.size();
      if (down_until[n] <= now) {
        return n;
      }
    }
    return next++ % down_until.size(); // all look down: try anyway
  }

  void answered(size_t n, const http_result& r) {
    if (r.status == 0) {
      down_until[n] = clock_type::now() + std::chrono::seconds(1);
    }
  }

  std::vector<clock_type::time_point> down_until;
  size_t next;
};

/// One load worker: `ops` operations (or until `stop`), spread over the nodes, `timeout_ms` each.
void run_worker(test_cluster& c, scenario& s, load_record& rec, size_t w, int ops,
                const std::atomic<bool>& stop, int timeout_ms) {
  node_picker nodes{c.size(), w};
  int64_t quantity = 1;
  bool backoff = false;
  for (int i = 0; i < ops && !stop; ++i) {
    // A client paced like a person's taps, which backs off a little after "retry later".
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff ? 50 : 5));
    backoff = false;
    auto at = nodes.pick();
    auto port = c.port(at);
    auto seen = [&](http_result r) { // what the picker and the pacing learn from each answer
      nodes.answered(at, r);
      backoff = backoff || r.status == 503 || r.status == 429;
      return r;
    };
    switch (i % 3) {
      case 0: { // like
        const auto& who = s.likers[w];
        const auto& post = s.posts[static_cast<size_t>(i / 3) % s.posts.size()];
        auto r = seen(
          http(port, "POST", "/v1/posts/" + post + "/like", "", who.access_token, timeout_ms));
        rec.count(r);
        if (r.status == 200) {
          std::lock_guard<std::mutex> guard{rec.mu};
          rec.likes.emplace(std::to_string(w), post);
        }
        break;
      }
      case 1: { // cart write: set an ever higher quantity
        ++quantity;
        {
          std::lock_guard<std::mutex> guard{rec.mu};
          rec.cart_tried[w] = quantity;
        }
        auto r = seen(http(port, "PATCH", "/v1/cart/items/" + s.plenty_sku,
                           json{{"quantity", quantity}}.dump(), s.cart_users[w].access_token,
                           timeout_ms));
        rec.count(r);
        if (r.status == 200) {
          std::lock_guard<std::mutex> guard{rec.mu};
          rec.cart_acked[w] = quantity;
        }
        break;
      }
      default: { // checkout: one unit, pay every other order, let the rest expire
        const auto& buyer = s.buyers[w];
        auto add
          = seen(http(port, "POST", "/v1/cart/items", json{{"sku", s.sku}, {"quantity", 1}}.dump(),
                      buyer.access_token, timeout_ms));
        rec.count(add);
        if (add.status != 200) {
          break;
        }
        auto key = "chaos-" + std::to_string(w) + "-" + std::to_string(i) + "-" + unique_suffix();
        auto r
          = seen(http_with_headers(port, "POST", "/v1/checkout", checkout_address_body,
                                   buyer.access_token, {{"Idempotency-Key", key}}, timeout_ms));
        rec.count(r);
        if (r.status != 201) {
          break;
        }
        auto j = r.json();
        {
          std::lock_guard<std::mutex> guard{rec.mu};
          rec.orders.push_back(j["order"]["id"].get<std::string>());
        }
        if ((i / 3) % 2 == 0) {
          auto pay = seen(http(
            port, "POST", "/v1/payments/" + j["payment"]["id"].get<std::string>() + "/simulate",
            json{{"outcome", "succeeded"}}.dump(), buyer.access_token, timeout_ms));
          rec.count(pay);
        }
        break;
      }
    }
  }
}

/// GET with retries on 503 / connection errors over the nodes (reads after the chaos).
http_result read_retrying(test_cluster& c, const std::string& target, const std::string& token) {
  http_result r;
  for (int attempt = 0; attempt < 200; ++attempt) {
    r = http(c.port(static_cast<size_t>(attempt) % c.size()), "GET", target, "", token, 3000);
    if (r.status != 503 && r.status != 0) {
      return r;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return r;
}

/// Every order of `buyer` (all pages).
std::vector<json> orders_of(test_cluster& c, const session& buyer) {
  std::vector<json> out;
  std::string cursor;
  for (int page = 0; page < 50; ++page) {
    auto r = read_retrying(c, "/v1/orders?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor),
                           buyer.access_token);
    REQUIRE(r.status == 200);
    auto j = r.json();
    for (auto& o : j["items"]) {
      out.push_back(o);
    }
    if (j["next_cursor"].is_null()) {
      break;
    }
    cursor = j["next_cursor"].get<std::string>();
  }
  return out;
}

/// The checks after any chaos: acked writes present, no oversell, one credit per paid order,
/// no order left in a non-final state.
void check_invariants(test_cluster& c, scenario& s, load_record& rec) {
  // Likes: every acknowledged one is there.
  for (const auto& [w, post] : rec.likes) {
    auto r = read_retrying(c, "/v1/posts/" + post, s.likers[std::stoul(w)].access_token);
    REQUIRE(r.status == 200);
    CHECK(r.json()["liked_by_me"] == true);
  }
  // Cart writes: the quantity is at least the last acknowledged one (a later attempt that timed
  // out may have landed too) and never one that was not attempted.
  for (const auto& [w, acked] : rec.cart_acked) {
    auto r = read_retrying(c, "/v1/cart", s.cart_users[w].access_token);
    REQUIRE(r.status == 200);
    int64_t q = 0;
    auto cart = r.json();
    for (const auto& item : cart["items"]) {
      if (item["sku"] == s.plenty_sku) {
        q = item["quantity"].get<int64_t>();
      }
    }
    INFO(r.body);
    CHECK(q >= acked);
    CHECK(q <= rec.cart_tried[w]);
  }
  // Orders: all final once the payment deadlines have passed; every acked one exists.
  std::set<std::string> seen;
  int64_t paid_units = 0;
  int64_t paid_total = 0;
  auto all_final = wait_for(
    [&] {
      seen.clear();
      paid_units = 0;
      paid_total = 0;
      for (const auto& b : s.buyers) {
        for (const auto& o : orders_of(c, b)) {
          auto status = o["status"].get<std::string>();
          if (status != "paid" && status != "expired" && status != "cancelled") {
            return false;
          }
          seen.insert(o["id"].get<std::string>());
          if (status == "paid") {
            for (const auto& line : o["items"]) {
              paid_units += line["quantity"].get<int64_t>();
            }
            paid_total += o["total"].get<int64_t>();
          }
        }
      }
      return true;
    },
    std::chrono::seconds(90));
  CHECK(all_final >= 0);
  for (const auto& id : rec.orders) {
    CHECK(seen.count(id) == 1);
  }
  // No oversell, and each paid order credited exactly once; something was sold at all.
  CHECK(paid_units > 0);
  CHECK(paid_units <= s.stock);
  auto avail = wait_for(
    [&] {
      auto r = read_retrying(c, "/v1/products/" + s.product, "");
      return r.status == 200
             && r.json()["variants"][0]["available"].get<int64_t>() == s.stock - paid_units;
    },
    std::chrono::seconds(30));
  CHECK(avail >= 0);
  int64_t gross = -1; // the last one read: more than paid_total is a double credit, less a lost one
  auto credited = wait_for(
    [&] {
      auto r = read_retrying(c, "/v1/sellers/" + s.seller + "/earnings", s.owner.access_token);
      gross = r.status == 200 ? r.json()["gross"].get<int64_t>() : gross;
      return r.status == 200 && gross == paid_total;
    },
    std::chrono::seconds(30));
  INFO("seller gross " << gross << ", paid orders total " << paid_total);
  CHECK(credited >= 0);
  INFO("orders " << seen.size() << ", paid units " << paid_units);
}

int64_t metric(uint16_t port, const std::string& series) {
  auto body = http(port, "GET", "/metrics", "", "", 3000).body;
  auto at = body.find("\n" + series + " ");
  return at == std::string::npos ? 0 : std::stoll(body.substr(at + series.size() + 2));
}

std::string phase_counts(const load_record& rec) {
  std::string out;
  for (size_t p = 0; p < load_record::phases; ++p) {
    out += (p ? "/" : "") + std::to_string(rec.ok_in_phase[p].load());
  }
  return out;
}

void report(const std::string& line) {
  std::ofstream out{work_dir() + "/chaos-report.txt", std::ios::app};
  out << line << "\n";
  WARN(line);
}

} // namespace

TEST_CASE("chaos under load: kill -9, a pause past the lease and restarts lose no acked write",
          "[e2e][chaos][lease]") {
  test_cluster c{"chaos", 3, {"payment_ttl_s = 4"}};
  REQUIRE(c.wait_all_ready());
  scenario s{c, 3};
  load_record rec;
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (size_t w = 0; w < 3; ++w) {
    // Until told to stop (at most 20000 operations each, to stay bounded).
    workers.emplace_back([&, w] { run_worker(c, s, rec, w, 20000, stop, 2500); });
  }
  // Taken over: seen from `from`, `dead` is no longer a live member, holds nothing, and every
  // shard is held where it belongs.
  auto taken_over = [&](size_t from, size_t dead) {
    auto r = http(c.port(from), "GET", "/v1/admin/console", "", s.admin, 3000);
    if (r.status != 200) {
      return false;
    }
    auto v = r.json();
    const auto& m = v["members"][dead];
    return v["settled"] == true && m["live"] == false && m["shards"] == 0;
  };

  const char* phase_names[load_record::phases]
    = {"before the kill", "during the takeover of the killed node",
       "while a node hangs, before its lease ran out", "after its takeover, while it still hangs",
       "after the restarts"};
  // Each phase lasts until the cluster has acknowledged writes in it (bounded), so progress is
  // waited for where it is expected instead of hoped for after a fixed sleep.
  auto acked_in_phase = [&](size_t phase, int64_t n) {
    return eventually([&] { return rec.ok_in_phase[phase].load() >= n; }, std::chrono::seconds(20));
  };
  CHECK(acked_in_phase(0, 30));
  // 1. kill -9 n2 mid-load: n1 and n3 take its shards over.
  rec.phase = 1;
  c.kill9(1);
  auto killed_at = clock_type::now();
  auto takeover_kill = wait_for([&] { return taken_over(0, 1) && taken_over(2, 1); });
  CHECK(takeover_kill >= 0); // taken over at all (how fast is reported, not asserted)
  auto unavailable_after_kill = rec.unavailable.load();

  // 2. SIGSTOP n3 for longer than its lease: n1 takes everything, n3's writes are refused.
  rec.phase = 2;
  c.pause(2);
  auto paused_at = clock_type::now();
  auto takeover_pause = wait_for([&] { return taken_over(0, 2); });
  CHECK(takeover_pause >= 0);
  // n1 now holds every shard: it serves writes while n3 still hangs.
  rec.phase = 3;
  CHECK(acked_in_phase(3, 10));
  c.resume(2);
  auto paused_ms = ms_since(paused_at);

  // 3. Restart n2; n3 rejoins as a new incarnation. Shards come back a few at a time.
  rec.phase = 4;
  c.start(1);
  CHECK(acked_in_phase(4, 30));
  stop = true;
  for (auto& t : workers) {
    t.join();
  }
  REQUIRE(c.wait_all_ready(60000));
  auto settled_ms = ms_since(killed_at);

  // Progress: writes were acknowledged in every phase where the cluster can serve them, and of
  // every kind. (While a node hangs and its lease still runs, each of the three workers may be
  // waiting out its client timeout on an entity of the hung node: that phase is only reported.)
  for (size_t p : {0, 1, 3, 4}) {
    INFO("2xx " << phase_names[p]);
    CHECK(rec.ok_in_phase[p].load() > 0);
  }
  CHECK_FALSE(rec.likes.empty());
  CHECK_FALSE(rec.cart_acked.empty());
  CHECK_FALSE(rec.orders.empty());

  // The paused node noticed that its membership expired and dropped its shards (a write it had
  // in flight, if any, was refused by the epoch fence: reported below, not asserted).
  CHECK(metric(c.port(2), "lakoo_shard_lease_events_total{event=\"expired\"}") >= 1);
  auto fenced = metric(c.port(2), "lakoo_snapshot_fenced_total");

  check_invariants(c, s, rec);
  report("chaos: takeover after kill -9 " + std::to_string(takeover_kill) + " ms, after SIGSTOP "
         + std::to_string(takeover_pause) + " ms (paused " + std::to_string(paused_ms)
         + " ms); 503s " + std::to_string(rec.unavailable.load()) + " ("
         + std::to_string(unavailable_after_kill) + " by the end of the kill takeover), 429s "
         + std::to_string(rec.busy.load()) + ", 409s " + std::to_string(rec.sold_out.load())
         + ", refused/timed out " + std::to_string(rec.refused.load()) + ", 2xx "
         + std::to_string(rec.ok.load()) + ", other " + std::to_string(rec.other.load())
         + ", acked orders " + std::to_string(rec.orders.size()) + ", 2xx by phase "
         + phase_counts(rec) + ", fenced writes on the paused node " + std::to_string(fenced)
         + ", all settled " + std::to_string(settled_ms) + " ms after the kill");
  // Never a wrong answer: only successes, out of stock, busy, or "moving, retry" (or no answer
  // from a dead or paused node).
  CHECK(rec.other.load() == 0);
  CHECK(rec.no_retry_after.load() == 0); // every 503 tells the client when to retry
}
