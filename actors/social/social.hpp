#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/entity_env.hpp"

namespace lakoo::social {

/// `post:<id>`: a post, its likers and savers, exact counters and its trending heat.
inline constexpr const char* post_kind = protocol::post_kind::name.data();
/// `thread:<post id>`: a post's comments, oldest first.
inline constexpr const char* thread_kind = protocol::thread_kind::name.data();
/// `graph:<user id>`: who a user follows and is followed by, their recent posts (for feeds),
/// their collections and what they engage with (for for-you).
inline constexpr const char* graph_kind = protocol::graph_kind::name.data();
/// `feed:<user id>`: the user's following feed. Derived data: kept in memory, rebuilt from the
/// graphs when activated, never persisted.
inline constexpr const char* feed_kind = protocol::feed_kind::name.data();
/// `collection:<id>`: a board of saved posts.
inline constexpr const char* collection_kind = protocol::collection_kind::name.data();

/// Engagement weights of trending and for-you.
inline constexpr double like_weight = 1;
inline constexpr double save_weight = 2;
inline constexpr double comment_weight = 3;

/// The social component's settings (from cluster.conf: `feed_push_max_followers`,
/// `feed_max_entries`, `trending_half_life_s`), given to its entities by the node
/// (`env.set_settings`); `settings_of` clamps them to sane bounds.
struct social_settings {
  int64_t push_max_followers = 5000; ///< above: followers' feeds pull this author at read time
  size_t feed_max_entries = 600;
  int64_t half_life_s = 21600; ///< trending heat half-life
};

social_settings settings_of(const runtime::entity_env& env);

void register_kinds(runtime::entity_kinds& kinds);

} // namespace lakoo::social
