#include "http_edge/api_context.hpp"

namespace lakoo::edge {

using nlohmann::json;

json notification_json(const protocol::notification_view& n) {
  return json{{"id", n.id},
              {"kind", n.kind},
              {"actor_id", n.actor_id.empty() ? json(nullptr) : json(n.actor_id)},
              {"subject_id", n.subject_id},
              {"text", n.text},
              {"read", n.read},
              {"created_at", n.created_at}};
}

namespace {

void list(api_context& ctx, const access_claims& claims, request& req, responder res) {
  response bad;
  auto limit = parse_limit(req, bad);
  if (!limit) {
    return res(std::move(bad));
  }
  auto cursor = req.query.count("cursor") ? req.query.at("cursor") : std::string{};
  ctx.gw.ask<protocol::notification_page>(
    protocol::inbox_ref{claims.sub}, protocol::list_notifications{*limit, cursor},
    answer<protocol::notification_page>(res, 200, [](const protocol::notification_page& page) {
      json items = json::array();
      for (const auto& n : page.items) {
        items.push_back(notification_json(n));
      }
      return json{
        {"items", std::move(items)},
        {"next_cursor", page.next_cursor.empty() ? json(nullptr) : json(page.next_cursor)}};
    }));
}

void mark(api_context& ctx, const access_claims& claims, request& req, responder res) {
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  validator v{*body};
  protocol::mark_read m;
  m.all = v.optional_bool("all").value_or(false);
  auto ids = v.optional_string_array("ids", 500, 64);
  if (v.ok() && !m.all && !ids) {
    v.fail("ids", "give ids or all: true");
  }
  if (!v.ok()) {
    return res(v.error());
  }
  m.ids = ids.value_or(std::vector<std::string>{});
  ctx.gw.ask<int64_t>(protocol::inbox_ref{claims.sub}, std::move(m),
                      answer<int64_t>(res, 200, [](int64_t n) {
                        return json{{"marked", n}};
                      }));
}

} // namespace

void add_notification_routes(route_table& routes, api_context& ctx) {
  // Upgrade requests never get here (the server hands them to the WebSocket session).
  routes.add("GET", "/v1/ws", authed(ctx, [](access_claims&&, request&&, params&&, responder res) {
               res(error_from(protocol::errc::invalid_request,
                              "this route upgrades to a WebSocket (send Upgrade: websocket)"));
             }));
  routes.add("GET", "/v1/notifications",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&&, responder res) {
               list(ctx, c, req, std::move(res));
             }));
  routes.add("POST", "/v1/notifications/read",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&&, responder res) {
               mark(ctx, c, req, std::move(res));
             }));
}

} // namespace lakoo::edge
