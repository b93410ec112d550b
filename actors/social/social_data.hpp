#pragma once

/// Snapshot bodies of the social entities that read models also decode (the post index).

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "actors/protocol/messages.hpp"

namespace lakoo::social {

struct tag_data {
  std::string product_id;
  double x = 0;
  double y = 0;
  std::string title; ///< at tagging time
  int64_t price = 0;
  std::string currency;
  std::string category;
  MSGPACK_DEFINE_MAP(product_id, x, y, title, price, currency, category)
};

/// Snapshot body of `post:<id>`.
struct post_data {
  uint16_t v = 1;
  std::string author_id;
  std::string seller_id;
  std::string caption;
  std::vector<std::string> media_urls;
  std::vector<tag_data> tags;
  std::vector<std::string> hashtags;
  std::vector<std::string> likers; ///< sorted user ids
  std::vector<std::string> savers; ///< sorted user ids
  int64_t comment_count = 0;
  int64_t created_ms = 0;
  bool deleted = false;
  /// Trending heat: log2 of the sum over engagement events of weight * 2^(t / half-life), with t
  /// in seconds since the epoch. Comparable across posts without knowing "now"; -inf when none.
  double heat = -std::numeric_limits<double>::infinity();
  /// What the author's graph has acknowledged: 0 nothing, 1 the post, 2 its deletion.
  int32_t announced = 0;
  MSGPACK_DEFINE_MAP(v, author_id, seller_id, caption, media_urls, tags, hashtags, likers, savers,
                     comment_count, created_ms, deleted, heat, announced)
};

struct link_data {
  std::string id;
  int64_t at_ms = 0;
  MSGPACK_DEFINE_MAP(id, at_ms)
};

struct recent_post {
  std::string post_id;
  int64_t created_ms = 0;
  MSGPACK_DEFINE_MAP(post_id, created_ms)
};

/// Snapshot body of `graph:<user id>`.
struct graph_data {
  uint16_t v = 1;
  std::vector<link_data> following; ///< oldest first
  std::vector<link_data> followers; ///< oldest first
  std::vector<recent_post> posts;   ///< newest first, at most max_recent_posts
  int64_t post_count = 0;
  std::vector<std::string> forgotten;   ///< deleted posts already uncounted (recent ones)
  std::vector<std::string> collections; ///< newest first
  std::vector<std::string> engaged;     ///< posts liked/saved/commented, newest first
  std::vector<std::string> categories;  ///< with `weights`: engagement per category
  std::vector<double> weights;
  MSGPACK_DEFINE_MAP(v, following, followers, posts, post_count, forgotten, collections, engaged,
                     categories, weights)
};

/// log2(2^a + 2^b), stable for large exponents.
inline double log2_add(double a, double b) {
  if (std::isinf(a) && a < 0) {
    return b;
  }
  if (std::isinf(b) && b < 0) {
    return a;
  }
  double hi = std::max(a, b);
  double lo = std::min(a, b);
  return hi + std::log2(1 + std::exp2(lo - hi));
}

/// log2(2^a - 2^b), or -inf when that is not positive.
inline double log2_sub(double a, double b) {
  if (std::isinf(b) && b < 0) {
    return a;
  }
  if (b >= a) {
    return -std::numeric_limits<double>::infinity();
  }
  double rest = 1 - std::exp2(b - a);
  return rest < 1e-12 ? -std::numeric_limits<double>::infinity() : a + std::log2(rest);
}

/// The heat term of an event of `weight` at `unix_ms`.
inline double heat_term(double weight, int64_t unix_ms, int64_t half_life_s) {
  return std::log2(weight)
         + static_cast<double>(unix_ms) / 1000.0 / static_cast<double>(half_life_s);
}

/// The decayed engagement behind `heat` as of `now_ms`: sum of weight * 2^(-age / half-life).
inline double heat_value(double heat, int64_t now_ms, int64_t half_life_s) {
  if (std::isinf(heat)) {
    return 0;
  }
  return std::exp2(heat - static_cast<double>(now_ms) / 1000.0 / static_cast<double>(half_life_s));
}

/// The public view of post `id` (no viewer: `liked_by_me`/`saved_by_me` false), as both the
/// post actor and the post index render it. Defined in social.cpp.
protocol::post_view view_of_post(const std::string& id, const post_data& d);

} // namespace lakoo::social
