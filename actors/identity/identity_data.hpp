#pragma once

/// Snapshot bodies of the identity entities (msgpack maps with a schema version `v`).

#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/fields_msgpack.hpp"

namespace lakoo::identity {

/// `user:<id>`: profile, roles and address book.
struct user_data {
  uint16_t v = 1;
  std::string email;
  std::string name;
  std::string bio;
  std::string avatar_url;
  std::vector<std::string> roles;
  std::string seller_id;
  int64_t created_at = 0;
  std::vector<protocol::address> addresses; ///< as the API shows them (same msgpack map)
  MSGPACK_DEFINE_MAP(v, email, name, bio, avatar_url, roles, seller_id, created_at, addresses)
};

/// `account:<lower-case email>`: the email's owner and password hash.
struct account_data {
  uint16_t v = 1;
  std::string user_id;
  std::string password_hash;
  int64_t created_at = 0;
  MSGPACK_DEFINE_MAP(v, user_id, password_hash, created_at)
};

/// `rtf:<family id>`: one login's chain of refresh tokens.
struct family_data {
  uint16_t v = 1;
  std::string user_id;
  std::string current_hash;
  std::vector<std::string> used_hashes; ///< newest last, capped
  bool revoked = false;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  MSGPACK_DEFINE_MAP(v, user_id, current_hash, used_hashes, revoked, created_at, expires_at)
};

} // namespace lakoo::identity
