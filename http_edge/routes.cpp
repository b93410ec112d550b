#include "http_edge/routes.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "http_edge/http_metrics.hpp"
#include "http_edge/json_util.hpp"
#include "http_edge/log.hpp"

namespace lakoo::edge {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

/// Splits "/a/b" into {"a","b"}; "/" into {}. False if `path` does not start with '/'.
bool split_path(std::string_view path, std::vector<std::string_view>& out) {
  if (path.empty() || path.front() != '/') {
    return false;
  }
  path.remove_prefix(1);
  if (path.empty()) {
    return true;
  }
  for (;;) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) {
      return true;
    }
    path.remove_prefix(slash + 1);
  }
}

bool is_capture(std::string_view seg) {
  return seg.size() >= 3 && seg.front() == '{' && seg.back() == '}';
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The method labels for which per-shape and unmatched series exist (see `method_label`).
constexpr std::array<const char*, 8> method_labels
  = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "OTHER"};

std::size_t method_index(const std::string& method) {
  auto label = method_label(method);
  for (std::size_t i = 0; i < method_labels.size(); ++i) {
    if (label == method_labels[i]) {
      return i;
    }
  }
  return method_labels.size() - 1;
}

using metrics_by_method = std::array<std::shared_ptr<route_metrics>, method_labels.size()>;

metrics_by_method make_metrics(const std::string& route) {
  metrics_by_method out;
  for (std::size_t i = 0; i < method_labels.size(); ++i) {
    out[i] = std::make_shared<route_metrics>(route, method_labels[i]);
  }
  return out;
}

} // namespace

std::optional<std::string> url_decode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) {
        return std::nullopt;
      }
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) {
        return std::nullopt;
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

/// One method on one shape.
struct route_table::route {
  std::string method;
  std::string pattern;
  std::vector<std::string> names; // per segment: capture name, or empty for a literal
  route_handler handler;
  std::shared_ptr<route_metrics> metrics;
};

/// All routes whose templates have the same shape (literals equal, captures anywhere named).
struct route_table::shape {
  std::vector<std::string> literals; // per segment: the literal, or empty for a capture
  std::vector<route> routes;
  metrics_by_method misses; // 405s, labelled with the first template registered
};

route_table::route_table() = default;
route_table::~route_table() = default;
route_table::route_table(route_table&&) noexcept = default;
route_table& route_table::operator=(route_table&&) noexcept = default;

void route_table::add(std::string method, std::string pattern, route_handler h) {
  std::vector<std::string_view> segs;
  if (method.empty() || !h || !split_path(pattern, segs)) {
    throw std::invalid_argument("route_table: bad route " + method + " " + pattern);
  }
  route r{method, pattern, {}, std::move(h), nullptr};
  std::vector<std::string> literals;
  for (auto seg : segs) {
    if (is_capture(seg)) {
      auto name = seg.substr(1, seg.size() - 2);
      if (!std::all_of(name.begin(), name.end(), is_name_char)) {
        throw std::invalid_argument("route_table: bad capture in " + pattern);
      }
      r.names.emplace_back(name);
      literals.emplace_back();
    } else if (seg.empty() || seg.find_first_of("{}") != std::string_view::npos) {
      throw std::invalid_argument("route_table: bad segment in " + pattern);
    } else {
      r.names.emplace_back();
      literals.emplace_back(seg);
    }
  }
  r.metrics = std::make_shared<route_metrics>(pattern, method_label(method));
  auto i = std::find_if(shapes_.begin(), shapes_.end(),
                        [&](const auto& s) { return s->literals == literals; });
  if (i == shapes_.end()) {
    auto s = std::make_unique<shape>();
    s->literals = std::move(literals);
    s->misses = make_metrics(pattern);
    shapes_.push_back(std::move(s));
    i = shapes_.end() - 1;
  }
  auto& sh = **i;
  for (const auto& existing : sh.routes) {
    if (existing.method == method) {
      throw std::invalid_argument("route_table: duplicate route " + method + " " + pattern);
    }
  }
  publish_route(method, pattern);
  sh.routes.push_back(std::move(r));
  // Most specific first: shorter paths first, then segment by segment a literal beats a capture.
  std::stable_sort(shapes_.begin(), shapes_.end(), [](const auto& a, const auto& b) {
    if (a->literals.size() != b->literals.size()) {
      return a->literals.size() < b->literals.size();
    }
    for (std::size_t k = 0; k < a->literals.size(); ++k) {
      bool a_lit = !a->literals[k].empty();
      bool b_lit = !b->literals[k].empty();
      if (a_lit != b_lit) {
        return a_lit;
      }
    }
    return false;
  });
}

bool route_table::matches(const shape& s, const std::vector<std::string_view>& segs) {
  if (s.literals.size() != segs.size()) {
    return false;
  }
  for (std::size_t k = 0; k < segs.size(); ++k) {
    if (s.literals[k].empty()) {
      auto v = url_decode(segs[k]);
      if (!v || v->empty()) {
        return false;
      }
    } else if (s.literals[k] != segs[k]) {
      return false;
    }
  }
  return true;
}

void route_table::dispatch(request&& req, responder res) const {
  static const metrics_by_method unmatched = make_metrics("unmatched");
  const std::string method = req.method;
  const std::string rid = req.request_id;
  std::vector<std::string_view> segs;
  std::vector<const shape*> matched;
  if (split_path(req.path, segs)) {
    for (const auto& s : shapes_) {
      if (matches(*s, segs)) {
        matched.push_back(s.get());
      }
    }
  }
  for (const auto* s : matched) {
    auto r = std::find_if(s->routes.begin(), s->routes.end(),
                          [&](const route& x) { return x.method == method; });
    if (r == s->routes.end()) {
      continue;
    }
    params p;
    for (std::size_t k = 0; k < segs.size(); ++k) {
      if (!r->names[k].empty()) {
        p.emplace(r->names[k], url_decode(segs[k]).value_or(std::string{}));
      }
    }
    auto wrapped = instrument(std::move(res), r->metrics, method, req.path, rid);
    try {
      r->handler(std::move(req), std::move(p), wrapped);
    } catch (const std::exception& e) {
      log().error("[req {}] {} {} threw: {}", rid, method, r->pattern, e.what());
      wrapped(error_response(500, "internal", "internal error"));
    } catch (...) {
      log().error("[req {}] {} {} threw", rid, method, r->pattern);
      wrapped(error_response(500, "internal", "internal error"));
    }
    return;
  }
  auto idx = method_index(method);
  if (!matched.empty()) {
    std::vector<std::string> allowed;
    for (const auto* s : matched) {
      for (const auto& r : s->routes) {
        if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end()) {
          allowed.push_back(r.method);
        }
      }
    }
    std::string allow;
    for (const auto& m : allowed) {
      allow += (allow.empty() ? "" : ", ") + m;
    }
    auto wrapped = instrument(std::move(res), matched.front()->misses[idx], method, req.path, rid);
    auto r = error_response(405, "method_not_allowed", "this method is not allowed on this route");
    r.headers.emplace_back("Allow", std::move(allow));
    return wrapped(std::move(r));
  }
  auto wrapped = instrument(std::move(res), unmatched[idx], method, req.path, rid);
  wrapped(error_response(404, "not_found", "no such route"));
}

std::string hex_id(uint64_t x) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), digits[x & 0xf]);
    x >>= 4;
  } while (x != 0);
  return out;
}

bool is_sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
           || c == '-';
  });
}

std::map<std::string, std::string> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    auto eq = pair.find('=');
    auto key = pair.substr(0, eq);
    auto value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    auto k = url_decode(key, true);
    auto v = url_decode(value, true);
    out[k ? *k : std::string{key}] = v ? *v : std::string{value};
  }
  return out;
}

} // namespace lakoo::edge
