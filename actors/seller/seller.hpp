#pragma once

#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/entity_env.hpp"

namespace lakoo::seller {

/// Entity kind of seller accounts: `seller:<id>`.
inline constexpr const char* seller_kind = protocol::seller_kind::name.data();

/// Adds `seller` to the kinds a node can host.
void register_kinds(runtime::entity_kinds& kinds);

caf::actor spawn_seller(caf::actor_system&, const std::string& id,
                        std::shared_ptr<const runtime::entity_env>);

} // namespace lakoo::seller
