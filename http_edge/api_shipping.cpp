/// Shipping: `POST /v1/shipping/rates`, one ask to the buyer's cart, which prices each
/// seller's parcel with the courier (actors/cart/shipping_quote.cpp).

#include "http_edge/api_context.hpp"

namespace lakoo::edge {

namespace {

using nlohmann::json;

constexpr std::size_t max_id_chars = 64;
constexpr std::size_t max_sku_chars = 64;
constexpr std::size_t max_items = 100;
constexpr int64_t max_quantity = 1000;

json quote_json(const protocol::shipping_quote& q) {
  json sellers = json::array();
  for (const auto& s : q.sellers) {
    json options = json::array();
    for (const auto& o : s.options) {
      options.push_back(
        {{"courier", o.courier}, {"service", o.service}, {"fee", o.fee}, {"etd_days", o.etd_days}});
    }
    sellers.push_back({{"seller_id", s.seller_id}, {"options", options}});
  }
  return json{{"sellers", sellers}};
}

/// Reads `{"address_id"}` or `{"destination":{"province_id"?,"city_id"}}`, plus optional
/// `"items":[{"sku","quantity"}]`; nullopt after answering 400.
std::optional<protocol::quote_shipping> read_rates(const json& body, responder& res) {
  validator v{body};
  protocol::quote_shipping q;
  q.address_id = v.optional_string("address_id", max_id_chars).value_or("");
  if (const auto* dest = v.object("destination", false)) {
    validator dv{*dest, "destination."};
    q.province_id = dv.optional_string("province_id", max_id_chars).value_or("");
    q.city_id = dv.required_string("city_id", max_id_chars);
    if (!dv.ok()) {
      res(dv.error());
      return std::nullopt;
    }
  }
  if (v.ok() && q.address_id.empty() == q.city_id.empty()) {
    v.fail("destination", "give either address_id or destination");
  }
  const auto* items = v.array("items", false);
  if (v.ok() && items != nullptr && items->size() > max_items) {
    v.fail("items", "at most 100 items");
  }
  for (size_t i = 0; v.ok() && items != nullptr && i < items->size(); ++i) {
    auto prefix = "items[" + std::to_string(i) + "].";
    if (!(*items)[i].is_object()) {
      v.fail("items[" + std::to_string(i) + "]", "must be an object");
      break;
    }
    validator iv{(*items)[i], prefix};
    protocol::cart_line line;
    line.sku = iv.required_string("sku", max_sku_chars);
    line.quantity = iv.required_int("quantity", 1, max_quantity);
    if (!iv.ok()) {
      res(iv.error());
      return std::nullopt;
    }
    q.items.push_back(std::move(line));
  }
  if (!v.ok()) {
    res(v.error());
    return std::nullopt;
  }
  return q;
}

} // namespace

void add_shipping_routes(route_table& routes, api_context& ctx) {
  routes.add("POST", "/v1/shipping/rates",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&&, responder res) {
               auto body = body_of(req, res);
               if (!body) {
                 return;
               }
               auto q = read_rates(*body, res);
               if (!q) {
                 return;
               }
               ctx.gw.ask<protocol::shipping_quote>(
                 protocol::cart_ref{c.sub}, std::move(*q),
                 answer<protocol::shipping_quote>(res, 200, quote_json));
             }));
}

} // namespace lakoo::edge
