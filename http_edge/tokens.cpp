#include "http_edge/tokens.hpp"

#include <array>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace lakoo::edge {

using nlohmann::json;

namespace {

std::string to_hex(const unsigned char* data, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 0xf];
  }
  return out;
}

using digest = std::array<unsigned char, 32>;

digest hmac_sha256(std::string_view key, std::string_view data) {
  digest out{};
  unsigned int len = 0;
  // An empty key is legal for HMAC; OpenSSL wants a non-null pointer for it.
  static const unsigned char empty = 0;
  auto* k = key.empty() ? &empty : reinterpret_cast<const unsigned char*>(key.data());
  if (HMAC(EVP_sha256(), k, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len)
      == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return out;
}

const std::string& jwt_header() {
  static const std::string h = base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
  return h;
}

constexpr std::size_t max_token_size = 8192;

} // namespace

token_signer::token_signer(std::string secret) : secret_(std::move(secret)) {}

std::string token_signer::issue(const access_claims& c) const {
  json payload
    = {{"sub", c.sub}, {"roles", c.roles}, {"fam", c.fam}, {"iat", c.iat}, {"exp", c.exp}};
  auto input = jwt_header() + "."
               + base64url_encode(payload.dump(-1, ' ', false, json::error_handler_t::replace));
  auto sig = hmac_sha256(secret_, input);
  return input + "." + base64url_encode({reinterpret_cast<const char*>(sig.data()), sig.size()});
}

std::optional<access_claims> token_signer::verify(std::string_view token, int64_t now) const {
  if (token.size() > max_token_size) {
    return std::nullopt;
  }
  auto dot1 = token.find('.');
  auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  auto header = base64url_decode(token.substr(0, dot1));
  auto payload = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto sig = base64url_decode(token.substr(dot2 + 1));
  if (!header || !payload || !sig || sig->size() != 32) {
    return std::nullopt;
  }
  auto h = json::parse(*header, nullptr, false);
  if (!h.is_object() || h.value("alg", json{}) != "HS256") {
    return std::nullopt;
  }
  auto expected = hmac_sha256(secret_, token.substr(0, dot2));
  if (!constant_time_equal(*sig, {reinterpret_cast<const char*>(expected.data()), 32})) {
    return std::nullopt;
  }
  auto p = json::parse(*payload, nullptr, false);
  if (!p.is_object()) {
    return std::nullopt;
  }
  auto sub = p.find("sub");
  auto iat = p.find("iat");
  auto exp = p.find("exp");
  if (sub == p.end() || !sub->is_string() || sub->get_ref<const std::string&>().empty()
      || iat == p.end() || !iat->is_number_integer() || exp == p.end()
      || !exp->is_number_integer()) {
    return std::nullopt;
  }
  access_claims out;
  out.sub = sub->get<std::string>();
  out.iat = iat->get<int64_t>();
  out.exp = exp->get<int64_t>();
  if (out.exp <= now) {
    return std::nullopt;
  }
  if (auto fam = p.find("fam"); fam != p.end() && fam->is_string()) {
    out.fam = fam->get<std::string>();
  }
  if (auto roles = p.find("roles"); roles != p.end()) {
    if (!roles->is_array()) {
      return std::nullopt;
    }
    for (const auto& r : *roles) {
      if (!r.is_string()) {
        return std::nullopt;
      }
      out.roles.push_back(r.get<std::string>());
    }
  }
  return out;
}

std::string make_refresh_token(const std::string& family_id, std::string& secret_hash_out) {
  std::array<unsigned char, 32> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  auto secret = base64url_encode({reinterpret_cast<const char*>(raw.data()), raw.size()});
  secret_hash_out = hex_sha256(secret);
  return family_id + "." + secret;
}

std::optional<refresh_parts> parse_refresh_token(std::string_view token) {
  auto dot = token.rfind('.');
  if (token.size() > 256 || dot == std::string_view::npos || dot == 0) {
    return std::nullopt;
  }
  auto family = token.substr(0, dot);
  auto secret = token.substr(dot + 1);
  if (secret.size() != 43 || !base64url_decode(secret)) {
    return std::nullopt;
  }
  for (char c : family) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      return std::nullopt;
    }
  }
  return refresh_parts{std::string{family}, hex_sha256(secret)};
}

std::string hex_sha256(std::string_view data) {
  digest out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return to_hex(out.data(), out.size());
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string> bearer_token(std::string_view h) {
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!h.empty() && is_space(h.front())) {
    h.remove_prefix(1);
  }
  while (!h.empty() && is_space(h.back())) {
    h.remove_suffix(1);
  }
  constexpr std::string_view scheme = "bearer";
  if (h.size() <= scheme.size() || !is_space(h[scheme.size()])) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = h[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i]) {
      return std::nullopt;
    }
  }
  h.remove_prefix(scheme.size());
  while (!h.empty() && is_space(h.front())) {
    h.remove_prefix(1);
  }
  if (h.empty() || h.find_first_of(" \t") != std::string_view::npos) {
    return std::nullopt;
  }
  return std::string{h};
}

} // namespace lakoo::edge
