#pragma once

/// Checkout, orders, payments, earnings and reviews. Part of messages.hpp (include that);
/// its messages are declared in `order_messages.def`.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "actors/protocol/declare.hpp"

namespace lakoo::protocol {

/// Entity -> itself: a durable deadline of yours is due (sent by the node's wake poller).
using wake_atom = caf::atom_constant<caf::atom("wake")>;
/// Payment provider -> payment actor (local only): a call numbered `token` finished.
using provided_atom = caf::atom_constant<caf::atom("provided")>;

/// Durable list `orders:<user id>`: the buyer's orders (sort: created ms), newest first.
inline constexpr const char* buyer_book = "orders";
/// Durable list `seller_orders:<seller id>`: orders that hold the seller's items.
inline constexpr const char* seller_book = "seller_orders";

// Append only: values travel between nodes as numbers (snapshots and the API use the names).

/// An order's API status: none (a checkout still running, never shown) -> awaiting_payment ->
/// paid -> shipped -> delivered; awaiting_payment -> cancelled | expired; paid -> cancelled
/// (refunded); paid | shipped | delivered -> refunded (admin). A checkout that never placed the
/// order ends rejected (out of stock), aborted (transient) or refused (invalid); never shown.
LAKOO_ENUM(order_status, none, awaiting_payment, paid, shipped, delivered, cancelled, expired,
           refunded, rejected, aborted, refused)

/// A payment's state: pending -> succeeded | failed | expired; succeeded -> refunded.
LAKOO_ENUM(payment_status, pending, succeeded, failed, expired, refunded)

/// A lifecycle step of an order asked by a user (`order_action`).
LAKOO_ENUM(order_verb, ship, deliver, cancel, refund)

/// How an order ends its payment (`end_payment`).
LAKOO_ENUM(payment_end, expire, cancel, refund)

#include "actors/protocol/order_messages.def"

} // namespace lakoo::protocol
