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

#include "actors/protocol/order_messages.def"

} // namespace lakoo::protocol
