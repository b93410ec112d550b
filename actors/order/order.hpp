#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <caf/fwd.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/entity_env.hpp"

namespace lakoo::order {

/// `order:<id>`: an order and the checkout saga that made it.
inline constexpr const char* order_kind = "order";
/// `payment:<id>`: one payment of an order, the single judge of its outcome.
inline constexpr const char* payment_kind = "payment";
/// `earnings:<seller id>`: the seller's ledger (credits of paid lines, reversals of refunds).
inline constexpr const char* earnings_kind = "earnings";
/// The order books (durable lists; names in protocol: the buyer's and the seller's entities
/// read them too).
inline constexpr const char* buyer_book_kind = protocol::buyer_book;
inline constexpr const char* seller_book_kind = protocol::seller_book;

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
  /// A test provider only: schedules the webhook a real payment of `outcome` would cause and
  /// returns its event id; nullopt from providers that cannot (every real one).
  virtual std::optional<std::string> simulate(const std::string& payment_id, int64_t amount,
                                              const std::string& outcome) {
    (void)payment_id;
    (void)amount;
    (void)outcome;
    return std::nullopt;
  }
};

/// Adds the order, payment and earnings kinds. `provider` must outlive the actors.
void register_kinds(runtime::entity_kinds& kinds, std::shared_ptr<payment_provider> provider);

} // namespace lakoo::order
