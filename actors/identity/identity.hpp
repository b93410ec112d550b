#pragma once

#include <string>

#include <caf/fwd.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/entity_env.hpp"

namespace lakoo::identity {

/// Entity kinds of the identity domain.
inline constexpr const char* user_kind = protocol::user_kind::name.data();
inline constexpr const char* account_kind = protocol::account_kind::name.data();
inline constexpr const char* family_kind = protocol::family_kind::name.data();

/// Most addresses one user may keep.
inline constexpr size_t max_addresses = 20;
/// Used refresh-token hashes a family remembers for reuse detection.
inline constexpr size_t max_used_hashes = 64;

/// The identity component's settings (from cluster.conf), given to its entities by the node
/// (`env.set_settings`).
struct identity_settings {
  int64_t access_token_ttl_s = 900;
  int64_t refresh_token_ttl_s = 30 * 24 * 3600;
};

/// Adds `user`, `account` and `rtf` to the kinds a node can host.
void register_kinds(runtime::entity_kinds& kinds);

/// Entity behaviors (exposed for tests).
caf::actor spawn_user(caf::actor_system&, const std::string& id,
                      std::shared_ptr<const runtime::entity_env>);
caf::actor spawn_account(caf::actor_system&, const std::string& id,
                         std::shared_ptr<const runtime::entity_env>);
caf::actor spawn_family(caf::actor_system&, const std::string& id,
                        std::shared_ptr<const runtime::entity_env>);

} // namespace lakoo::identity
