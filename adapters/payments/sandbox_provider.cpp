#include "adapters/payments/sandbox_provider.hpp"

#include <nlohmann/json.hpp>

#include "actors/runtime/ids.hpp"
#include "actors/runtime/log.hpp"
#include "adapters/webhooks/webhook_sender.hpp"

namespace lakoo::payments {

namespace {

/// The payment adapters' logger ("payments").
spdlog::logger& log() {
  static auto& instance = runtime::component_log("payments");
  return instance;
}

} // namespace

struct sandbox_provider::impl {
  explicit impl(webhooks::webhook_sender::settings s) : sender(std::move(s)) {}
  webhooks::webhook_sender sender;
};

sandbox_provider::sandbox_provider(std::string host, uint16_t port, std::string secret)
    : impl_(std::make_unique<impl>(
      webhooks::webhook_sender::settings{std::move(host), port, "/v1/webhooks/payments",
                                         std::move(secret), "lakoo-sandbox-provider"})) {}

sandbox_provider::~sandbox_provider() {
  stop();
}

void sandbox_provider::stop() {
  impl_->sender.stop();
}

void sandbox_provider::open(const std::string&, int64_t, const std::string&, int64_t,
                            std::function<void(bool)> done) {
  impl_->sender.call([done = std::move(done)] { done(true); }); // nothing to set up here
}

void sandbox_provider::refund(const std::string& payment_id, int64_t amount, const std::string&,
                              std::function<void(bool)> done) {
  impl_->sender.call([payment_id, amount, done = std::move(done)] {
    log().info("[sandbox] refunded {} of payment {}", amount, payment_id);
    done(true);
  });
}

std::optional<std::string> sandbox_provider::simulate(const std::string& payment_id, int64_t amount,
                                                      const std::string& outcome) {
  auto event_id = runtime::new_id("evt");
  impl_->sender.send(event_id, nlohmann::json{{"event_id", event_id},
                                              {"type", "payment." + outcome},
                                              {"payment_id", payment_id},
                                              {"amount", amount}}
                                 .dump());
  return event_id;
}

} // namespace lakoo::payments
