#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/runtime/entity_env.hpp"

namespace lakoo::order {

/// `order:<id>`: an order and the checkout saga that made it.
inline constexpr const char* order_kind = "order";
/// `payment:<id>`: one payment of an order, the single judge of its outcome.
inline constexpr const char* payment_kind = "payment";
/// `earnings:<seller id>`: the seller's ledger (credits of paid lines, reversals of refunds).
inline constexpr const char* earnings_kind = "earnings";
/// Durable list `orders:<user id>`: the buyer's orders (sort: created ms), newest first.
inline constexpr const char* buyer_book_kind = "orders";
/// Durable list `seller_orders:<seller id>`: orders that hold the seller's items.
inline constexpr const char* seller_book_kind = "seller_orders";

/// Platform commission in basis points (0.5%).
inline constexpr int64_t commission_bp = 50;

/// What a paid line of `line_total` credits its seller: the line total minus 0.5%, rounded
/// down to the minor unit (so the commission is rounded up).
inline int64_t seller_net(int64_t line_total) {
  return line_total - (line_total * commission_bp + 9999) / 10000;
}

/// How long a reservation outlives the payment deadline: a saga that died is resumed well
/// within it, and a live one releases its reservations explicitly.
inline constexpr int64_t reservation_grace_s = 3600;

/// A payment service provider (Xendit, Stripe, the built-in sandbox). Calls return at once; the
/// callbacks run later on the provider's own threads and must only hand the result on.
class payment_provider {
public:
  virtual ~payment_provider() = default;
  virtual std::string name() const = 0;
  /// Starts collecting `amount` for `payment_id` until `expires_at` (unix s); `done(ok)`.
  virtual void open(const std::string& payment_id, int64_t amount, const std::string& currency,
                    int64_t expires_at, std::function<void(bool)> done)
    = 0;
  /// Gives a succeeded payment's money back; `done(ok)`.
  virtual void refund(const std::string& payment_id, int64_t amount, const std::string& currency,
                      std::function<void(bool)> done)
    = 0;
};

/// Adds the order, payment and earnings kinds. `provider` must outlive the actors.
void register_kinds(runtime::entity_kinds& kinds, std::shared_ptr<payment_provider> provider);

} // namespace lakoo::order
