#pragma once

/// A small blocking HTTP/1.1 client for end-to-end tests (Beast stays in the .cpp).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace lakoo::test {

struct http_result {
  int status = 0; ///< 0: no answer (connection refused, reset, timeout)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  nlohmann::json json() const;
  std::string header(const std::string& name) const;
  /// `error.code` of an API error body, or "".
  std::string error_code() const;
  /// `error.details.field` of an API error body, or "".
  std::string error_field() const;
};

/// One request on a fresh connection to 127.0.0.1:`port` (bounded by `timeout_ms`).
http_result http(uint16_t port, const std::string& method, const std::string& target,
                 const std::string& body = "", const std::string& bearer = "",
                 int timeout_ms = 15000);

/// The same with extra request headers (e.g. `Idempotency-Key`, `X-Signature`).
http_result http_with_headers(uint16_t port, const std::string& method, const std::string& target,
                              const std::string& body, const std::string& bearer,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              int timeout_ms = 15000);

/// Raw bytes to 127.0.0.1:`port`; returns whatever came back before the server closed or the
/// timeout (for malformed HTTP).
std::string raw_exchange(uint16_t port, const std::string& bytes, int timeout_ms = 5000);

} // namespace lakoo::test
