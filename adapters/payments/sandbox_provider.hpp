#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "adapters/payments/payment_provider.hpp"

namespace lakoo::payments {

/// The built-in payment provider that behaves like a real one (Xendit, Stripe): payments are
/// "opened" with it, refunds go through it, and `simulate` makes it deliver a signed webhook
/// (`X-Signature`: hex HMAC-SHA256 of the raw body with `webhook_secret`) over real HTTP to
/// `POST /v1/webhooks/payments` of `host:port`, retried with exponential backoff (0.2 s doubling
/// to 10 s, for up to an hour) until a 2xx; a 4xx other than 408/429 ends the delivery (logged).
///
/// One thread delivers and answers the provider calls; `stop()` (also the destructor) drops
/// undelivered webhooks, as a provider outage would.
class sandbox_provider final : public payment_provider {
public:
  sandbox_provider(std::string host, uint16_t port, std::string secret);
  ~sandbox_provider() override;

  sandbox_provider(const sandbox_provider&) = delete;
  sandbox_provider& operator=(const sandbox_provider&) = delete;

  std::string name() const override { return "sandbox"; }
  void open(const std::string& payment_id, int64_t amount, const std::string& currency,
            int64_t expires_at, std::function<void(bool)> done) override;
  void refund(const std::string& payment_id, int64_t amount, const std::string& currency,
              std::function<void(bool)> done) override;

  /// Schedules the webhook of `outcome` (`succeeded` | `failed`) for the payment; returns its
  /// event id.
  std::optional<std::string> simulate(const std::string& payment_id, int64_t amount,
                                      const std::string& outcome) override;

  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace lakoo::payments
