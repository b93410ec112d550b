#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "actors/runtime/entity_env.hpp"

namespace lakoo::runtime {

/// Settings of a node's router.
struct router_settings {
  size_t node_index = 0; ///< this node's index in `env->shards->node_ids()`
  entity_kinds kinds;
};

/// Spawns the node's router: the one actor that turns an entity key into a live actor.
///
/// Messages (see protocol/messages.hpp):
/// - `(route, key, payload)` from anywhere on this node: delivered to the entity `key` on the
///   node owning its shard (here: activated on first use; elsewhere: one hop to that node's
///   router). The entity's reply goes straight back to the original sender.
/// - `(deliver, key, payload)` from a peer router: like route, but never forwarded again.
/// - `(passivate, key)` from an idle entity -> bool: whether it may stop. Messages that arrive
///   for a stopping entity wait in the router and go to its next activation.
/// - `(peer_up, index, router)`, `(peer_down, index)` from the node's cluster links.
/// - `stats` -> router_stats.
/// A key whose owner is unreachable gets `errc::unavailable` at once, never a hang.
/// `env->router` is filled in by this function (the env must not be shared before).
caf::actor spawn_router(caf::actor_system& sys, std::shared_ptr<entity_env> env,
                        router_settings settings);

} // namespace lakoo::runtime
