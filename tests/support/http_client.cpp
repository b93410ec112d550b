#include "tests/support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace lakoo::test {

namespace beast = boost::beast;
namespace http_ns = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

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
  try {
    net::io_context ioc;
    beast::tcp_stream stream{ioc};
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    stream.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port});
    http_ns::request<http_ns::string_body> req{http_ns::string_to_verb(method), target, 11};
    req.set(http_ns::field::host, "127.0.0.1");
    if (!bearer.empty()) {
      req.set(http_ns::field::authorization, "Bearer " + bearer);
    }
    for (const auto& [name, value] : headers) {
      req.set(name, value);
    }
    if (!body.empty() || method == "POST" || method == "PATCH") {
      req.set(http_ns::field::content_type, "application/json");
      req.body() = body;
      req.prepare_payload();
    }
    http_ns::write(stream, req);
    beast::flat_buffer buffer;
    http_ns::response_parser<http_ns::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http_ns::read(stream, buffer, parser);
    auto res = parser.release();
    out.status = static_cast<int>(res.result_int());
    out.body = res.body();
    for (const auto& f : res) {
      out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  } catch (const std::exception&) {
    out.status = 0;
  }
  return out;
}

std::string raw_exchange(uint16_t port, const std::string& bytes, int timeout_ms) {
  std::string got;
  try {
    net::io_context ioc;
    beast::tcp_stream stream{ioc};
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    stream.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port});
    net::write(stream, net::buffer(bytes));
    char buf[4096];
    for (;;) {
      beast::error_code ec;
      auto n = stream.read_some(net::buffer(buf), ec);
      got.append(buf, n);
      if (ec) {
        break;
      }
    }
  } catch (const std::exception&) {
  }
  return got;
}

} // namespace lakoo::test
