#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "http_edge/server.hpp"

namespace lakoo::edge {

/// The live operator console: the admin WebSockets (`/v1/admin/console/ws`) connected to this
/// node, and one thread that, while any is open, builds the console's view every `interval`
/// (through `snapshot`, which answers asynchronously with the frame's JSON text) and sends it to
/// each of them. A newly opened socket gets a view at once. Thread-safe.
class console_feed {
public:
  /// `snapshot(done)`: builds the view and calls `done(text)` from any thread.
  using snapshot_fn = std::function<void(std::function<void(std::string)> done)>;

  console_feed(snapshot_fn snapshot, std::chrono::milliseconds interval);
  ~console_feed();
  console_feed(const console_feed&) = delete;
  console_feed& operator=(const console_feed&) = delete;

  void opened(std::shared_ptr<ws_link> link);
  void closed(uint64_t link_id);
  /// Stops the thread (the sockets are the server's to close). Idempotent.
  void stop();

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace lakoo::edge
