// lakoo-social-fill: writes a large social graph straight into a LAKOO database, for the feed
// benchmarks (bench/social.sh): users with a realistic follow graph (a few creators with tens of
// thousands of followers, a long tail with a handful) and posts by the creators, with likes.
// Deterministic (fixed seed, fixed ids), so a second run changes nothing.
//
//   lakoo-social-fill <dsn> [users=100000] [posts=1000000] [creators=5000] [shards=256]
//
// User i is `usr_bench` + i (zero-padded); the first `creators` users post. Each user follows
// 10-200 creators (log-uniform count), chosen with probability ~ 1/(rank+1)^0.9, so follower
// counts are heavily skewed. Posts are spread over the last 30 days, each with 0-40 likes.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include <msgpack.hpp>
#include <pqxx/pqxx>

#include "actors/identity/identity_data.hpp"
#include "actors/runtime/shard_map.hpp"
#include "actors/social/social.hpp"
#include "actors/social/social_data.hpp"
#include "bench/fill_support.hpp"

using namespace lakoo;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: lakoo-social-fill <dsn> [users=100000] [posts=1000000] "
                         "[creators=5000] [shards=256]\n");
    return 2;
  }
  std::string dsn = argv[1];
  size_t users = argc > 2 ? std::stoul(argv[2]) : 100000;
  size_t posts = argc > 3 ? std::stoul(argv[3]) : 1000000;
  size_t creators = std::min(users, argc > 4 ? std::stoul(argv[4]) : size_t{5000});
  int32_t shards = argc > 5 ? std::stoi(argv[5]) : 256;
  try {
    bench::prepare_database(dsn);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lakoo-social-fill: %s\n", e.what());
    return 1;
  }
  bench::snapshot_writer writer{dsn, shards};
  std::mt19937_64 rng{20261122};
  std::uniform_real_distribution<double> unit(0, 1);
  const int64_t newest_ms = 1795000000000;
  const int64_t half_life = 21600;

  // Creator rank r is followed / posts with weight 1/(r+1)^0.9: sample by inverse CDF.
  std::vector<double> cdf(creators);
  double total = 0;
  for (size_t r = 0; r < creators; ++r) {
    total += 1.0 / std::pow(static_cast<double>(r + 1), 0.9);
    cdf[r] = total;
  }
  auto pick_creator = [&] {
    auto x = unit(rng) * total;
    return static_cast<size_t>(std::lower_bound(cdf.begin(), cdf.end(), x) - cdf.begin());
  };

  std::vector<social::graph_data> graphs(users);
  size_t edges = 0;
  for (size_t u = 0; u < users; ++u) {
    auto want
      = static_cast<size_t>(std::exp(std::log(10) + unit(rng) * (std::log(200) - std::log(10))));
    std::unordered_set<size_t> chosen;
    for (size_t tries = 0; chosen.size() < want && tries < want * 4; ++tries) {
      auto c = pick_creator();
      if (c != u) {
        chosen.insert(c);
      }
    }
    for (auto c : chosen) {
      int64_t at = newest_ms - static_cast<int64_t>(rng() % (90LL * 86400000));
      graphs[u].following.push_back({bench::fixed_id("usr", c), at});
      graphs[c].followers.push_back({bench::fixed_id("usr", u), at});
    }
    edges += chosen.size();
  }

  auto save = [&writer](const std::string& kind, const std::string& id, std::string body) {
    writer.save(kind, id, std::move(body));
  };

  auto t0 = std::chrono::steady_clock::now();
  // Posts: authors by the same skew, times over the last 30 days, newest kept on the graph.
  std::vector<std::vector<social::recent_post>> recent(creators);
  for (size_t i = 0; i < posts; ++i) {
    auto author = pick_creator();
    social::post_data p;
    p.author_id = bench::fixed_id("usr", author);
    p.caption = "Bench post " + std::to_string(i);
    p.media_urls = {"https://img.lakoo.id/bench/p" + std::to_string(i) + ".jpg"};
    p.created_ms = newest_ms - static_cast<int64_t>(rng() % (30LL * 86400000));
    p.announced = 1;
    auto likes = static_cast<size_t>(40 * std::pow(unit(rng), 4.0));
    std::unordered_set<size_t> likers;
    while (likers.size() < likes) {
      likers.insert(static_cast<size_t>(rng() % users));
    }
    for (auto l : likers) {
      p.likers.push_back(bench::fixed_id("usr", l));
      auto at = p.created_ms + static_cast<int64_t>(rng() % 3600000);
      p.heat = social::log2_add(p.heat, social::heat_term(social::like_weight, at, half_life));
    }
    std::sort(p.likers.begin(), p.likers.end());
    auto id = bench::fixed_id("pst", i);
    recent[author].push_back({id, p.created_ms});
    graphs[author].post_count += 1;
    save(social::post_kind, id, bench::pack(p));
  }
  size_t biggest = 0;
  for (size_t u = 0; u < users; ++u) {
    auto& g = graphs[u];
    if (u < creators) {
      auto& r = recent[u];
      std::sort(r.begin(), r.end(),
                [](const auto& a, const auto& b) { return a.created_ms > b.created_ms; });
      if (r.size() > 100) {
        r.resize(100);
      }
      g.posts = std::move(r);
    }
    biggest = std::max(biggest, g.followers.size());
    auto id = bench::fixed_id("usr", u);
    save(social::graph_kind, id, bench::pack(g));
    identity::user_data profile; // the user itself (posting asks it for the seller account)
    profile.email = "bench-" + std::to_string(u) + "@bench.lakoo.local";
    profile.name = (u < creators ? "Creator " : "User ") + std::to_string(u);
    profile.roles = {"customer"};
    profile.created_at = newest_ms / 1000 - 90 * 86400;
    save("user", id, bench::pack(profile));
  }
  writer.drain();
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%zu users (%zu follows, the most followed has %zu), %zu posts: %zu written, %zu "
              "already there, %zu failed in %.1f s\n",
              users, edges, biggest, posts, writer.ok.load(), writer.stale.load(),
              writer.failed.load(), secs);
  return writer.failed.load() == 0 ? 0 : 1;
}
