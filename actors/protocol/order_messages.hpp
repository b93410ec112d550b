#pragma once

/// Checkout, orders, payments, earnings and reviews. Part of messages.hpp (include that);
/// registered in protocol.cpp's append-only list.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace lakoo::protocol {

/// Entity -> itself: a durable deadline of yours is due (sent by the node's wake poller).
using wake_atom = caf::atom_constant<caf::atom("wake")>;
/// Payment provider -> payment actor (local only): a call numbered `token` finished.
using provided_atom = caf::atom_constant<caf::atom("provided")>;

struct order_event {
  std::string status;
  std::string at; ///< RFC 3339
  std::string note;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_event& x) {
  return f(caf::meta::type_name("order_event"), x.status, x.at, x.note);
}

struct order_view {
  std::string id;
  std::string user_id;
  std::string status; ///< API status: awaiting_payment | paid | shipped | ... | refunded
  std::vector<order_line> items;
  int64_t subtotal = 0;
  int64_t discount = 0;
  int64_t shipping_fee = 0;
  int64_t total = 0;
  std::string currency;
  address shipping_address;
  std::string payment_id;
  std::string carrier; ///< empty: not shipped
  std::string tracking_no;
  std::vector<order_event> history;
  std::string created_at;
  int64_t created_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_view& x) {
  return f(caf::meta::type_name("order_view"), x.id, x.user_id, x.status, x.items, x.subtotal,
           x.discount, x.shipping_fee, x.total, x.currency, x.shipping_address, x.payment_id,
           x.carrier, x.tracking_no, x.history, x.created_at, x.created_ms);
}

struct payment_view {
  std::string id;
  std::string order_id;
  std::string user_id;
  std::string status; ///< pending | succeeded | failed | expired | refunded
  int64_t amount = 0;
  std::string currency;
  std::string expires_at; ///< RFC 3339
  std::string provider;
  bool refund_due = false; ///< a success arrived after the payment had ended: money to return
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payment_view& x) {
  return f(caf::meta::type_name("payment_view"), x.id, x.order_id, x.user_id, x.status, x.amount,
           x.currency, x.expires_at, x.provider, x.refund_due);
}

/// The answer to a checkout: 201 `{order, payment}`.
struct checkout_view {
  order_view order;
  payment_view payment;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, checkout_view& x) {
  return f(caf::meta::type_name("checkout_view"), x.order, x.payment);
}

/// To `order:<id>`: check out the buyer's cart -> checkout_view. The saga decides everything
/// about the price: it takes the cart's lines (a second checkout finds the cart empty), prices
/// them at the catalog's current prices through the pricing module, reserves every line's
/// stock, opens the payment. Who and where only: no client field reaches the price. Errors:
/// invalid_request (empty cart, nothing for sale, unknown address or coupon, naming the field),
/// out_of_stock naming the skus (nothing stays reserved, the lines go back to the cart). A
/// repeat by the same user (same Idempotency-Key, so the same order id) answers what the first
/// one got.
struct start_checkout {
  std::string user_id;
  std::string address_id;   ///< one of the buyer's addresses, or empty when `shipping_address`
  address shipping_address; ///< used when `address_id` is empty
  std::vector<std::string> coupon_codes{};
  int64_t payment_ttl_s = 900;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, start_checkout& x) {
  return f(caf::meta::type_name("start_checkout"), x.user_id, x.address_id, x.shipping_address,
           x.coupon_codes, x.payment_ttl_s);
}

/// To `order:<id>` -> order_view. With a `requester`, the order answers only its buyer, a seller
/// of its items and admins (not_found to anybody else, as to a missing order); without one it is
/// a read by another entity of the domain.
struct get_order {
  std::string requester{};
  bool admin = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_order& x) {
  return f(caf::meta::type_name("get_order"), x.requester, x.admin);
}

/// To `order:<id>`: a lifecycle step by a user -> order_view. `action`: ship | deliver | cancel |
/// refund. The order checks who may (buyer, a seller of its items, admin) and when (else 409).
struct order_action {
  std::string action;
  std::string requester; ///< user id
  bool admin = false;
  std::string carrier;
  std::string tracking_no;
  std::string idempotency_key; ///< a repeat with the same key answers the current order
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_action& x) {
  return f(caf::meta::type_name("order_action"), x.action, x.requester, x.admin, x.carrier,
           x.tracking_no, x.idempotency_key);
}

/// Durable list `orders:<user id>`: the buyer's orders (sort: created ms), newest first.
inline constexpr const char* buyer_book = "orders";
/// Durable list `seller_orders:<seller id>`: orders that hold the seller's items.
inline constexpr const char* seller_book = "seller_orders";

/// A page of orders, newest first.
struct order_page {
  std::vector<order_view> items;
  std::string next_cursor; ///< empty: the last page
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_page& x) {
  return f(caf::meta::type_name("order_page"), x.items, x.next_cursor);
}

/// To `user:<id>` (the buyer's orders) or `seller:<id>` (orders holding the seller's items; its
/// owner only, else forbidden) -> order_page. `cursor` is one the previous page gave (else
/// invalid_request naming `cursor`).
struct list_orders {
  std::string requester;
  int64_t limit = 20;
  std::string cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_orders& x) {
  return f(caf::meta::type_name("list_orders"), x.requester, x.limit, x.cursor);
}

/// To `seller:<id>`: the seller's earnings, for its owner only (else forbidden) ->
/// earnings_view.
struct seller_earnings {
  std::string requester;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, seller_earnings& x) {
  return f(caf::meta::type_name("seller_earnings"), x.requester);
}

/// Payment -> `order:<id>`: the payment reached a final state (succeeded, failed, expired) ->
/// order_view. Idempotent.
struct payment_settled {
  std::string payment_id;
  std::string status;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payment_settled& x) {
  return f(caf::meta::type_name("payment_settled"), x.payment_id, x.status);
}

/// Order -> `payment:<id>`: open a pending payment (idempotent for the same order) ->
/// payment_view.
struct open_payment {
  std::string order_id;
  std::string user_id;
  int64_t amount = 0;
  std::string currency;
  int64_t expires_at = 0; ///< unix seconds
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, open_payment& x) {
  return f(caf::meta::type_name("open_payment"), x.order_id, x.user_id, x.amount, x.currency,
           x.expires_at);
}

/// To `payment:<id>` -> payment_view.
struct get_payment {
  std::string requester{}; ///< set: only its buyer (or an admin) may read it, else not_found
  bool admin = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_payment& x) {
  return f(caf::meta::type_name("get_payment"), x.requester, x.admin);
}

/// To `payment:<id>`: the buyer asks the provider to act as if the money arrived (`succeeded`)
/// or was refused (`failed`): it delivers the signed webhook later -> simulation. forbidden for
/// anybody but the buyer; not_found when the provider cannot simulate (a real one).
struct simulate_payment {
  std::string requester;
  std::string outcome;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, simulate_payment& x) {
  return f(caf::meta::type_name("simulate_payment"), x.requester, x.outcome);
}

/// What a simulation scheduled.
struct simulation {
  std::string payment_id;
  std::string event_id;
  std::string outcome;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, simulation& x) {
  return f(caf::meta::type_name("simulation"), x.payment_id, x.event_id, x.outcome);
}

/// To `payment:<id>`: a verified provider event (webhook) -> payment_view. Deduplicated by
/// `event_id`; applied only while pending and when `amount` matches; a success that arrives
/// after the payment ended is recorded (`refund_due`).
struct payment_event {
  std::string event_id;
  std::string type; ///< payment.succeeded | payment.failed
  int64_t amount = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payment_event& x) {
  return f(caf::meta::type_name("payment_event"), x.event_id, x.type, x.amount);
}

/// Order -> `payment:<id>`: end it from the order's side -> payment_view with the final state.
/// `expire` (the deadline passed) or `cancel` (the buyer cancelled): a pending payment becomes
/// expired / failed; one that already succeeded stays succeeded (the order then follows it).
/// `refund`: a succeeded payment is refunded through the provider.
struct end_payment {
  std::string how; ///< expire | cancel | refund
  std::string reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, end_payment& x) {
  return f(caf::meta::type_name("end_payment"), x.how, x.reason);
}

/// To `sku:<sku>`: put `quantity` back into stock (a cancelled paid order), once per key ->
/// sku_view.
struct restock_sku {
  std::string key;
  int64_t quantity = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, restock_sku& x) {
  return f(caf::meta::type_name("restock_sku"), x.key, x.quantity);
}

/// Retired (checkouts take the lines out with `take_cart`); kept registered: names are forever.
struct remove_bought {
  std::string key;
  std::vector<cart_line> lines;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, remove_bought& x) {
  return f(caf::meta::type_name("remove_bought"), x.key, x.lines);
}

/// To `earnings:<seller id>`: one ledger entry, once per key -> earnings_view. A refund posts
/// negative amounts under its own key.
struct post_earning {
  std::string key;
  int64_t gross = 0;
  int64_t commission = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, post_earning& x) {
  return f(caf::meta::type_name("post_earning"), x.key, x.gross, x.commission);
}

/// To `earnings:<seller id>` -> earnings_view.
struct get_earnings {};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_earnings&) {
  return f(caf::meta::type_name("get_earnings"));
}

struct earnings_view {
  int64_t gross = 0;
  int64_t commission = 0;
  int64_t net = 0;
  int64_t entries = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, earnings_view& x) {
  return f(caf::meta::type_name("earnings_view"), x.gross, x.commission, x.net, x.entries);
}

/// Retired (order books became durable lists written with the order's snapshot); kept because
/// the type-id list is append only. Was: remember an order in a book -> bool.
struct book_order {
  std::string order_id;
  int64_t created_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, book_order& x) {
  return f(caf::meta::type_name("book_order"), x.order_id, x.created_ms);
}

} // namespace lakoo::protocol

namespace lakoo::protocol {

// -- reviews --------------------------------------------------------------------------------------

struct review_view {
  std::string id;
  std::string product_id;
  std::string order_id;
  std::string user_id;
  int32_t rating = 0;
  std::string body;
  std::vector<std::string> media_urls;
  std::string created_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, review_view& x) {
  return f(caf::meta::type_name("review_view"), x.id, x.product_id, x.order_id, x.user_id, x.rating,
           x.body, x.media_urls, x.created_at);
}

/// To `reviews:<product id>`: a verified purchase's review (the edge checked the order) ->
/// review_view; a second one for the same order -> conflict.
struct add_review {
  std::string order_id;
  std::string user_id;
  int32_t rating = 0;
  std::string body;
  std::vector<std::string> media_urls;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, add_review& x) {
  return f(caf::meta::type_name("add_review"), x.order_id, x.user_id, x.rating, x.body,
           x.media_urls);
}

/// To `reviews:<product id>`: newest first -> review_page (bad cursor: invalid_request).
struct list_reviews {
  int64_t limit = 20;
  std::string cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_reviews& x) {
  return f(caf::meta::type_name("list_reviews"), x.limit, x.cursor);
}

struct review_page {
  std::vector<review_view> items;
  std::string next_cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, review_page& x) {
  return f(caf::meta::type_name("review_page"), x.items, x.next_cursor);
}

/// Reviews -> `product:<id>`: the exact rating totals; applied when `count` is higher than the
/// product's (totals only grow) -> bool.
struct set_rating {
  int64_t sum = 0;
  int64_t count = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, set_rating& x) {
  return f(caf::meta::type_name("set_rating"), x.sum, x.count);
}

} // namespace lakoo::protocol

namespace lakoo::protocol {

// -- notifications
// ----------------------------------------------------------------------------------

struct notification_view {
  std::string id;
  std::string kind; ///< order_paid, new_order, ... (API.md "Notifications")
  std::string actor_id;
  std::string subject_id;
  std::string text;
  bool read = false;
  std::string created_at;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, notification_view& x) {
  return f(caf::meta::type_name("notification_view"), x.id, x.kind, x.actor_id, x.subject_id,
           x.text, x.read, x.created_at);
}

/// To `inbox:<user id>`: deliver a notification, once per `key` -> bool.
struct notify {
  std::string key;
  std::string kind;
  std::string actor_id;
  std::string subject_id;
  std::string text;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, notify& x) {
  return f(caf::meta::type_name("notify"), x.key, x.kind, x.actor_id, x.subject_id, x.text);
}

/// To `inbox:<user id>`: newest first -> notification_page (bad cursor: invalid_request).
struct list_notifications {
  int64_t limit = 20;
  std::string cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_notifications& x) {
  return f(caf::meta::type_name("list_notifications"), x.limit, x.cursor);
}

struct notification_page {
  std::vector<notification_view> items;
  std::string next_cursor;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, notification_page& x) {
  return f(caf::meta::type_name("notification_page"), x.items, x.next_cursor);
}

/// To `inbox:<user id>`: mark `ids` (or everything) read -> int64_t (how many changed).
struct mark_read {
  std::vector<std::string> ids;
  bool all = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, mark_read& x) {
  return f(caf::meta::type_name("mark_read"), x.ids, x.all);
}

} // namespace lakoo::protocol
