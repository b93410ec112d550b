#pragma once

#include <cstdint>

#include <caf/error.hpp>
#include <caf/make_message.hpp>

namespace lakoo::protocol {

/// Domain failures, carried as `caf::error` values with category "lakoo".
/// Append only: the numbers travel between nodes.
enum class errc : uint8_t {
  invalid_request = 1,
  unauthorized = 2,
  forbidden = 3,
  not_found = 4,
  conflict = 5,
  out_of_stock = 6,
  unavailable = 7,
  internal = 8,
  stale_version = 9, ///< a snapshot write that would go backwards or came from a fenced epoch
  rate_limited = 10,
};

/// The stable snake_case code of `x`, as used in the API's error body.
const char* to_code(errc x);

} // namespace lakoo::protocol

CAF_ERROR_CODE_ENUM(lakoo::protocol::errc, "lakoo")
