#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "http_edge/server.hpp"

namespace lakoo::runtime {
class gateway;
}

namespace lakoo::edge {

/// The node's end of live notifications: the WebSocket sessions connected here, grouped by
/// user, and one relay actor that the users' inboxes (`inbox:<user>`, on whichever node their
/// shard lives) push to. While a user has a socket here the relay watches that user's inbox,
/// renewing every `renew` (the inbox forgets a relay that stops renewing, e.g. after a crash).
/// A push goes to every socket of the user on this node; the other nodes' relays do the same
/// for theirs. Once the inbox has confirmed the watch, each socket of the user gets one
/// `{"type":"ready"}` frame: every notification after it is pushed live, anything before it is
/// in `GET /v1/notifications` (a client reads the inbox after "ready" and misses nothing).
///
/// Thread-safe: `opened`/`closed` come from io threads, pushes from the relay's CAF thread.
/// Lifecycle: constructed (relay spawned) -> destroyed (relay stopped, sockets left to the
/// server, which closes them).
class push_hub {
public:
  explicit push_hub(runtime::gateway& gw,
                    std::chrono::milliseconds renew = std::chrono::seconds(5));
  ~push_hub();
  push_hub(const push_hub&) = delete;
  push_hub& operator=(const push_hub&) = delete;

  void opened(const std::string& user, std::shared_ptr<ws_link> link);
  void closed(const std::string& user, uint64_t link_id);

  struct impl; ///< shared with the relay actor

private:
  std::shared_ptr<impl> impl_;
};

} // namespace lakoo::edge
