#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/store.hpp"

namespace lakoo::read_models {

/// What the index knows of a live (not deleted) post.
struct indexed_post {
  std::string id;
  std::string author_id;
  int64_t created_ms = 0;
  std::vector<std::string> categories; ///< of its tagged products
  int64_t likes = 0;
  int64_t saves = 0;
  int64_t comments = 0;
  double heat = 0; ///< see post_data::heat
  int64_t version = 0;
  /// The post as `GET /v1/posts/{id}` shows it, without the viewer's flags: feeds render pages
  /// from here instead of asking every post's actor.
  protocol::post_view view;
  std::vector<std::string> likers; ///< sorted, for `liked_by_me`
  std::vector<std::string> savers; ///< sorted, for `saved_by_me`

  /// `view` as `viewer` sees it.
  protocol::post_view seen_by(const std::string& viewer) const;
};

using post_ref = std::shared_ptr<const indexed_post>;

/// A node's read model of every live post, fed the committed `post` snapshots by the store's
/// change feed (like the catalog index): trending order (heat, which each post actor keeps up
/// to date with every reaction, so nothing is rescanned), newest first overall and per
/// category. Thread-safe; older versions than the one held are ignored.
class post_index {
public:
  post_index();
  ~post_index();
  post_index(const post_index&) = delete;
  post_index& operator=(const post_index&) = delete;

  void apply(const std::vector<runtime::snapshot>& batch);
  void mark_ready();
  bool ready() const;

  post_ref find(const std::string& id) const;
  /// The hottest posts (with any engagement), hottest first, after `after` (a previous page's
  /// last (heat, id)) if given.
  std::vector<post_ref> hottest(size_t n, const std::optional<std::pair<double, std::string>>& after
                                          = std::nullopt) const;
  std::vector<post_ref> newest(size_t n) const;
  std::vector<post_ref> newest_in(const std::string& category, size_t n) const;
  /// `author`'s newest posts (created, id) older than `before` if given, newest first.
  std::vector<post_ref> newest_by(const std::string& author, size_t n,
                                  const std::optional<std::pair<int64_t, std::string>>& before
                                  = std::nullopt) const;
  size_t size() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// A ranked feed entry: `reason` is "following" | "recommended" | "trending" | "sponsored".
struct ranked {
  std::string post_id;
  std::string reason;
  double score = 0;
};

/// How for-you weighs a candidate (the seeds' formula): every part normalised to [0,1].
struct for_you_weights {
  double recency = 0.3;
  double engagement = 0.25;
  double relevance = 0.25;
  double following = 0.2;
};

/// For-you: candidates are the following feed, posts liked or saved by followees, trending
/// posts and new posts in the viewer's favourite categories; each is scored with `w`
/// (recency: half-life one day; engagement: decayed heat over the best candidate's; relevance:
/// the viewer's strongest engaged category among the post's over the viewer's strongest overall;
/// following: 1 for followed authors). The viewer's own posts are left out. Best first.
std::vector<ranked> rank_for_you(const post_index& index, const std::string& viewer,
                                 const protocol::candidates& c, int64_t now_ms, int64_t half_life_s,
                                 const for_you_weights& w = {});

/// Explore: discovery. Hot and new posts from authors the viewer does not follow, leaving out
/// the viewer's own posts, posts they engaged with and posts already in their following feed;
/// scored 0.5 engagement + 0.3 recency + 0.2 relevance. Best first.
std::vector<ranked> rank_explore(const post_index& index, const std::string& viewer,
                                 const protocol::candidates& c, int64_t now_ms,
                                 int64_t half_life_s);

/// Where sponsored posts go (1-based positions in a ranked feed), once there are any.
inline constexpr std::array<size_t, 4> sponsored_positions{3, 8, 15, 25};

/// Picks the sponsored post for `viewer` at `position`, or nullopt. No campaign system exists
/// yet, so nodes run without one.
using sponsor_source
  = std::function<std::optional<std::string>(const std::string& viewer, size_t position)>;

/// `organic` with the sponsor's posts placed at `sponsored_positions` (reason "sponsored").
std::vector<ranked> with_sponsored(std::vector<ranked> organic, const std::string& viewer,
                                   const sponsor_source& source);

} // namespace lakoo::read_models
