#include <algorithm>

#include "http_edge/api_context.hpp"

namespace lakoo::edge {

namespace {

using nlohmann::json;

json review_json(const protocol::review_view& r) {
  return json{{"id", r.id},
              {"product_id", r.product_id},
              {"order_id", r.order_id},
              {"user_id", r.user_id},
              {"rating", r.rating},
              {"body", r.body},
              {"media_urls", r.media_urls},
              {"created_at", r.created_at}};
}

/// A verified-purchase review: the order must be the caller's, delivered, and hold the product.
void review(api_context& ctx, access_claims&& claims, request&& req, params&& p, responder res) {
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  validator v{*body};
  protocol::add_review r;
  r.order_id = v.required_string("order_id", 64);
  r.rating = static_cast<int32_t>(v.required_int("rating", 1, 5));
  r.body = v.required_string("body", max_text_chars);
  r.media_urls
    = v.optional_string_array("media_urls", 10, 2048).value_or(std::vector<std::string>{});
  if (!v.ok()) {
    return res(v.error());
  }
  r.user_id = claims.sub;
  auto product = p["id"];
  if (!is_minted_id(product, "prd")) {
    return res(error_from(protocol::errc::not_found, "product not found"));
  }
  if (!is_minted_id(r.order_id, "ord")) {
    return res(error_from(protocol::errc::forbidden, "not an order of yours"));
  }
  auto order_key = protocol::order_ref{r.order_id}; // before `r` is moved into the callback
  ctx.gw.ask<protocol::order_view>(
    order_key, protocol::get_order{},
    [&ctx, r = std::move(r), product, res](caf::expected<protocol::order_view> o) mutable {
      if (!o && to_http_status(o.error()) >= 500) {
        return res(error_from(o.error()));
      }
      if (!o || o->user_id != r.user_id) {
        return res(error_from(protocol::errc::forbidden, "not an order of yours"));
      }
      if (o->status != protocol::order_status::delivered) {
        return res(error_from(protocol::errc::forbidden, "only a delivered order can be reviewed"));
      }
      auto has = std::any_of(o->items.begin(), o->items.end(), [&](const protocol::order_line& l) {
        return l.product_id == product;
      });
      if (!has) {
        return res(error_from(protocol::errc::forbidden, "the order does not hold this product"));
      }
      ctx.gw.ask<protocol::review_view>(protocol::reviews_ref{product}, std::move(r),
                                        answer<protocol::review_view>(res, 201, review_json));
    });
}

void list_reviews(api_context& ctx, request&& req, params&& p, responder res) {
  response bad;
  auto limit = parse_limit(req, bad);
  if (!limit) {
    return res(std::move(bad));
  }
  if (!is_minted_id(p["id"], "prd")) {
    return res(error_from(protocol::errc::not_found, "product not found"));
  }
  auto cursor = req.query.count("cursor") ? req.query.at("cursor") : std::string{};
  ctx.gw.ask<protocol::review_page>(
    protocol::reviews_ref{p["id"]}, protocol::list_reviews{*limit, cursor},
    answer<protocol::review_page>(res, 200, [](const protocol::review_page& page) {
      json items = json::array();
      for (const auto& r : page.items) {
        items.push_back(review_json(r));
      }
      return json{
        {"items", std::move(items)},
        {"next_cursor", page.next_cursor.empty() ? json(nullptr) : json(page.next_cursor)}};
    }));
}

} // namespace

void add_review_routes(route_table& routes, api_context& ctx) {
  routes.add("POST", "/v1/products/{id}/reviews",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&& p, responder res) {
               review(ctx, std::move(c), std::move(req), std::move(p), std::move(res));
             }));
  routes.add("GET", "/v1/products/{id}/reviews", [&ctx](request&& req, params&& p, responder res) {
    list_reviews(ctx, std::move(req), std::move(p), std::move(res));
  });
}

} // namespace lakoo::edge
