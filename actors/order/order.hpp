#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <caf/fwd.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/entity_env.hpp"
#include "adapters/payments/payment_provider.hpp"

namespace lakoo::order {

/// `order:<id>`: an order and the checkout saga that made it.
inline constexpr const char* order_kind = protocol::order_kind::name.data();
/// `payment:<id>`: one payment of an order, the single judge of its outcome.
inline constexpr const char* payment_kind = protocol::payment_kind::name.data();
/// `earnings:<seller id>`: the seller's ledger (credits of paid lines, reversals of refunds).
inline constexpr const char* earnings_kind = protocol::earnings_kind::name.data();
/// The order books (durable lists; names in protocol: the buyer's and the seller's entities
/// read them too).
inline constexpr const char* buyer_book_kind = protocol::buyer_book;
inline constexpr const char* seller_book_kind = protocol::seller_book;

/// How long a reservation outlives the payment deadline: a saga that died is resumed well
/// within it, and a live one releases its reservations explicitly.
inline constexpr int64_t reservation_grace_s = 3600;

/// The payment service provider port (adapters/payments/): the saga and the payment actor
/// depend on the interface only.
using payments::payment_provider;

/// Adds the order, payment and earnings kinds. `provider` must outlive the actors.
void register_kinds(runtime::entity_kinds& kinds, std::shared_ptr<payment_provider> provider);

} // namespace lakoo::order
