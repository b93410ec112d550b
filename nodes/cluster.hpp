#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

namespace lakoo::node {

/// A peer node's cluster endpoint.
struct peer_endpoint {
  uint64_t index = 0; ///< its index in cluster.conf
  std::string id;
  std::string host;
  uint16_t port = 0;
};

/// Keeps this node linked to every peer: one link actor per peer connects (asynchronously,
/// through the io middleman) to the router the peer published, tells the local `router`
/// `peer_up`/`peer_down`, and reconnects after `retry` whenever the connection is lost (a
/// dead peer is noticed at once, a hung one by the middleman's heartbeats).
/// Returns the link actors so the node can stop them.
std::vector<caf::actor> start_peer_links(caf::actor_system& sys, const caf::actor& router,
                                         const std::vector<peer_endpoint>& peers,
                                         std::chrono::milliseconds retry);

} // namespace lakoo::node
