#pragma once

/// Everything that crosses an actor or process boundary: atoms, messages and their `inspect`.
/// The type-id block at the end is APPEND ONLY (CAF 0.17 puts the names on the wire).

#include <cstdint>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/type_id.hpp>

#include "actors/protocol/errc.hpp"

namespace lakoo::protocol {

// -- runtime ------------------------------------------------------------------

/// Ask the node's router to deliver `payload` to the entity `key` (`kind:id`) wherever it lives.
using route_atom = caf::atom_constant<caf::atom("route")>;
/// Router-to-router hop: the receiver must own the key (no further forwarding).
using deliver_atom = caf::atom_constant<caf::atom("deliver")>;
/// `(cast_atom, kind, ids, payload, forwarded)` to a router, one way: `payload` to each entity
/// `kind:id` that is ACTIVE on its owner node; inactive ones are skipped, never activated (for
/// in-memory caches that rebuild themselves on activation, such as feeds). One message per owner
/// node however many ids; `forwarded` marks the router-to-router hop.
using cast_atom = caf::atom_constant<caf::atom("cast")>;
/// Entity -> router: I have been idle and everything is durable; may I stop?
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
/// Snapshot load finished (store -> entity).
using loaded_atom = caf::atom_constant<caf::atom("loaded")>;
/// Snapshot write finished (store -> entity).
using persisted_atom = caf::atom_constant<caf::atom("persisted")>;
/// Periodic timer tick.
using tick_atom = caf::atom_constant<caf::atom("tick")>;
/// Store -> entity (local): a durable list page it asked for (`runtime::read_list`).
using listed_atom = caf::atom_constant<caf::atom("listed")>;
/// A peer node's router became reachable / unreachable.
using peer_up_atom = caf::atom_constant<caf::atom("peer_up")>;
using peer_down_atom = caf::atom_constant<caf::atom("peer_down")>;
/// Router statistics for the operator views and /metrics.
using stats_atom = caf::atom_constant<caf::atom("stats")>;
/// Gateway bridge: a job from a non-actor thread.
using ask_atom = caf::atom_constant<caf::atom("ask")>;
/// Router: the stats of this node and every reachable peer -> std::vector<router_stats>.
using cluster_atom = caf::atom_constant<caf::atom("cluster")>;
/// `(revoked, family id, until)`: a refresh-token family was revoked; its access tokens are
/// refused on every node until `until`. Local senders -> router -> every peer router
/// (`(revoked, family id, until, true)`: relayed, not forwarded again).
using revoked_atom = caf::atom_constant<caf::atom("revoked")>;

/// `(handoff, shards)` from the node's lease keeper to its router -> bool once every entity of
/// `shards` has stopped (each finishes its queued messages and in-flight writes first). The
/// router already refuses new messages for them (`shard_map::handing_off`). Local only.
using handoff_atom = caf::atom_constant<caf::atom("handoff")>;
/// `(reshard)` from the lease keeper to its router, one way: shard ownership changed; entities
/// of shards this node no longer serves (or of an older epoch) are stopped at once.
using reshard_atom = caf::atom_constant<caf::atom("reshard")>;

/// Counts a router reports about its node (the operator console shows them).
struct router_stats {
  std::string node_id;
  std::vector<std::string> kinds; ///< entity kinds with live actors
  std::vector<int64_t> alive;     ///< live actors per kind (same index as kinds)
  int64_t mailbox_total = 0;      ///< the router's own mailbox
  int64_t mailbox_max = 0;        ///< deepest entity mailbox seen since the last report
  int64_t shards_owned = 0;
  std::vector<std::string> peers_up;      ///< node ids of reachable peers
  int64_t incarnation = 0;                ///< this process's incarnation (lease keeper)
  std::vector<int64_t> mailbox_peak{};    ///< deepest mailbox per kind since the last report
  std::vector<std::string> saga_stages{}; ///< checkout sagas in memory by stage
  std::vector<int64_t> saga_counts{};
  std::vector<std::string> recent_errors{}; ///< newest last: this node's recent warn/error lines
  int64_t in_flight = 0;                    ///< edge requests waiting on entities
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, router_stats& x) {
  return f(caf::meta::type_name("router_stats"), x.node_id, x.kinds, x.alive, x.mailbox_total,
           x.mailbox_max, x.shards_owned, x.peers_up, x.incarnation, x.mailbox_peak, x.saga_stages,
           x.saga_counts, x.recent_errors, x.in_flight);
}

// -- identity -------------------------------------------------------------------

/// A postal address in a user's address book.
struct address {
  std::string id;
  std::string label;
  std::string recipient;
  std::string phone;
  std::string line1;
  std::string line2;
  std::string city;
  std::string province;
  std::string postal_code;
  std::string country;
  bool is_default = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, address& x) {
  return f(caf::meta::type_name("address"), x.id, x.label, x.recipient, x.phone, x.line1, x.line2,
           x.city, x.province, x.postal_code, x.country, x.is_default);
}

/// A user as the owner sees it (the edge drops private fields for public views).
struct user_view {
  std::string id;
  std::string email;
  std::string name;
  std::string bio;
  std::string avatar_url;
  std::vector<std::string> roles;
  std::string seller_id; ///< empty: none
  std::string created_at;
  int64_t follower_count = 0;
  int64_t following_count = 0;
  int64_t post_count = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, user_view& x) {
  return f(caf::meta::type_name("user_view"), x.id, x.email, x.name, x.bio, x.avatar_url, x.roles,
           x.seller_id, x.created_at, x.follower_count, x.following_count, x.post_count);
}

/// To `user:<id>`: create the user (fails with conflict if it exists).
struct create_user {
  std::string email;
  std::string name;
  std::vector<std::string> roles;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_user& x) {
  return f(caf::meta::type_name("create_user"), x.email, x.name, x.roles);
}

/// To `user:<id>`: read the user -> user_view.
struct get_user {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_user&) {
  return f(caf::meta::type_name("get_user"));
}

/// To `user:<id>`: change profile fields; a `has_*` flag says the field is present.
struct update_user {
  bool has_name = false;
  std::string name;
  bool has_bio = false;
  std::string bio;
  bool has_avatar_url = false;
  std::string avatar_url;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, update_user& x) {
  return f(caf::meta::type_name("update_user"), x.has_name, x.name, x.has_bio, x.bio,
           x.has_avatar_url, x.avatar_url);
}

/// To `user:<id>`: the address book -> address_list.
struct list_addresses {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_addresses&) {
  return f(caf::meta::type_name("list_addresses"));
}

struct address_list {
  std::vector<address> items;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, address_list& x) {
  return f(caf::meta::type_name("address_list"), x.items);
}

/// To `user:<id>`: add an address (its id is set by the edge) -> address.
struct add_address {
  address value;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, add_address& x) {
  return f(caf::meta::type_name("add_address"), x.value);
}

/// To `user:<id>`: patch an address; `fields` names what `value` carries -> address.
struct update_address {
  std::string id;
  std::vector<std::string> fields;
  address value;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, update_address& x) {
  return f(caf::meta::type_name("update_address"), x.id, x.fields, x.value);
}

/// To `user:<id>`: remove an address -> address_list.
struct delete_address {
  std::string id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delete_address& x) {
  return f(caf::meta::type_name("delete_address"), x.id);
}

/// The credentials of an email: which user, which argon2id hash.
struct account_view {
  std::string user_id;
  std::string password_hash;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, account_view& x) {
  return f(caf::meta::type_name("account_view"), x.user_id, x.password_hash);
}

/// To `account:<lower-case email>`: claim the email for a new user and create that user
/// -> user_view; conflict when the email is taken.
struct open_account {
  std::string user_id;
  std::string email;
  std::string password_hash;
  std::string name;
  std::vector<std::string> roles;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, open_account& x) {
  return f(caf::meta::type_name("open_account"), x.user_id, x.email, x.password_hash, x.name,
           x.roles);
}

/// To `account:<lower-case email>`: read the credentials -> account_view; not_found if none.
struct get_account {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_account&) {
  return f(caf::meta::type_name("get_account"));
}

/// To `rtf:<family id>`: start a refresh-token family with its first secret's hash.
struct open_family {
  std::string user_id;
  std::string secret_hash;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, open_family& x) {
  return f(caf::meta::type_name("open_family"), x.user_id, x.secret_hash);
}

/// To `rtf:<family id>`: exchange the current secret for `next_hash` -> family_view.
/// Presenting an already-used secret revokes the family (unauthorized).
struct rotate_family {
  std::string presented_hash;
  std::string next_hash;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rotate_family& x) {
  return f(caf::meta::type_name("rotate_family"), x.presented_hash, x.next_hash);
}

/// To `rtf:<family id>`: revoke the family if `presented_hash` belongs to it -> family_view.
struct revoke_family {
  std::string presented_hash;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, revoke_family& x) {
  return f(caf::meta::type_name("revoke_family"), x.presented_hash);
}

struct family_view {
  std::string user_id;
  bool revoked = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, family_view& x) {
  return f(caf::meta::type_name("family_view"), x.user_id, x.revoked);
}

} // namespace lakoo::protocol

#include "actors/protocol/commerce_messages.hpp"
#include "actors/protocol/order_messages.hpp"
#include "actors/protocol/social_messages.hpp"

namespace lakoo::protocol {

/// Registers every message type above with an actor system config (once, before start).
void add_message_types(caf::actor_system_config& cfg);

/// Every registered type name, in registration order (for the round-trip test).
const std::vector<std::string>& registered_type_names();

} // namespace lakoo::protocol
