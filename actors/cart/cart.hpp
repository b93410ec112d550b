#pragma once

#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/entity_env.hpp"
#include "adapters/shipping/courier_provider.hpp"

namespace lakoo::cart {

/// Entity kind of carts: `cart:<user id>`.
inline constexpr const char* cart_kind = protocol::cart_kind::name.data();

/// Most distinct skus one cart holds.
inline constexpr size_t max_lines = 100;

/// Registers carts; `courier` prices their shipping quotes (nullptr: quotes are `unavailable`).
void register_kinds(runtime::entity_kinds& kinds,
                    std::shared_ptr<shipping::courier_provider> courier);

} // namespace lakoo::cart
