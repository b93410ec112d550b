#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>

#include "actors/runtime/clock.hpp"
#include "http_edge/api_context.hpp"

namespace lakoo::edge {

namespace {

using nlohmann::json;

/// Answers a feed page: `entries` (post id, reason) rendered for `viewer`, deleted ones left out.
void answer_feed(api_context& ctx, const std::string& viewer,
                 std::vector<std::pair<std::string, std::string>> entries, std::string next,
                 responder res) {
  std::vector<std::string> ids;
  for (const auto& e : entries) {
    ids.push_back(e.first);
  }
  render_posts(
    ctx, viewer, std::move(ids),
    [entries, next, res](caf::expected<std::vector<std::optional<json>>> posts) {
      if (!posts) {
        return res(error_from(posts.error()));
      }
      json items = json::array();
      for (size_t i = 0; i < posts->size(); ++i) {
        if ((*posts)[i]) {
          items.push_back({{"post", std::move(*(*posts)[i])}, {"reason", entries[i].second}});
        }
      }
      res(json_response(200, json{{"items", std::move(items)},
                                  {"next_cursor", next.empty() ? json(nullptr) : json(next)}}));
    });
}

/// Following-feed cursors: `<created ms>.<post id>` of the previous page's last post.
std::optional<std::pair<int64_t, std::string>> parse_following(const std::string& c) {
  auto dot = c.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 15 || dot + 1 >= c.size()) {
    return std::nullopt;
  }
  for (size_t i = 0; i < dot; ++i) {
    if (c[i] < '0' || c[i] > '9') {
      return std::nullopt;
    }
  }
  return std::make_pair(std::stoll(c.substr(0, dot)), c.substr(dot + 1));
}

/// The user's pushed entries (their feed actor), merged with the newest posts of the authors
/// they follow who have too many followers to be pushed (this node's post index).
void following(api_context& ctx, const access_claims& claims, request& req, responder res) {
  response bad;
  auto limit = parse_limit(req, bad);
  if (!limit) {
    return res(std::move(bad));
  }
  auto cursor = cursor_of(req);
  auto after = parse_following(cursor);
  if (!cursor.empty() && !after) {
    return res(field_error("cursor", "not a cursor of this feed"));
  }
  auto viewer = claims.sub;
  ctx.gw.ask<protocol::feed_page>(
    protocol::feed_ref{viewer}, protocol::read_feed{*limit, cursor},
    [&ctx, viewer, after, limit = static_cast<size_t>(*limit),
     res](caf::expected<protocol::feed_page> page) mutable {
      if (!page) {
        return res(error_from(page.error()));
      }
      std::vector<std::pair<int64_t, std::string>> items; // (created, id), newest first
      for (const auto& item : page->items) {
        items.emplace_back(item.created_ms, item.post_id);
      }
      bool more = !page->next_cursor.empty();
      for (const auto& author : page->pulled) {
        auto posts = ctx.posts.newest_by(author, limit, after);
        more = more || posts.size() == limit;
        for (const auto& p : posts) {
          items.emplace_back(p->created_ms, p->id);
        }
      }
      std::sort(items.begin(), items.end(), std::greater<>{});
      items.erase(std::unique(items.begin(), items.end()), items.end());
      if (items.size() > limit) {
        items.resize(limit);
        more = true;
      }
      std::string next;
      if (more && !items.empty()) {
        next = std::to_string(items.back().first) + "." + items.back().second;
      }
      std::vector<std::pair<std::string, std::string>> entries;
      for (const auto& [created, id] : items) {
        entries.emplace_back(id, "following");
      }
      answer_feed(ctx, viewer, std::move(entries), next, std::move(res));
    });
}

/// Offset cursors of ranked feeds: `o.<n>`.
std::optional<size_t> parse_offset(const std::string& cursor) {
  if (cursor.empty()) {
    return 0;
  }
  if (cursor.size() < 3 || cursor.size() > 8 || cursor.compare(0, 2, "o.") != 0) {
    return std::nullopt;
  }
  size_t n = 0;
  for (size_t i = 2; i < cursor.size(); ++i) {
    if (cursor[i] < '0' || cursor[i] > '9') {
      return std::nullopt;
    }
    n = n * 10 + static_cast<size_t>(cursor[i] - '0');
  }
  return n;
}

/// For-you (`explore` false) or explore: ranked on this node from the user's candidates (their
/// feed actor) and the post index; pages are positions in that ranking.
void ranked_feed(api_context& ctx, const access_claims& claims, request& req, bool explore,
                 responder res) {
  response bad;
  auto limit = parse_limit(req, bad);
  if (!limit) {
    return res(std::move(bad));
  }
  auto offset = parse_offset(cursor_of(req));
  if (!offset) {
    return res(field_error("cursor", "not a cursor of this feed"));
  }
  if (!ctx.posts.ready()) {
    return res(error_from(protocol::errc::unavailable, "the post index is still loading"));
  }
  auto viewer = claims.sub;
  ctx.gw.ask<protocol::candidates>(
    protocol::feed_ref{viewer}, protocol::get_candidates{},
    [&ctx, viewer, explore, limit = static_cast<size_t>(*limit), offset = *offset,
     res](caf::expected<protocol::candidates> c) mutable {
      if (!c) {
        return res(error_from(c.error()));
      }
      auto now = runtime::unix_ms();
      auto half_life = ctx.social.trending_half_life_s;
      auto ranking = explore ? read_models::rank_explore(ctx.posts, viewer, *c, now, half_life)
                             : read_models::with_sponsored(
                               read_models::rank_for_you(ctx.posts, viewer, *c, now, half_life),
                               viewer, ctx.social.sponsors);
      std::vector<std::pair<std::string, std::string>> entries;
      for (size_t i = offset; i < ranking.size() && entries.size() < limit; ++i) {
        entries.emplace_back(ranking[i].post_id, ranking[i].reason);
      }
      auto end = offset + entries.size();
      auto next = end < ranking.size() && !entries.empty() ? "o." + std::to_string(end) : "";
      answer_feed(ctx, viewer, std::move(entries), next, std::move(res));
    });
}

/// Trending cursors: `h.<heat's IEEE-754 bits in hex>.<post id>`, the last entry of the previous
/// page (URL-safe, and exact: the keyset needs the very same double back).
std::string trending_cursor(const read_models::indexed_post& p) {
  uint64_t bits = 0;
  std::memcpy(&bits, &p.heat, sizeof bits);
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%016" PRIx64, bits);
  return std::string{"h."} + buf + "." + p.id;
}

std::optional<std::pair<double, std::string>> parse_trending(const std::string& c) {
  if (c.size() < 20 || c.size() > 120 || c.compare(0, 2, "h.") != 0 || c[18] != '.') {
    return std::nullopt;
  }
  uint64_t bits = 0;
  for (size_t i = 2; i < 18; ++i) {
    char ch = c[i];
    int digit = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
    if (digit < 0) {
      return std::nullopt;
    }
    bits = (bits << 4) | static_cast<uint64_t>(digit);
  }
  double heat = 0;
  std::memcpy(&heat, &bits, sizeof heat);
  if (std::isnan(heat)) {
    return std::nullopt;
  }
  return std::make_pair(heat, c.substr(19));
}

void trending(api_context& ctx, request& req, responder res) {
  bool failed = false;
  auto viewer = optional_viewer(ctx, req, res, failed);
  if (failed) {
    return;
  }
  response bad;
  auto limit = parse_limit(req, bad);
  if (!limit) {
    return res(std::move(bad));
  }
  auto cursor = cursor_of(req);
  auto after = parse_trending(cursor);
  if (!cursor.empty() && !after) {
    return res(field_error("cursor", "not a cursor of this feed"));
  }
  if (!ctx.posts.ready()) {
    return res(error_from(protocol::errc::unavailable, "the post index is still loading"));
  }
  auto hot = ctx.posts.hottest(static_cast<size_t>(*limit) + 1, after);
  std::string next;
  if (hot.size() > static_cast<size_t>(*limit)) {
    hot.pop_back();
    next = trending_cursor(*hot.back());
  }
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& p : hot) {
    entries.emplace_back(p->id, "trending");
  }
  answer_feed(ctx, *viewer, std::move(entries), next, std::move(res));
}

} // namespace

void add_feed_routes(route_table& routes, api_context& ctx) {
  routes.add("GET", "/v1/feed/following",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&&, responder res) {
               following(ctx, c, req, std::move(res));
             }));
  routes.add("GET", "/v1/feed",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&&, responder res) {
               ranked_feed(ctx, c, req, false, std::move(res));
             }));
  routes.add("GET", "/v1/feed/explore",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&&, responder res) {
               ranked_feed(ctx, c, req, true, std::move(res));
             }));
  routes.add("GET", "/v1/trending", [&ctx](request&& req, params&&, responder res) {
    trending(ctx, req, std::move(res));
  });
}

} // namespace lakoo::edge
