#pragma once

/// How an outside party signs its webhooks (the sandboxes' scheme, like Xendit's callback token
/// and Stripe's signature header): `X-Signature` is the lower-case hex HMAC-SHA256 of the raw
/// body under the shared webhook secret. The provider (payments, couriers) signs; the edge
/// verifies.

#include <string>
#include <string_view>

namespace lakoo::webhooks {

/// The lower-case hex HMAC-SHA256 of `body` under `secret`.
std::string sign_webhook(std::string_view secret, std::string_view body);

/// Whether `signature` (hex, any case) is `body`'s under `secret`; compared in constant time.
bool webhook_signature_ok(std::string_view secret, std::string_view body,
                          std::string_view signature);

} // namespace lakoo::webhooks
