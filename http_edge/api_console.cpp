/// Cluster operations over HTTP: readiness, the operator console's data and its commands
/// (drain, undrain, move a shard). The CLI `lakoo-console` and the `/console` page use these.

#include <caf/all.hpp>

#include "actors/runtime/node_status.hpp"
#include "http_edge/api_context.hpp"
#include "http_edge/console_page.hpp"

namespace lakoo::edge {

namespace {

using nlohmann::json;

json kv_object(const std::vector<std::string>& keys, const std::vector<int64_t>& values) {
  json out = json::object();
  for (size_t i = 0; i < keys.size() && i < values.size(); ++i) {
    out[keys[i]] = values[i];
  }
  return out;
}

/// Member rows: cluster.conf order, the keeper's view of each, and the stats of each node that
/// answered.
json members_json(const std::vector<protocol::router_stats>& stats,
                  const runtime::placement_view& view, const cluster_info& cluster) {
  json out = json::array();
  for (const auto& node : cluster.nodes) {
    json m{{"id", node.id},     {"address", node.address}, {"state", "unknown"},
           {"live", false},     {"incarnation", 0},        {"shards", 0},
           {"reachable", false}};
    for (const auto& v : view.members) {
      if (v.node == node.id) {
        m["state"] = v.state;
        m["live"] = v.live;
        m["incarnation"] = v.incarnation;
        m["shards"] = v.live ? v.shards : 0;
      }
    }
    auto s = std::find_if(stats.begin(), stats.end(),
                          [&](const protocol::router_stats& x) { return x.node_id == node.id; });
    if (s != stats.end()) {
      int64_t actors = 0;
      for (auto a : s->alive) {
        actors += a;
      }
      m["reachable"] = true;
      m["actors"] = actors;
      m["actors_by_kind"] = kv_object(s->kinds, s->alive);
      m["mailbox"] = json{{"router", s->mailbox_total},
                          {"deepest", s->mailbox_max},
                          {"deepest_by_kind", kv_object(s->kinds, s->mailbox_peak)}};
      m["sagas"] = kv_object(s->saga_stages, s->saga_counts);
      m["in_flight"] = s->in_flight;
      m["recent_errors"] = s->recent_errors;
      m["peers_up"] = s->peers_up;
    }
    out.push_back(std::move(m));
  }
  return out;
}

} // namespace

void fetch_cluster_stats(
  api_context& ctx, std::function<void(caf::expected<std::vector<protocol::router_stats>>)> done) {
  auto router = ctx.gw.router();
  auto timeout = ctx.gw.timeout();
  ctx.gw.post(
    {[router, timeout, done](caf::event_based_actor* self, runtime::gateway::expiry_queue&) {
      self->request(router, timeout, protocol::cluster_atom::value)
        .then([done](std::vector<protocol::router_stats>& all) { done(std::move(all)); },
              [done](caf::error& err) { done(std::move(err)); });
    }});
}

json console_json(const api_context& ctx, const std::vector<protocol::router_stats>& stats) {
  runtime::placement_view view;
  if (ctx.cluster.control) {
    view = ctx.cluster.control->view();
  }
  json placement = json::array();
  for (size_t s = 0; s < view.owner.size(); ++s) {
    placement.push_back(json{{"shard", s}, {"node", view.owner[s]}, {"epoch", view.epoch[s]}});
  }
  json moves = json::array();
  for (const auto& [shard, node] : view.moves) {
    moves.push_back(json{{"shard", shard}, {"node", node}});
  }
  int64_t sagas = 0;
  for (const auto& s : stats) {
    for (auto n : s.saga_counts) {
      sagas += n;
    }
  }
  return json{{"node", ctx.node_id},
              {"settled", view.settled},
              {"shards", ctx.cluster.shards},
              {"sagas_in_flight", sagas},
              {"members", members_json(stats, view, ctx.cluster)},
              {"placement", std::move(placement)},
              {"moves", std::move(moves)}};
}

namespace {

/// Runs an operator command and answers with the console's view once it is committed.
void run_command(api_context& ctx, responder res,
                 const std::function<void(runtime::cluster_control::command_done)>& command) {
  if (!ctx.cluster.control) {
    res(error_from(protocol::errc::unavailable, "this node has no lease keeper"));
    return;
  }
  command([res](runtime::cluster_control::outcome out) {
    using refusal = runtime::cluster_control::refusal;
    switch (out.error) {
      case refusal::none:
        return res(json_response(202, json{{"status", "accepted"}}));
      case refusal::not_found:
        return res(error_from(protocol::errc::not_found, out.message));
      case refusal::invalid:
        return res(error_from(protocol::errc::invalid_request, out.message));
      case refusal::unavailable:
        return res(error_from(protocol::errc::unavailable, out.message));
    }
  });
}

route_handler admin_only(api_context& ctx, authed_handler h) {
  return authed(
    ctx, [h = std::move(h)](access_claims&& claims, request&& req, params&& p, responder res) {
      if (!has_role(claims, "admin")) {
        res(error_from(protocol::errc::forbidden, "admin role required"));
        return;
      }
      h(std::move(claims), std::move(req), std::move(p), std::move(res));
    });
}

} // namespace

void add_console_routes(route_table& routes, api_context& ctx) {
  // The operator console page (it signs in and checks the admin role itself).
  routes.add("GET", "/console", [](request&&, params&&, responder res) {
    response page;
    page.content_type = "text/html; charset=utf-8";
    page.body = console_page_html();
    page.headers = {{"Cache-Control", "no-store"}, {"X-Frame-Options", "DENY"}};
    res(std::move(page));
  });
  // Readiness for load balancers and scripts: this node is a member and every shard is placed
  // where it belongs (no shard moving).
  routes.add("GET", "/ready", [&ctx](request&&, params&&, responder res) {
    runtime::placement_view view;
    if (ctx.cluster.control) {
      view = ctx.cluster.control->view();
    }
    if (!view.member || !view.settled) {
      res(error_from(protocol::errc::unavailable,
                     view.member ? "shards are moving" : "not a cluster member yet"));
      return;
    }
    res(json_response(200, json{{"status", "ready"}, {"node", ctx.node_id}}));
  });
  routes.add("GET", "/v1/admin/console",
             admin_only(ctx, [&ctx](access_claims&&, request&&, params&&, responder res) {
               fetch_cluster_stats(ctx, [&ctx, res](auto all) {
                 if (!all) {
                   res(error_from(all.error()));
                   return;
                 }
                 res(json_response(200, console_json(ctx, *all)));
               });
             }));
  for (const char* action : {"drain", "undrain"}) {
    std::string state = std::string{action} == "drain" ? "draining" : "active";
    routes.add(
      "POST", std::string{"/v1/admin/nodes/{id}/"} + action,
      admin_only(ctx, [&ctx, state](access_claims&&, request&&, params&& p, responder res) {
        auto node = p["id"];
        run_command(ctx, res, [&ctx, node, state](auto done) {
          ctx.cluster.control->set_state(node, state, std::move(done));
        });
      }));
  }
  routes.add("POST", "/v1/admin/shards/{shard}/move",
             admin_only(ctx, [&ctx](access_claims&&, request&& req, params&& p, responder res) {
               auto body = body_of(req, res);
               if (!body) {
                 return;
               }
               int32_t shard = -1;
               const auto& text = p["shard"];
               if (text.empty() || text.size() > 9
                   || text.find_first_not_of("0123456789") != std::string::npos) {
                 res(field_error("shard", "shard must be a shard number"));
                 return;
               }
               shard = std::stoi(text);
               auto node = body->find("node");
               if (node == body->end() || !node->is_string()) {
                 res(field_error("node", "node is required"));
                 return;
               }
               auto target = node->get<std::string>();
               run_command(ctx, res, [&ctx, shard, target](auto done) {
                 ctx.cluster.control->move_shard(shard, target, std::move(done));
               });
             }));
}

} // namespace lakoo::edge
