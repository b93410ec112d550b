#pragma once

#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/entity_env.hpp"

namespace lakoo::cart {

/// Entity kind of carts: `cart:<user id>`.
inline constexpr const char* cart_kind = protocol::cart_kind::name.data();

/// Most distinct skus one cart holds.
inline constexpr size_t max_lines = 100;

void register_kinds(runtime::entity_kinds& kinds);

caf::actor spawn_cart(caf::actor_system&, const std::string& id,
                      std::shared_ptr<const runtime::entity_env>);

} // namespace lakoo::cart
