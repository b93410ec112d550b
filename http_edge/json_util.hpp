#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/fwd.hpp>
#include <nlohmann/json_fwd.hpp>

#include "http_edge/server.hpp"

namespace lakoo::protocol {
enum class errc : uint8_t; // actors/protocol/errc.hpp
} // namespace lakoo::protocol

namespace lakoo::edge {

/// String limits from API.md, in UTF-8 code points.
inline constexpr std::size_t max_name_chars = 200;
inline constexpr std::size_t max_text_chars = 5000; ///< captions, bodies, bios
inline constexpr std::size_t max_email_chars = 254;

/// The API's error body: `{"error":{"code":…,"message":…,"details":{…}}}` (`details` only if
/// given). 503 and 429 also carry `Retry-After: 1`. `code` is one of the codes listed in API.md;
/// `message` is for humans and never holds internals.
response error_response(int status, std::string_view code, std::string_view message,
                        const nlohmann::json* details = nullptr);

/// 400 `invalid_request` with `details.field` (e.g. for a bad query parameter).
response field_error(std::string_view field, std::string_view message);

/// `body` serialised (invalid UTF-8 is replaced, never thrown) with `Content-Type:
/// application/json`.
response json_response(int status, const nlohmann::json& body);

/// A JSON answer whose body `make()` builds later, where the response is written (the io
/// thread), from values the caller moved into it.
response json_response_later(int status, std::function<nlohmann::json()> make);

/// Runs `r.render` (if set) into `r.body`; a render that throws becomes 500 `internal`.
void render_body(response& r);

/// THE mapping from a failed actor request to an HTTP status (STYLE.md §5):
/// - category "lakoo" (`protocol::errc`): invalid_request 400, unauthorized 401, forbidden 403,
///   not_found 404, conflict 409, out_of_stock 409, rate_limited 429, internal 500,
///   unavailable 503, stale_version 503;
/// - `sec::request_timeout` and connectivity failures (receiver down, remote node unreachable,
///   no route, connection lost, `exit_reason::remote_link_unreachable`) 503;
/// - anything else (unexpected message, serialisation, ...) 500.
int to_http_status(const caf::error& err);

/// The error body for `err`, with `to_http_status(err)`. For a lakoo error the message is the
/// text its creator attached, by convention:
/// - `make_error(errc::x, "message")`;
/// - `make_error(errc::invalid_request, "field", "message")` -> also `details.field`;
/// - `make_error(errc::out_of_stock, "message", std::vector<std::string>{skus})` -> `details.skus`.
/// Otherwise a generic text per status. System errors never leak their text.
response error_from(const caf::error& err);

/// The error body of a failure the edge finds itself (a malformed id, a missing role), with the
/// status `to_http_status` gives the same `errc`: one mapping for the edge and the domain.
response error_from(protocol::errc code, std::string_view message);

/// The request body as a JSON object, or nullopt with `err` set to 400 `invalid_request`
/// (`details.field = "body"`) when it is empty, malformed, not UTF-8 or not an object.
std::optional<nlohmann::json> parse_object(const request& req, response& err);

/// `?limit=` for paged lists: 20 when absent, else an integer in 1..100; nullopt with `err` set
/// to 400 (`details.field = "limit"`) otherwise.
std::optional<int> parse_limit(const request& req, response& err);

/// One `@`, a non-empty local part, a domain with a dot (not at either end), no whitespace or
/// control characters, at most 254 bytes.
bool is_valid_email(std::string_view s);

/// `s` with ASCII letters lowered (emails are compared this way).
std::string lower_ascii(std::string s);

/// The number of code points in `s`, or nullopt if `s` is not valid UTF-8 (overlongs,
/// surrogates and values above U+10FFFF are invalid).
std::optional<std::size_t> utf8_length(std::string_view s);

/// Reads fields of a JSON object for a handler; the first problem wins and becomes a 400
/// `invalid_request` naming the field in `details.field`. Getters return a default value once
/// something failed, so a handler reads all fields, then checks once:
///
///     validator v{*body};
///     auto email = v.required_string("email", max_email_chars);
///     auto name = v.optional_string("name", max_name_chars);
///     if (!v.ok()) { return res(v.error()); }
///
/// Unknown fields are ignored; a `null` optional field counts as absent. Nested objects use a
/// prefix so errors name the full path: `validator item{variant, "variants[0]."}`.
/// The validator keeps a reference to the object: it must outlive the validator.
class validator {
public:
  explicit validator(const nlohmann::json& object, std::string prefix = {});

  /// A string of `min_chars..max_chars` code points (required strings must not be empty).
  std::string required_string(const char* field, std::size_t max_chars, std::size_t min_chars = 1);
  std::optional<std::string> optional_string(const char* field, std::size_t max_chars);

  /// An integer in [min, max]; floats, strings and booleans are wrong types.
  int64_t required_int(const char* field, int64_t min = INT64_MIN, int64_t max = INT64_MAX);
  std::optional<int64_t> optional_int(const char* field, int64_t min = INT64_MIN,
                                      int64_t max = INT64_MAX);
  /// Integers >= 1 (quantities, prices).
  int64_t required_positive(const char* field) { return required_int(field, 1); }
  std::optional<int64_t> optional_positive(const char* field) { return optional_int(field, 1); }

  /// Any JSON number in [min, max] (e.g. tag coordinates in [0, 1]).
  double required_number(const char* field, double min, double max);

  bool required_bool(const char* field);
  std::optional<bool> optional_bool(const char* field);

  /// An array of at most `max_items` strings of 1..`max_chars` code points each.
  std::vector<std::string> required_string_array(const char* field, std::size_t max_items,
                                                 std::size_t max_chars);
  std::optional<std::vector<std::string>>
  optional_string_array(const char* field, std::size_t max_items, std::size_t max_chars);

  /// A string that is one of `allowed` (an enum value).
  std::string required_enum(const char* field, const std::vector<std::string>& allowed);
  std::optional<std::string> optional_enum(const char* field,
                                           const std::vector<std::string>& allowed);

  /// The nested object or array at `field`, or nullptr: absent or null (a failure only if
  /// `required`), or of another type (always a failure).
  const nlohmann::json* object(const char* field, bool required);
  const nlohmann::json* array(const char* field, bool required);

  /// Records a failure for `field` (prefixed) unless one is already recorded, e.g. for checks
  /// the getters cannot express (`if (!is_valid_email(email)) v.fail("email", "...")`).
  void fail(std::string_view field, std::string_view message);

  bool ok() const { return error_field_.empty(); }

  /// The 400 response for the first failure. Only meaningful when `!ok()`.
  response error() const;

  /// The failing field's full name (empty while ok).
  const std::string& error_field() const { return error_field_; }

private:
  const nlohmann::json* find(const char* field) const;
  std::optional<std::string> string_at(const char* field, std::size_t min_chars,
                                       std::size_t max_chars, bool required);
  std::optional<int64_t> int_at(const char* field, int64_t min, int64_t max, bool required);

  const nlohmann::json* object_;
  std::string prefix_;
  std::string error_field_;
  std::string error_message_;
};

} // namespace lakoo::edge
