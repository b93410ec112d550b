#include "tests/support/http_client.hpp"

#include <cstdlib>
#include <functional>
#include <mutex>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fcntl.h>
#include <unistd.h>

namespace lakoo::test {

namespace beast = boost::beast;
namespace http_ns = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::mutex record_mutex;
int record_fd = -1;

} // namespace

void record_calls_to(const std::string& path) {
  std::lock_guard<std::mutex> guard{record_mutex};
  if (record_fd >= 0) {
    ::close(record_fd);
  }
  record_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

void record_call_line(const std::string& line) {
  std::lock_guard<std::mutex> guard{record_mutex};
  if (record_fd < 0) {
    return;
  }
  auto text = line + "\n";
  // One write per line with O_APPEND: lines of concurrent writers never interleave.
  [[maybe_unused]] auto n = ::write(record_fd, text.data(), text.size());
}

namespace {

void record(const std::string& method, const std::string& target, int status) {
  auto path = target.substr(0, target.find('?'));
  record_call_line(method + " " + path + " " + std::to_string(status));
}

void fill_request(http_ns::request<http_ns::string_body>& req, const std::string& body,
                  const std::string& bearer,
                  const std::vector<std::pair<std::string, std::string>>& headers) {
  req.set(http_ns::field::host, "127.0.0.1");
  if (!bearer.empty()) {
    req.set(http_ns::field::authorization, "Bearer " + bearer);
  }
  for (const auto& [name, value] : headers) {
    req.set(name, value);
  }
  auto method = req.method();
  if (!body.empty() || method == http_ns::verb::post || method == http_ns::verb::patch
      || method == http_ns::verb::put) {
    req.set(http_ns::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
  }
}

void fill_result(http_result& out, http_ns::response<http_ns::string_body>&& res) {
  out.status = static_cast<int>(res.result_int());
  out.body = std::move(res.body());
  for (const auto& f : res) {
    out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  }
}

using request_type = http_ns::request<http_ns::string_body>;
using parser_type = http_ns::response_parser<http_ns::string_body>;

/// Runs `start` (which chains asynchronous operations on `ioc`) to completion. Beast's stream
/// deadlines (`expires_after`) only apply to asynchronous operations: a synchronous read from a
/// node that is paused (SIGSTOP: the kernel accepted the connection, nobody answers) would wait
/// for as long as the node sleeps, whatever timeout was asked for.
template <class Start>
void run_async(net::io_context& ioc, Start start) {
  ioc.restart();
  start();
  ioc.run();
}

/// Connects (if `to` is given), writes `req` and reads the answer into `parser`, all within the
/// deadline already set on `stream`. The error, if any.
beast::error_code exchange(net::io_context& ioc, beast::tcp_stream& stream,
                           beast::flat_buffer& buffer, request_type& req, parser_type& parser,
                           const tcp::endpoint* to) {
  beast::error_code result;
  auto read = [&] {
    http_ns::async_read(stream, buffer, parser,
                        [&](beast::error_code ec, std::size_t) { result = ec; });
  };
  auto write = [&] {
    http_ns::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        result = ec;
        return;
      }
      read();
    });
  };
  run_async(ioc, [&] {
    if (to == nullptr) {
      return write();
    }
    stream.async_connect(*to, [&](beast::error_code ec) {
      if (ec) {
        result = ec;
        return;
      }
      write();
    });
  });
  return result;
}

tcp::endpoint loopback(uint16_t port) {
  return tcp::endpoint{net::ip::make_address("127.0.0.1"), port};
}

} // namespace

std::string http_result::describe() const {
  constexpr size_t cut = 500;
  return method + " " + target + " -> " + std::to_string(status) + " "
         + (body.size() > cut ? body.substr(0, cut) + "..." : body);
}

nlohmann::json http_result::json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

std::string http_result::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (beast::iequals(k, name)) {
      return v;
    }
  }
  return {};
}

std::string http_result::error_code() const {
  auto j = json();
  if (j.is_object() && j.contains("error") && j["error"].contains("code")) {
    return j["error"]["code"].get<std::string>();
  }
  return {};
}

std::string http_result::error_field() const {
  auto j = json();
  if (j.is_object() && j.contains("error") && j["error"].contains("details")
      && j["error"]["details"].contains("field")) {
    return j["error"]["details"]["field"].get<std::string>();
  }
  return {};
}

http_result http(uint16_t port, const std::string& method, const std::string& target,
                 const std::string& body, const std::string& bearer, int timeout_ms) {
  return http_with_headers(port, method, target, body, bearer, {}, timeout_ms);
}

http_result http_with_headers(uint16_t port, const std::string& method, const std::string& target,
                              const std::string& body, const std::string& bearer,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              int timeout_ms) {
  http_result out;
  out.method = method;
  out.target = target;
  try {
    net::io_context ioc;
    beast::tcp_stream stream{ioc};
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    request_type req{http_ns::string_to_verb(method), target, 11};
    fill_request(req, body, bearer, headers);
    beast::flat_buffer buffer;
    parser_type parser;
    parser.body_limit(64 * 1024 * 1024);
    auto to = loopback(port);
    if (!exchange(ioc, stream, buffer, req, parser, &to)) {
      fill_result(out, parser.release());
    }
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  } catch (const std::exception&) {
    out.status = 0;
  }
  record(method, target, out.status);
  return out;
}

struct http_connection::impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  int timeout_ms = 15000;
  bool broken = false;
};

http_connection::http_connection(uint16_t port, int timeout_ms) : impl_(std::make_unique<impl>()) {
  impl_->timeout_ms = timeout_ms;
  impl_->stream.expires_after(std::chrono::milliseconds(timeout_ms));
  beast::error_code ec;
  run_async(impl_->ioc, [&] {
    impl_->stream.async_connect(loopback(port), [&](beast::error_code e) { ec = e; });
  });
  if (ec) {
    throw std::runtime_error("cannot connect to port " + std::to_string(port) + ": "
                             + ec.message());
  }
}

http_connection::~http_connection() {
  if (impl_) {
    beast::error_code ec;
    impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }
}

http_connection::http_connection(http_connection&&) noexcept = default;
http_connection& http_connection::operator=(http_connection&&) noexcept = default;

http_result
http_connection::request(const std::string& method, const std::string& target,
                         const std::string& body, const std::string& bearer,
                         const std::vector<std::pair<std::string, std::string>>& headers) {
  http_result out;
  out.method = method;
  out.target = target;
  if (!impl_->broken) {
    try {
      impl_->stream.expires_after(std::chrono::milliseconds(impl_->timeout_ms));
      request_type req{http_ns::string_to_verb(method), target, 11};
      fill_request(req, body, bearer, headers);
      parser_type parser;
      parser.body_limit(64 * 1024 * 1024);
      if (exchange(impl_->ioc, impl_->stream, impl_->buffer, req, parser, nullptr)) {
        impl_->broken = true;
      } else {
        fill_result(out, parser.release());
      }
    } catch (const std::exception&) {
      impl_->broken = true;
      out.status = 0;
    }
  }
  record(method, target, out.status);
  return out;
}

std::string raw_exchange(uint16_t port, const std::string& bytes, int timeout_ms) {
  std::string got;
  // Recorded like the other calls when it is an HTTP request and an HTTP answer came back.
  struct recorder {
    const std::string& bytes;
    const std::string& got;
    ~recorder() {
      auto sp1 = bytes.find(' ');
      auto sp2 = sp1 == std::string::npos ? sp1 : bytes.find(' ', sp1 + 1);
      if (sp2 == std::string::npos || got.rfind("HTTP/1.", 0) != 0 || got.size() < 12) {
        return;
      }
      auto status = std::atoi(got.substr(9, 3).c_str());
      if (status > 0) {
        record(bytes.substr(0, sp1), bytes.substr(sp1 + 1, sp2 - sp1 - 1), status);
      }
    }
  } on_exit{bytes, got};
  try {
    net::io_context ioc;
    beast::tcp_stream stream{ioc};
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    char buf[4096];
    std::function<void()> read_more = [&] {
      stream.async_read_some(net::buffer(buf), [&](beast::error_code ec, std::size_t n) {
        got.append(buf, n);
        if (!ec) {
          read_more();
        }
      });
    };
    run_async(ioc, [&] {
      stream.async_connect(loopback(port), [&](beast::error_code ec) {
        if (ec) {
          return;
        }
        net::async_write(stream, net::buffer(bytes), [&](beast::error_code e, std::size_t) {
          if (!e) {
            read_more();
          }
        });
      });
    });
  } catch (const std::exception&) {
  }
  return got;
}

} // namespace lakoo::test
