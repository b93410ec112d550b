#pragma once

#include <memory>
#include <string>

#include "http_edge/server.hpp"

namespace lakoo::edge {

/// The series of one `(route, method)`: `lakoo_http_requests_total{route,method,status}` and
/// `lakoo_http_request_seconds{route,method}`. Made once (at route registration); each series
/// is created on its first observation, then recorded from any thread without locks.
class route_metrics {
public:
  route_metrics(std::string route, std::string method);
  ~route_metrics();

  void record(int status, double seconds);

  const std::string& route() const { return route_; }

private:
  std::string route_;
  std::string labels_; // route="...",method="..."
  struct series;
  std::unique_ptr<series> series_;
};

/// Publishes `lakoo_http_route_info{route,method} 1` for a route the node serves (route table
/// entries and the WebSocket upgrades), so operators and the route-coverage test can read the
/// table the running binary really has.
void publish_route(const std::string& method, const std::string& pattern);

/// Maps a request method to a bounded label value: the usual verbs as sent, else "OTHER".
std::string method_label(const std::string& method);

/// Wraps `res` so its first call records `m` (status, latency since now) and logs
/// `[req <id>] GET /path -> 200 1.2ms` at debug, then forwards; later calls are ignored.
/// `path` must not carry the query (it may hold a token).
responder instrument(responder res, std::shared_ptr<route_metrics> m, std::string method,
                     std::string path, std::string request_id);

} // namespace lakoo::edge
