#pragma once

/// A small blocking HTTP/1.1 client for end-to-end tests (Beast stays in the .cpp).

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace lakoo::test {

struct http_result {
  int status = 0; ///< 0: no answer (connection refused, reset, timeout)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string method; ///< what was asked, for failure messages
  std::string target;

  /// The parsed body; a body that is not JSON gives a `discarded` value. Read fields with
  /// `.at(...)` (which throws on a missing key) once the status is known to be the expected one:
  /// `["items"]` on an error body silently yields null, and null is "empty".
  nlohmann::json json() const;
  /// "POST /v1/checkout -> 409 {...body...}" (the body cut at 500 bytes): for failure messages.
  std::string describe() const;
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

/// One keep-alive connection to 127.0.0.1:`port`, opened by the constructor (throws
/// std::runtime_error when it cannot connect). For races: open the connections first, then
/// release the requests at once (`tests/support/race.hpp`). Not thread-safe: one per thread.
class http_connection {
public:
  explicit http_connection(uint16_t port, int timeout_ms = 15000);
  ~http_connection();
  http_connection(http_connection&&) noexcept;
  http_connection& operator=(http_connection&&) noexcept;

  /// Sends one request on this connection and reads the answer (status 0 if the connection
  /// failed; it is not reopened).
  http_result request(const std::string& method, const std::string& target,
                      const std::string& body = "", const std::string& bearer = "",
                      const std::vector<std::pair<std::string, std::string>>& headers = {});

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// From now on, every request of this process (`http`, `http_with_headers`, `http_connection`,
/// and WebSocket upgrades) appends a line `<method> <path> <status>` to `path` (one write per
/// line, O_APPEND, so processes may share the file). The route-coverage check reads it.
void record_calls_to(const std::string& path);

/// Appends `line` to the call record, if one is on (e.g. "# case <test name>").
void record_call_line(const std::string& line);

/// Raw bytes to 127.0.0.1:`port`; returns whatever came back before the server closed or the
/// timeout (for malformed HTTP).
std::string raw_exchange(uint16_t port, const std::string& bytes, int timeout_ms = 5000);

} // namespace lakoo::test
