#include <algorithm>

#include "http_edge/api_context.hpp"

namespace lakoo::edge {

namespace {

using nlohmann::json;

constexpr std::size_t max_sku_chars = 64;
constexpr int64_t max_quantity = 1000;

struct priced_line {
  protocol::cart_line line;
  std::optional<protocol::product_view> product; ///< empty: no longer sold
};

/// The API's Cart: every line at the catalog's current price; lines whose product is no longer
/// active (or whose variant is gone) are left out of the view and the subtotal.
json cart_json(const std::vector<priced_line>& lines) {
  json items = json::array();
  int64_t subtotal = 0;
  for (const auto& pl : lines) {
    if (!pl.product || pl.product->status != "active") {
      continue;
    }
    const auto& vs = pl.product->variants;
    auto v = std::find_if(vs.begin(), vs.end(),
                          [&](const protocol::variant& x) { return x.sku == pl.line.sku; });
    if (v == vs.end()) {
      continue;
    }
    auto line_total = v->price * pl.line.quantity;
    subtotal += line_total;
    items.push_back({{"sku", pl.line.sku},
                     {"product_id", pl.line.product_id},
                     {"seller_id", pl.product->seller_id},
                     {"title", pl.product->title},
                     {"unit_price", v->price},
                     {"quantity", pl.line.quantity},
                     {"line_total", line_total}});
  }
  return json{{"items", items}, {"subtotal", subtotal}, {"currency", "IDR"}};
}

/// Looks every line's product up (all at once; `known` is one already read by this request) and
/// answers with the priced cart.
void answer_cart(api_context& ctx, protocol::cart_view cart, responder res,
                 std::optional<protocol::product_view> known = std::nullopt) {
  std::vector<priced_line> lines;
  std::vector<std::string> keys;
  std::vector<size_t> slots; // lines[slots[k]] waits for keys[k]
  for (auto& l : cart.lines) {
    lines.push_back({std::move(l), std::nullopt});
    if (known && lines.back().line.product_id == known->id) {
      lines.back().product = known;
    } else {
      keys.push_back("product:" + lines.back().line.product_id);
      slots.push_back(lines.size() - 1);
    }
  }
  ask_all<protocol::product_view>(
    ctx.gw, keys, protocol::get_product{},
    [lines = std::move(lines), slots,
     res](std::vector<caf::expected<protocol::product_view>> products) mutable {
      for (size_t k = 0; k < products.size(); ++k) {
        if (products[k]) {
          lines[slots[k]].product = std::move(*products[k]);
        } else if (products[k].error() != protocol::errc::not_found) {
          // A product we cannot read now (its shard is moving, say): never answer a cart with
          // the line silently missing.
          return res(error_from(products[k].error()));
        }
      }
      res(json_response(200, cart_json(lines)));
    });
}

auto cart_answer(api_context& ctx, responder res,
                 std::optional<protocol::product_view> known = std::nullopt) {
  return [&ctx, res, known = std::move(known)](caf::expected<protocol::cart_view> cart) {
    if (!cart) {
      return res(error_from(cart.error()));
    }
    answer_cart(ctx, std::move(*cart), res, known);
  };
}

/// Checks the sku is sold (an active product) and hands `change` with its availability to the
/// user's cart.
void change_with_catalog(api_context& ctx, const std::string& user, protocol::change_cart change,
                         responder res) {
  auto not_sold = [res] { res(error_response(404, "not_found", "this sku is not for sale")); };
  ctx.gw.ask<protocol::sku_view>(
    "sku:" + change.sku, protocol::get_sku{},
    [&ctx, user, change, not_sold, res](caf::expected<protocol::sku_view> sku) mutable {
      if (!sku) {
        return sku.error() == protocol::errc::not_found ? not_sold() : res(error_from(sku.error()));
      }
      change.product_id = sku->product_id;
      change.available = sku->available;
      ctx.gw.ask<protocol::product_view>(
        "product:" + sku->product_id, protocol::get_product{},
        [&ctx, user, change, not_sold, res](caf::expected<protocol::product_view> p) mutable {
          if (!p || p->status != "active") {
            return !p && p.error() != protocol::errc::not_found ? res(error_from(p.error()))
                                                                : not_sold();
          }
          ctx.gw.ask<protocol::cart_view>("cart:" + user, std::move(change),
                                          cart_answer(ctx, res, std::move(*p)));
        });
    });
}

bool is_sku(const std::string& s) {
  return !s.empty() && s.size() <= max_sku_chars;
}

} // namespace

void add_cart_routes(route_table& routes, api_context& ctx) {
  routes.add(
    "GET", "/v1/cart", authed(ctx, [&ctx](access_claims&& c, request&&, params&&, responder res) {
      ctx.gw.ask<protocol::cart_view>("cart:" + c.sub, protocol::get_cart{}, cart_answer(ctx, res));
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
               change_with_catalog(ctx, c.sub, std::move(change), res);
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
                 return res(error_response(404, "not_found", "this sku is not in the cart"));
               }
               if (quantity == 0) {
                 return ctx.gw.ask<protocol::cart_view>(
                   "cart:" + c.sub, protocol::clear_cart{p["sku"]}, cart_answer(ctx, res));
               }
               protocol::change_cart change;
               change.sku = p["sku"];
               change.quantity = quantity;
               change.replace = true;
               change_with_catalog(ctx, c.sub, std::move(change), res);
             }));
  routes.add("DELETE", "/v1/cart/items/{sku}",
             authed(ctx, [&ctx](access_claims&& c, request&&, params&& p, responder res) {
               ctx.gw.ask<protocol::cart_view>("cart:" + c.sub, protocol::clear_cart{p["sku"]},
                                               cart_answer(ctx, res));
             }));
  routes.add("DELETE", "/v1/cart",
             authed(ctx, [&ctx](access_claims&& c, request&&, params&&, responder res) {
               ctx.gw.ask<protocol::cart_view>("cart:" + c.sub, protocol::clear_cart{},
                                               [res](caf::expected<protocol::cart_view> x) {
                                                 res(x ? no_content() : error_from(x.error()));
                                               });
             }));
}

} // namespace lakoo::edge
