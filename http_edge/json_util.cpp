#include "http_edge/json_util.hpp"

#include <algorithm>
#include <limits>

#include <caf/error.hpp>
#include <caf/exit_reason.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>
#include <nlohmann/json.hpp>

#include "actors/protocol/errc.hpp"
#include "http_edge/log.hpp"

namespace lakoo::edge {

using nlohmann::json;
using protocol::errc;

response json_response(int status, const json& body) {
  response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

response json_response_later(int status, std::function<json()> make) {
  response r;
  r.status = status;
  r.render = [make = std::move(make)] {
    return make().dump(-1, ' ', false, json::error_handler_t::replace);
  };
  return r;
}

void render_body(response& r) {
  if (!r.render) {
    return;
  }
  try {
    r.body = r.render();
  } catch (const std::exception& e) {
    log().error("rendering an answer failed: {}", e.what());
    r = error_response(500, "internal", "internal error");
  }
  r.render = nullptr;
}

response error_response(int status, std::string_view code, std::string_view message,
                        const json* details) {
  json err = {{"code", std::string{code}}, {"message", std::string{message}}};
  if (details != nullptr) {
    err["details"] = *details;
  }
  auto out = json_response(status, json{{"error", std::move(err)}});
  if (status == 503 || status == 429) {
    // Transient: tell clients when to retry (RFC 9110 10.2.3), as Stripe and GitHub do.
    out.headers.emplace_back("Retry-After", "1");
  }
  return out;
}

response field_error(std::string_view field, std::string_view message) {
  json details = {{"field", std::string{field}}};
  return error_response(400, "invalid_request", message, &details);
}

// -- caf::error -> HTTP -------------------------------------------------------

namespace {

int status_of(errc x) {
  switch (x) {
    case errc::invalid_request:
      return 400;
    case errc::unauthorized:
      return 401;
    case errc::forbidden:
      return 403;
    case errc::not_found:
      return 404;
    case errc::conflict:
      return 409;
    case errc::out_of_stock:
      return 409;
    case errc::unavailable:
      return 503;
    case errc::internal:
      return 500;
    case errc::stale_version:
      return 503;
    case errc::rate_limited:
      return 429;
  }
  return 500; // a code from a newer node
}

bool is_connectivity(caf::sec x) {
  switch (x) {
    case caf::sec::request_timeout:
    case caf::sec::request_receiver_down:
    case caf::sec::disconnect_during_handshake:
    case caf::sec::cannot_forward_to_invalid_actor:
    case caf::sec::no_route_to_receiving_node:
    case caf::sec::cannot_connect_to_node:
    case caf::sec::network_syscall_failed:
    case caf::sec::remote_linking_failed:
    case caf::sec::socket_disconnected:
    case caf::sec::unavailable_or_would_block:
    case caf::sec::remote_lookup_failed:
    case caf::sec::connection_timeout:
      return true;
    default:
      return false;
  }
}

bool is_connectivity(caf::exit_reason x) {
  return x == caf::exit_reason::remote_link_unreachable || x == caf::exit_reason::unreachable
         || x == caf::exit_reason::user_shutdown || x == caf::exit_reason::out_of_workers;
}

const char* generic_message(int status) {
  switch (status) {
    case 400:
      return "invalid request";
    case 401:
      return "authentication required";
    case 403:
      return "forbidden";
    case 404:
      return "not found";
    case 409:
      return "conflict";
    case 429:
      return "too many requests, slow down";
    case 503:
      return "the service is temporarily unavailable, try again";
    default:
      return "internal error";
  }
}

} // namespace

int to_http_status(const caf::error& err) {
  if (!err) {
    return 500;
  }
  if (err.category() == caf::atom("lakoo")) {
    return status_of(static_cast<errc>(err.code()));
  }
  if (err.category() == caf::atom("system")) {
    return is_connectivity(static_cast<caf::sec>(err.code())) ? 503 : 500;
  }
  if (err.category() == caf::atom("exit")) {
    return is_connectivity(static_cast<caf::exit_reason>(err.code())) ? 503 : 500;
  }
  return 500;
}

response error_from(errc code, std::string_view message) {
  return error_response(status_of(code), protocol::to_code(code), message);
}

response error_from(const caf::error& err) {
  int status = to_http_status(err);
  if (!err || err.category() != caf::atom("lakoo")) {
    return error_response(status, status == 503 ? "unavailable" : "internal",
                          generic_message(status));
  }
  auto x = static_cast<errc>(err.code());
  std::string code = protocol::to_code(x);
  const auto& ctx = err.context();
  if (ctx.match_elements<std::string>()) {
    return error_response(status, code, ctx.get_as<std::string>(0));
  }
  if (ctx.match_elements<std::string, std::string>()) {
    if (x == errc::invalid_request) {
      json details = {{"field", ctx.get_as<std::string>(0)}};
      return error_response(status, code, ctx.get_as<std::string>(1), &details);
    }
    return error_response(status, code, ctx.get_as<std::string>(1));
  }
  if (ctx.match_elements<std::string, std::vector<std::string>>()) {
    if (x == errc::out_of_stock) {
      json details = {{"skus", ctx.get_as<std::vector<std::string>>(1)}};
      return error_response(status, code, ctx.get_as<std::string>(0), &details);
    }
    return error_response(status, code, ctx.get_as<std::string>(0));
  }
  return error_response(status, code,
                        x == errc::out_of_stock ? "out of stock" : generic_message(status));
}

// -- request helpers ----------------------------------------------------------

std::optional<json> parse_object(const request& req, response& err) {
  auto j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    err = field_error("body", req.body.empty() ? "a JSON object body is required"
                                               : "the body must be a JSON object");
    return std::nullopt;
  }
  return j;
}

std::optional<int> parse_limit(const request& req, response& err) {
  auto i = req.query.find("limit");
  if (i == req.query.end()) {
    return 20;
  }
  const auto& s = i->second;
  bool digits = !s.empty() && s.size() <= 3
                && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  int n = digits ? std::stoi(s) : 0;
  if (n < 1 || n > 100) {
    err = field_error("limit", "limit must be an integer from 1 to 100");
    return std::nullopt;
  }
  return n;
}

bool is_valid_email(std::string_view s) {
  if (s.size() > max_email_chars) {
    return false;
  }
  auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  auto domain = s.substr(at + 1);
  auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') {
    return false;
  }
  return std::none_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

std::string lower_ascii(std::string s) {
  for (auto& c : s) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return s;
}

std::optional<std::size_t> utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) {
    auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80           ? 1
                      : (b >> 5) == 0x6  ? 2
                      : (b >> 4) == 0xe  ? 3
                      : (b >> 3) == 0x1e ? 4
                                         : 0;
    if (len == 0 || i + len > s.size()) {
      return std::nullopt;
    }
    uint32_t cp = len == 1 ? b : b & (0x7f >> len);
    for (std::size_t k = 1; k < len; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xc0) != 0x80) {
        return std::nullopt;
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    static const uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return std::nullopt;
    }
    i += len;
  }
  return n;
}

// -- validator ------------------------------------------------------------------

} // namespace lakoo::edge
