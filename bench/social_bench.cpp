// lakoo-social-bench: the social benchmarks against a running cluster on the graph written by
// lakoo-social-fill (bench/social.sh runs both):
//
//   feed     GET /v1/feed/following: cold (the first read builds the feed from the user's
//            follows and each author's recent posts) and warm (built feeds), p50/p99, req/s
//   fanout   posts by creators in the push regime (<= feed_push_max_followers followers): feed
//            pushes handled per second across the cluster, from the first POST until every
//            follower's feed has handled its push (lakoo_feed_pushes_handled_total on /metrics)
//   push     a like through one node -> the author's WebSocket on another node: latency
//
//   lakoo-social-bench <http ports a,b,c> <token secret> [users=100000] [seconds=10]
//                      [creators=5000] [threads=32]
//
// Access tokens are minted with the cluster's token secret (the edge verifies them locally), so
// no password hashing is measured. Connections are kept alive, one per thread.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "bench/bench_ids.hpp"
#include "http_edge/tokens.hpp"
#include "tests/support/ws_client.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

double pct(std::vector<double> v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

/// One kept-alive HTTP/1.1 connection to 127.0.0.1:port (reconnects after an error).
class conn {
public:
  explicit conn(uint16_t port) : port_(port) {}

  std::pair<int, std::string> call(const std::string& method, const std::string& target,
                                   const std::string& token, const std::string& body = "") {
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        if (!socket_.is_open()) {
          socket_.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port_});
          socket_.set_option(tcp::no_delay(true));
        }
        http::request<http::string_body> req{http::string_to_verb(method), target, 11};
        req.set(http::field::host, "127.0.0.1");
        if (!token.empty()) {
          req.set(http::field::authorization, "Bearer " + token);
        }
        if (!body.empty()) {
          req.set(http::field::content_type, "application/json");
          req.body() = body;
        }
        req.prepare_payload();
        http::write(socket_, req);
        http::response<http::string_body> res;
        http::read(socket_, buffer_, res);
        if (!res.keep_alive()) {
          socket_.close();
        }
        return {static_cast<int>(res.result_int()), std::move(res.body())};
      } catch (const std::exception&) {
        beast::error_code ec;
        socket_.close(ec);
        buffer_.clear();
      }
    }
    return {0, ""};
  }

private:
  uint16_t port_;
  net::io_context ioc_;
  tcp::socket socket_{ioc_};
  beast::flat_buffer buffer_;
};

struct settings {
  std::vector<uint16_t> ports;
  lakoo::edge::token_signer* signer = nullptr;
  size_t users = 100000;
  int seconds = 10;
  size_t creators = 5000;
  size_t threads = 32;
};

std::string token_for(const settings& s, const std::string& user) {
  lakoo::edge::access_claims c;
  c.sub = user;
  c.roles = {"customer"};
  c.fam = "rtf_bench";
  c.iat = std::time(nullptr);
  c.exp = c.iat + 3600;
  return s.signer->issue(c);
}

int64_t metric_sum(const settings& s, const std::string& name) {
  int64_t total = 0;
  for (auto port : s.ports) {
    conn c{port};
    auto [status, body] = c.call("GET", "/metrics", "");
    std::istringstream lines{body};
    std::string line;
    while (std::getline(lines, line)) {
      // `name value` or `name{labels} value`: every series of the family is summed.
      if (line.compare(0, name.size(), name) == 0
          && (line[name.size()] == ' ' || line[name.size()] == '{')) {
        total += static_cast<int64_t>(std::stod(line.substr(line.rfind(' ') + 1)));
      }
    }
  }
  return total;
}

/// Feed reads of `readers` by `threads` threads until `deadline` (or one pass when `once`).
struct feed_result {
  std::vector<double> ms;
  size_t errors = 0;
  double secs = 0;
};

feed_result read_feeds(const settings& s, const std::vector<std::string>& tokens, bool once) {
  feed_result out;
  std::mutex mu;
  std::atomic<size_t> next{0};
  auto t0 = clock_type::now();
  auto deadline = t0 + std::chrono::seconds(s.seconds);
  std::vector<std::thread> workers;
  for (size_t t = 0; t < s.threads; ++t) {
    workers.emplace_back([&, t] {
      conn c{s.ports[t % s.ports.size()]};
      std::vector<double> mine;
      size_t errors = 0;
      for (;;) {
        auto i = next.fetch_add(1);
        if (once ? i >= tokens.size() : clock_type::now() >= deadline) {
          break;
        }
        auto start = clock_type::now();
        auto [status, body]
          = c.call("GET", "/v1/feed/following?limit=20", tokens[i % tokens.size()]);
        mine.push_back(ms_since(start));
        errors += status == 200 ? 0 : 1;
      }
      std::lock_guard<std::mutex> guard{mu};
      out.ms.insert(out.ms.end(), mine.begin(), mine.end());
      out.errors += errors;
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  out.secs = std::chrono::duration<double>(clock_type::now() - t0).count();
  return out;
}

void report(const char* what, const feed_result& r) {
  std::printf("%-34s %8zu requests %8.0f req/s   p50 %7.2f ms   p99 %7.2f ms   errors %zu\n", what,
              r.ms.size(), static_cast<double>(r.ms.size()) / r.secs, pct(r.ms, 0.5),
              pct(r.ms, 0.99), r.errors);
}

void bench_feeds(const settings& s) {
  std::mt19937_64 rng{7};
  std::vector<std::string> tokens;
  for (size_t i = 0; i < 4000; ++i) {
    tokens.push_back(
      token_for(s, lakoo::bench::fixed_id("usr", s.creators + rng() % (s.users - s.creators))));
  }
  report("feed/following cold (builds)", read_feeds(s, tokens, true));
  report("feed/following warm", read_feeds(s, tokens, false));
}

void bench_fanout(const settings& s) {
  // Creators with 1000..5000 followers: pushed, not pulled.
  conn c{s.ports[0]};
  std::vector<std::pair<std::string, int64_t>> picked;
  int64_t followers = 0;
  for (size_t r = 50; r < s.creators && picked.size() < 40; ++r) {
    auto id = lakoo::bench::fixed_id("usr", r);
    auto [status, body] = c.call("GET", "/v1/users/" + id, "");
    if (status != 200) {
      continue;
    }
    auto n = json::parse(body)["follower_count"].get<int64_t>();
    if (n >= 1000 && n <= 5000) {
      picked.emplace_back(id, n);
      followers += n;
    }
  }
  if (picked.empty()) {
    std::printf("fanout: no creator with 1000..5000 followers\n");
    return;
  }
  // Every follower's feed gets the cast (delivered if in memory, skipped if not).
  for (int round = 0; round < 2; ++round) {
    auto before = metric_sum(s, "lakoo_cast_total");
    auto t0 = clock_type::now();
    std::vector<std::thread> posters;
    for (size_t i = 0; i < picked.size(); ++i) {
      posters.emplace_back([&, i] {
        conn pc{s.ports[i % s.ports.size()]};
        json body{{"caption", "fan-out " + std::to_string(round)},
                  {"media_urls", {"https://img.lakoo.id/bench/f.jpg"}}};
        pc.call("POST", "/v1/posts", token_for(s, picked[i].first), body.dump());
      });
    }
    for (auto& p : posters) {
      p.join();
    }
    int64_t handled = 0;
    while (ms_since(t0) < 120000) {
      handled = metric_sum(s, "lakoo_cast_total") - before;
      if (handled >= followers) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    auto secs = ms_since(t0) / 1000;
    std::printf("fan-out round %d: %zu posts to %lld followers: all feeds reached in %.2f s = "
                "%.0f followers/s (feeds not in memory are skipped: they rebuild on read)\n",
                round + 1, picked.size(), static_cast<long long>(followers), secs,
                static_cast<double>(handled) / secs);
  }

  // Inserts into live feeds: build the feeds of one creator's followers, then 20 posts.
  auto [creator, count] = picked.front();
  std::vector<std::string> fans;
  std::string cursor;
  do {
    auto [status, body] = c.call("GET",
                                 "/v1/users/" + creator + "/followers?limit=100"
                                   + (cursor.empty() ? "" : "&cursor=" + cursor),
                                 "");
    if (status != 200) {
      break;
    }
    auto page = json::parse(body);
    for (const auto& u : page["items"]) {
      fans.push_back(u["id"].get<std::string>());
    }
    cursor = page["next_cursor"].is_null() ? "" : page["next_cursor"].get<std::string>();
  } while (!cursor.empty());
  std::vector<std::string> fan_tokens;
  for (const auto& f : fans) {
    fan_tokens.push_back(token_for(s, f));
  }
  auto built = read_feeds(s, fan_tokens, true);
  const int posts = 20;
  auto before = metric_sum(s, "lakoo_feed_inserts_total");
  auto t0 = clock_type::now();
  {
    auto token = token_for(s, creator);
    std::vector<std::thread> posters;
    for (int i = 0; i < posts; ++i) {
      posters.emplace_back([&, i] {
        conn pc{s.ports[static_cast<size_t>(i) % s.ports.size()]};
        json body{{"caption", "live " + std::to_string(i)},
                  {"media_urls", {"https://img.lakoo.id/bench/l.jpg"}}};
        pc.call("POST", "/v1/posts", token, body.dump());
      });
    }
    for (auto& p : posters) {
      p.join();
    }
  }
  auto want = static_cast<int64_t>(fans.size()) * posts;
  int64_t inserted = 0;
  while (ms_since(t0) < 120000) {
    inserted = metric_sum(s, "lakoo_feed_inserts_total") - before;
    if (inserted >= want) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto secs = ms_since(t0) / 1000;
  std::printf("inserts into live feeds: %d posts (at once over HTTP) x %zu built feeds = "
              "%lld inserts in %.2f s = %.0f inserts/s (%zu feeds built in %.1f s first)\n",
              posts, fans.size(), static_cast<long long>(inserted), secs,
              static_cast<double>(inserted) / secs, fans.size(), built.secs);
}

void bench_push(const settings& s) {
  auto author = lakoo::bench::fixed_id("usr", 3);
  auto liker = lakoo::bench::fixed_id("usr", s.users - 1);
  auto author_token = token_for(s, author);
  auto liker_token = token_for(s, liker);
  conn writer{s.ports[0]};
  std::vector<std::string> posts;
  for (int i = 0; i < 200; ++i) {
    json body{{"caption", "push " + std::to_string(i)},
              {"media_urls", {"https://img.lakoo.id/bench/w.jpg"}}};
    auto [status, text] = writer.call("POST", "/v1/posts", author_token, body.dump());
    if (status == 201) {
      posts.push_back(json::parse(text)["id"].get<std::string>());
    }
  }
  lakoo::test::ws_client socket{s.ports.back(), "/v1/ws", author_token};
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::vector<double> ms;
  for (const auto& post : posts) {
    auto t0 = clock_type::now();
    writer.call("POST", "/v1/posts/" + post + "/like", liker_token);
    auto frame = socket.wait_for(
      [&](const json& f) {
        return f.value("type", "") == "notification"
               && f["notification"].value("subject_id", "") == post;
      },
      std::chrono::seconds(5));
    if (frame.is_object()) {
      ms.push_back(ms_since(t0));
    }
  }
  std::printf("push: like via node 1 -> author's socket on node %zu: %zu of %zu, p50 %.2f ms, "
              "p99 %.2f ms, max %.2f ms\n",
              s.ports.size(), ms.size(), posts.size(), pct(ms, 0.5), pct(ms, 0.99), pct(ms, 1.0));
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: lakoo-social-bench <http ports a,b,c> <token secret> "
                         "[users=100000] [seconds=10] [creators=5000] [threads=32]\n");
    return 2;
  }
  settings s;
  std::stringstream ports{argv[1]};
  for (std::string p; std::getline(ports, p, ',');) {
    s.ports.push_back(static_cast<uint16_t>(std::stoi(p)));
  }
  lakoo::edge::token_signer signer{argv[2]};
  s.signer = &signer;
  s.users = argc > 3 ? std::stoul(argv[3]) : s.users;
  s.seconds = argc > 4 ? std::stoi(argv[4]) : s.seconds;
  s.creators = argc > 5 ? std::stoul(argv[5]) : s.creators;
  s.threads = argc > 6 ? std::stoul(argv[6]) : s.threads;
  bench_feeds(s);
  bench_fanout(s);
  bench_push(s);
  return 0;
}
