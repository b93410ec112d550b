#include "actors/runtime/ids.hpp"
#include "http_edge/api_context.hpp"

/// Follows (`/v1/users/{id}/follow`, followers, following) and collections.

namespace lakoo::edge {

namespace {

using nlohmann::json;

json collection_json(const protocol::collection_view& c) {
  return json{{"id", c.id},
              {"owner_id", c.owner_id},
              {"name", c.name},
              {"is_public", c.is_public},
              {"post_count", c.post_count},
              {"created_at", c.created_at}};
}
void follow(api_context& ctx, const access_claims& claims, params& p, bool on, responder res) {
  const auto& target = p["id"];
  if (target == claims.sub) {
    return res(field_error("id", "you cannot follow yourself"));
  }
  if (!is_minted_id(target, "usr")) {
    return res(error_from(protocol::errc::not_found, "user not found"));
  }
  auto me = claims.sub;
  ctx.gw.ask<protocol::user_view>(
    protocol::user_ref{target}, protocol::get_user{},
    [&ctx, me, target, on, res](caf::expected<protocol::user_view> u) mutable {
      if (!u) {
        return res(error_from(u.error()));
      }
      ctx.gw.ask<protocol::graph_view>(
        protocol::graph_ref{me}, protocol::follow_user{target, on},
        answer<protocol::graph_view>(res, 200, [on](const protocol::graph_view& g) {
          return json{{"user_id", g.user_id},
                      {"following", on},
                      {"follower_count", g.follower_count},
                      {"following_count", g.following_count}};
        }));
    });
}

json user_summary(const protocol::user_view& u) {
  return json{{"id", u.id},
              {"name", u.name},
              {"bio", u.bio},
              {"avatar_url", u.avatar_url},
              {"seller_id", u.seller_id.empty() ? json(nullptr) : json(u.seller_id)}};
}

/// A page of the `which` list of `graph:<user>` (followers, following, collections), each id
/// shown as `render(view)` of the entity `Kind:<id>` asked `msg`; ids whose entity answers 404
/// (gone, or private to this viewer) are left out.
template <class View, class Kind, class Msg, class Render>
void graph_list(api_context& ctx, request& req, const std::string& user, const std::string& which,
                Kind, Msg msg, Render render, responder res) {
  response bad;
  auto limit = parse_limit(req, bad);
  if (!limit) {
    return res(std::move(bad));
  }
  if (!is_minted_id(user, "usr")) {
    return res(error_from(protocol::errc::not_found, "user not found"));
  }
  ctx.gw.ask<protocol::id_page>(
    protocol::graph_ref{user}, protocol::list_graph{which, *limit, cursor_of(req)},
    [&ctx, msg, render, res](caf::expected<protocol::id_page> page) mutable {
      if (!page) {
        return res(error_from(page.error()));
      }
      std::vector<protocol::ref<Kind>> keys;
      for (const auto& id : page->items) {
        keys.push_back({id});
      }
      auto next = page->next_cursor;
      ask_all<View>(ctx.gw, keys, msg,
                    [next, render, res](std::vector<caf::expected<View>> views) mutable {
                      json items = json::array();
                      for (auto& v : views) {
                        if (v) {
                          items.push_back(render(*v));
                        } else if (to_http_status(v.error()) != 404) {
                          return res(error_from(v.error()));
                        }
                      }
                      res(json_response(200, page_json(std::move(items), next)));
                    });
    });
}

void list_follows(api_context& ctx, request&& req, params&& p, const std::string& which,
                  responder res) {
  graph_list<protocol::user_view>(ctx, req, p["id"], which, protocol::user_kind{},
                                  protocol::get_user{}, user_summary, std::move(res));
}

void create_collection(api_context& ctx, access_claims&& claims, request&& req, responder res) {
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  validator v{*body};
  protocol::create_collection c;
  c.owner_id = claims.sub;
  c.name = v.required_string("name", max_name_chars);
  c.is_public = v.optional_bool("is_public").value_or(true);
  if (!v.ok()) {
    return res(v.error());
  }
  ctx.gw.ask<protocol::collection_view>(
    protocol::collection_ref{runtime::new_id("col")}, std::move(c),
    answer<protocol::collection_view>(res, 201, collection_json));
}

void list_collections(api_context& ctx, request&& req, params&& p, responder res) {
  bool failed = false;
  auto viewer = optional_viewer(ctx, req, res, failed);
  if (failed) {
    return;
  }
  graph_list<protocol::collection_view>(
    ctx, req, p["id"], "collections", protocol::collection_kind{},
    protocol::get_collection{*viewer}, collection_json, std::move(res));
}

void collection_posts(api_context& ctx, request&& req, params&& p, responder res) {
  bool failed = false;
  auto viewer = optional_viewer(ctx, req, res, failed);
  if (failed) {
    return;
  }
  response bad;
  auto limit = parse_limit(req, bad);
  if (!limit) {
    return res(std::move(bad));
  }
  if (!is_minted_id(p["id"], "col")) {
    return res(error_from(protocol::errc::not_found, "collection not found"));
  }
  ctx.gw.ask<protocol::id_page>(
    protocol::collection_ref{p["id"]}, protocol::list_collection{*viewer, *limit, cursor_of(req)},
    [&ctx, viewer = *viewer, res](caf::expected<protocol::id_page> page) mutable {
      if (!page) {
        return res(error_from(page.error()));
      }
      auto next = page->next_cursor;
      render_posts(
        ctx, viewer, page->items,
        [next, res](caf::expected<std::vector<std::optional<json>>> posts) mutable {
          if (!posts) {
            return res(error_from(posts.error()));
          }
          json items = json::array();
          for (auto& x : *posts) {
            if (x) {
              items.push_back(std::move(*x));
            }
          }
          res(json_response(200, page_json(std::move(items), next)));
        },
        false); // a board is short and the owner expects their own change at once
    });
}

} // namespace

void add_graph_routes(route_table& routes, api_context& ctx) {
  for (bool on : {true, false}) {
    routes.add(on ? "POST" : "DELETE", "/v1/users/{id}/follow",
               authed(ctx, [&ctx, on](access_claims&& c, request&&, params&& p, responder res) {
                 follow(ctx, c, p, on, std::move(res));
               }));
  }
  for (const char* which : {"followers", "following"}) {
    routes.add("GET", std::string{"/v1/users/{id}/"} + which,
               [&ctx, which](request&& req, params&& p, responder res) {
                 list_follows(ctx, std::move(req), std::move(p), which, std::move(res));
               });
  }
  routes.add("POST", "/v1/collections",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&&, responder res) {
               create_collection(ctx, std::move(c), std::move(req), std::move(res));
             }));
  routes.add("GET", "/v1/collections/{id}", [&ctx](request&& req, params&& p, responder res) {
    bool failed = false;
    auto viewer = optional_viewer(ctx, req, res, failed);
    if (failed) {
      return;
    }
    if (!is_minted_id(p["id"], "col")) {
      return res(error_from(protocol::errc::not_found, "collection not found"));
    }
    ctx.gw.ask<protocol::collection_view>(
      protocol::collection_ref{p["id"]}, protocol::get_collection{*viewer},
      answer<protocol::collection_view>(res, 200, collection_json));
  });
  routes.add("GET", "/v1/users/{id}/collections", [&ctx](request&& req, params&& p, responder res) {
    list_collections(ctx, std::move(req), std::move(p), std::move(res));
  });
  routes.add("GET", "/v1/collections/{id}/posts", [&ctx](request&& req, params&& p, responder res) {
    collection_posts(ctx, std::move(req), std::move(p), std::move(res));
  });
}

} // namespace lakoo::edge
