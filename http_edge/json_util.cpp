#include "http_edge/json_util.hpp"

#include <algorithm>
#include <limits>

#include <caf/error.hpp>
#include <caf/exit_reason.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>
#include <nlohmann/json.hpp>

#include "actors/protocol/errc.hpp"

namespace lakoo::edge {

using nlohmann::json;
using protocol::errc;

response json_response(int status, const json& body) {
  response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

response error_response(int status, std::string_view code, std::string_view message,
                        const json* details) {
  json err = {{"code", std::string{code}}, {"message", std::string{message}}};
  if (details != nullptr) {
    err["details"] = *details;
  }
  return json_response(status, json{{"error", std::move(err)}});
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

namespace {

/// Why `v` is not a string of `min_chars..max_chars` code points, or empty if it is one.
std::string string_problem(const json& v, std::size_t min_chars, std::size_t max_chars) {
  if (!v.is_string()) {
    return "must be a string";
  }
  auto n = utf8_length(v.get_ref<const std::string&>());
  if (!n) {
    return "must be valid UTF-8";
  }
  if (*n < min_chars) {
    return min_chars == 1 ? "must not be empty"
                          : "must be at least " + std::to_string(min_chars) + " characters";
  }
  if (*n > max_chars) {
    return "must be at most " + std::to_string(max_chars) + " characters";
  }
  return {};
}

} // namespace

validator::validator(const json& object, std::string prefix)
    : object_(&object),
      prefix_(std::move(prefix)) {
  if (!object.is_object()) {
    error_field_ = prefix_.empty() ? "body" : prefix_.substr(0, prefix_.size() - 1);
    error_message_ = error_field_ + " must be an object";
  }
}

void validator::fail(std::string_view field, std::string_view message) {
  if (!ok()) {
    return;
  }
  error_field_ = prefix_ + std::string{field};
  error_message_ = error_field_ + " " + std::string{message};
  if (error_field_.empty()) {
    error_field_ = "body";
  }
}

response validator::error() const {
  return field_error(error_field_, error_message_);
}

const json* validator::find(const char* field) const {
  if (!object_->is_object()) {
    return nullptr;
  }
  auto i = object_->find(field);
  if (i == object_->end() || i->is_null()) {
    return nullptr;
  }
  return &*i;
}

std::optional<std::string> validator::string_at(const char* field, std::size_t min_chars,
                                                std::size_t max_chars, bool required) {
  const auto* v = find(field);
  if (v == nullptr) {
    if (required) {
      fail(field, "is required");
    }
    return std::nullopt;
  }
  auto problem = string_problem(*v, min_chars, max_chars);
  if (!problem.empty()) {
    fail(field, problem);
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::string validator::required_string(const char* field, std::size_t max_chars,
                                       std::size_t min_chars) {
  return string_at(field, min_chars, max_chars, true).value_or(std::string{});
}

std::optional<std::string> validator::optional_string(const char* field, std::size_t max_chars) {
  return string_at(field, 0, max_chars, false);
}

std::optional<int64_t> validator::int_at(const char* field, int64_t min, int64_t max,
                                         bool required) {
  const auto* v = find(field);
  if (v == nullptr) {
    if (required) {
      fail(field, "is required");
    }
    return std::nullopt;
  }
  if (!v->is_number_integer()) {
    fail(field, "must be an integer");
    return std::nullopt;
  }
  if (v->is_number_unsigned()
      && v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    fail(field, "is out of range");
    return std::nullopt;
  }
  auto x = v->get<int64_t>();
  if (x < min || x > max) {
    fail(field, min == 1 && max == INT64_MAX
                  ? std::string{"must be positive"}
                  : "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return x;
}

int64_t validator::required_int(const char* field, int64_t min, int64_t max) {
  return int_at(field, min, max, true).value_or(0);
}

std::optional<int64_t> validator::optional_int(const char* field, int64_t min, int64_t max) {
  return int_at(field, min, max, false);
}

double validator::required_number(const char* field, double min, double max) {
  const auto* v = find(field);
  if (v == nullptr || !v->is_number()) {
    fail(field, v == nullptr ? "is required" : "must be a number");
    return 0;
  }
  auto x = v->get<double>();
  if (x < min || x > max) {
    fail(field, "must be between " + json(min).dump() + " and " + json(max).dump());
    return 0;
  }
  return x;
}

std::optional<bool> validator::optional_bool(const char* field) {
  const auto* v = find(field);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->is_boolean()) {
    fail(field, "must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

bool validator::required_bool(const char* field) {
  if (find(field) == nullptr) {
    fail(field, "is required");
    return false;
  }
  return optional_bool(field).value_or(false);
}

std::optional<std::vector<std::string>>
validator::optional_string_array(const char* field, std::size_t max_items, std::size_t max_chars) {
  const auto* v = array(field, false);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (v->size() > max_items) {
    fail(field, "must have at most " + std::to_string(max_items) + " items");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v->size(); ++i) {
    auto problem = string_problem((*v)[i], 1, max_chars);
    if (!problem.empty()) {
      fail(std::string{field} + "[" + std::to_string(i) + "]", problem);
      return std::nullopt;
    }
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

std::vector<std::string> validator::required_string_array(const char* field, std::size_t max_items,
                                                          std::size_t max_chars) {
  if (find(field) == nullptr) {
    fail(field, "is required");
    return {};
  }
  return optional_string_array(field, max_items, max_chars).value_or(std::vector<std::string>{});
}

std::optional<std::string> validator::optional_enum(const char* field,
                                                    const std::vector<std::string>& allowed) {
  auto s = string_at(field, 0, std::numeric_limits<std::size_t>::max(), false);
  if (s && std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) {
      list += (list.empty() ? "" : ", ") + a;
    }
    fail(field, "must be one of: " + list);
    return std::nullopt;
  }
  return s;
}

std::string validator::required_enum(const char* field, const std::vector<std::string>& allowed) {
  if (find(field) == nullptr) {
    fail(field, "is required");
    return {};
  }
  return optional_enum(field, allowed).value_or(std::string{});
}

const json* validator::object(const char* field, bool required) {
  const auto* v = find(field);
  if (v == nullptr || !v->is_object()) {
    if (required || v != nullptr) {
      fail(field, v == nullptr ? "is required" : "must be an object");
    }
    return nullptr;
  }
  return v;
}

const json* validator::array(const char* field, bool required) {
  const auto* v = find(field);
  if (v == nullptr || !v->is_array()) {
    if (required || v != nullptr) {
      fail(field, v == nullptr ? "is required" : "must be an array");
    }
    return nullptr;
  }
  return v;
}

} // namespace lakoo::edge
