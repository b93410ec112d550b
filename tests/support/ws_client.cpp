#include "tests/support/ws_client.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <sys/socket.h>

#include "tests/support/http_client.hpp"

namespace lakoo::test {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct ws_client::impl {
  net::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  mutable std::mutex mutex;
  std::condition_variable cv;
  std::vector<nlohmann::json> frames;
  bool closed = false;
  std::atomic<bool> stalled{false};
  /// The socket's descriptor, read once before the reader starts: `close()` shuts it down with
  /// a plain syscall, so the test thread never touches the Asio socket the reader is using.
  int fd = -1;
  std::thread reader;

  void read_loop() {
    for (;;) {
      while (stalled.load()) {
        std::unique_lock<std::mutex> lock{mutex};
        if (closed) {
          return;
        }
        cv.wait_for(lock, std::chrono::milliseconds(50));
      }
      beast::flat_buffer buf;
      beast::error_code ec;
      ws.read(buf, ec);
      std::lock_guard<std::mutex> guard{mutex};
      if (ec) {
        closed = true;
        cv.notify_all();
        return;
      }
      auto text = beast::buffers_to_string(buf.data());
      frames.push_back(nlohmann::json::parse(text, nullptr, false));
      cv.notify_all();
    }
  }
};

ws_client::ws_client(uint16_t port, const std::string& target, const std::string& bearer,
                     bool tiny_window)
    : impl_(std::make_unique<impl>()) {
  tcp::endpoint ep{net::ip::make_address("127.0.0.1"), port};
  auto& sock = impl_->ws.next_layer();
  sock.open(tcp::v4());
  if (tiny_window) {
    // Before connect, so the window advertised in the handshake is small too.
    sock.set_option(net::socket_base::receive_buffer_size(4096));
  }
  sock.connect(ep);
  impl_->ws.set_option(websocket::stream_base::decorator([bearer](websocket::request_type& req) {
    if (!bearer.empty()) {
      req.set(beast::http::field::authorization, "Bearer " + bearer);
    }
  }));
  websocket::response_type res;
  beast::error_code ec;
  impl_->ws.handshake(res, "127.0.0.1:" + std::to_string(port), target, ec);
  // A declined upgrade's status is not kept by Beast: recorded as 0 (tests that check a refusal
  // of an upgrade use raw_exchange, which records the real status).
  record_call_line("GET " + target.substr(0, target.find('?')) + " " + (ec ? "0" : "101"));
  if (ec) {
    throw std::runtime_error("websocket upgrade failed: " + ec.message() + " (HTTP "
                             + std::to_string(res.result_int()) + ")");
  }
  impl_->fd = impl_->ws.next_layer().native_handle();
  impl_->reader = std::thread([i = impl_.get()] { i->read_loop(); });
}

ws_client::~ws_client() {
  close();
}

nlohmann::json ws_client::wait_for(const std::function<bool(const nlohmann::json&)>& pred,
                                   std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock{impl_->mutex};
  nlohmann::json found;
  impl_->cv.wait_for(lock, timeout, [&] {
    for (const auto& f : impl_->frames) {
      if (pred(f)) {
        found = f;
        return true;
      }
    }
    return false;
  });
  return found;
}

bool ws_client::wait_ready(std::chrono::milliseconds timeout) {
  return wait_for(
           [](const nlohmann::json& f) { return f.is_object() && f.value("type", "") == "ready"; },
           timeout)
    .is_object();
}

std::vector<nlohmann::json> ws_client::frames() const {
  std::lock_guard<std::mutex> guard{impl_->mutex};
  return impl_->frames;
}

bool ws_client::closed() const {
  std::lock_guard<std::mutex> guard{impl_->mutex};
  return impl_->closed;
}

bool ws_client::wait_closed(std::chrono::milliseconds timeout) {
  impl_->stalled = false; // read what is buffered, up to the end of the stream
  std::unique_lock<std::mutex> lock{impl_->mutex};
  return impl_->cv.wait_for(lock, timeout, [&] { return impl_->closed; });
}

void ws_client::stall() {
  impl_->stalled = true;
}

void ws_client::close() {
  if (!impl_ || !impl_->reader.joinable()) {
    return;
  }
  // The reader may be blocked in `ws.read`: end its read with shutdown(2) on the descriptor,
  // let it finish, and only then close the Asio socket (no concurrent use of the object).
  ::shutdown(impl_->fd, SHUT_RDWR);
  impl_->stalled = false;
  {
    std::lock_guard<std::mutex> guard{impl_->mutex};
    impl_->closed = true;
    impl_->cv.notify_all();
  }
  impl_->reader.join();
  beast::error_code ec;
  impl_->ws.next_layer().close(ec);
}

} // namespace lakoo::test
