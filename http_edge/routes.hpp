#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_edge/server.hpp"

namespace lakoo::edge {

/// Captured path segments by name, e.g. `{"id": "u-42"}` for `/v1/users/{id}`; url-decoded.
using params = std::map<std::string, std::string>;

/// Handles one matched route; same contract as `handler` (strand thread, never blocks).
using route_handler = std::function<void(request&&, params&&, responder)>;

/// Percent-decodes `s` (and `+` as a space if `plus_as_space`); nullopt on a bad `%` escape.
std::optional<std::string> url_decode(std::string_view s, bool plus_as_space = false);

/// The route table: `(method, path template)` -> handler. Built once at start-up by `edge.cpp`,
/// then read concurrently by every io thread (`dispatch` is const and lock-free).
///
/// Templates are `/`-separated segments, each literal or a `{name}` capture matching one
/// non-empty segment. When several templates match, the most specific wins (segment by segment,
/// a literal beats a capture) among those that accept the method; if none accepts it the answer
/// is 405 with `Allow`, and a path no template matches gets 404. Every answer is counted in
/// `lakoo_http_requests_total{route,method,status}` and `lakoo_http_request_seconds{route,method}`
/// (`route` is the template, or `unmatched`), and logged at debug.
/// The query string `q` (after '?') as url-decoded key/value pairs; the last value of a key wins.
std::map<std::string, std::string> parse_query(std::string_view q);

/// Whether a client's `X-Request-Id` may be used as ours: 1..64 of `[A-Za-z0-9_-]`.
bool is_sane_request_id(std::string_view id);

/// `x` in lower-case hex without leading zeros (the parts of generated request ids).
std::string hex_id(uint64_t x);

class route_table {
public:
  route_table();
  ~route_table();
  route_table(route_table&&) noexcept;
  route_table& operator=(route_table&&) noexcept;

  /// Registers `h` for `method` (upper case, e.g. "GET") on `pattern` (e.g.
  /// "/v1/users/{id}/follow"). Throws `std::invalid_argument` on a malformed pattern or a
  /// duplicate (method, template shape).
  void add(std::string method, std::string pattern, route_handler h);

  /// Routes `req`. Exceptions out of a route handler become 500 `internal`.
  void dispatch(request&& req, responder res) const;

private:
  struct route;
  struct shape;
  static bool matches(const shape& s, const std::vector<std::string_view>& segs);
  std::vector<std::unique_ptr<shape>> shapes_;
};

} // namespace lakoo::edge
