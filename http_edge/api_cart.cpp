#include "http_edge/api_context.hpp"

namespace lakoo::edge {

namespace {

using nlohmann::json;

constexpr std::size_t max_sku_chars = 64;
constexpr int64_t max_quantity = 1000;

} // namespace

json line_json(const protocol::order_line& l) {
  return {{"sku", l.sku},
          {"product_id", l.product_id},
          {"seller_id", l.seller_id},
          {"title", l.title},
          {"unit_price", l.unit_price},
          {"quantity", l.quantity},
          {"line_total", l.line_total}};
}

namespace {

/// The API's Cart, as the cart priced it.
json cart_json(const protocol::cart_view& cart) {
  json items = json::array();
  for (const auto& l : cart.items) {
    items.push_back(line_json(l));
  }
  return json{
    {"items", std::move(items)}, {"subtotal", cart.subtotal}, {"currency", cart.currency}};
}

/// Asks the user's cart and answers with what it says.
template <class Msg>
void ask_cart(api_context& ctx, const std::string& user, Msg msg, responder res) {
  ctx.gw.ask<protocol::cart_view>(protocol::cart_ref{user}, std::move(msg),
                                  answer<protocol::cart_view>(res, 200, cart_json));
}

bool is_sku(const std::string& s) {
  return !s.empty() && s.size() <= max_sku_chars;
}

} // namespace

void add_cart_routes(route_table& routes, api_context& ctx) {
  routes.add("GET", "/v1/cart",
             authed(ctx, [&ctx](access_claims&& c, request&&, params&&, responder res) {
               ask_cart(ctx, c.sub, protocol::get_cart{}, res);
             }));
  routes.add("POST", "/v1/cart/items",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&&, responder res) {
               auto body = body_of(req, res);
               if (!body) {
                 return;
               }
               validator v{*body};
               protocol::change_cart change;
               change.sku = v.required_string("sku", max_sku_chars);
               change.quantity = v.required_int("quantity", 1, max_quantity);
               if (!v.ok()) {
                 return res(v.error());
               }
               ask_cart(ctx, c.sub, std::move(change), res);
             }));
  routes.add("PATCH", "/v1/cart/items/{sku}",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&& p, responder res) {
               auto body = body_of(req, res);
               if (!body) {
                 return;
               }
               validator v{*body};
               auto quantity = v.required_int("quantity", 0, max_quantity);
               if (!v.ok()) {
                 return res(v.error());
               }
               if (!is_sku(p["sku"])) {
                 return res(error_from(protocol::errc::not_found, "this sku is not in the cart"));
               }
               ask_cart(ctx, c.sub, protocol::change_cart{p["sku"], quantity, true}, res);
             }));
  routes.add("DELETE", "/v1/cart/items/{sku}",
             authed(ctx, [&ctx](access_claims&& c, request&&, params&& p, responder res) {
               ask_cart(ctx, c.sub, protocol::clear_cart{p["sku"]}, res);
             }));
  routes.add("DELETE", "/v1/cart",
             authed(ctx, [&ctx](access_claims&& c, request&&, params&&, responder res) {
               ctx.gw.ask<protocol::cart_view>(protocol::cart_ref{c.sub}, protocol::clear_cart{},
                                               [res](caf::expected<protocol::cart_view> x) {
                                                 res(x ? no_content() : error_from(x.error()));
                                               });
             }));
}

} // namespace lakoo::edge
