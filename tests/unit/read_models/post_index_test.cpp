#include "read_models/post_index.hpp"

#include <cmath>
#include <map>

#include <catch2/catch.hpp>
#include <msgpack.hpp>

#include "actors/social/social.hpp"
#include "actors/social/social_data.hpp"

using namespace lakoo;
using namespace lakoo::social;
using namespace lakoo::read_models;

namespace {

constexpr int64_t half_life = 3600;
constexpr int64_t now = 1795000000000; // ms

runtime::snapshot snap(const std::string& id, int64_t version, post_data d) {
  msgpack::sbuffer buf;
  msgpack::pack(buf, d);
  runtime::snapshot s;
  s.kind = post_kind;
  s.id = id;
  s.version = version;
  s.body.assign(buf.data(), buf.size());
  return s;
}

post_data post_by(const std::string& author, int64_t created_ms, const std::string& category = "") {
  post_data d;
  d.author_id = author;
  d.created_ms = created_ms;
  if (!category.empty()) {
    d.tags.push_back({"prd_1", 0.5, 0.5, "t", 1000, "IDR", category});
  }
  return d;
}

/// `d` with `n` events of `weight` at `at_ms`.
post_data engaged(post_data d, int n, double weight, int64_t at_ms) {
  for (int i = 0; i < n; ++i) {
    d.heat = log2_add(d.heat, heat_term(weight, at_ms, half_life));
  }
  return d;
}

std::vector<std::string> ids(const std::vector<post_ref>& posts) {
  std::vector<std::string> out;
  for (const auto& p : posts) {
    out.push_back(p->id);
  }
  return out;
}

} // namespace

TEST_CASE("heat adds and decays like a sum of halving weights", "[social]") {
  double h = -INFINITY;
  h = log2_add(h, heat_term(1, now, half_life));
  h = log2_add(h, heat_term(2, now, half_life));
  CHECK(heat_value(h, now, half_life) == Approx(3));
  CHECK(heat_value(h, now + half_life * 1000, half_life) == Approx(1.5));
  // Taking one event back leaves the other; taking everything back leaves nothing.
  h = log2_sub(h, heat_term(2, now, half_life));
  CHECK(heat_value(h, now, half_life) == Approx(1));
  h = log2_sub(h, heat_term(1, now, half_life));
  CHECK(heat_value(h, now, half_life) == 0);
  // An old burst is worth less than a fresh trickle: 8 likes two half-lives ago < 3 now.
  auto old_burst = engaged(post_data{}, 8, 1, now - 2 * half_life * 1000).heat;
  auto fresh = engaged(post_data{}, 3, 1, now).heat;
  CHECK(old_burst < fresh);
  // Far-future timestamps stay finite (the sum is kept as a logarithm).
  auto far = heat_term(1, now * 100, 60);
  CHECK(std::isfinite(log2_add(far, far)));
}

TEST_CASE("the post index orders by heat and by time, and forgets deleted posts", "[social]") {
  post_index index;
  CHECK_FALSE(index.ready());
  index.apply({snap("pst_a", 1, engaged(post_by("usr_1", now - 3000, "fashion"), 3, 1, now)),
               snap("pst_b", 1, engaged(post_by("usr_2", now - 2000), 1, 1, now)),
               snap("pst_c", 1, post_by("usr_2", now - 1000, "fashion"))});
  index.mark_ready();
  CHECK(index.ready());
  CHECK(index.size() == 3);
  CHECK(ids(index.hottest(10)) == std::vector<std::string>{"pst_a", "pst_b"}); // c: no heat
  CHECK(ids(index.newest(10)) == std::vector<std::string>{"pst_c", "pst_b", "pst_a"});
  CHECK(ids(index.newest_in("fashion", 10)) == std::vector<std::string>{"pst_c", "pst_a"});
  CHECK(ids(index.newest_by("usr_2", 10)) == std::vector<std::string>{"pst_c", "pst_b"});
  CHECK(ids(index.newest_by("usr_2", 10, std::make_pair(now - 1000, std::string{"pst_c"})))
        == std::vector<std::string>{"pst_b"});
  CHECK(index.newest_by("usr_none", 10).empty());
  auto first = index.hottest(1);
  CHECK(ids(index.hottest(10, std::make_pair(first[0]->heat, first[0]->id)))
        == std::vector<std::string>{"pst_b"});

  // b overtakes a; an older version arriving late changes nothing.
  index.apply({snap("pst_b", 2, engaged(post_by("usr_2", now - 2000), 5, 1, now))});
  index.apply({snap("pst_b", 1, post_by("usr_2", now - 2000))});
  CHECK(ids(index.hottest(10)) == std::vector<std::string>{"pst_b", "pst_a"});
  // Deleted: gone from every order, and a stale live version cannot bring it back.
  auto gone = post_by("usr_1", now - 3000, "fashion");
  gone.deleted = true;
  index.apply({snap("pst_a", 5, gone)});
  index.apply({snap("pst_a", 4, post_by("usr_1", now - 3000, "fashion"))});
  CHECK(index.find("pst_a") == nullptr);
  CHECK(ids(index.hottest(10)) == std::vector<std::string>{"pst_b"});
  CHECK(ids(index.newest_in("fashion", 10)) == std::vector<std::string>{"pst_c"});
  // Unreadable bodies and other kinds are skipped.
  runtime::snapshot junk;
  junk.kind = post_kind;
  junk.id = "pst_x";
  junk.version = 1;
  junk.body = "\xc1garbage";
  runtime::snapshot other = snap("prd_1", 1, post_by("usr_9", now));
  other.kind = "product";
  index.apply({junk, other});
  CHECK(index.size() == 2);
}

TEST_CASE("for-you scores with the seeds' formula and says why", "[social]") {
  post_index index;
  // followed: by a followed author, old, no engagement.
  // hot: by a stranger, trending. fit: by a stranger, in the viewer's favourite category.
  index.apply({snap("pst_followed", 1, post_by("usr_f", now - 48 * 3600 * 1000)),
               snap("pst_hot", 1, engaged(post_by("usr_s", now - 3600 * 1000, "food"), 10, 1, now)),
               snap("pst_fit", 1, post_by("usr_t", now - 3600 * 1000, "fashion")),
               snap("pst_mine", 1, engaged(post_by("usr_me", now), 50, 1, now))});
  protocol::candidates c;
  c.following = {{"pst_followed", "usr_f", now - 48 * 3600 * 1000}};
  c.mine.following = {"usr_f"};
  c.mine.categories = {"fashion", "food"};
  c.mine.weights = {4, 1};
  auto r = rank_for_you(index, "usr_me", c, now, half_life);
  REQUIRE(r.size() == 3); // never the viewer's own post
  double fresh = std::exp2(-1.0 / 24);
  // hot: 0.3 recency + 0.25 * 1 (the most engaged) + 0.25 * 1/4 (food) + 0.
  CHECK(r[0].post_id == "pst_hot");
  CHECK(r[0].reason == "trending");
  CHECK(r[0].score == Approx(0.3 * fresh + 0.25 + 0.25 * 0.25));
  // fit: 0.3 recency + 0 + 0.25 * 1 (fashion, the favourite) + 0.
  CHECK(r[1].post_id == "pst_fit");
  CHECK(r[1].reason == "recommended");
  CHECK(r[1].score == Approx(0.3 * fresh + 0.25));
  // followed: 0.3 * 1/4 (two days old) + 0 + 0 + 0.2.
  CHECK(r[2].post_id == "pst_followed");
  CHECK(r[2].reason == "following");
  CHECK(r[2].score == Approx(0.3 * 0.25 + 0.2));

  // Explore: not the followed author's, not the viewer's, not what the viewer engaged with.
  c.mine.engaged = {"pst_fit"};
  auto e = rank_explore(index, "usr_me", c, now, half_life);
  REQUIRE(e.size() == 1);
  CHECK(e[0].post_id == "pst_hot");
  CHECK(e[0].reason == "recommended");
}

TEST_CASE("sponsored posts go to their fixed positions when there are any", "[social]") {
  std::vector<ranked> organic;
  for (int i = 0; i < 30; ++i) {
    organic.push_back({"pst_" + std::to_string(i), "recommended", 1.0 / (i + 1)});
  }
  CHECK(with_sponsored(organic, "usr_1", {}).size() == 30); // no campaign system: unchanged
  auto out = with_sponsored(organic, "usr_1", [](const std::string& viewer, size_t position) {
    return std::optional<std::string>{"ad_" + viewer + "_" + std::to_string(position)};
  });
  REQUIRE(out.size() == 34);
  for (auto pos : sponsored_positions) {
    CHECK(out[pos - 1].reason == "sponsored");
    CHECK(out[pos - 1].post_id == "ad_usr_1_" + std::to_string(pos));
  }
  CHECK(out[0].post_id == "pst_0");
  CHECK(out[3].post_id == "pst_2");
}
