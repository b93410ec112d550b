#include "http_edge/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <optional>
#include <random>
#include <shared_mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "actors/runtime/log.hpp"
#include "actors/runtime/metrics.hpp"
#include "http_edge/json_util.hpp"
#include "http_edge/log.hpp"
#include "http_edge/routes.hpp"
#include "http_edge/ws_session.hpp"

namespace lakoo::edge {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class session;

/// State shared by the server and its sessions, including a session kept alive by a responder
/// that an actor still holds.
struct core {
  core(edge_settings s, handler h, upgrade_handler u)
      : settings(std::move(s)),
        app(std::move(h)),
        upgrade(std::move(u)),
        ioc(*settings.io) {}

  const edge_settings settings;
  const handler app;
  const upgrade_handler upgrade;
  net::io_context& ioc; ///< the node's (edge_settings::io), running until after stop()
  // Responders post under the shared lock while `open`; stop() clears it under the exclusive
  // lock, so nothing is queued on a context whose threads are gone.
  std::shared_mutex gate;
  bool open = true;
  std::mutex sessions_mutex;
  bool stopping = false;
  std::unordered_map<uint64_t, std::weak_ptr<session>> sessions;
  std::unordered_map<uint64_t, std::function<void()>> websockets; ///< id -> closer
  std::atomic<uint64_t> next_conn{0};
  std::atomic<uint64_t> next_request{0};
  std::string request_prefix;
  runtime::gauge& connections = runtime::metrics::global().gauge_of("lakoo_http_connections");
  runtime::gauge& in_flight = runtime::metrics::global().gauge_of("lakoo_http_in_flight");
  runtime::counter& too_large = runtime::metrics::global().counter_of(
    "lakoo_http_rejected_total", "reason=\"payload_too_large\"");
  runtime::counter& bad_request
    = runtime::metrics::global().counter_of("lakoo_http_rejected_total", "reason=\"bad_request\"");
};

std::string_view to_std(beast::string_view s) {
  return {s.data(), s.size()};
}

bool is_header_safe(std::string_view s) {
  return s.find_first_of("\r\n") == std::string_view::npos;
}

bool is_client_gone(const beast::error_code& ec) {
  return ec == net::error::connection_reset || ec == net::error::broken_pipe
         || ec == net::error::eof || ec == http::error::partial_message;
}

/// One HTTP connection. Everything runs on the connection's strand except `post_answer`, which
/// may be called from any thread and hops onto the strand.
///
///   read header -> [100 Continue] -> read body -> handler ... answer -> write -> read header
///        \-> 413/400: write, shut down sending, drain briefly (so the client sees it), close
class session : public std::enable_shared_from_this<session> {
public:
  session(std::shared_ptr<core> c, tcp::socket socket, uint64_t id)
      : core_(std::move(c)),
        stream_(std::move(socket)),
        id_(id) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    }
    stream_.socket().set_option(tcp::no_delay(true), ec);
    core_->connections.add(1);
  }

  ~session() {
    core_->connections.add(-1);
    std::lock_guard<std::mutex> guard{core_->sessions_mutex};
    core_->sessions.erase(id_);
  }

  void run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&session::do_read, shared_from_this()));
  }

  /// Closes the socket; pending operations complete with `operation_aborted`. On the strand.
  void close() {
    closed_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  /// `close()` on the strand, then `done`; any thread.
  void close_async(std::function<void()> done) {
    net::post(stream_.get_executor(), [self = shared_from_this(), done = std::move(done)] {
      self->close();
      done();
    });
  }

  /// Queues the handler's answer onto the strand; any thread. Dropped once the server stopped.
  void post_answer(response r) {
    std::shared_lock<std::shared_mutex> lock{core_->gate};
    if (!core_->open) {
      return;
    }
    net::post(stream_.get_executor(), [self = shared_from_this(), r = std::move(r)]() mutable {
      if (!self->closed_) { // the connection may have ended while the actor worked
        self->write(std::move(r), self->keep_alive_);
      }
    });
  }

  runtime::gauge& in_flight() { return core_->in_flight; }
  uint64_t id() const { return id_; }

private:
  void do_read() {
    head_ = false;
    parser_.emplace();
    parser_->body_limit(core_->settings.body_limit);
    stream_.expires_after(core_->settings.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) {
      return on_read_error(ec);
    }
    if (parser_->is_done()) {
      return on_request();
    }
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      continue_.emplace(http::status::continue_, parser_->get().version());
      stream_.expires_after(core_->settings.idle_timeout);
      http::async_write(stream_, *continue_,
                        beast::bind_front_handler(&session::on_continue, shared_from_this()));
      return;
    }
    read_body();
  }

  void on_continue(beast::error_code ec, std::size_t) {
    if (ec) {
      return on_io_error("write 100-continue", ec);
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(core_->settings.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&session::on_body, shared_from_this()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec) {
      return on_read_error(ec);
    }
    on_request();
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::end_of_stream) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    if (ec == http::error::body_limit) {
      core_->too_large.add();
      return reject(413, "payload_too_large",
                    "the request body exceeds " + std::to_string(core_->settings.body_limit)
                      + " bytes");
    }
    if (ec == beast::error::timeout) {
      log().debug("[conn {}] idle timeout", id_);
      return close();
    }
    if (ec.category() == http::make_error_code(http::error::bad_target).category()
        && ec != http::error::partial_message) {
      core_->bad_request.add();
      log().debug("[conn {}] bad request: {}", id_, ec.message());
      return reject(400, "invalid_request", "malformed HTTP request");
    }
    on_io_error("read", ec);
  }

  void on_io_error(const char* what, beast::error_code ec) {
    if (ec != net::error::operation_aborted && !closed_) {
      if (is_client_gone(ec) || ec == beast::error::timeout) {
        log().debug("[conn {}] {}: {}", id_, what, ec.message());
      } else {
        log().warn("[conn {}] {} failed: {}", id_, what, ec.message());
      }
    }
    close();
  }

  void on_request();
  void on_upgrade(http::request<http::string_body>&& msg, request&& req);
  void write(response r, bool keep_alive);

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) {
      return on_io_error("write", ec);
    }
    res_.reset();
    if (lingering_) {
      return linger();
    }
    if (!keep_alive_) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    do_read();
  }

  void reject(int status, std::string_view code, const std::string& message) {
    if (parser_) {
      request_id_ = request_id_of(parser_->get()["X-Request-Id"]);
      version_ = parser_->get().version() == 10 ? 10 : 11;
    }
    lingering_ = true;
    write(error_response(status, code, message), false);
  }

  // Reading the rest of what the client sends (bounded in time and size) before closing keeps
  // the kernel from answering it with a RST that could destroy the error response in flight.
  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    drain();
  }

  void drain() {
    stream_.async_read_some(
      net::buffer(drain_buf_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        self->drained_ += n;
        if (ec || self->drained_ > 16 * self->core_->settings.body_limit + (1 << 20)) {
          self->close();
          return;
        }
        self->drain();
      });
  }

  /// The client's `X-Request-Id` if it is sane, else the next id of this server.
  std::string request_id_of(beast::string_view header) {
    auto id = to_std(header);
    return is_sane_request_id(id) ? std::string{id}
                                  : core_->request_prefix + hex_id(++core_->next_request);
  }

  std::shared_ptr<core> core_; // first: destroyed last, after the stream
  beast::tcp_stream stream_;
  uint64_t id_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<http::response<http::string_body>> res_;
  std::string request_id_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_ = false;
  bool closed_ = false;
  bool lingering_ = false;
  std::size_t drained_ = 0;
  std::array<char, 8192> drain_buf_;
};

/// The shared completion state behind every copy of one request's responder.
struct reply_slot {
  explicit reply_slot(std::shared_ptr<session> s) : owner(std::move(s)) {
    owner->in_flight().add(1);
  }
  ~reply_slot() {
    if (!done.load()) {
      log().warn("[conn {}] handler dropped its responder without answering", owner->id());
      try {
        complete(error_response(500, "internal", "internal error"));
      } catch (...) {
        // Nothing sensible left to do; the connection stays idle until it times out.
      }
    }
  }
  void complete(response r) {
    if (done.exchange(true)) {
      return;
    }
    owner->in_flight().add(-1);
    owner->post_answer(std::move(r));
  }
  std::shared_ptr<session> owner;
  std::atomic<bool> done{false};
};

void session::on_request() {
  if (closed_) { // read just before stop() closed the connection
    return;
  }
  auto msg = parser_->release();
  parser_.reset();
  keep_alive_ = msg.keep_alive();
  head_ = msg.method() == http::verb::head;
  version_ = msg.version() == 10 ? 10 : 11;
  request req;
  req.method = std::string{msg.method_string()};
  req.target = std::string{msg.target()};
  auto q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) {
    req.query = parse_query(std::string_view{req.target}.substr(q + 1));
  }
  req.authorization = std::string{msg[http::field::authorization]};
  req.content_type = std::string{msg[http::field::content_type]};
  req.idempotency_key = std::string{msg["Idempotency-Key"]};
  req.signature = std::string{msg["X-Signature"]};
  req.request_id = request_id_of(msg["X-Request-Id"]);
  req.remote = remote_;
  req.is_upgrade = msg[http::field::upgrade].size() != 0
                   && beast::iequals(msg[http::field::upgrade], "websocket");
  request_id_ = req.request_id;
  if (req.is_upgrade && core_->upgrade) {
    return on_upgrade(std::move(msg), std::move(req));
  }
  req.body = std::move(msg.body());
  auto slot = std::make_shared<reply_slot>(shared_from_this());
  responder res = [slot](response r) { slot->complete(std::move(r)); };
  try {
    core_->app(std::move(req), std::move(res));
  } catch (const std::exception& e) {
    log().error("[conn {}] [req {}] handler threw: {}", id_, request_id_, e.what());
    slot->complete(error_response(500, "internal", "internal error"));
  } catch (...) {
    log().error("[conn {}] [req {}] handler threw", id_, request_id_);
    slot->complete(error_response(500, "internal", "internal error"));
  }
}

void session::on_upgrade(http::request<http::string_body>&& msg, request&& req) {
  auto d = detail::decide_upgrade(core_->upgrade, req, msg, id_);
  if (!d.opened) {
    return write(std::move(d.reject), false);
  }
  std::lock_guard<std::mutex> guard{core_->sessions_mutex};
  if (core_->stopping) {
    return close();
  }
  closed_ = true; // the stream now belongs to the WebSocket session
  auto c = core_;
  auto id = id_;
  auto closer = detail::run_ws(std::move(stream_), std::move(msg), std::move(d), core_->settings,
                               id_, [c, id] {
                                 std::lock_guard<std::mutex> g{c->sessions_mutex};
                                 c->websockets.erase(id);
                               });
  core_->websockets.emplace(id, std::move(closer));
}

void session::write(response r, bool keep_alive) {
  keep_alive_ = keep_alive;
  render_body(r); // a deferred body is built here, on the io thread, whoever answered
  try {
    int status = r.status >= 100 && r.status <= 599 ? r.status : 500;
    res_.emplace();
    res_->version(version_);
    res_->result(static_cast<unsigned>(status));
    res_->set(http::field::server, "lakoo");
    res_->set("X-Request-Id", request_id_);
    for (auto& [name, value] : r.headers) {
      if (!name.empty() && is_header_safe(name) && is_header_safe(value)) {
        res_->insert(name, value);
      }
    }
    if (status == 204 || status == 304 || status < 200) {
      r.body.clear();
    } else if (is_header_safe(r.content_type)) {
      res_->set(http::field::content_type, r.content_type);
    }
    res_->body() = std::move(r.body);
    res_->keep_alive(keep_alive);
    res_->prepare_payload();
    if (head_) {
      res_->body().clear(); // HEAD: the headers of the GET answer, no body
    }
  } catch (const std::exception& e) {
    log().error("[conn {}] [req {}] cannot build the response: {}", id_, request_id_, e.what());
    return close();
  }
  stream_.expires_after(core_->settings.idle_timeout);
  http::async_write(stream_, *res_,
                    beast::bind_front_handler(&session::on_write, shared_from_this()));
}

/// The acceptor. Its handlers hold it by shared_ptr: the io_context outlives the server, so an
/// accept cancelled by stop() may complete after the server is gone.
struct listener : std::enable_shared_from_this<listener> {
  explicit listener(std::shared_ptr<core> c)
      : core_(std::move(c)),
        acceptor(net::make_strand(core_->ioc)),
        retry(acceptor.get_executor()) {}

  void do_accept() {
    acceptor.async_accept(net::make_strand(core_->ioc),
                          [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                            self->on_accept(ec, std::move(socket));
                          });
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) {
      return;
    }
    if (ec) {
      // E.g. out of file descriptors: back off briefly instead of spinning.
      log().warn("accept failed: {}", ec.message());
      retry.expires_after(std::chrono::milliseconds(50));
      retry.async_wait([self = shared_from_this()](beast::error_code wec) {
        if (!wec && self->acceptor.is_open()) {
          self->do_accept();
        }
      });
      return;
    }
    std::shared_ptr<session> s;
    {
      std::lock_guard<std::mutex> guard{core_->sessions_mutex};
      if (core_->stopping) {
        return; // the socket closes as it goes out of scope
      }
      auto id = core_->next_conn.fetch_add(1) + 1;
      s = std::make_shared<session>(core_, std::move(socket), id);
      core_->sessions.emplace(id, s);
    }
    s->run();
    do_accept();
  }

  std::shared_ptr<core> core_;
  tcp::acceptor acceptor;
  net::steady_timer retry;
};

} // namespace

struct server::impl {
  std::shared_ptr<core> core_;
  std::shared_ptr<listener> accepting;
  std::mutex lifecycle;
  bool started = false;
  bool stopped = false;
  uint16_t bound_port = 0;
};

server::server(edge_settings settings, handler h, upgrade_handler upgrade)
    : impl_(std::make_unique<impl>()) {
  if (settings.io == nullptr) {
    throw std::invalid_argument("edge server: edge_settings::io (the io_context) is required");
  }
  impl_->core_ = std::make_shared<core>(std::move(settings), std::move(h), std::move(upgrade));
  impl_->accepting = std::make_shared<listener>(impl_->core_);
  std::random_device rd;
  auto prefix = impl_->core_->settings.node_id.substr(0, 24);
  if (!is_sane_request_id(prefix)) {
    prefix = "edge";
  }
  impl_->core_->request_prefix = prefix + "-" + hex_id(rd() & 0xffffff) + "-";
}

server::~server() {
  stop();
}

void server::start() {
  std::lock_guard<std::mutex> guard{impl_->lifecycle};
  if (impl_->started || impl_->stopped) {
    throw std::logic_error("edge server: start() called twice or after stop()");
  }
  auto& s = impl_->core_->settings;
  tcp::endpoint ep{net::ip::make_address(s.host), s.http_port};
  auto& acc = impl_->accepting->acceptor;
  acc.open(ep.protocol());
  acc.set_option(net::socket_base::reuse_address(true));
  acc.bind(ep);
  acc.listen(net::socket_base::max_listen_connections);
  impl_->bound_port = acc.local_endpoint().port();
  impl_->started = true;
  net::dispatch(acc.get_executor(), [l = impl_->accepting] { l->do_accept(); });
  log().info("listening on {}:{}", s.host, impl_->bound_port);
}

uint16_t server::port() const {
  return impl_->bound_port;
}

void server::stop() {
  std::lock_guard<std::mutex> lk{impl_->lifecycle};
  if (impl_->stopped) {
    return;
  }
  impl_->stopped = true;
  auto& c = *impl_->core_;
  {
    std::unique_lock<std::shared_mutex> gate{c.gate};
    c.open = false;
  }
  std::vector<std::shared_ptr<session>> live;
  std::vector<std::function<void()>> websockets;
  {
    std::lock_guard<std::mutex> guard{c.sessions_mutex};
    c.stopping = true;
    for (auto& [id, weak] : c.sessions) {
      if (auto s = weak.lock()) {
        live.push_back(std::move(s));
      }
    }
    for (auto& [id, closer] : c.websockets) {
      websockets.push_back(closer);
    }
  }
  if (!impl_->started) {
    return;
  }
  auto l = impl_->accepting;
  net::post(l->acceptor.get_executor(), [l] {
    beast::error_code ec;
    l->acceptor.close(ec);
    l->retry.cancel();
  });
  // Each close runs on its connection's strand, after any handler running there: once all have
  // run (and the WebSockets are gone), no connection calls the application again.
  auto left = std::make_shared<std::atomic<size_t>>(live.size());
  for (auto& s : live) {
    s->close_async([left] { left->fetch_sub(1); });
  }
  for (auto& closer : websockets) {
    closer();
  }
  live.clear();
  auto quiet = [&] {
    std::lock_guard<std::mutex> guard{c.sessions_mutex};
    return left->load() == 0 && c.websockets.empty();
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!quiet() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (!quiet()) {
    log().warn("connections still open 5s after stop()");
  }
  log().info("stopped listening on port {}", impl_->bound_port);
}

} // namespace lakoo::edge
