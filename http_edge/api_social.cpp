#include <algorithm>

#include "actors/runtime/ids.hpp"
#include "http_edge/api_context.hpp"

namespace lakoo::edge {

using nlohmann::json;

namespace {

constexpr std::size_t max_media = 10;
constexpr std::size_t max_tags = 20;
constexpr std::size_t max_hashtags = 30;
constexpr std::size_t max_url_chars = 2048;

bool is_url(const std::string& s) {
  return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
}

} // namespace

json post_json(const api_context& ctx, const protocol::post_view& p) {
  json tags = json::array();
  for (const auto& t : p.product_tags) {
    auto title = t.title;
    auto price = t.price;
    auto currency = t.currency;
    if (auto live = ctx.catalog.find(t.product_id); live && !live->variants.empty()) {
      title = live->title; // the product as it is now, while it is listed
      price = live->variants.front().price;
      currency = live->variants.front().currency;
      for (const auto& v : live->variants) {
        price = std::min(price, v.price);
      }
    }
    tags.push_back({{"product_id", t.product_id},
                    {"x", t.x},
                    {"y", t.y},
                    {"title", title},
                    {"price", price},
                    {"currency", currency}});
  }
  return json{{"id", p.id},
              {"author_id", p.author_id},
              {"seller_id", p.seller_id.empty() ? json(nullptr) : json(p.seller_id)},
              {"caption", p.caption},
              {"media_urls", p.media_urls},
              {"product_tags", std::move(tags)},
              {"hashtags", p.hashtags},
              {"like_count", p.like_count},
              {"save_count", p.save_count},
              {"comment_count", p.comment_count},
              {"liked_by_me", p.liked_by_me},
              {"saved_by_me", p.saved_by_me},
              {"created_at", p.created_at}};
}

void render_posts(api_context& ctx, const std::string& viewer, std::vector<std::string> ids,
                  std::function<void(caf::expected<std::vector<std::optional<json>>>)> done,
                  bool from_index) {
  // From the node's post index (committed state, a poll behind the actors); the few it does not
  // have yet (just created) or no longer has (deleted) are asked of their actors.
  auto out = std::make_shared<std::vector<std::optional<json>>>(ids.size());
  std::vector<size_t> missing;
  std::vector<protocol::post_ref> keys;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (auto p = from_index ? ctx.posts.find(ids[i]) : nullptr) {
      (*out)[i] = post_json(ctx, p->seen_by(viewer));
    } else {
      missing.push_back(i);
      keys.push_back(protocol::post_ref{ids[i]});
    }
  }
  if (keys.empty()) {
    return done(std::move(*out));
  }
  ask_all<protocol::post_view>(
    ctx.gw, keys, protocol::get_post{viewer},
    [&ctx, out, missing,
     done = std::move(done)](std::vector<caf::expected<protocol::post_view>> replies) {
      for (size_t k = 0; k < replies.size(); ++k) {
        auto& r = replies[k];
        if (r) {
          (*out)[missing[k]] = post_json(ctx, *r);
        } else if (to_http_status(r.error()) != 404) {
          return done(r.error()); // 404: deleted since it was listed, left out
        }
      }
      done(std::move(*out));
    });
}

std::optional<std::string> optional_viewer(const api_context& ctx, const request& req,
                                           responder& res, bool& failed) {
  failed = false;
  if (req.authorization.empty()) {
    return std::string{};
  }
  auto claims = authenticate(ctx, req, res);
  if (!claims) {
    failed = true;
    return std::nullopt;
  }
  return claims->sub;
}

namespace {

json comment_json(const protocol::comment_view& c) {
  return json{{"id", c.id},
              {"post_id", c.post_id},
              {"author_id", c.author_id},
              {"parent_id", c.parent_id.empty() ? json(nullptr) : json(c.parent_id)},
              {"body", c.body},
              {"created_at", c.created_at}};
}

/// The request's post id, or nullopt after answering 404.
std::optional<std::string> post_id_of(params& p, responder& res) {
  if (!is_minted_id(p["id"], "pst")) {
    res(error_from(protocol::errc::not_found, "post not found"));
    return std::nullopt;
  }
  return p["id"];
}

void create_post(api_context& ctx, access_claims&& claims, request&& req, responder res) {
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  validator v{*body};
  protocol::create_post post;
  post.author_id = claims.sub;
  post.caption = v.optional_string("caption", max_text_chars).value_or("");
  post.media_urls = v.required_string_array("media_urls", max_media, max_url_chars);
  if (v.ok() && post.media_urls.empty()) {
    v.fail("media_urls", "at least one media url");
  }
  for (size_t i = 0; v.ok() && i < post.media_urls.size(); ++i) {
    if (!is_url(post.media_urls[i])) {
      v.fail("media_urls[" + std::to_string(i) + "]", "must be an http(s) url");
    }
  }
  auto hashtags = v.optional_string_array("hashtags", max_hashtags, 100);
  for (auto& h : hashtags.value_or(std::vector<std::string>{})) {
    if (!h.empty() && h[0] == '#') {
      h.erase(0, 1);
    }
    if (!h.empty()
        && std::find(post.hashtags.begin(), post.hashtags.end(), h) == post.hashtags.end()) {
      post.hashtags.push_back(h);
    }
  }
  const auto* tags = v.ok() ? v.array("product_tags", false) : nullptr;
  if (v.ok() && tags && tags->size() > max_tags) {
    v.fail("product_tags", "at most 20 tags");
  }
  for (size_t i = 0; v.ok() && tags && i < tags->size(); ++i) {
    auto name = "product_tags[" + std::to_string(i) + "]";
    if (!(*tags)[i].is_object()) {
      v.fail(name, "must be an object");
      break;
    }
    validator tv{(*tags)[i], name + "."};
    protocol::post_tag t;
    t.product_id = tv.required_string("product_id", 64);
    t.x = tv.required_number("x", 0, 1);
    t.y = tv.required_number("y", 0, 1);
    if (!tv.ok()) {
      return res(tv.error());
    }
    post.product_tags.push_back(std::move(t));
  }
  if (!v.ok()) {
    return res(v.error());
  }
  for (size_t i = 0; i < post.product_tags.size(); ++i) {
    if (!is_minted_id(post.product_tags[i].product_id, "prd")) {
      return res(
        field_error("product_tags[" + std::to_string(i) + "].product_id", "not an active product"));
    }
  }
  ctx.gw.ask<protocol::post_view>(
    protocol::post_ref{runtime::new_id("pst")}, std::move(post),
    answer<protocol::post_view>(
      res, 201, [&ctx](const protocol::post_view& view) { return post_json(ctx, view); }));
}

void react(api_context& ctx, const access_claims& claims, params& p, const std::string& what,
           bool on, responder res) {
  auto id = post_id_of(p, res);
  if (!id) {
    return;
  }
  ctx.gw.ask<protocol::post_view>(
    protocol::post_ref{*id}, protocol::react_post{claims.sub, what, on},
    answer<protocol::post_view>(
      res, 200, [&ctx](const protocol::post_view& view) { return post_json(ctx, view); }));
}

/// `POST /v1/posts/{id}/save {"collection_id"?}`: one ask, to the post, or to the collection (which
/// checks that it is the caller's before anything changes, then saves and files the post).
void save(api_context& ctx, access_claims&& claims, request&& req, params&& p, responder res) {
  auto id = post_id_of(p, res);
  if (!id) {
    return;
  }
  std::string collection;
  if (!req.body.empty()) {
    auto body = body_of(req, res);
    if (!body) {
      return;
    }
    validator v{*body};
    collection = v.optional_string("collection_id", 64).value_or("");
    if (!v.ok()) {
      return res(v.error());
    }
    if (!collection.empty() && !is_minted_id(collection, "col")) {
      return res(error_from(protocol::errc::not_found, "collection not found"));
    }
  }
  auto render = [&ctx](const protocol::post_view& x) { return post_json(ctx, x); };
  if (collection.empty()) {
    return ctx.gw.ask<protocol::post_view>(protocol::post_ref{*id},
                                           protocol::react_post{claims.sub, "save", true},
                                           answer<protocol::post_view>(res, 200, render));
  }
  ctx.gw.ask<protocol::post_view>(protocol::collection_ref{collection},
                                  protocol::save_to_collection{claims.sub, *id},
                                  answer<protocol::post_view>(res, 200, render));
}

void comment(api_context& ctx, access_claims&& claims, request&& req, params&& p, responder res) {
  auto id = post_id_of(p, res);
  if (!id) {
    return;
  }
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  validator v{*body};
  protocol::add_comment c;
  c.author_id = claims.sub;
  c.body = v.required_string("body", max_text_chars);
  c.parent_id = v.optional_string("parent_id", 64).value_or("");
  if (!v.ok()) {
    return res(v.error());
  }
  ctx.gw.ask<protocol::post_view>(
    protocol::post_ref{*id}, protocol::get_post{claims.sub},
    [&ctx, id = *id, c = std::move(c), res](caf::expected<protocol::post_view> post) mutable {
      if (!post) {
        return res(error_from(post.error()));
      }
      ctx.gw.ask<protocol::comment_view>(protocol::thread_ref{id}, std::move(c),
                                         answer<protocol::comment_view>(res, 201, comment_json));
    });
}

void list_comments(api_context& ctx, request&& req, params&& p, responder res) {
  response bad;
  auto limit = parse_limit(req, bad);
  if (!limit) {
    return res(std::move(bad));
  }
  auto id = post_id_of(p, res);
  if (!id) {
    return;
  }
  ctx.gw.ask<protocol::post_view>(
    protocol::post_ref{*id}, protocol::get_post{},
    [&ctx, id = *id, limit = *limit, cursor = cursor_of(req),
     res](caf::expected<protocol::post_view> post) mutable {
      if (!post) {
        return res(error_from(post.error()));
      }
      ctx.gw.ask<protocol::comment_page>(
        protocol::thread_ref{id}, protocol::list_comments{limit, cursor},
        answer<protocol::comment_page>(res, 200, [](const protocol::comment_page& page) {
          json items = json::array();
          for (const auto& c : page.items) {
            items.push_back(comment_json(c));
          }
          return page_json(std::move(items), page.next_cursor);
        }));
    });
}

} // namespace

void add_social_routes(route_table& routes, api_context& ctx) {
  routes.add("POST", "/v1/posts",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&&, responder res) {
               create_post(ctx, std::move(c), std::move(req), std::move(res));
             }));
  routes.add("GET", "/v1/posts/{id}", [&ctx](request&& req, params&& p, responder res) {
    bool failed = false;
    auto viewer = optional_viewer(ctx, req, res, failed);
    if (failed) {
      return;
    }
    auto id = post_id_of(p, res);
    if (!id) {
      return;
    }
    ctx.gw.ask<protocol::post_view>(
      protocol::post_ref{*id}, protocol::get_post{*viewer},
      answer<protocol::post_view>(
        res, 200, [&ctx](const protocol::post_view& view) { return post_json(ctx, view); }));
  });
  routes.add("DELETE", "/v1/posts/{id}",
             authed(ctx, [&ctx](access_claims&& c, request&&, params&& p, responder res) {
               auto id = post_id_of(p, res);
               if (!id) {
                 return;
               }
               ctx.gw.ask<bool>(protocol::post_ref{*id},
                                protocol::delete_post{c.sub, has_role(c, "admin")},
                                [res](caf::expected<bool> ok) {
                                  res(ok ? no_content() : error_from(ok.error()));
                                });
             }));
  for (bool on : {true, false}) {
    routes.add(on ? "POST" : "DELETE", "/v1/posts/{id}/like",
               authed(ctx, [&ctx, on](access_claims&& c, request&&, params&& p, responder res) {
                 react(ctx, c, p, "like", on, std::move(res));
               }));
  }
  routes.add("POST", "/v1/posts/{id}/save",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&& p, responder res) {
               save(ctx, std::move(c), std::move(req), std::move(p), std::move(res));
             }));
  routes.add("DELETE", "/v1/posts/{id}/save",
             authed(ctx, [&ctx](access_claims&& c, request&&, params&& p, responder res) {
               react(ctx, c, p, "save", false, std::move(res));
             }));
  routes.add("POST", "/v1/posts/{id}/comments",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&& p, responder res) {
               comment(ctx, std::move(c), std::move(req), std::move(p), std::move(res));
             }));
  routes.add("GET", "/v1/posts/{id}/comments", [&ctx](request&& req, params&& p, responder res) {
    list_comments(ctx, std::move(req), std::move(p), std::move(res));
  });
}

} // namespace lakoo::edge
