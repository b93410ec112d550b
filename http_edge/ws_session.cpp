#include "http_edge/ws_session.hpp"

#include <atomic>
#include <deque>
#include <memory>
#include <string>

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "actors/runtime/metrics.hpp"
#include "http_edge/json_util.hpp"
#include "http_edge/log.hpp"

namespace lakoo::edge::detail {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;

runtime::gauge& open_sockets() {
  static auto& g = runtime::metrics::global().gauge_of("lakoo_ws_connections");
  return g;
}

runtime::counter& dropped_slow() {
  static auto& c
    = runtime::metrics::global().counter_of("lakoo_ws_dropped_total", "reason=\"slow_client\"");
  return c;
}

/// One WebSocket connection. Reads and writes run on the stream's strand; `send` and `close`
/// hop onto it from any thread.
///
///   handshake -> open (read loop + write queue) -> gone (socket closed, `closed` + `gone` once)
class ws_session : public ws_link, public std::enable_shared_from_this<ws_session> {
public:
  ws_session(beast::tcp_stream stream, http::request<http::string_body> req, upgrade_decision d,
             const edge_settings& settings, uint64_t id, std::function<void()> gone)
      : ws_(std::move(stream)),
        req_(std::move(req)),
        d_(std::move(d)),
        limit_(settings.ws_queue_limit),
        send_buffer_(settings.ws_send_buffer),
        idle_(settings.ws_idle_timeout),
        id_(id),
        gone_(std::move(gone)) {}

  void start() {
    beast::get_lowest_layer(ws_).expires_never(); // the websocket timeouts take over
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().set_option(
      net::socket_base::send_buffer_size(send_buffer_), ec);
    websocket::stream_base::timeout t;
    t.handshake_timeout = std::chrono::seconds(10);
    t.idle_timeout = idle_;
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "lakoo"); }));
    ws_.read_message_max(64 * 1024);
    ws_.async_accept(req_, beast::bind_front_handler(&ws_session::on_accept, shared_from_this()));
  }

  bool send(std::string text) override {
    if (closed_.load()) {
      return false;
    }
    if (queued_.fetch_add(1) >= limit_) {
      queued_.fetch_sub(1);
      dropped_slow().add();
      log().info("[ws {}] client too slow ({} frames queued): dropping it", id_, limit_);
      close();
      return false;
    }
    net::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      if (self->closed_.load()) {
        return;
      }
      self->queue_.push_back(std::move(text));
      if (!self->writing_) {
        self->write_next();
      }
    });
    return true;
  }

  void close() override {
    net::post(ws_.get_executor(), [self = shared_from_this()] { self->finish(); });
  }

  uint64_t id() const override { return id_; }

private:
  void on_accept(beast::error_code ec) {
    if (ec) {
      log().debug("[ws {}] handshake failed: {}", id_, ec.message());
      return finish();
    }
    open_ = true;
    open_sockets().add(1);
    d_.opened(shared_from_this());
    do_read();
  }

  void do_read() {
    ws_.async_read(in_, beast::bind_front_handler(&ws_session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      if (ec != websocket::error::closed && ec != net::error::operation_aborted) {
        log().debug("[ws {}] read: {}", id_, ec.message());
      }
      return finish();
    }
    in_.consume(in_.size()); // clients have nothing to say yet; pongs are handled by Beast
    do_read();
  }

  void write_next() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front()),
                    beast::bind_front_handler(&ws_session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) {
      return finish();
    }
    queue_.pop_front();
    queued_.fetch_sub(1);
    if (!queue_.empty() && !closed_.load()) {
      write_next();
    }
  }

  void finish() {
    if (closed_.exchange(true)) {
      return;
    }
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).close();
    if (open_) {
      open_sockets().add(-1);
      if (d_.closed) {
        d_.closed(id_);
      }
    }
    if (gone_) {
      gone_();
    }
  }

  websocket::stream<beast::tcp_stream> ws_;
  http::request<http::string_body> req_;
  upgrade_decision d_;
  std::size_t limit_;
  int send_buffer_;
  std::chrono::seconds idle_;
  uint64_t id_;
  std::function<void()> gone_;
  beast::flat_buffer in_;
  std::deque<std::string> queue_; ///< on the strand; front is being written
  std::atomic<std::size_t> queued_{0};
  std::atomic<bool> closed_{false};
  bool writing_ = false;
  bool open_ = false;
};

/// Whether an upgrade request has what RFC 6455 requires (Beast's handshake checks it too, but
/// answering 400 in our error shape is kinder than a bare failure).
bool is_valid_upgrade(const http::request<http::string_body>& msg) {
  return msg.method() == http::verb::get && msg.version() >= 11
         && !msg[http::field::sec_websocket_key].empty()
         && msg[http::field::sec_websocket_version] == "13";
}

} // namespace

upgrade_decision decide_upgrade(const upgrade_handler& decide, request& req,
                                const http::request<http::string_body>& msg, uint64_t conn_id) {
  upgrade_decision d;
  try {
    d = decide(req);
  } catch (const std::exception& e) {
    log().error("[conn {}] [req {}] upgrade handler threw: {}", conn_id, req.request_id, e.what());
    return {error_response(500, "internal", "internal error"), {}, {}};
  }
  if (d.opened && !is_valid_upgrade(msg)) {
    return {error_response(400, "invalid_request", "not a valid WebSocket upgrade"), {}, {}};
  }
  return d;
}

std::function<void()> run_ws(beast::tcp_stream stream, http::request<http::string_body> req,
                             upgrade_decision d, const edge_settings& settings, uint64_t id,
                             std::function<void()> gone) {
  auto s = std::make_shared<ws_session>(std::move(stream), std::move(req), std::move(d), settings,
                                        id, std::move(gone));
  s->start();
  std::weak_ptr<ws_session> weak = s;
  return [weak] {
    if (auto live = weak.lock()) {
      live->close();
    }
  };
}

} // namespace lakoo::edge::detail
