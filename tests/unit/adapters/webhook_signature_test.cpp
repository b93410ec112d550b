// The payment webhook signature: the sandbox signs with it, the edge verifies with it.

#include "adapters/webhooks/webhook_signature.hpp"

#include <catch2/catch.hpp>

using namespace lakoo::webhooks;

TEST_CASE("a webhook signature is the hex HMAC-SHA256 of the body and checks in any case",
          "[adapters]") {
  // RFC 4231 test case 2.
  CHECK(sign_webhook("Jefe", "what do ya want for nothing?")
        == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  auto sig = sign_webhook("whsec", R"({"event_id":"evt_1"})");
  CHECK(webhook_signature_ok("whsec", R"({"event_id":"evt_1"})", sig));
  std::string upper = sig;
  for (auto& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  CHECK(webhook_signature_ok("whsec", R"({"event_id":"evt_1"})", upper));
  // Another body, another secret, a cut or empty signature: refused.
  CHECK_FALSE(webhook_signature_ok("whsec", R"({"event_id":"evt_2"})", sig));
  CHECK_FALSE(webhook_signature_ok("other", R"({"event_id":"evt_1"})", sig));
  CHECK_FALSE(webhook_signature_ok("whsec", R"({"event_id":"evt_1"})", sig.substr(1)));
  CHECK_FALSE(webhook_signature_ok("whsec", R"({"event_id":"evt_1"})", ""));
}
