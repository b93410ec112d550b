#pragma once

/// Messages of the marketplace: sellers, inventory, products and carts. Part of
/// messages.hpp (include that); its messages are declared in `commerce_messages.def`.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "actors/protocol/declare.hpp"

namespace lakoo::protocol {

// -- sellers --------------------------------------------------------------------

/// A seller account's state: pending -> active | rejected (an admin's decision; rejecting an active
/// seller suspends it).
LAKOO_ENUM(seller_status, pending, active, rejected)

/// A product's state: creating -> draft | failed; draft|rejected -> pending (submit);
/// pending -> active | rejected (admin); active -> rejected (admin takes it down).
LAKOO_ENUM(product_status, creating, draft, pending, active, rejected, failed)

/// A moderation step of a product: the owner submits, an admin approves or rejects.
LAKOO_ENUM(product_action, submit, approve, reject)

#include "actors/protocol/commerce_messages.def"

} // namespace lakoo::protocol
