#pragma once

/// The payment service provider port: what the checkout saga and the payment actor need from
/// Xendit, Stripe or the built-in sandbox (`sandbox_provider.hpp`). A real provider is one more
/// implementation, chosen by `payment_provider` in cluster.conf.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace lakoo::payments {

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

} // namespace lakoo::payments
