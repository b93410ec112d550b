#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace lakoo::webhooks {

/// How a sandbox delivers its webhooks, like a real provider: over real HTTP to `path` of
/// `host:port`, signed (`X-Signature`, see webhook_signature.hpp), retried with exponential
/// backoff (`first_backoff` doubling to 10 s, for up to an hour) until a 2xx; a 4xx other than
/// 408/429 ends the delivery (logged). It also answers the provider's own calls in order, on the
/// same thread, as a remote API would answer later and elsewhere.
///
/// One thread; `stop()` (also the destructor) drops what is undelivered, as an outage would.
class webhook_sender {
public:
  struct settings {
    std::string host;
    uint16_t port = 0;
    std::string path;       ///< e.g. /v1/webhooks/payments
    std::string secret;     ///< signs each body
    std::string user_agent; ///< e.g. lakoo-sandbox-courier
    std::chrono::milliseconds first_backoff{200};
  };

  explicit webhook_sender(settings s);
  ~webhook_sender();
  webhook_sender(const webhook_sender&) = delete;
  webhook_sender& operator=(const webhook_sender&) = delete;

  /// Queues `body` (JSON) as the webhook `event_id`, first sent after `delay`.
  void send(std::string event_id, std::string body,
            std::chrono::milliseconds delay = std::chrono::milliseconds{0});

  /// Runs `f` on the sender's thread, after the calls queued before it.
  void call(std::function<void()> f);

  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace lakoo::webhooks
