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
/// Entity -> router: I have been idle and everything is durable; may I stop?
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
/// Snapshot load finished (store -> entity).
using loaded_atom = caf::atom_constant<caf::atom("loaded")>;
/// Snapshot write finished (store -> entity).
using persisted_atom = caf::atom_constant<caf::atom("persisted")>;
/// Periodic timer tick.
using tick_atom = caf::atom_constant<caf::atom("tick")>;
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

/// Counts a router reports about its node.
struct router_stats {
  std::string node_id;
  std::vector<std::string> kinds; ///< entity kinds with live actors
  std::vector<int64_t> alive;     ///< live actors per kind (same index as kinds)
  int64_t mailbox_total = 0;      ///< sum of the live entities' mailbox sizes
  int64_t mailbox_max = 0;        ///< deepest single mailbox
  int64_t shards_owned = 0;
  std::vector<std::string> peers_up; ///< node ids of reachable peers
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, router_stats& x) {
  return f(caf::meta::type_name("router_stats"), x.node_id, x.kinds, x.alive, x.mailbox_total,
           x.mailbox_max, x.shards_owned, x.peers_up);
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

// -- sellers --------------------------------------------------------------------

/// A seller account as its owner and admins see it.
struct seller_view {
  std::string id;
  std::string owner_user_id;
  std::string brand_name;
  std::string bio;
  std::string avatar_url;
  std::string instagram_handle;
  std::string acquisition_source; ///< organic | bazaar | referral
  std::string status;             ///< pending | active | rejected
  std::string rejection_reason;
  int64_t follower_count = 0;
  int64_t product_count = 0;
  std::string created_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, seller_view& x) {
  return f(caf::meta::type_name("seller_view"), x.id, x.owner_user_id, x.brand_name, x.bio,
           x.avatar_url, x.instagram_handle, x.acquisition_source, x.status, x.rejection_reason,
           x.follower_count, x.product_count, x.created_at);
}

/// The fields a seller application carries.
struct seller_profile {
  std::string brand_name;
  std::string bio;
  std::string avatar_url;
  std::string instagram_handle;
  std::string acquisition_source;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, seller_profile& x) {
  return f(caf::meta::type_name("seller_profile"), x.brand_name, x.bio, x.avatar_url,
           x.instagram_handle, x.acquisition_source);
}

/// To `user:<id>`: open seller account `seller_id` for this user (one per user: conflict
/// otherwise) -> seller_view with status pending.
struct apply_seller {
  std::string seller_id;
  seller_profile profile;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, apply_seller& x) {
  return f(caf::meta::type_name("apply_seller"), x.seller_id, x.profile);
}

/// To `seller:<id>`: create the account for `owner_user_id` (sent by the owner's user actor).
struct create_seller {
  std::string owner_user_id;
  seller_profile profile;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_seller& x) {
  return f(caf::meta::type_name("create_seller"), x.owner_user_id, x.profile);
}

/// To `seller:<id>` -> seller_view.
struct get_seller {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_seller&) {
  return f(caf::meta::type_name("get_seller"));
}

/// To `seller:<id>`: the owner (`requester`) changes the fields named in `fields`.
struct update_seller {
  std::string requester;
  std::vector<std::string> fields; ///< brand_name, bio, avatar_url, instagram_handle
  seller_profile profile;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, update_seller& x) {
  return f(caf::meta::type_name("update_seller"), x.requester, x.fields, x.profile);
}

/// To `seller:<id>`: an admin's decision -> seller_view. Approving grants the owner the seller
/// role; rejecting (also a suspension of an active seller) takes it away. Repeating the same
/// decision changes nothing.
struct review_seller {
  bool approve = false;
  std::string reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, review_seller& x) {
  return f(caf::meta::type_name("review_seller"), x.approve, x.reason);
}

/// To `user:<id>`: add (`on`) or remove a role -> user_view. Idempotent.
struct set_role {
  std::string role;
  bool on = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, set_role& x) {
  return f(caf::meta::type_name("set_role"), x.role, x.on);
}

// -- inventory ------------------------------------------------------------------

/// One sku's stock as its actor knows it now.
struct sku_view {
  std::string sku;
  std::string product_id;
  std::string seller_id;
  int64_t stock = 0;     ///< units on hand (committed sales already taken off)
  int64_t reserved = 0;  ///< units in live (unexpired) reservations
  int64_t available = 0; ///< stock - reserved, never below 0
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sku_view& x) {
  return f(caf::meta::type_name("sku_view"), x.sku, x.product_id, x.seller_id, x.stock, x.reserved,
           x.available);
}

/// To `sku:<sku>`: claim the sku for `product_id` with an initial stock. Skus are unique across
/// the platform: a sku defined for another product -> conflict; the same product -> no-op.
struct define_sku {
  std::string product_id;
  std::string seller_id;
  int64_t stock = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, define_sku& x) {
  return f(caf::meta::type_name("define_sku"), x.product_id, x.seller_id, x.stock);
}

/// To `sku:<sku>` -> sku_view (not_found if undefined).
struct get_sku {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_sku&) {
  return f(caf::meta::type_name("get_sku"));
}

/// To `sku:<sku>`: the seller sets the units on hand (>= 0) -> sku_view.
struct set_stock {
  int64_t stock = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, set_stock& x) {
  return f(caf::meta::type_name("set_stock"), x.stock);
}

/// To `sku:<sku>`: hold `quantity` units for `key` until `ttl_ms` from now -> sku_view, or
/// out_of_stock. Idempotent by key: repeating a live or committed reservation changes nothing.
struct reserve_sku {
  std::string key;
  int64_t quantity = 0;
  int64_t ttl_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reserve_sku& x) {
  return f(caf::meta::type_name("reserve_sku"), x.key, x.quantity, x.ttl_ms);
}

/// To `sku:<sku>`: give back the units held for `key` -> sku_view. Idempotent; releasing a
/// committed reservation -> conflict.
struct release_sku {
  std::string key;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, release_sku& x) {
  return f(caf::meta::type_name("release_sku"), x.key);
}

/// To `sku:<sku>`: the sale happened: the units held for `key` leave the stock -> sku_view.
/// Idempotent; an expired or released reservation -> conflict.
struct commit_sku {
  std::string key;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, commit_sku& x) {
  return f(caf::meta::type_name("commit_sku"), x.key);
}

// -- products -------------------------------------------------------------------

/// One variant of a product. `options` are (name, value) pairs, e.g. ("size", "M").
struct variant {
  std::string sku;
  int64_t price = 0; ///< minor units of `currency`
  std::string currency = "IDR";
  int64_t stock = 0; ///< initial stock when creating; the sku actor owns it afterwards
  std::vector<std::string> option_names;
  std::vector<std::string> option_values;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, variant& x) {
  return f(caf::meta::type_name("variant"), x.sku, x.price, x.currency, x.stock, x.option_names,
           x.option_values);
}

/// A product as its owner and admins see it (the edge adds each variant's `available`).
struct product_view {
  std::string id;
  std::string seller_id;
  std::string owner_user_id;
  std::string title;
  std::string description;
  std::string category;
  std::vector<std::string> images;
  std::string status; ///< draft | pending | active | rejected
  std::string rejection_reason;
  std::vector<variant> variants;
  int64_t rating_sum = 0;
  int64_t rating_count = 0;
  std::string created_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, product_view& x) {
  return f(caf::meta::type_name("product_view"), x.id, x.seller_id, x.owner_user_id, x.title,
           x.description, x.category, x.images, x.status, x.rejection_reason, x.variants,
           x.rating_sum, x.rating_count, x.created_at);
}

/// To `product:<id>`: create a draft, claiming every variant's sku (all or nothing: a sku of
/// another product -> conflict naming the skus, and nothing is left claimed).
struct create_product {
  std::string seller_id;
  std::string owner_user_id;
  std::string title;
  std::string description;
  std::string category;
  std::vector<std::string> images;
  std::vector<variant> variants;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_product& x) {
  return f(caf::meta::type_name("create_product"), x.seller_id, x.owner_user_id, x.title,
           x.description, x.category, x.images, x.variants);
}

/// To `product:<id>` -> product_view (not_found if none).
struct get_product {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_product&) {
  return f(caf::meta::type_name("get_product"));
}

/// To `product:<id>`: a lifecycle step -> product_view; an illegal one -> conflict.
/// `submit` (owner: draft|rejected -> pending), `approve` / `reject` (admin: pending -> active /
/// rejected with `reason`).
struct moderate_product {
  std::string action; ///< submit | approve | reject
  std::string requester;
  std::string reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, moderate_product& x) {
  return f(caf::meta::type_name("moderate_product"), x.action, x.requester, x.reason);
}

/// To `product:<id>`: the owner changes a variant's price -> product_view.
struct set_variant_price {
  std::string requester;
  std::string sku;
  int64_t price = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, set_variant_price& x) {
  return f(caf::meta::type_name("set_variant_price"), x.requester, x.sku, x.price);
}

/// To `product:<id>` from a sku that `product_id` claims: is the claim still wanted? -> bool.
/// A product whose creation died with its node answers false and gives up its claims.
struct confirm_claim {
  std::string sku;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, confirm_claim& x) {
  return f(caf::meta::type_name("confirm_claim"), x.sku);
}

/// To `sku:<sku>`: drop the claim of `product_id` (a failed product creation) -> sku_view.
struct drop_sku {
  std::string product_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, drop_sku& x) {
  return f(caf::meta::type_name("drop_sku"), x.product_id);
}

// -- cart -----------------------------------------------------------------------

struct cart_line {
  std::string sku;
  std::string product_id;
  int64_t quantity = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cart_line& x) {
  return f(caf::meta::type_name("cart_line"), x.sku, x.product_id, x.quantity);
}

/// A cart's lines, oldest first (prices are looked up when it is shown).
struct cart_view {
  std::vector<cart_line> lines;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cart_view& x) {
  return f(caf::meta::type_name("cart_view"), x.lines);
}

/// To `cart:<user id>` -> cart_view.
struct get_cart {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_cart&) {
  return f(caf::meta::type_name("get_cart"));
}

/// To `cart:<user id>`: add `quantity` (> 0) of a sku, on top of what the cart holds; the new
/// total must not exceed `available` (read from the sku by the sender) -> cart_view or
/// out_of_stock. With `replace`, the quantity replaces the line's (0 removes it).
struct change_cart {
  std::string sku;
  std::string product_id;
  int64_t quantity = 0;
  int64_t available = 0;
  bool replace = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, change_cart& x) {
  return f(caf::meta::type_name("change_cart"), x.sku, x.product_id, x.quantity, x.available,
           x.replace);
}

/// To `cart:<user id>`: remove one sku (`sku` set) or every line -> cart_view.
struct clear_cart {
  std::string sku; ///< empty: all lines
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, clear_cart& x) {
  return f(caf::meta::type_name("clear_cart"), x.sku);
}

/// Registers every message type above with an actor system config (once, before start).
void add_message_types(caf::actor_system_config& cfg);

/// Every registered type name, in registration order (for the round-trip test).
const std::vector<std::string>& registered_type_names();

} // namespace lakoo::protocol
