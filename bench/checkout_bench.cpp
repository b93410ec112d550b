// lakoo-checkout-bench: completed checkouts per second through the HTTP API of a running
// cluster, with the latency of each step. Every flow is a real purchase:
//
//   cart    POST /v1/cart/items                       (the sku's check + a durable cart write)
//   reserve POST /v1/checkout                         (saga: reserve, open the payment, book)
//   pay     POST /v1/webhooks/payments, signed        (the provider's success event)
//   confirm GET  /v1/orders/{id} until "paid", then   (commit, cart, credit: checked at the end
//           the seller's ledger holds every credit     by polling the seller's earnings)
//
//   lakoo-checkout-bench <node urls: host:port,...> <admin password> <webhook secret>
//                        [users=48] [seconds=10]
//
// Users `bench-checkout-<n>@bench.lakoo.local` are registered once (argon2id) and reused; each
// run opens a fresh seller with one product of practically endless stock. Each user keeps one
// keep-alive connection per node, as an app does (reopened after a failure).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/webhooks/webhook_signature.hpp"
#include "tests/support/http_client.hpp"

namespace {

using lakoo::test::http;
using lakoo::test::http_connection;
using lakoo::test::http_result;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

struct step_times {
  std::mutex mu;
  std::vector<double> cart, reserve, pay, confirm, total;
};

double pct(std::vector<double> v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::string token_of(uint16_t port, const std::string& email, const std::string& password) {
  json creds{{"email", email}, {"password", password}, {"name", "Bench Buyer"}};
  auto r = http(port, "POST", "/v1/auth/register", creds.dump());
  if (r.status == 409) {
    r = http(port, "POST", "/v1/auth/login", creds.dump());
  }
  return r.status / 100 == 2 ? r.json()["access_token"].get<std::string>() : "";
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: lakoo-checkout-bench <port,port,...> <admin password> "
                         "<webhook secret> [users=48] [seconds=10]\n");
    return 2;
  }
  std::vector<uint16_t> ports;
  for (std::string list = argv[1]; !list.empty();) {
    auto comma = list.find(',');
    ports.push_back(static_cast<uint16_t>(std::stoi(list.substr(0, comma))));
    list = comma == std::string::npos ? "" : list.substr(comma + 1);
  }
  std::string admin_password = argv[2];
  std::string secret = argv[3];
  int users = argc > 4 ? std::stoi(argv[4]) : 48;
  int seconds = argc > 5 ? std::stoi(argv[5]) : 10;
  auto port = [&](size_t i) { return ports[i % ports.size()]; };

  auto admin = token_of(port(0), "admin@lakoo.local", admin_password);
  if (admin.empty()) {
    std::fprintf(stderr, "admin login failed (admin password?)\n");
    return 1;
  }
  // A fresh seller per run: its ledger and order book start empty.
  auto owner = token_of(
    port(0), "bench-checkout-seller-" + std::to_string(std::time(nullptr)) + "@bench.lakoo.local",
    "bench-password-1");
  auto me = http(port(0), "GET", "/v1/me", "", owner).json();
  std::string seller = me["seller_id"].is_string() ? me["seller_id"].get<std::string>() : "";
  if (seller.empty()) {
    seller
      = http(port(0), "POST", "/v1/sellers", json{{"brand_name", "Bench Checkout"}}.dump(), owner)
          .json()["id"]
          .get<std::string>();
  }
  http(port(0), "POST", "/v1/admin/sellers/" + seller + "/approve", "", admin);
  auto sku = "BENCH-CO-" + std::to_string(std::time(nullptr));
  json product{{"title", "Kopi Bench"},
               {"category", "makanan_minuman"},
               {"variants", {{{"sku", sku}, {"price", 25000}, {"stock", 1000000000}}}}};
  auto created
    = http(port(0), "POST", "/v1/sellers/" + seller + "/products", product.dump(), owner);
  if (created.status != 201) {
    std::fprintf(stderr, "cannot create the product: %s\n", created.body.c_str());
    return 1;
  }
  auto product_id = created.json()["id"].get<std::string>();
  http(port(0), "POST", "/v1/products/" + product_id + "/submit", "", owner);
  http(port(0), "POST", "/v1/admin/products/" + product_id + "/approve", "", admin);
  auto before = http(port(0), "GET", "/v1/sellers/" + seller + "/earnings", "", owner)
                  .json()["gross"]
                  .get<int64_t>();

  std::printf("preparing %d buyers\n", users);
  std::vector<std::string> tokens(static_cast<size_t>(users));
  {
    std::vector<std::thread> ts;
    for (int t = 0; t < 4; ++t) {
      ts.emplace_back([&, t] {
        for (int i = t; i < users; i += 4) {
          tokens[static_cast<size_t>(i)] = token_of(
            port(static_cast<size_t>(i)),
            "bench-checkout-" + std::to_string(i) + "@bench.lakoo.local", "bench-password-1");
        }
      });
    }
    for (auto& t : ts) {
      t.join();
    }
  }
  const char* address = R"({"shipping_address":{"recipient":"Bench","phone":"0812345678",
    "line1":"Jl. Bench 1","city":"Jakarta","province":"DKI","postal_code":"10110"}})";
  step_times times;
  std::atomic<int> completed{0}, failed{0};
  std::atomic<int64_t> paid_total{0}; // a checkout may hold 2 units when the previous one's
                                      // cart clean-up had not run yet
  auto stop_at = clock_type::now() + std::chrono::seconds(seconds);
  auto t_start = clock_type::now();
  std::vector<std::thread> workers;
  for (int u = 0; u < users; ++u) {
    workers.emplace_back([&, u] {
      const auto& token = tokens[static_cast<size_t>(u)];
      std::map<uint16_t, std::unique_ptr<http_connection>> conns;
      // One request on this user's connection to `p` (opened, or reopened after a failure).
      auto call = [&](uint16_t p, const std::string& method, const std::string& target,
                      const std::string& body, const std::string& bearer,
                      const std::vector<std::pair<std::string, std::string>>& headers = {}) {
        for (int attempt = 0; attempt < 2; ++attempt) {
          auto& c = conns[p];
          try {
            if (!c) {
              c = std::make_unique<http_connection>(p);
            }
          } catch (const std::exception&) {
            return http_result{};
          }
          auto r = c->request(method, target, body, bearer, headers);
          if (r.status != 0) {
            return r;
          }
          c.reset();
        }
        return http_result{};
      };
      uint64_t n = 0;
      while (clock_type::now() < stop_at) {
        auto p = port(static_cast<size_t>(u) + n++);
        auto t0 = clock_type::now();
        auto r
          = call(p, "POST", "/v1/cart/items", json{{"sku", sku}, {"quantity", 1}}.dump(), token);
        auto t_cart = ms_since(t0);
        auto t1 = clock_type::now();
        auto co = r.status == 200 ? call(p, "POST", "/v1/checkout", address, token) : r;
        auto t_reserve = ms_since(t1);
        if (co.status != 201) {
          ++failed;
          continue;
        }
        auto j = co.json();
        auto order = j["order"]["id"].get<std::string>();
        auto total = j["order"]["total"].get<int64_t>();
        auto body = json{{"event_id", "evt_" + order},
                         {"type", "payment.succeeded"},
                         {"payment_id", j["payment"]["id"]},
                         {"amount", j["payment"]["amount"]}}
                      .dump();
        auto t2 = clock_type::now();
        auto paid = call(p, "POST", "/v1/webhooks/payments", body, "",
                         {{"X-Signature", lakoo::webhooks::sign_webhook(secret, body)}});
        auto t_pay = ms_since(t2);
        if (paid.status != 200) {
          ++failed;
          continue;
        }
        auto t3 = clock_type::now();
        bool ok = false;
        for (int i = 0; i < 200 && !ok; ++i) {
          auto o = call(p, "GET", "/v1/orders/" + order, "", token);
          ok = o.status == 200 && o.json()["status"] == "paid";
          if (!ok) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
          }
        }
        auto t_confirm = ms_since(t3);
        if (!ok) {
          ++failed;
          continue;
        }
        ++completed;
        paid_total += total;
        std::lock_guard<std::mutex> guard{times.mu};
        times.cart.push_back(t_cart);
        times.reserve.push_back(t_reserve);
        times.pay.push_back(t_pay);
        times.confirm.push_back(t_confirm);
        times.total.push_back(ms_since(t0));
      }
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  auto elapsed = std::chrono::duration<double>(clock_type::now() - t_start).count();
  // Every completed checkout must end up credited exactly once.
  int64_t expected = before + paid_total.load();
  int64_t gross = 0;
  auto drain0 = clock_type::now();
  for (int i = 0; i < 600 && gross != expected; ++i) {
    gross = http(port(0), "GET", "/v1/sellers/" + seller + "/earnings", "", owner)
              .json()["gross"]
              .get<int64_t>();
    if (gross != expected) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  std::printf("%d users, %zu nodes, %.1f s: %d checkouts completed (%.0f/s), %d failed\n", users,
              ports.size(), elapsed, completed.load(), completed.load() / elapsed, failed.load());
  std::printf("| step | p50 ms | p99 ms |\n|---|---|---|\n");
  auto row = [](const char* name, const std::vector<double>& v) {
    std::printf("| %s | %.2f | %.2f |\n", name, pct(v, 0.5), pct(v, 0.99));
  };
  row("cart add", times.cart);
  row("checkout (reserve + open payment)", times.reserve);
  row("webhook (payment succeeded)", times.pay);
  row("order shows paid", times.confirm);
  row("whole purchase", times.total);
  std::printf("ledger: gross %lld of %lld expected (credits drained %.0f ms after the run)%s\n",
              static_cast<long long>(gross - before), static_cast<long long>(expected - before),
              ms_since(drain0), gross == expected ? "" : "  MISMATCH");
  return gross == expected ? 0 : 1;
}
