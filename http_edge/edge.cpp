#include "http_edge/edge.hpp"

#include "http_edge/api_context.hpp"
#include "http_edge/log.hpp"

namespace lakoo::edge {

struct edge::impl {
  api_context ctx;
  route_table routes;
  server http;

  impl(edge_settings settings, identity_settings identity, commerce_settings commerce,
       cluster_info cluster, runtime::gateway& gw, const catalog::catalog_index& catalog,
       runtime::list_reader& lists)
      : ctx(gw, catalog, lists, std::move(identity), std::move(commerce), std::move(cluster),
            settings.node_id),
        http(settings, [this](request&& req, responder res) {
          routes.dispatch(std::move(req), std::move(res));
        }) {
    add_ops_routes(routes, ctx);
    add_identity_routes(routes, ctx);
    add_address_routes(routes, ctx);
    add_seller_routes(routes, ctx);
    add_product_routes(routes, ctx);
    add_cart_routes(routes, ctx);
    add_order_routes(routes, ctx);
    add_notification_routes(routes, ctx);
    add_review_routes(routes, ctx);
  }
};

edge::edge(edge_settings settings, identity_settings identity, commerce_settings commerce,
           cluster_info cluster, runtime::gateway& gw, const catalog::catalog_index& catalog,
           runtime::list_reader& lists)
    : impl_(std::make_unique<impl>(std::move(settings), std::move(identity), std::move(commerce),
                                   std::move(cluster), gw, catalog, lists)) {}

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
  impl_->http.stop();
  impl_->ctx.passwords.stop();
}

} // namespace lakoo::edge
