#include <algorithm>
#include <set>

#include "actors/order/order.hpp"
#include "actors/runtime/ids.hpp"
#include "http_edge/api_context.hpp"
#include "http_edge/sandbox_provider.hpp"

namespace lakoo::edge {

namespace {

using nlohmann::json;

constexpr std::size_t max_key_chars = 200;
constexpr std::size_t max_tracking_chars = 64;

json order_json(const protocol::order_view& o) {
  json items = json::array();
  for (const auto& l : o.items) {
    items.push_back({{"sku", l.sku},
                     {"product_id", l.product_id},
                     {"seller_id", l.seller_id},
                     {"title", l.title},
                     {"unit_price", l.unit_price},
                     {"quantity", l.quantity},
                     {"line_total", l.line_total}});
  }
  json history = json::array();
  for (const auto& e : o.history) {
    json entry{{"status", e.status}, {"at", e.at}};
    if (!e.note.empty()) {
      entry["note"] = e.note;
    }
    history.push_back(std::move(entry));
  }
  auto address = address_json(o.shipping_address);
  address["id"] = nullptr; // a copy taken at checkout
  return json{{"id", o.id},
              {"user_id", o.user_id},
              {"status", o.status},
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
           {"status", p.status},
           {"amount", p.amount},
           {"currency", p.currency},
           {"expires_at", p.expires_at},
           {"provider", p.provider}};
  if (p.refund_due) {
    out["refund_due"] = true;
  }
  return out;
}

/// Whether `claims` may read `o`: its buyer, a seller of its items, or an admin.
bool may_read(const access_claims& claims, const std::string& seller_id,
              const protocol::order_view& o) {
  if (claims.sub == o.user_id || has_role(claims, "admin")) {
    return true;
  }
  return !seller_id.empty()
         && std::any_of(o.items.begin(), o.items.end(),
                        [&](const protocol::order_line& l) { return l.seller_id == seller_id; });
}

/// The caller's active seller account id ("" when none or not active), then `next(seller_id)`.
void with_seller_of(api_context& ctx, const std::string& user_id,
                    std::function<void(std::string)> next) {
  ctx.gw.ask<protocol::user_view>(
    "user:" + user_id, protocol::get_user{},
    [&ctx, next = std::move(next)](caf::expected<protocol::user_view> user) {
      if (!user || user->seller_id.empty()) {
        return next("");
      }
      ctx.gw.ask<protocol::seller_view>("seller:" + user->seller_id, protocol::get_seller{},
                                        [next](caf::expected<protocol::seller_view> s) {
                                          next(s && s->status == "active" ? s->id : "");
                                        });
    });
}

/// The order id of a checkout: derived from (user, Idempotency-Key), so a retry reaches the
/// same order actor, which answers what the first attempt got; else a fresh one.
std::string checkout_order_id(const std::string& user_id, const std::string& key) {
  if (key.empty()) {
    return runtime::new_id("ord");
  }
  return "ord_" + hex_sha256(user_id + ":" + key).substr(0, 26);
}

/// Prices the cart's lines at the catalog's current prices (lines no longer sold are left
/// out), then runs the checkout saga.
void run_checkout(api_context& ctx, std::string user_id, protocol::address address,
                  std::string order_id, responder res) {
  ctx.gw.ask<protocol::cart_view>(
    "cart:" + user_id, protocol::get_cart{},
    [&ctx, user_id, address, order_id, res](caf::expected<protocol::cart_view> cart) mutable {
      if (!cart) {
        return res(error_from(cart.error()));
      }
      if (cart->lines.empty()) {
        return res(field_error("cart", "the cart is empty"));
      }
      std::vector<std::string> keys;
      for (const auto& l : cart->lines) {
        keys.push_back("product:" + l.product_id);
      }
      ask_all<protocol::product_view>(
        ctx.gw, keys, protocol::get_product{},
        [&ctx, user_id, address, order_id, res,
         lines = cart->lines](std::vector<caf::expected<protocol::product_view>> products) mutable {
          protocol::start_checkout sc{user_id, std::move(address), {}, ctx.commerce.payment_ttl_s};
          for (size_t i = 0; i < lines.size(); ++i) {
            if (!products[i]) {
              if (to_http_status(products[i].error()) >= 500) {
                return res(error_from(products[i].error()));
              }
              continue;
            }
            const auto& p = *products[i];
            auto v
              = std::find_if(p.variants.begin(), p.variants.end(),
                             [&](const protocol::variant& x) { return x.sku == lines[i].sku; });
            if (p.status != "active" || v == p.variants.end()) {
              continue;
            }
            sc.lines.push_back({lines[i].sku, p.id, p.seller_id, p.title, v->price,
                                lines[i].quantity, v->price * lines[i].quantity, p.owner_user_id});
          }
          if (sc.lines.empty()) {
            return res(field_error("cart", "nothing in the cart is for sale any more"));
          }
          ctx.gw.ask<protocol::checkout_view>(
            "order:" + order_id, std::move(sc), [res](caf::expected<protocol::checkout_view> out) {
              if (!out) {
                return res(error_from(out.error()));
              }
              res(json_response(201, json{{"order", order_json(out->order)},
                                          {"payment", payment_json(out->payment)}}));
            });
        });
    });
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
  auto address_id = v.optional_string("address_id", 64);
  auto coupon = v.optional_string("coupon_code", 64);
  const auto* shipping = v.object("shipping_address", false);
  if (!v.ok()) {
    return res(v.error());
  }
  if (coupon && !coupon->empty()) {
    return res(field_error("coupon_code", "no such coupon"));
  }
  if (address_id.has_value() == (shipping != nullptr)) {
    return res(field_error("address_id", "give either address_id or shipping_address"));
  }
  auto order_id = checkout_order_id(claims.sub, req.idempotency_key);
  if (shipping != nullptr) {
    validator sv{*shipping, "shipping_address."};
    protocol::address a;
    std::vector<std::string> fields;
    read_address(sv, false, a, fields);
    if (!sv.ok()) {
      return res(sv.error());
    }
    return run_checkout(ctx, claims.sub, std::move(a), order_id, res);
  }
  ctx.gw.ask<protocol::address_list>(
    "user:" + claims.sub, protocol::list_addresses{},
    [&ctx, sub = claims.sub, id = *address_id, order_id,
     res](caf::expected<protocol::address_list> list) {
      if (!list) {
        return res(error_from(list.error()));
      }
      auto a = std::find_if(list->items.begin(), list->items.end(),
                            [&](const protocol::address& x) { return x.id == id; });
      if (a == list->items.end()) {
        return res(field_error("address_id", "no such address of yours"));
      }
      run_checkout(ctx, sub, *a, order_id, res);
    });
}

void show(api_context& ctx, access_claims&& claims, params&& p, responder res) {
  if (!is_minted_id(p["id"], "ord")) {
    return res(error_response(404, "not_found", "order not found"));
  }
  ctx.gw.ask<protocol::order_view>(
    "order:" + p["id"], protocol::get_order{},
    [&ctx, claims = std::move(claims), res](caf::expected<protocol::order_view> o) {
      if (!o) {
        return res(error_from(o.error()));
      }
      if (claims.sub == o->user_id || has_role(claims, "admin")) {
        return res(json_response(200, order_json(*o)));
      }
      with_seller_of(ctx, claims.sub, [claims, o = *o, res](std::string seller) {
        if (!may_read(claims, seller, o)) {
          return res(error_response(404, "not_found", "order not found"));
        }
        res(json_response(200, order_json(o)));
      });
    });
}

/// `<sort>.<item>` of the last entry of a page.
std::optional<std::pair<int64_t, std::string>> parse_list_cursor(const std::string& c) {
  auto dot = c.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 18 || dot + 1 >= c.size()) {
    return std::nullopt;
  }
  int64_t sort = 0;
  for (size_t i = 0; i < dot; ++i) {
    if (c[i] < '0' || c[i] > '9') {
      return std::nullopt;
    }
    sort = sort * 10 + (c[i] - '0');
  }
  return std::make_pair(sort, c.substr(dot + 1));
}

/// A page of an order book (a durable list), rendered from the orders themselves.
void list_book(api_context& ctx, const std::string& list, request& req, responder res) {
  response bad;
  auto limit = parse_limit(req, bad);
  if (!limit) {
    return res(std::move(bad));
  }
  std::pair<int64_t, std::string> after{0, ""};
  if (req.query.count("cursor")) {
    auto c = parse_list_cursor(req.query.at("cursor"));
    if (!c) {
      return res(field_error("cursor", "not a cursor of this list"));
    }
    after = std::move(*c);
  }
  ctx.lists.read_list(
    list, after.first, after.second, static_cast<size_t>(*limit),
    [&ctx, res](runtime::store_status status, runtime::list_page page) {
      if (status != runtime::store_status::ok) {
        return res(error_response(503, "unavailable", "the list could not be read"));
      }
      std::vector<std::string> keys;
      for (const auto& e : page.entries) {
        keys.push_back("order:" + e.item);
      }
      std::string next;
      if (page.more && !page.entries.empty()) {
        next = std::to_string(page.entries.back().sort) + "." + page.entries.back().item;
      }
      ask_all<protocol::order_view>(
        ctx.gw, keys, protocol::get_order{},
        [res, next](std::vector<caf::expected<protocol::order_view>> orders) {
          json items = json::array();
          for (const auto& o : orders) {
            if (!o) {
              if (to_http_status(o.error()) >= 500) {
                return res(error_from(o.error()));
              }
              continue;
            }
            items.push_back(order_json(*o));
          }
          res(json_response(200, json{{"items", std::move(items)},
                                      {"next_cursor", next.empty() ? json(nullptr) : json(next)}}));
        });
    });
}

/// Runs `next()` if the caller owns seller `id` (else 403/404).
void as_seller_owner(api_context& ctx, const access_claims& claims, const std::string& id,
                     responder res, std::function<void()> next) {
  if (!is_minted_id(id, "sel")) {
    return res(error_response(404, "not_found", "seller not found"));
  }
  ctx.gw.ask<protocol::seller_view>(
    "seller:" + id, protocol::get_seller{},
    [sub = claims.sub, res, next = std::move(next)](caf::expected<protocol::seller_view> s) {
      if (!s) {
        return res(error_from(s.error()));
      }
      if (s->owner_user_id != sub) {
        return res(error_response(403, "forbidden", "not your seller account"));
      }
      next();
    });
}

void act(api_context& ctx, access_claims&& claims, const std::string& action, request&& req,
         params&& p, responder res) {
  protocol::order_action a;
  a.action = action;
  a.requester = claims.sub;
  a.admin = has_role(claims, "admin");
  a.idempotency_key = req.idempotency_key;
  if (a.idempotency_key.size() > max_key_chars) {
    return res(field_error("Idempotency-Key", "at most 200 characters"));
  }
  if (action == "ship") {
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
  if (action == "refund" && !a.admin) {
    return res(error_response(403, "forbidden", "admin role required"));
  }
  if (!is_minted_id(p["id"], "ord")) {
    return res(error_response(404, "not_found", "order not found"));
  }
  auto send = [&ctx, id = p["id"], res](protocol::order_action msg) {
    ctx.gw.ask<protocol::order_view>("order:" + id, std::move(msg),
                                     answer<protocol::order_view>(res, 200, order_json));
  };
  if (action == "ship" || action == "deliver") {
    return with_seller_of(ctx, claims.sub, [a = std::move(a), send](std::string seller) mutable {
      a.requester_seller = std::move(seller);
      send(std::move(a));
    });
  }
  send(std::move(a));
}

void simulate(api_context& ctx, access_claims&& claims, request&& req, params&& p, responder res) {
  auto sandbox = ctx.commerce.sandbox;
  if (!sandbox) {
    return res(error_response(404, "not_found", "simulation needs payment_provider = sandbox"));
  }
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  validator v{*body};
  auto outcome = v.required_string("outcome", 32);
  if (v.ok() && outcome != "succeeded" && outcome != "failed") {
    v.fail("outcome", "succeeded or failed");
  }
  if (!v.ok()) {
    return res(v.error());
  }
  if (!is_minted_id(p["id"], "pay")) {
    return res(error_response(404, "not_found", "payment not found"));
  }
  ctx.gw.ask<protocol::payment_view>(
    "payment:" + p["id"], protocol::get_payment{},
    [sandbox, sub = claims.sub, outcome, res](caf::expected<protocol::payment_view> pay) {
      if (!pay) {
        return res(error_from(pay.error()));
      }
      if (pay->user_id != sub) {
        return res(error_response(403, "forbidden", "not your payment"));
      }
      auto event_id = sandbox->simulate(pay->id, pay->amount, outcome);
      res(json_response(202, json{{"payment_id", pay->id},
                                  {"event_id", event_id},
                                  {"outcome", outcome},
                                  {"status", "webhook scheduled"}}));
    });
}

/// The provider's webhook: signature first (constant time), then the event, deduplicated by the
/// payment actor.
void webhook(api_context& ctx, request&& req, responder res) {
  auto expected = hex_hmac_sha256(ctx.commerce.webhook_secret, req.body);
  std::string given = req.signature;
  std::transform(given.begin(), given.end(), given.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (given.empty() || !constant_time_equal(given, expected)) {
    return res(error_response(401, "unauthorized", "bad webhook signature"));
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
    return res(error_response(404, "not_found", "payment not found"));
  }
  ctx.gw.ask<protocol::payment_view>(
    "payment:" + payment_id, std::move(e), [res](caf::expected<protocol::payment_view> pay) {
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
               list_book(ctx, std::string{order::buyer_book_kind} + ":" + c.sub, req,
                         std::move(res));
             }));
  routes.add("GET", "/v1/orders/{id}",
             authed(ctx, [&ctx](access_claims&& c, request&&, params&& p, responder res) {
               show(ctx, std::move(c), std::move(p), std::move(res));
             }));
  for (const char* action : {"ship", "deliver", "cancel", "refund"}) {
    routes.add("POST", std::string{"/v1/orders/{id}/"} + action,
               authed(ctx, [&ctx, action = std::string{action}](access_claims&& c, request&& req,
                                                                params&& p, responder res) {
                 act(ctx, std::move(c), action, std::move(req), std::move(p), std::move(res));
               }));
  }
  routes.add("GET", "/v1/sellers/{id}/orders",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&& p, responder res) {
               auto id = p["id"];
               as_seller_owner(ctx, c, id, res, [&ctx, id, req = std::move(req), res]() mutable {
                 list_book(ctx, std::string{order::seller_book_kind} + ":" + id, req, res);
               });
             }));
  routes.add("GET", "/v1/sellers/{id}/earnings",
             authed(ctx, [&ctx](access_claims&& c, request&&, params&& p, responder res) {
               auto id = p["id"];
               as_seller_owner(ctx, c, id, res, [&ctx, id, res] {
                 ctx.gw.ask<protocol::earnings_view>(
                   std::string{order::earnings_kind} + ":" + id, protocol::get_earnings{},
                   answer<protocol::earnings_view>(res, 200, [](const protocol::earnings_view& e) {
                     return json{{"gross", e.gross},
                                 {"commission", e.commission},
                                 {"net", e.net},
                                 {"currency", "IDR"}};
                   }));
               });
             }));
  routes.add("POST", "/v1/payments/{id}/simulate",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&& p, responder res) {
               simulate(ctx, std::move(c), std::move(req), std::move(p), std::move(res));
             }));
  routes.add("GET", "/v1/payments/{id}",
             authed(ctx, [&ctx](access_claims&& c, request&&, params&& p, responder res) {
               if (!is_minted_id(p["id"], "pay")) {
                 return res(error_response(404, "not_found", "payment not found"));
               }
               ctx.gw.ask<protocol::payment_view>(
                 "payment:" + p["id"], protocol::get_payment{},
                 [c, res](caf::expected<protocol::payment_view> pay) {
                   if (!pay) {
                     return res(error_from(pay.error()));
                   }
                   if (pay->user_id != c.sub && !has_role(c, "admin")) {
                     return res(error_response(404, "not_found", "payment not found"));
                   }
                   res(json_response(200, payment_json(*pay)));
                 });
             }));
  routes.add("POST", "/v1/webhooks/payments", [&ctx](request&& req, params&&, responder res) {
    webhook(ctx, std::move(req), std::move(res));
  });
}

} // namespace lakoo::edge
