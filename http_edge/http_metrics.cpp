#include "http_edge/http_metrics.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <mutex>

#include <spdlog/spdlog.h>

#include "actors/runtime/metrics.hpp"
#include "http_edge/log.hpp"

namespace lakoo::edge {

namespace {

const char* requests_family = "lakoo_http_requests_total";
const char* seconds_family = "lakoo_http_request_seconds";

std::string escape_label(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void describe_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto& m = runtime::metrics::global();
    m.describe(requests_family, "counter", "HTTP requests answered, by route template and status");
    m.describe(seconds_family, "histogram", "HTTP request latency from routing to answer");
    m.describe("lakoo_http_route_info", "gauge", "Routes this node serves (always 1)");
  });
}

} // namespace

void publish_route(const std::string& method, const std::string& pattern) {
  describe_once();
  runtime::metrics::global()
    .gauge_of("lakoo_http_route_info",
              "route=\"" + escape_label(pattern) + "\",method=\"" + escape_label(method) + "\"")
    .set(1);
}

struct route_metrics::series {
  std::atomic<runtime::histogram*> latency{nullptr};
  std::array<std::atomic<runtime::counter*>, 500> by_status{}; // statuses 100..599
};

route_metrics::route_metrics(std::string route, std::string method)
    : route_(std::move(route)),
      labels_("route=\"" + escape_label(route_) + "\",method=\"" + escape_label(method) + "\""),
      series_(std::make_unique<series>()) {
  describe_once();
}

route_metrics::~route_metrics() = default;

void route_metrics::record(int status, double seconds) {
  auto& m = runtime::metrics::global();
  // Lookups race harmlessly: `metrics` hands out the same series for the same labels.
  auto* h = series_->latency.load(std::memory_order_acquire);
  if (h == nullptr) {
    h = &m.histogram_of(seconds_family, labels_, runtime::histogram::latency_bounds());
    series_->latency.store(h, std::memory_order_release);
  }
  h->observe(seconds);
  if (status < 100 || status > 599) {
    status = 500;
  }
  auto& slot = series_->by_status[static_cast<std::size_t>(status - 100)];
  auto* c = slot.load(std::memory_order_acquire);
  if (c == nullptr) {
    c = &m.counter_of(requests_family, labels_ + ",status=\"" + std::to_string(status) + "\"");
    slot.store(c, std::memory_order_release);
  }
  c->add();
}

std::string method_label(const std::string& method) {
  static const char* known[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
  for (const char* k : known) {
    if (method == k) {
      return method;
    }
  }
  return "OTHER";
}

namespace {

struct instrumented {
  ~instrumented() {
    // Dropped unanswered: the server answers 500 when `inner` goes; count it as such.
    if (!done.load() && metrics) {
      metrics->record(
        500, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  }
  responder inner;
  std::shared_ptr<route_metrics> metrics;
  std::string method;
  std::string path;
  std::string request_id;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::atomic<bool> done{false};
};

} // namespace

responder instrument(responder res, std::shared_ptr<route_metrics> m, std::string method,
                     std::string path, std::string request_id) {
  auto st = std::make_shared<instrumented>();
  st->inner = std::move(res);
  st->metrics = std::move(m);
  st->method = std::move(method);
  st->path = std::move(path);
  st->request_id = std::move(request_id);
  return [st](response r) {
    if (st->done.exchange(true)) {
      return;
    }
    auto seconds
      = std::chrono::duration<double>(std::chrono::steady_clock::now() - st->start).count();
    st->metrics->record(r.status, seconds);
    if (log().should_log(spdlog::level::debug)) {
      log().debug("[req {}] {} {} -> {} {:.1f}ms", st->request_id, st->method, st->path, r.status,
                  seconds * 1000.0);
    }
    st->inner(std::move(r));
  };
}

} // namespace lakoo::edge
