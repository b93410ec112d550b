#include <algorithm>

#include "actors/runtime/ids.hpp"
#include "adapters/webhooks/webhook_signature.hpp"
#include "http_edge/api_context.hpp"

namespace lakoo::edge {

namespace {

using nlohmann::json;

constexpr std::size_t max_key_chars = 200;
constexpr std::size_t max_tracking_chars = 64;

/// An order's status as the API writes it: `none` (a checkout still running, which the order
/// never answers with) reads as "", as it did when the status was a string.
std::string status_text(protocol::order_status s) {
  return s == protocol::order_status::none ? std::string{} : std::string{to_string(s)};
}

json order_json(const protocol::order_view& o) {
  json items = json::array();
  for (const auto& l : o.items) {
    items.push_back(line_json(l));
  }
  json history = json::array();
  for (const auto& e : o.history) {
    json entry{{"status", status_text(e.status)}, {"at", e.at}};
    if (!e.note.empty()) {
      entry["note"] = e.note;
    }
    history.push_back(std::move(entry));
  }
  auto address = address_json(o.shipping_address);
  address["id"] = nullptr; // a copy taken at checkout
  return json{{"id", o.id},
              {"user_id", o.user_id},
              {"status", status_text(o.status)},
              {"items", std::move(items)},
              {"subtotal", o.subtotal},
              {"discount", o.discount},
              {"shipping_fee", o.shipping_fee},
              {"total", o.total},
              {"currency", o.currency},
              {"shipping_address", std::move(address)},
              {"payment_id", o.payment_id},
              {"tracking", o.carrier.empty()
                             ? json(nullptr)
                             : json{{"carrier", o.carrier}, {"tracking_no", o.tracking_no}}},
              {"history", std::move(history)},
              {"created_at", o.created_at}};
}

json payment_json(const protocol::payment_view& p) {
  json out{{"id", p.id},
           {"order_id", p.order_id},
           {"status", to_string(p.status)},
           {"amount", p.amount},
           {"currency", p.currency},
           {"expires_at", p.expires_at},
           {"provider", p.provider}};
  if (p.refund_due) {
    out["refund_due"] = true;
  }
  return out;
}

/// The order id of a checkout: derived from (user, Idempotency-Key), so a retry reaches the
/// same order actor, which answers what the first attempt got; else a fresh one.
std::string checkout_order_id(const std::string& user_id, const std::string& key) {
  if (key.empty()) {
    return runtime::new_id("ord");
  }
  return "ord_" + hex_sha256(user_id + ":" + key).substr(0, 26);
}

void checkout(api_context& ctx, access_claims&& claims, request&& req, responder res) {
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  if (req.idempotency_key.size() > max_key_chars) {
    return res(field_error("Idempotency-Key", "at most 200 characters"));
  }
  validator v{*body};
  protocol::start_checkout sc;
  sc.user_id = claims.sub;
  auto address_id = v.optional_string("address_id", 64);
  auto coupon = v.optional_string("coupon_code", 64);
  auto coupons = v.optional_string_array("coupon_codes", 10, 64);
  const auto* shipping = v.object("shipping_address", false);
  if (!v.ok()) {
    return res(v.error());
  }
  if (address_id.has_value() == (shipping != nullptr)) {
    return res(field_error("address_id", "give either address_id or shipping_address"));
  }
  if (shipping != nullptr) {
    validator sv{*shipping, "shipping_address."};
    std::vector<std::string> fields;
    read_address(sv, false, sc.shipping_address, fields);
    if (!sv.ok()) {
      return res(sv.error());
    }
  } else {
    sc.address_id = *address_id;
  }
  if (coupon && !coupon->empty()) {
    sc.coupon_codes.push_back(*coupon);
  }
  for (auto& code : coupons.value_or(std::vector<std::string>{})) {
    sc.coupon_codes.push_back(std::move(code));
  }
  sc.payment_ttl_s = ctx.commerce.payment_ttl_s;
  ctx.gw.ask<protocol::checkout_view>(
    protocol::order_ref{checkout_order_id(claims.sub, req.idempotency_key)}, std::move(sc),
    [res](caf::expected<protocol::checkout_view> out) {
      if (!out) {
        return res(error_from(out.error()));
      }
      res(json_response(
        201, json{{"order", order_json(out->order)}, {"payment", payment_json(out->payment)}}));
    });
}

void show(api_context& ctx, access_claims&& claims, params&& p, responder res) {
  if (!is_minted_id(p["id"], "ord")) {
    return res(error_from(protocol::errc::not_found, "order not found"));
  }
  ctx.gw.ask<protocol::order_view>(protocol::order_ref{p["id"]},
                                   protocol::get_order{claims.sub, has_role(claims, "admin")},
                                   answer<protocol::order_view>(res, 200, order_json));
}

/// A page of an order book, asked of the entity that owns the book and its read rule (the user
/// for their orders, the seller for its own).
template <class Kind>
void list_orders(api_context& ctx, const protocol::ref<Kind>& owner, const std::string& requester,
                 request& req, responder res) {
  response bad;
  auto limit = parse_limit(req, bad);
  if (!limit) {
    return res(std::move(bad));
  }
  auto cursor = req.query.count("cursor") ? req.query.at("cursor") : std::string{};
  ctx.gw.ask<protocol::order_page>(
    owner, protocol::list_orders{requester, *limit, cursor},
    answer<protocol::order_page>(res, 200, [](const protocol::order_page& page) {
      json items = json::array();
      for (const auto& o : page.items) {
        items.push_back(order_json(o));
      }
      return json{
        {"items", std::move(items)},
        {"next_cursor", page.next_cursor.empty() ? json(nullptr) : json(page.next_cursor)}};
    }));
}

void act(api_context& ctx, access_claims&& claims, protocol::order_verb action, request&& req,
         params&& p, responder res) {
  protocol::order_action a;
  a.action = action;
  a.requester = claims.sub;
  a.admin = has_role(claims, "admin");
  a.idempotency_key = req.idempotency_key;
  if (a.idempotency_key.size() > max_key_chars) {
    return res(field_error("Idempotency-Key", "at most 200 characters"));
  }
  if (action == protocol::order_verb::ship) {
    auto body = body_of(req, res);
    if (!body) {
      return;
    }
    validator v{*body};
    a.carrier = v.required_string("carrier", max_tracking_chars);
    a.tracking_no = v.required_string("tracking_no", max_tracking_chars);
    if (v.ok() && (a.carrier.empty() || a.tracking_no.empty())) {
      v.fail(a.carrier.empty() ? "carrier" : "tracking_no", "must not be empty");
    }
    if (!v.ok()) {
      return res(v.error());
    }
  }
  if (!is_minted_id(p["id"], "ord")) {
    return res(error_from(protocol::errc::not_found, "order not found"));
  }
  ctx.gw.ask<protocol::order_view>(protocol::order_ref{p["id"]}, std::move(a),
                                   answer<protocol::order_view>(res, 200, order_json));
}

void simulate(api_context& ctx, access_claims&& claims, request&& req, params&& p, responder res) {
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  validator v{*body};
  auto text = v.required_string("outcome", 32);
  auto outcome = protocol::payment_status::pending;
  if (v.ok()
      && (!parse(text, outcome)
          || (outcome != protocol::payment_status::succeeded
              && outcome != protocol::payment_status::failed))) {
    v.fail("outcome", "succeeded or failed");
  }
  if (!v.ok()) {
    return res(v.error());
  }
  if (!is_minted_id(p["id"], "pay")) {
    return res(error_from(protocol::errc::not_found, "payment not found"));
  }
  ctx.gw.ask<protocol::simulation>(
    protocol::payment_ref{p["id"]}, protocol::simulate_payment{claims.sub, outcome},
    answer<protocol::simulation>(res, 202, [](const protocol::simulation& s) {
      return json{{"payment_id", s.payment_id},
                  {"event_id", s.event_id},
                  {"outcome", to_string(s.outcome)},
                  {"status", "webhook scheduled"}};
    }));
}

/// The provider's webhook: signature first (constant time), then the event, deduplicated by the
/// payment actor.
void webhook(api_context& ctx, request&& req, responder res) {
  if (!webhooks::webhook_signature_ok(ctx.commerce.webhook_secret, req.body, req.signature)) {
    return res(error_from(protocol::errc::unauthorized, "bad webhook signature"));
  }
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  validator v{*body};
  protocol::payment_event e;
  e.event_id = v.required_string("event_id", max_key_chars);
  e.type = v.required_string("type", 64);
  auto payment_id = v.required_string("payment_id", 64);
  e.amount = v.required_int("amount", 0);
  if (v.ok() && e.event_id.empty()) {
    v.fail("event_id", "must not be empty");
  }
  if (v.ok() && e.type != "payment.succeeded" && e.type != "payment.failed") {
    v.fail("type", "payment.succeeded or payment.failed");
  }
  if (!v.ok()) {
    return res(v.error());
  }
  if (!is_minted_id(payment_id, "pay")) {
    return res(error_from(protocol::errc::not_found, "payment not found"));
  }
  ctx.gw.ask<protocol::payment_view>(
    protocol::payment_ref{payment_id}, std::move(e),
    [res](caf::expected<protocol::payment_view> pay) {
      if (!pay) {
        return res(error_from(pay.error()));
      }
      res(json_response(200, json{{"received", true}, {"payment", payment_json(*pay)}}));
    });
}

} // namespace

void add_order_routes(route_table& routes, api_context& ctx) {
  routes.add("POST", "/v1/checkout",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&&, responder res) {
               checkout(ctx, std::move(c), std::move(req), std::move(res));
             }));
  routes.add("GET", "/v1/orders",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&&, responder res) {
               list_orders(ctx, protocol::user_ref{c.sub}, c.sub, req, std::move(res));
             }));
  routes.add("GET", "/v1/orders/{id}",
             authed(ctx, [&ctx](access_claims&& c, request&&, params&& p, responder res) {
               show(ctx, std::move(c), std::move(p), std::move(res));
             }));
  using protocol::order_verb;
  for (auto action :
       {order_verb::ship, order_verb::deliver, order_verb::cancel, order_verb::refund}) {
    routes.add(
      "POST", "/v1/orders/{id}/" + std::string{to_string(action)},
      authed(ctx, [&ctx, action](access_claims&& c, request&& req, params&& p, responder res) {
        act(ctx, std::move(c), action, std::move(req), std::move(p), std::move(res));
      }));
  }
  routes.add("GET", "/v1/sellers/{id}/orders",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&& p, responder res) {
               if (!is_minted_id(p["id"], "sel")) {
                 return res(error_from(protocol::errc::not_found, "seller not found"));
               }
               list_orders(ctx, protocol::seller_ref{p["id"]}, c.sub, req, std::move(res));
             }));
  routes.add("GET", "/v1/sellers/{id}/earnings",
             authed(ctx, [&ctx](access_claims&& c, request&&, params&& p, responder res) {
               if (!is_minted_id(p["id"], "sel")) {
                 return res(error_from(protocol::errc::not_found, "seller not found"));
               }
               ctx.gw.ask<protocol::earnings_view>(
                 protocol::seller_ref{p["id"]}, protocol::seller_earnings{c.sub},
                 answer<protocol::earnings_view>(res, 200, [](const protocol::earnings_view& e) {
                   return json{{"gross", e.gross},
                               {"commission", e.commission},
                               {"net", e.net},
                               {"currency", "IDR"}};
                 }));
             }));
  routes.add("POST", "/v1/payments/{id}/simulate",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&& p, responder res) {
               simulate(ctx, std::move(c), std::move(req), std::move(p), std::move(res));
             }));
  routes.add("GET", "/v1/payments/{id}",
             authed(ctx, [&ctx](access_claims&& c, request&&, params&& p, responder res) {
               if (!is_minted_id(p["id"], "pay")) {
                 return res(error_from(protocol::errc::not_found, "payment not found"));
               }
               ctx.gw.ask<protocol::payment_view>(
                 protocol::payment_ref{p["id"]}, protocol::get_payment{c.sub, has_role(c, "admin")},
                 answer<protocol::payment_view>(res, 200, payment_json));
             }));
  routes.add("POST", "/v1/webhooks/payments", [&ctx](request&& req, params&&, responder res) {
    webhook(ctx, std::move(req), std::move(res));
  });
}

} // namespace lakoo::edge
