#include "nodes/cluster.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/protocol/messages.hpp"

namespace lakoo::node {

namespace {

using connect_timeout = std::chrono::seconds;

struct link_state {
  static inline const char* name = "lakoo.peer_link";
  caf::actor peer;
};

caf::behavior peer_link(caf::stateful_actor<link_state>* self, caf::actor router,
                        peer_endpoint peer, std::chrono::milliseconds retry) {
  auto retry_later = [self, retry] { self->delayed_send(self, retry, protocol::tick_atom::value); };
  self->set_down_handler([self, router, peer, retry_later](caf::down_msg& dm) {
    if (dm.source != self->state.peer.address()) {
      return;
    }
    spdlog::warn("[link {}] lost: {}", peer.id, caf::to_string(dm.reason));
    self->state.peer = nullptr;
    self->send(router, protocol::peer_down_atom::value, peer.index);
    retry_later();
  });
  self->send(self, protocol::tick_atom::value);
  return {
    [self, router, peer, retry_later](protocol::tick_atom) {
      auto mm = self->system().middleman().actor_handle();
      self->request(mm, connect_timeout{3}, caf::connect_atom::value, peer.host, peer.port)
        .then(
          [self, router, peer, retry_later](const caf::node_id&, caf::strong_actor_ptr& ptr,
                                            const std::set<std::string>&) {
            if (!ptr) {
              retry_later();
              return;
            }
            auto handle = caf::actor_cast<caf::actor>(ptr);
            self->state.peer = handle;
            self->monitor(handle);
            spdlog::info("[link {}] connected to {}:{}", peer.id, peer.host, peer.port);
            self->send(router, protocol::peer_up_atom::value, peer.index, handle);
          },
          [retry_later](caf::error&) { retry_later(); });
    },
  };
}

} // namespace

std::vector<caf::actor> start_peer_links(caf::actor_system& sys, const caf::actor& router,
                                         const std::vector<peer_endpoint>& peers,
                                         std::chrono::milliseconds retry) {
  std::vector<caf::actor> links;
  for (const auto& p : peers) {
    links.push_back(sys.spawn(peer_link, router, p, retry));
  }
  return links;
}

} // namespace lakoo::node
