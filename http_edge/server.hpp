#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace lakoo::edge {

/// The edge's settings, filled by `nodes/` from `cluster.conf`; the defaults suit tests.
struct edge_settings {
  std::string host = "127.0.0.1";
  uint16_t http_port = 8080;        ///< 0 picks an ephemeral port (see `server::port()`)
  std::size_t body_limit = 1 << 20; ///< bytes; larger bodies get 413 `payload_too_large`
  /// The io_context the connections run on, with its threads (`node::io_pool`): required, and it
  /// must run until after `server::stop()`.
  boost::asio::io_context* io = nullptr;
  std::chrono::seconds idle_timeout{60}; ///< a read or write pending longer closes the connection
  std::string node_id = "n1";            ///< prefixes generated request ids
  /// WebSocket: frames a slow client may have queued before its socket is dropped.
  std::size_t ws_queue_limit = 256;
  /// WebSocket: the kernel send buffer per socket (SO_SNDBUF), bounding what a stalled client
  /// can hold in the kernel; loopback autotuning would otherwise grant it megabytes.
  int ws_send_buffer = 65536;
  /// WebSocket: a ping goes out after half of this without traffic; no answer by the end closes.
  std::chrono::seconds ws_idle_timeout{30};
};

/// One parsed HTTP request, handed to the `handler` by value (moved).
struct request {
  std::string method;                       ///< as sent, e.g. "GET"
  std::string target;                       ///< path plus query, as sent
  std::string path;                         ///< target up to '?', not decoded
  std::map<std::string, std::string> query; ///< url-decoded (`+` is a space); last one wins
  std::string body;
  std::string authorization;
  std::string content_type;
  std::string idempotency_key;
  std::string signature;  ///< `X-Signature` (payment webhooks)
  std::string request_id; ///< from `X-Request-Id` if sane (<= 64 `[A-Za-z0-9_-]`), else generated
  std::string remote;     ///< peer "ip:port"
  /// `Upgrade: websocket`: decided by the `upgrade_handler` (if the server has one).
  bool is_upgrade = false;
};

/// What the handler answers. `Content-Type`, `Server: lakoo`, `X-Request-Id` and the framing
/// headers are added by the server; `headers` are extra ones (e.g. `Allow`).
struct response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  /// When set, makes `body` on the connection's io thread just before writing, so an answer's
  /// JSON is not built on the CAF thread that delivered it (see `answer` in api_context.hpp).
  std::function<std::string()> render{};
};

/// Completes one request. Call it exactly once, from any thread; later calls are ignored. If
/// every copy is destroyed uncalled, the client gets 500 `internal` (and a warning is logged).
using responder = std::function<void(response)>;

/// The application: runs on the connection's strand (an io thread), must not block, and answers
/// through the responder, possibly later and from another thread (e.g. a CAF worker).
using handler = std::function<void(request&&, responder)>;

/// A live WebSocket connection, handed to the application once the upgrade is done.
class ws_link {
public:
  virtual ~ws_link() = default;
  /// Queues one text frame; any thread. A client that lets `ws_queue_limit` frames pile up is
  /// dropped (false): it cannot hold the node's memory or threads.
  virtual bool send(std::string text) = 0;
  /// Closes the connection; any thread.
  virtual void close() = 0;
  /// Unique per server.
  virtual uint64_t id() const = 0;
};

/// The application's answer to an upgrade request. With `opened` set the upgrade goes ahead:
/// `opened(link)` runs once the handshake is done and `closed(id)` once the connection is gone
/// (only after `opened`). Without it, `reject` is written as a plain HTTP answer (e.g. 401).
struct upgrade_decision {
  response reject;
  std::function<void(std::shared_ptr<ws_link>)> opened;
  std::function<void(uint64_t)> closed;
};

/// Decides an upgrade request, on the connection's strand; must not block.
using upgrade_handler = std::function<upgrade_decision(request&)>;

/// The HTTP/1.1 listener: a Beast acceptor plus one session per connection, each on its own
/// strand, on the threads running `edge_settings::io`. Keep-alive; pipelined requests are
/// answered in order (the next one is read after the previous answer is written).
///
/// Lifecycle: constructed idle -> `start()` (binds, accepts) -> `stop()` (closes the acceptor and
/// every connection, drops answers that arrive afterwards, and returns once no connection can
/// call the handlers again). `stop()` is idempotent and also runs in the destructor. Never call
/// `stop()` from an io thread.
/// Responders may outlive the server: they then do nothing.
class server {
public:
  /// Without `upgrade`, upgrade requests go to `h` like any other request.
  server(edge_settings settings, handler h, upgrade_handler upgrade = {});
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds host:port and starts accepting. Throws `std::exception` on bind failure.
  void start();

  /// The bound port (after `start()`), useful with `http_port = 0`.
  uint16_t port() const;

  /// Closes the acceptor and the connections and waits (up to 5 s) until their closes ran.
  /// Idempotent.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace lakoo::edge
