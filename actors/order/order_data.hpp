#pragma once

/// Snapshot bodies of the order component (msgpack), internal to actors/order.

#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/fields_msgpack.hpp"

namespace lakoo::order {

/// An order's line is the protocol's priced line (the same msgpack map).
using line_data = protocol::order_line;

struct address_data {
  std::string label, recipient, phone, line1, line2, city, province, postal_code, country;
  std::string province_id, city_id; ///< reference data ids, or ""
  MSGPACK_DEFINE_MAP(label, recipient, phone, line1, line2, city, province, postal_code, country,
                     province_id, city_id)
};

/// The shipping address an order keeps, from the buyer's book or the checkout request.
inline address_data address_from(const protocol::address& a) {
  return {a.label,    a.recipient,   a.phone,   a.line1,       a.line2,  a.city,
          a.province, a.postal_code, a.country, a.province_id, a.city_id};
}

struct event_data {
  protocol::order_status status = protocol::order_status::none; ///< stored by name
  int64_t at = 0;                                               ///< unix s
  std::string note;
  MSGPACK_DEFINE_MAP(status, at, note)
};

/// The checkout saga's stage (see `order_data`); `none` before the saga starts. Append only;
/// snapshots store the name (`none` as "").
LAKOO_ENUM(saga_stage, none, pricing, reserving, opening, awaiting, confirming, releasing,
           refunding, done, refused, rejected, aborted)

/// Snapshot body of `order:<id>`.
///
/// The saga's `stage` (internal) and the API `status`:
///
///   pricing -> reserving -> opening -> awaiting (awaiting_payment) -> confirming (paid) -> done
///     |           |            |           |-> releasing (expired | cancelled) -> done
///     |           |            |                  confirming/done --cancel|refund--> refunding
///     |           +------------+--> releasing --> rejected (out of stock) | aborted (transient)
///     +--> refused (empty cart, nothing for sale, unknown address) | aborted
///
/// `pricing` takes the cart's lines (keyed by the order and its attempt, so the cart hands them
/// over once), prices them with the pricing module and fixes the order's lines and totals;
/// rejected, refused and aborted orders are never shown, and give their lines back to the cart
/// (as do orders whose payment failed or expired). Every stage's effects are keyed by the order
/// id, so re-running a stage after a crash (the durable timer wakes the order) has no second
/// effect. An aborted order is started again by a retry of the same checkout (a new attempt).
struct order_data {
  uint16_t v = 2;
  std::string user_id;
  saga_stage stage = saga_stage::none;                          ///< stored by name
  protocol::order_status status = protocol::order_status::none; ///< stored by name
  std::vector<line_data> lines;
  int64_t subtotal = 0;
  int64_t discount = 0;
  int64_t shipping_fee = 0;
  int64_t total = 0;
  std::string currency;
  address_data address;
  std::string address_id; ///< the buyer's address to ship to (looked up while pricing), or ""
  std::vector<std::string> coupon_codes;
  int64_t attempt = 0;      ///< a restarted (aborted) checkout takes the cart again under a new key
  bool lines_taken = false; ///< the cart handed its lines to this attempt
  bool give_back = false;   ///< releasing puts the lines back into the cart
  int32_t refusal_code = 0; ///< refused: the errc, field and message every retry gets
  std::string refusal_field;
  std::string refusal_message;
  std::string payment_id;
  int64_t payment_ttl_s = 0;
  int64_t expires_at = 0; ///< unix s
  int64_t created_ms = 0;
  std::vector<event_data> history;
  std::string carrier;
  std::string tracking_no;
  std::vector<std::string> rejected_skus;
  std::vector<std::string> action_keys; ///< Idempotency-Keys of cancel/refund already applied
  bool restock = false;                 ///< refunding puts the units back (not shipped yet)
  MSGPACK_DEFINE_MAP(v, user_id, stage, status, lines, subtotal, discount, shipping_fee, total,
                     currency, address, address_id, coupon_codes, attempt, lines_taken, give_back,
                     refusal_code, refusal_field, refusal_message, payment_id, payment_ttl_s,
                     expires_at, created_ms, history, carrier, tracking_no, rejected_skus,
                     action_keys, restock)
};

/// Snapshot body of `payment:<id>`.
struct payment_data {
  uint16_t v = 1;
  std::string order_id;
  std::string user_id;
  protocol::payment_status status = protocol::payment_status::pending; ///< stored by name
  int64_t amount = 0;
  std::string currency;
  int64_t expires_at = 0;
  std::string provider;
  std::vector<std::string> events; ///< provider event ids already handled
  bool refund_due = false;
  bool order_told = true; ///< the order has acknowledged the final state
  std::string note;
  MSGPACK_DEFINE_MAP(v, order_id, user_id, status, amount, currency, expires_at, provider, events,
                     refund_due, order_told, note)
};

struct ledger_entry {
  std::string key;
  int64_t gross = 0;
  int64_t commission = 0;
  MSGPACK_DEFINE_MAP(key, gross, commission)
};

/// Ledger entries a seller's snapshot keeps for de-duplication. An entry is only ever posted
/// again while its order retries an unacknowledged stage (seconds, or a node outage); once the
/// order has recorded the outcome it says `forget_key`, so the window holds the entries still in
/// flight and each save stays small however fast the seller sells. The limit is a ceiling for
/// forgets that were lost; the totals hold everything (the full history is the orders).
inline constexpr size_t max_ledger_window = 2048;

/// Snapshot body of `earnings:<seller id>`.
struct earnings_data {
  uint16_t v = 1;
  std::vector<ledger_entry>
    entries; ///< not yet forgotten, at most `max_ledger_window`, oldest first
  int64_t gross = 0;
  int64_t commission = 0;
  int64_t count = 0; ///< entries ever posted
  MSGPACK_DEFINE_MAP(v, entries, gross, commission, count)
};

} // namespace lakoo::order
