#pragma once

/// Posts, reactions, comments, the follow graph, feeds, collections and live pushes. Part of
/// messages.hpp (include that); registered in protocol.cpp's append-only list.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>

namespace lakoo::protocol {

/// Inbox -> a node's push relay: `(push_atom, user id, notification_view)` for live sockets.
using push_atom = caf::atom_constant<caf::atom("push")>;
/// Edge -> its push relay: `(watch_atom, user id, bool on)` when a user's sockets come and go.
using watch_atom = caf::atom_constant<caf::atom("watch")>;

/// To `inbox:<user id>`: `relay` has live sockets of this user; push every new notification to
/// it for the next `ttl_ms` (relays renew well before) -> bool. `on = false` stops at once.
struct watch_inbox {
  caf::actor relay;
  int64_t ttl_ms = 15000;
  bool on = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, watch_inbox& x) {
  return f(caf::meta::type_name("watch_inbox"), x.relay, x.ttl_ms, x.on);
}

// -- posts ---------------------------------------------------------------------------------------

/// A product tag on a post's image. `title`, `price` and `currency` are as at tagging time; the
/// edge shows the product's current ones while it is listed.
struct post_tag {
  std::string product_id;
  double x = 0;
  double y = 0;
  std::string title;
  int64_t price = 0;
  std::string currency;
  std::string category;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, post_tag& x) {
  return f(caf::meta::type_name("post_tag"), x.product_id, x.x, x.y, x.title, x.price, x.currency,
           x.category);
}

struct post_view {
  std::string id;
  std::string author_id;
  std::string seller_id; ///< the author's seller account, or ""
  std::string caption;
  std::vector<std::string> media_urls;
  std::vector<post_tag> product_tags;
  std::vector<std::string> hashtags;
  int64_t like_count = 0;
  int64_t save_count = 0;
  int64_t comment_count = 0;
  bool liked_by_me = false;
  bool saved_by_me = false;
  std::string created_at;
  int64_t created_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, post_view& x) {
  return f(caf::meta::type_name("post_view"), x.id, x.author_id, x.seller_id, x.caption,
           x.media_urls, x.product_tags, x.hashtags, x.like_count, x.save_count, x.comment_count,
           x.liked_by_me, x.saved_by_me, x.created_at, x.created_ms);
}

/// To `post:<new id>` -> post_view (a repeat of a created post: conflict). The shape is checked
/// by the edge; the post checks that every tagged product is active (else invalid_request
/// naming `product_tags[i].product_id`), fills each tag's title and price from it, and reads the
/// author's seller account. Tags carry only `product_id`, `x` and `y`.
struct create_post {
  std::string author_id;
  std::string caption;
  std::vector<std::string> media_urls;
  std::vector<post_tag> product_tags;
  std::vector<std::string> hashtags;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_post& x) {
  return f(caf::meta::type_name("create_post"), x.author_id, x.caption, x.media_urls,
           x.product_tags, x.hashtags);
}

/// To `post:<id>` -> post_view seen by `viewer` (may be ""); not_found when absent or deleted.
struct get_post {
  std::string viewer;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_post& x) {
  return f(caf::meta::type_name("get_post"), x.viewer);
}

/// To `post:<id>`: delete (the author or an admin, else forbidden) -> bool.
struct delete_post {
  std::string requester;
  bool admin = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delete_post& x) {
  return f(caf::meta::type_name("delete_post"), x.requester, x.admin);
}

/// To `post:<id>`: `user` likes (`what` = "like") or saves ("save") it, or takes that back
/// (`on` = false). Idempotent -> post_view seen by `user`.
struct react_post {
  std::string user;
  std::string what;
  bool on = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, react_post& x) {
  return f(caf::meta::type_name("react_post"), x.user, x.what, x.on);
}

/// To `post:<id>` from its thread: the thread holds `count` comments (only grows) -> bool.
struct set_comment_count {
  int64_t count = 0;
  std::string commenter; ///< who wrote the newest one (notified author, engagement signal)
  std::string excerpt{}; ///< its first words, for the author's notification
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, set_comment_count& x) {
  return f(caf::meta::type_name("set_comment_count"), x.count, x.commenter, x.excerpt);
}

// -- comments (`thread:<post id>`) ----------------------------------------------------------------

struct comment_view {
  std::string id;
  std::string post_id;
  std::string author_id;
  std::string parent_id; ///< "" for a top-level comment
  std::string body;
  std::string created_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, comment_view& x) {
  return f(caf::meta::type_name("comment_view"), x.id, x.post_id, x.author_id, x.parent_id, x.body,
           x.created_at);
}

/// To `thread:<post id>` -> comment_view (a `parent_id` not in the thread: not_found).
struct add_comment {
  std::string author_id;
  std::string parent_id;
  std::string body;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, add_comment& x) {
  return f(caf::meta::type_name("add_comment"), x.author_id, x.parent_id, x.body);
}

/// To `thread:<post id>`: oldest first -> comment_page.
struct list_comments {
  int64_t limit = 20;
  std::string cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_comments& x) {
  return f(caf::meta::type_name("list_comments"), x.limit, x.cursor);
}

struct comment_page {
  std::vector<comment_view> items;
  std::string next_cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, comment_page& x) {
  return f(caf::meta::type_name("comment_page"), x.items, x.next_cursor);
}

// -- the follow graph (`graph:<user id>`)
// -----------------------------------------------------------

struct graph_view {
  std::string user_id;
  int64_t follower_count = 0;
  int64_t following_count = 0;
  int64_t post_count = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, graph_view& x) {
  return f(caf::meta::type_name("graph_view"), x.user_id, x.follower_count, x.following_count,
           x.post_count);
}

/// To `graph:<user id>` -> graph_view.
struct get_graph {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_graph&) {
  return f(caf::meta::type_name("get_graph"));
}

/// To `graph:<me>`: follow `target` (or stop) -> graph_view of `target`. Idempotent; a repeat
/// repairs the target's side if an earlier attempt failed halfway.
struct follow_user {
  std::string target;
  bool on = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, follow_user& x) {
  return f(caf::meta::type_name("follow_user"), x.target, x.on);
}

/// To `graph:<target>` from the follower's graph -> graph_view of the target.
struct add_follower {
  std::string follower;
  bool on = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, add_follower& x) {
  return f(caf::meta::type_name("add_follower"), x.follower, x.on);
}

/// A page of ids, newest first unless said otherwise.
struct id_page {
  std::vector<std::string> items;
  std::string next_cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, id_page& x) {
  return f(caf::meta::type_name("id_page"), x.items, x.next_cursor);
}

/// To `graph:<user id>`: `which` = "followers" | "following" | "collections" -> id_page.
struct list_graph {
  std::string which;
  int64_t limit = 20;
  std::string cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_graph& x) {
  return f(caf::meta::type_name("list_graph"), x.which, x.limit, x.cursor);
}

/// A post as a feed holds it.
struct feed_item {
  std::string post_id;
  std::string author_id;
  int64_t created_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, feed_item& x) {
  return f(caf::meta::type_name("feed_item"), x.post_id, x.author_id, x.created_ms);
}

/// To `graph:<author>` from a post: it was created (`on`) or deleted -> bool. The graph keeps the
/// author's recent posts and fans the change out to the followers' feeds.
struct authored {
  feed_item item;
  bool on = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, authored& x) {
  return f(caf::meta::type_name("authored"), x.item, x.on);
}

/// To `graph:<author>` -> author_posts: the newest posts, and whether the author has so many
/// followers that feeds pull these at read time instead of getting pushes.
struct get_recent_posts {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_recent_posts&) {
  return f(caf::meta::type_name("get_recent_posts"));
}

struct author_posts {
  std::vector<feed_item> posts;
  bool pulled = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, author_posts& x) {
  return f(caf::meta::type_name("author_posts"), x.posts, x.pulled);
}

/// To `graph:<user>` from a post: the user liked, saved or commented on (`on`) or took back a
/// reaction to a post tagging `categories` -> bool. Feeds for-you and explore.
struct engaged {
  std::string post_id;
  std::vector<std::string> categories;
  bool on = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, engaged& x) {
  return f(caf::meta::type_name("engaged"), x.post_id, x.categories, x.on);
}

/// To `graph:<user>` -> taste: what the user follows and engaged with.
struct get_taste {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_taste&) {
  return f(caf::meta::type_name("get_taste"));
}

struct taste {
  std::vector<std::string> following;
  std::vector<std::string> engaged;    ///< post ids, newest first
  std::vector<std::string> categories; ///< with `weights`: how much the user engages with each
  std::vector<double> weights;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, taste& x) {
  return f(caf::meta::type_name("taste"), x.following, x.engaged, x.categories, x.weights);
}

/// To `graph:<owner>`: the owner made a collection -> bool.
struct add_collection_ref {
  std::string collection_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, add_collection_ref& x) {
  return f(caf::meta::type_name("add_collection_ref"), x.collection_id);
}

// -- feeds (`feed:<user id>`)
// ------------------------------------------------------------------------

/// To `feed:<user>` from an author's graph: a post to show (`on`) or to take out -> bool.
struct feed_push {
  feed_item item;
  bool on = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, feed_push& x) {
  return f(caf::meta::type_name("feed_push"), x.item, x.on);
}

/// To `feed:<user>` from the user's graph: now following `author` (or not) -> bool.
struct feed_follow {
  std::string author;
  bool on = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, feed_follow& x) {
  return f(caf::meta::type_name("feed_follow"), x.author, x.on);
}

/// To `feed:<user>`: the following feed, newest first -> feed_page.
struct read_feed {
  int64_t limit = 20;
  std::string cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, read_feed& x) {
  return f(caf::meta::type_name("read_feed"), x.limit, x.cursor);
}

/// The pushed entries of a page, and the followed authors whose posts are pulled instead (the
/// reader merges their newest posts after the same cursor).
struct feed_page {
  std::vector<feed_item> items;
  std::string next_cursor;
  std::vector<std::string> pulled{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, feed_page& x) {
  return f(caf::meta::type_name("feed_page"), x.items, x.next_cursor, x.pulled);
}

// -- collections (`collection:<id>`)
// -------------------------------------------------------------------

struct collection_view {
  std::string id;
  std::string owner_id;
  std::string name;
  bool is_public = true;
  int64_t post_count = 0;
  std::string created_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, collection_view& x) {
  return f(caf::meta::type_name("collection_view"), x.id, x.owner_id, x.name, x.is_public,
           x.post_count, x.created_at);
}

/// To `collection:<new id>` -> collection_view.
struct create_collection {
  std::string owner_id;
  std::string name;
  bool is_public = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_collection& x) {
  return f(caf::meta::type_name("create_collection"), x.owner_id, x.name, x.is_public);
}

/// To `collection:<id>` -> collection_view; a private one is not_found to anyone but its owner.
struct get_collection {
  std::string viewer;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_collection& x) {
  return f(caf::meta::type_name("get_collection"), x.viewer);
}

/// To `collection:<id>`: the owner files `post_id` (or takes it out) -> collection_view.
/// Anyone else: forbidden (not_found when it is private).
struct collect_post {
  std::string requester;
  std::string post_id;
  bool on = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, collect_post& x) {
  return f(caf::meta::type_name("collect_post"), x.requester, x.post_id, x.on);
}

/// To `collection:<id>`: the owner saves `post_id` into this collection: the post counts the save
/// (react_post save), then the collection files it -> the post_view the owner sees. Anyone else:
/// forbidden (not_found when it is private) and nothing changes.
struct save_to_collection {
  std::string requester;
  std::string post_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, save_to_collection& x) {
  return f(caf::meta::type_name("save_to_collection"), x.requester, x.post_id);
}

/// To `collection:<id>`: its posts, newest filed first -> id_page.
struct list_collection {
  std::string viewer;
  int64_t limit = 20;
  std::string cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_collection& x) {
  return f(caf::meta::type_name("list_collection"), x.viewer, x.limit, x.cursor);
}

// -- ranking inputs ------------------------------------------------------------------------------

/// To `feed:<user>` -> candidates: what for-you and explore rank (on the edge, with the node's
/// post index).
struct get_candidates {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_candidates&) {
  return f(caf::meta::type_name("get_candidates"));
}

struct candidates {
  std::vector<feed_item> following;        ///< the following feed, newest first (bounded)
  std::vector<std::string> followee_liked; ///< posts liked or saved by people the user follows
  taste mine;                              ///< the user's own follows, engagement, categories
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, candidates& x) {
  return f(caf::meta::type_name("candidates"), x.following, x.followee_liked, x.mine);
}

} // namespace lakoo::protocol
