#pragma once

/// Everything that crosses an actor or process boundary: atoms, entity kinds, and the messages
/// declared once each in the `*.def` files (see declare.hpp). CAF 0.17 puts the message names on
/// the wire: never rename or drop a message while an older node may still run.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>

#include "actors/protocol/declare.hpp"
#include "actors/protocol/errc.hpp"

namespace lakoo::protocol {

// -- runtime ------------------------------------------------------------------

/// Ask the node's router to deliver `payload` to the entity `key` (`kind:id`) wherever it lives.
using route_atom = caf::atom_constant<caf::atom("route")>;
/// Router-to-router hop: the receiver must own the key (no further forwarding).
using deliver_atom = caf::atom_constant<caf::atom("deliver")>;
/// `(cast_atom, kind, ids, payload, forwarded)` to a router, one way: `payload` to each entity
/// `kind:id` that is ACTIVE on its owner node; inactive ones are skipped, never activated (for
/// in-memory caches that rebuild themselves on activation, such as feeds). One message per owner
/// node however many ids; `forwarded` marks the router-to-router hop.
using cast_atom = caf::atom_constant<caf::atom("cast")>;
/// Entity -> router: I have been idle and everything is durable; may I stop?
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
/// Snapshot load finished (store -> entity).
using loaded_atom = caf::atom_constant<caf::atom("loaded")>;
/// Snapshot write finished (store -> entity).
using persisted_atom = caf::atom_constant<caf::atom("persisted")>;
/// Periodic timer tick.
using tick_atom = caf::atom_constant<caf::atom("tick")>;
/// Store -> entity (local): a durable list page it asked for (`runtime::read_list`).
using listed_atom = caf::atom_constant<caf::atom("listed")>;
/// A peer node's router became reachable / unreachable.
using peer_up_atom = caf::atom_constant<caf::atom("peer_up")>;
using peer_down_atom = caf::atom_constant<caf::atom("peer_down")>;
/// Router statistics for the operator views and /metrics.
using stats_atom = caf::atom_constant<caf::atom("stats")>;
/// Gateway bridge: a job from a non-actor thread.
using ask_atom = caf::atom_constant<caf::atom("ask")>;
/// Router: the stats of this node and every reachable peer -> std::vector<router_stats>.
using cluster_atom = caf::atom_constant<caf::atom("cluster")>;
/// `(revoked, family id, until)`: a refresh-token family was revoked; its access tokens are
/// refused on every node until `until`. Local senders -> router -> every peer router
/// (`(revoked, family id, until, true)`: relayed, not forwarded again).
using revoked_atom = caf::atom_constant<caf::atom("revoked")>;

/// `(handoff, shards)` from the node's lease keeper to its router -> bool once every entity of
/// `shards` has stopped (each finishes its queued messages and in-flight writes first). The
/// router already refuses new messages for them (`shard_map::handing_off`). Local only.
using handoff_atom = caf::atom_constant<caf::atom("handoff")>;
/// `(reshard)` from the lease keeper to its router, one way: shard ownership changed; entities
/// of shards this node no longer serves (or of an older epoch) are stopped at once.
using reshard_atom = caf::atom_constant<caf::atom("reshard")>;

// -- entity kinds: `<kind>_ref{id}` addresses the entity `<prefix>:<id>` ---------------------

LAKOO_KIND(user, "user")
LAKOO_KIND(account, "account")
LAKOO_KIND(family, "rtf")
LAKOO_KIND(seller, "seller")
LAKOO_KIND(sku, "sku")
LAKOO_KIND(product, "product")
LAKOO_KIND(reviews, "reviews")
LAKOO_KIND(cart, "cart")
LAKOO_KIND(order, "order")
LAKOO_KIND(payment, "payment")
LAKOO_KIND(earnings, "earnings")
LAKOO_KIND(inbox, "inbox")
LAKOO_KIND(post, "post")
LAKOO_KIND(thread, "thread")
LAKOO_KIND(graph, "graph")
LAKOO_KIND(feed, "feed")
LAKOO_KIND(collection, "collection")

#include "actors/protocol/core_messages.def"

} // namespace lakoo::protocol

#include "actors/protocol/commerce_messages.hpp"
#include "actors/protocol/order_messages.hpp"
#include "actors/protocol/social_messages.hpp"

namespace lakoo::protocol {

/// Registers every message type above with an actor system config (once, before start).
void add_message_types(caf::actor_system_config& cfg);

/// Every registered type name, in registration order (for the round-trip test).
const std::vector<std::string>& registered_type_names();

} // namespace lakoo::protocol
