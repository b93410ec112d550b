#include "adapters/webhooks/webhook_signature.hpp"

#include <array>
#include <cctype>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace lakoo::webhooks {

std::string sign_webhook(std::string_view secret, std::string_view body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac.data(), &len)
      == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(digits[mac[i] >> 4]);
    out.push_back(digits[mac[i] & 0xf]);
  }
  return out;
}

bool webhook_signature_ok(std::string_view secret, std::string_view body,
                          std::string_view signature) {
  auto expected = sign_webhook(secret, body);
  if (signature.empty() || signature.size() != expected.size()) {
    return false;
  }
  std::string given{signature};
  for (auto& c : given) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

} // namespace lakoo::webhooks
