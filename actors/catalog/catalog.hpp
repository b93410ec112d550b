#pragma once

#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/entity_env.hpp"

namespace lakoo::catalog {

/// Entity kind of inventory: `sku:<sku>`.
inline constexpr const char* sku_kind = protocol::sku_kind::name.data();
/// Entity kind of products: `product:<id>`.
inline constexpr const char* product_kind = protocol::product_kind::name.data();
/// Entity kind of a product's reviews: `reviews:<product id>`.
inline constexpr const char* reviews_kind = protocol::reviews_kind::name.data();

/// Committed reservation keys a sku remembers so that a repeated commit is a no-op. The order
/// says `forget_key` once it has recorded the commit, so only commits still in flight are kept;
/// the limit is a ceiling for forgets that were lost.
inline constexpr size_t max_remembered_commits = 1024;

/// Adds `sku` and `product` to the kinds a node can host.
void register_kinds(runtime::entity_kinds& kinds);

caf::actor spawn_sku(caf::actor_system&, const std::string& id,
                     std::shared_ptr<const runtime::entity_env>);
caf::actor spawn_product(caf::actor_system&, const std::string& id,
                         std::shared_ptr<const runtime::entity_env>);
caf::actor spawn_reviews(caf::actor_system&, const std::string& id,
                         std::shared_ptr<const runtime::entity_env>);

} // namespace lakoo::catalog
