#include "http_edge/edge.hpp"

#include "http_edge/api_context.hpp"
#include "http_edge/console_feed.hpp"
#include "http_edge/http_metrics.hpp"
#include "http_edge/log.hpp"
#include "http_edge/push_hub.hpp"

namespace lakoo::edge {

namespace {

/// `GET /v1/ws` (live notifications) and `GET /v1/admin/console/ws` (the operator console, admin
/// only): the access token from `Authorization` or `?token=`; 401/403 before any upgrade.
upgrade_decision decide_upgrade(const api_context& ctx, push_hub& hub, console_feed& feed,
                                request& req) {
  bool console = req.path == "/v1/admin/console/ws";
  if (req.path != "/v1/ws" && !console) {
    return {error_from(protocol::errc::not_found, "no such route"), {}, {}};
  }
  if (req.method != "GET") {
    return {error_response(405, "method_not_allowed", "use GET"), {}, {}};
  }
  std::optional<std::string> token = bearer_token(req.authorization);
  if (!token && req.query.count("token")) {
    token = req.query.at("token");
  }
  auto claims = token ? verify_token(ctx, *token) : std::nullopt;
  if (!claims) {
    return {
      error_from(protocol::errc::unauthorized,
                 token ? "access token is invalid, expired or revoked" : "missing access token"),
      {},
      {}};
  }
  if (console) {
    if (!has_role(*claims, "admin")) {
      return {error_from(protocol::errc::forbidden, "admin role required"), {}, {}};
    }
    return {{},
            [&feed](std::shared_ptr<ws_link> link) { feed.opened(std::move(link)); },
            [&feed](uint64_t id) { feed.closed(id); }};
  }
  auto user = claims->sub;
  return {{},
          [&hub, user](std::shared_ptr<ws_link> link) { hub.opened(user, std::move(link)); },
          [&hub, user](uint64_t id) { hub.closed(user, id); }};
}

} // namespace

struct edge::impl {
  api_context ctx;
  route_table routes;
  push_hub hub; // before `http`: sockets report their closing to it while the server stops
  console_feed feed;
  server http;

  impl(edge_settings settings, identity_settings identity, commerce_settings commerce,
       social_read_settings social, cluster_info cluster, runtime::gateway& gw,
       const read_models::catalog_index& catalog, const read_models::post_index& posts,
       runtime::list_reader& lists)
      : ctx(gw, catalog, posts, lists, std::move(identity), std::move(commerce), std::move(social),
            std::move(cluster), settings.node_id),
        hub(gw),
        feed([this](std::function<void(std::string)> done) { console_frame(std::move(done)); },
             std::chrono::seconds(1)),
        http(
          settings,
          [this](request&& req, responder res) { routes.dispatch(std::move(req), std::move(res)); },
          [this](request& req) { return decide_upgrade(ctx, hub, feed, req); }) {
    add_ops_routes(routes, ctx);
    add_console_routes(routes, ctx);
    add_identity_routes(routes, ctx);
    add_address_routes(routes, ctx);
    add_reference_routes(routes, ctx);
    add_shipping_routes(routes, ctx);
    add_seller_routes(routes, ctx);
    add_product_routes(routes, ctx);
    add_cart_routes(routes, ctx);
    add_order_routes(routes, ctx);
    add_notification_routes(routes, ctx);
    add_review_routes(routes, ctx);
    add_social_routes(routes, ctx);
    add_feed_routes(routes, ctx);
    add_graph_routes(routes, ctx);
    publish_route("GET", "/v1/ws"); // the upgrades, decided by decide_upgrade
    publish_route("GET", "/v1/admin/console/ws");
  }

  /// One frame of the live console: `{"type":"console","console":{...}}`.
  void console_frame(std::function<void(std::string)> done) {
    fetch_cluster_stats(ctx, [this, done](auto all) {
      if (!all) {
        done(nlohmann::json{{"type", "console_error"}, {"message", "cluster stats unavailable"}}
               .dump());
        return;
      }
      done(nlohmann::json{{"type", "console"}, {"console", console_json(ctx, *all)}}.dump());
    });
  }
};

edge::edge(edge_settings settings, identity_settings identity, commerce_settings commerce,
           social_read_settings social, cluster_info cluster, runtime::gateway& gw,
           const read_models::catalog_index& catalog, const read_models::post_index& posts,
           runtime::list_reader& lists)
    : impl_(std::make_unique<impl>(std::move(settings), std::move(identity), std::move(commerce),
                                   std::move(social), std::move(cluster), gw, catalog, posts,
                                   lists)) {}

edge::~edge() {
  stop();
}

void edge::start() {
  impl_->http.start();
  log().info("[edge] listening on port {}", impl_->http.port());
}

uint16_t edge::port() const {
  return impl_->http.port();
}

void edge::stop() {
  impl_->feed.stop();
  impl_->http.stop();
  impl_->ctx.passwords.stop();
}

} // namespace lakoo::edge
