#pragma once

/// Messages of the marketplace: sellers, inventory, products and carts. Part of
/// messages.hpp (include that); registered in protocol.cpp's append-only list.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace lakoo::protocol {

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

/// To an entity that de-duplicates a keyed step (`sku:` commits and restocks, `earnings:`
/// entries): the sender has durably recorded the step's outcome and will never send `key`
/// again, so the entity may stop remembering it -> true. Without it, the entity remembers a key
/// until its window of remembered keys is full. Best effort: the forgetting rides on the
/// entity's next write.
struct forget_key {
  std::string key;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, forget_key& x) {
  return f(caf::meta::type_name("forget_key"), x.key);
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

/// A priced line: a sku in a quantity at a unit price. In a cart the price is the catalog's
/// current one; in an order it was fixed at checkout. Prices come from the pricing module only.
struct order_line {
  std::string sku;
  std::string product_id;
  std::string seller_id;
  std::string title;
  int64_t unit_price = 0;
  int64_t quantity = 0;
  int64_t line_total = 0;
  std::string seller_user_id{}; ///< the seller account's owner (notifications, who may ship)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_line& x) {
  return f(caf::meta::type_name("order_line"), x.sku, x.product_id, x.seller_id, x.title,
           x.unit_price, x.quantity, x.line_total, x.seller_user_id);
}

/// A line as a cart keeps it: a sku and how many (prices are never kept).
struct cart_line {
  std::string sku;
  std::string product_id;
  int64_t quantity = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cart_line& x) {
  return f(caf::meta::type_name("cart_line"), x.sku, x.product_id, x.quantity);
}

/// A cart as the buyer sees it: its lines still for sale, priced now by the domain (lines whose
/// product is no longer sold are left out), oldest first.
struct cart_view {
  std::vector<order_line> items;
  int64_t subtotal = 0;
  std::string currency = "IDR";
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cart_view& x) {
  return f(caf::meta::type_name("cart_view"), x.items, x.subtotal, x.currency);
}

/// To `cart:<user id>` -> cart_view.
struct get_cart {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_cart&) {
  return f(caf::meta::type_name("get_cart"));
}

/// To `cart:<user id>`: add `quantity` (> 0) of a sku on top of what the cart holds, or with
/// `replace` set the line to `quantity` (0 removes it). The cart asks the sku and its product
/// itself: not for sale -> not_found; more than available -> out_of_stock -> cart_view.
struct change_cart {
  std::string sku;
  int64_t quantity = 0;
  bool replace = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, change_cart& x) {
  return f(caf::meta::type_name("change_cart"), x.sku, x.quantity, x.replace);
}

/// To `cart:<user id>`: remove one sku (`sku` set) or every line -> cart_view.
struct clear_cart {
  std::string sku; ///< empty: all lines
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, clear_cart& x) {
  return f(caf::meta::type_name("clear_cart"), x.sku);
}

/// Raw cart lines (what a checkout took, or gave back).
struct cart_lines {
  std::vector<cart_line> lines;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cart_lines& x) {
  return f(caf::meta::type_name("cart_lines"), x.lines);
}

/// To `cart:<user id>`: a checkout takes every line out of the cart, once per `key` (a repeat
/// answers the same lines): a second checkout of the same cart finds it empty -> cart_lines.
struct take_cart {
  std::string key;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, take_cart& x) {
  return f(caf::meta::type_name("take_cart"), x.key);
}

/// To `cart:<user id>`: put lines back (a checkout that failed, a payment that failed or
/// expired), once per `key`, added to what the cart holds now -> cart_lines (the cart's lines).
struct return_to_cart {
  std::string key;
  std::vector<cart_line> lines;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, return_to_cart& x) {
  return f(caf::meta::type_name("return_to_cart"), x.key, x.lines);
}

} // namespace lakoo::protocol
