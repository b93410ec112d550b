#include <algorithm>

#include "actors/reference/reference.hpp"
#include "actors/runtime/ids.hpp"
#include "http_edge/api_context.hpp"

namespace lakoo::edge {

namespace {

using nlohmann::json;

constexpr std::size_t max_url_chars = 2048;
constexpr std::size_t max_handle_chars = 30;

const std::vector<std::string> acquisition_sources{"organic", "bazaar", "referral"};

constexpr std::size_t max_city_id_chars = 16;

/// `product_count` is the seller's active products in this node's catalog index.
json seller_json(const api_context& ctx, const protocol::seller_view& s) {
  json out{{"id", s.id},
           {"owner_user_id", s.owner_user_id},
           {"brand_name", s.brand_name},
           {"bio", s.bio},
           {"avatar_url", s.avatar_url},
           {"instagram_handle", s.instagram_handle},
           {"acquisition_source", s.acquisition_source},
           {"status", to_string(s.status)},
           {"follower_count", s.follower_count},
           {"product_count", ctx.catalog.active_count(s.id)},
           {"created_at", s.created_at},
           {"origin_city_id", s.origin_city_id.empty() ? json(nullptr) : json(s.origin_city_id)}};
  if (s.status == protocol::seller_status::rejected) {
    out["rejection_reason"] = s.rejection_reason;
  }
  return out;
}

auto render_seller(const api_context& ctx) {
  return [&ctx](const protocol::seller_view& s) { return seller_json(ctx, s); };
}

/// Instagram usernames: letters, digits, '.', '_' (a leading '@' is dropped).
bool is_instagram_handle(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
           || c == '_';
  });
}

/// Reads the profile fields of a seller body; `fields` lists those present.
void read_profile(validator& v, bool partial, protocol::seller_profile& out,
                  std::vector<std::string>& fields) {
  auto take = [&](const char* name, std::string& slot, std::size_t max) {
    if (auto value = v.optional_string(name, max)) {
      slot = std::move(*value);
      fields.emplace_back(name);
    }
  };
  if (partial) {
    take("brand_name", out.brand_name, max_name_chars);
    if (v.ok() && !fields.empty() && out.brand_name.empty()) { // brand_name is fields[0] here
      v.fail("brand_name", "must not be empty");
    }
  } else {
    out.brand_name = v.required_string("brand_name", max_name_chars);
  }
  take("bio", out.bio, max_text_chars);
  take("avatar_url", out.avatar_url, max_url_chars);
  take("instagram_handle", out.instagram_handle, max_handle_chars + 1);
  take("origin_city_id", out.origin_city_id, max_city_id_chars);
  if (v.ok() && !out.origin_city_id.empty()
      && reference::find_city(out.origin_city_id) == nullptr) {
    v.fail("origin_city_id", "must be a city id of GET /v1/regions/provinces/{id}/cities");
  }
  if (!out.instagram_handle.empty() && out.instagram_handle[0] == '@') {
    out.instagram_handle.erase(0, 1);
  }
  if (v.ok() && !out.instagram_handle.empty()
      && (!is_instagram_handle(out.instagram_handle)
          || out.instagram_handle.size() > max_handle_chars)) {
    v.fail("instagram_handle", "must be an Instagram username");
  }
}

void apply(api_context& ctx, access_claims&& claims, request&& req, responder res) {
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  validator v{*body};
  protocol::apply_seller app;
  std::vector<std::string> fields;
  read_profile(v, false, app.profile, fields);
  app.profile.acquisition_source
    = v.optional_enum("acquisition_source", acquisition_sources).value_or("organic");
  if (!v.ok()) {
    return res(v.error());
  }
  app.seller_id = runtime::new_id("sel");
  ctx.gw.ask<protocol::seller_view>(protocol::user_ref{claims.sub}, std::move(app),
                                    answer<protocol::seller_view>(res, 201, render_seller(ctx)));
}

/// Sellers that are not active are visible to their owner and admins only.
void show(api_context& ctx, request&& req, params&& p, responder res) {
  std::optional<access_claims> viewer;
  if (!req.authorization.empty()) {
    viewer = authenticate(ctx, req, res);
    if (!viewer) {
      return;
    }
  }
  const auto& id = p["id"];
  if (!is_minted_id(id, "sel")) {
    return res(error_from(protocol::errc::not_found, "seller not found"));
  }
  ctx.gw.ask<protocol::seller_view>(
    protocol::seller_ref{id}, protocol::get_seller{},
    [&ctx, viewer, res](caf::expected<protocol::seller_view> s) {
      if (!s) {
        return res(error_from(s.error()));
      }
      bool privileged = viewer && (viewer->sub == s->owner_user_id || has_role(*viewer, "admin"));
      if (s->status != protocol::seller_status::active && !privileged) {
        return res(error_from(protocol::errc::not_found, "seller not found"));
      }
      // Following a seller is following its owner: the count lives on the owner's graph.
      auto graph = protocol::graph_ref{s->owner_user_id}; // before `s` is moved into the callback
      ctx.gw.ask<protocol::graph_view>(
        graph, protocol::get_graph{},
        [&ctx, seller = std::move(*s), res](caf::expected<protocol::graph_view> g) mutable {
          if (!g) {
            return res(error_from(g.error()));
          }
          seller.follower_count = g->follower_count;
          res(json_response(200, seller_json(ctx, seller)));
        });
    });
}

void change(api_context& ctx, access_claims&& claims, request&& req, params&& p, responder res) {
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  validator v{*body};
  protocol::update_seller up;
  read_profile(v, true, up.profile, up.fields);
  if (!v.ok()) {
    return res(v.error());
  }
  if (!is_minted_id(p["id"], "sel")) {
    return res(error_from(protocol::errc::not_found, "seller not found"));
  }
  up.requester = claims.sub;
  ctx.gw.ask<protocol::seller_view>(protocol::seller_ref{p["id"]}, std::move(up),
                                    answer<protocol::seller_view>(res, 200, render_seller(ctx)));
}

void review(api_context& ctx, const access_claims& claims, bool approve, request&& req, params&& p,
            responder res) {
  if (!has_role(claims, "admin")) {
    return res(error_from(protocol::errc::forbidden, "admin role required"));
  }
  protocol::review_seller decision;
  decision.approve = approve;
  if (!approve) {
    auto reason = reason_of(req, res);
    if (!reason) {
      return;
    }
    decision.reason = std::move(*reason);
  }
  if (!is_minted_id(p["id"], "sel")) {
    return res(error_from(protocol::errc::not_found, "seller not found"));
  }
  ctx.gw.ask<protocol::seller_view>(protocol::seller_ref{p["id"]}, std::move(decision),
                                    answer<protocol::seller_view>(res, 200, render_seller(ctx)));
}

} // namespace

void add_seller_routes(route_table& routes, api_context& ctx) {
  routes.add("POST", "/v1/sellers",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&&, responder res) {
               apply(ctx, std::move(c), std::move(req), std::move(res));
             }));
  routes.add("GET", "/v1/sellers/{id}", [&ctx](request&& req, params&& p, responder res) {
    show(ctx, std::move(req), std::move(p), std::move(res));
  });
  routes.add("PATCH", "/v1/sellers/{id}",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&& p, responder res) {
               change(ctx, std::move(c), std::move(req), std::move(p), std::move(res));
             }));
  routes.add("POST", "/v1/admin/sellers/{id}/approve",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&& p, responder res) {
               review(ctx, c, true, std::move(req), std::move(p), std::move(res));
             }));
  routes.add("POST", "/v1/admin/sellers/{id}/reject",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&& p, responder res) {
               review(ctx, c, false, std::move(req), std::move(p), std::move(res));
             }));
}

} // namespace lakoo::edge
