#pragma once

/// A blocking WebSocket client for end-to-end tests (Beast stays in the .cpp): connects, then a
/// reader thread collects every text frame until the socket closes.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lakoo::test {

class ws_client {
public:
  /// Connects to ws://127.0.0.1:`port``target`, with `bearer` in `Authorization` if not empty.
  /// Throws std::runtime_error when the upgrade fails. `tiny_window` connects with a 4 KiB
  /// receive buffer, so a `stall()`ed client soon stops the server's writes.
  ws_client(uint16_t port, const std::string& target, const std::string& bearer = "",
            bool tiny_window = false);
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  /// Waits up to `timeout` for a received frame (parsed JSON) that satisfies `pred`; returns it,
  /// or a null json on timeout. Frames stay recorded.
  nlohmann::json wait_for(const std::function<bool(const nlohmann::json&)>& pred,
                          std::chrono::milliseconds timeout = std::chrono::seconds(5));

  /// Waits (bounded) for the server's `{"type":"ready"}` frame: from then on every notification
  /// of the user is pushed to this socket. Use it instead of sleeping after connecting.
  bool wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// Every frame received so far.
  std::vector<nlohmann::json> frames() const;

  /// Whether the server closed (or dropped) the connection.
  bool closed() const;

  /// Resumes reading (after `stall()`) and waits up to `timeout` for the connection to end.
  bool wait_closed(std::chrono::milliseconds timeout);

  /// Stops reading from the socket (the kernel buffers fill: a slow client).
  void stall();

  void close();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace lakoo::test
