#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/runtime/base64.hpp"

namespace lakoo::edge {

/// What an access token asserts: the user, their roles, the refresh-token family it was issued
/// with, and its validity window (Unix seconds).
struct access_claims {
  std::string sub;
  std::vector<std::string> roles;
  std::string fam;
  int64_t iat = 0;
  int64_t exp = 0;
};

/// Issues and checks access tokens: JWT-compatible HS256
/// (`base64url(header).base64url(payload).base64url(HMAC-SHA256)`, header
/// `{"alg":"HS256","typ":"JWT"}`, no padding). Immutable after construction, so one instance
/// is shared by every io thread.
class token_signer {
public:
  explicit token_signer(std::string secret);

  std::string issue(const access_claims& claims) const;

  /// The claims of a token signed with this secret and not expired (`exp > now`); nullopt when
  /// malformed, not HS256 (e.g. `alg: none`), badly signed or expired.
  std::optional<access_claims> verify(std::string_view token, int64_t now) const;

private:
  std::string secret_;
};

/// A refresh token's parts: the family it belongs to and the SHA-256 (hex) of its secret.
struct refresh_parts {
  std::string family_id;
  std::string secret_hash;
};

/// A new refresh token `<family_id>.<43-char base64url of 32 random bytes>`; stores the hex
/// SHA-256 of the random part (what the family actor keeps) in `secret_hash_out`.
std::string make_refresh_token(const std::string& family_id, std::string& secret_hash_out);

/// Splits a refresh token (family id before the last '.', a 43-char base64url secret after it)
/// and hashes the secret; nullopt if the shape is wrong.
std::optional<refresh_parts> parse_refresh_token(std::string_view token);

/// Lower-case hex SHA-256 of `data`.
std::string hex_sha256(std::string_view data);

/// Equality in time independent of where the inputs differ (length may leak).
bool constant_time_equal(std::string_view a, std::string_view b);

/// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
std::optional<std::string> bearer_token(std::string_view authorization_header);

using runtime::base64url_decode;
using runtime::base64url_encode;

} // namespace lakoo::edge
