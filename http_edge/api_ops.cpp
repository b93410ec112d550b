#include <caf/all.hpp>

#include "actors/runtime/metrics.hpp"
#include "http_edge/api_context.hpp"

namespace lakoo::edge {

namespace {

using nlohmann::json;

int64_t uptime_s(const api_context& ctx) {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now()
                                                          - ctx.started)
    .count();
}

json cluster_json(const std::vector<protocol::router_stats>& all, const cluster_info& cluster) {
  json nodes = json::array();
  for (const auto& member : cluster.nodes) {
    const auto& id = member.id;
    auto i = std::find_if(all.begin(), all.end(),
                          [&](const protocol::router_stats& s) { return s.node_id == id; });
    // up | draining | leaving (from the lease keeper's view) when reachable, else unreachable.
    std::string status = i == all.end() ? "unreachable" : "up";
    if (i != all.end() && cluster.control) {
      for (const auto& m : cluster.control->view().members) {
        if (m.node == id && m.live && m.state != "active") {
          status = m.state;
        }
      }
    }
    json n{{"id", id}, {"address", member.address}, {"status", status}};
    int64_t actors = 0;
    if (i != all.end()) {
      for (auto a : i->alive) {
        actors += a;
      }
      json kinds = json::object();
      for (size_t k = 0; k < i->kinds.size(); ++k) {
        kinds[i->kinds[k]] = i->alive[k];
      }
      n["shards"] = i->shards_owned;
      n["actors"] = actors;
      n["actors_by_kind"] = kinds;
      n["mailbox"] = i->mailbox_total;
    } else {
      n["shards"] = 0;
      n["actors"] = 0;
    }
    nodes.push_back(std::move(n));
  }
  return json{{"nodes", nodes}, {"shards", cluster.shards}};
}

} // namespace

void add_ops_routes(route_table& routes, api_context& ctx) {
  routes.add("GET", "/health", [&ctx](request&&, params&&, responder res) {
    res(json_response(200,
                      json{{"status", "ok"}, {"node", ctx.node_id}, {"uptime_s", uptime_s(ctx)}}));
  });
  routes.add("GET", "/metrics", [&ctx](request&&, params&&, responder res) {
    auto& m = runtime::metrics::global();
    m.gauge_of("lakoo_uptime_seconds").set(uptime_s(ctx));
    response out;
    out.content_type = "text/plain; version=0.0.4; charset=utf-8";
    out.body = m.render();
    res(std::move(out));
  });
  routes.add("GET", "/v1/admin/cluster",
             authed(ctx, [&ctx](access_claims&& claims, request&&, params&&, responder res) {
               if (std::find(claims.roles.begin(), claims.roles.end(), "admin")
                   == claims.roles.end()) {
                 res(error_from(protocol::errc::forbidden, "admin role required"));
                 return;
               }
               fetch_cluster_stats(ctx, [&ctx, res](auto all) {
                 if (!all) {
                   res(error_from(all.error()));
                   return;
                 }
                 res(json_response(200, cluster_json(*all, ctx.cluster)));
               });
             }));
}

} // namespace lakoo::edge
