#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lakoo::runtime {

/// base64url without padding (RFC 4648 section 5), as in JWTs.
std::string base64url_encode(std::string_view bytes);

/// Decodes unpadded canonical base64url; nullopt on any other input.
std::optional<std::string> base64url_decode(std::string_view text);

} // namespace lakoo::runtime
