#include <algorithm>

#include "actors/runtime/clock.hpp"
#include "actors/runtime/ids.hpp"
#include "http_edge/api_context.hpp"
#include "http_edge/log.hpp"

namespace lakoo::edge {

namespace {

using nlohmann::json;

constexpr std::size_t min_password_chars = 8;
constexpr std::size_t max_password_chars = 1024;
constexpr std::size_t max_url_chars = 2048;

json user_json(const protocol::user_view& u) {
  return json{{"id", u.id},
              {"email", u.email},
              {"name", u.name},
              {"bio", u.bio},
              {"avatar_url", u.avatar_url},
              {"roles", u.roles},
              {"seller_id", u.seller_id.empty() ? json(nullptr) : json(u.seller_id)},
              {"created_at", u.created_at}};
}

json public_user_json(const protocol::user_view& u) {
  return json{{"id", u.id},
              {"name", u.name},
              {"bio", u.bio},
              {"avatar_url", u.avatar_url},
              {"follower_count", u.follower_count},
              {"following_count", u.following_count},
              {"post_count", u.post_count},
              {"seller_id", u.seller_id.empty() ? json(nullptr) : json(u.seller_id)}};
}

struct session_tokens {
  std::string access_token;
  std::string refresh_token;
};

std::string issue_access(const api_context& ctx, const protocol::user_view& user,
                         const std::string& family_id) {
  auto now = runtime::unix_now();
  return ctx.tokens.issue(
    access_claims{user.id, user.roles, family_id, now, now + ctx.identity.access_ttl_s});
}

json session_json(const api_context& ctx, const session_tokens& t) {
  return json{{"access_token", t.access_token},
              {"refresh_token", t.refresh_token},
              {"token_type", "Bearer"},
              {"expires_in", ctx.identity.access_ttl_s}};
}

/// Opens a refresh-token family for `user` and answers `status` with the user and tokens.
void start_session(api_context& ctx, protocol::user_view user, int status, responder res) {
  auto family_id = runtime::new_id("rtf");
  std::string secret_hash;
  auto refresh = make_refresh_token(family_id, secret_hash);
  ctx.gw.ask<protocol::family_view>(
    protocol::family_ref{family_id}, protocol::open_family{user.id, secret_hash},
    [&ctx, user, family_id, refresh, status, res](caf::expected<protocol::family_view> x) {
      if (!x) {
        res(error_from(x.error()));
        return;
      }
      auto body = session_json(ctx, {issue_access(ctx, user, family_id), refresh});
      body["user"] = user_json(user);
      res(json_response(status, body));
    });
}

void register_user(api_context& ctx, request&& req, responder res) {
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  validator v{*body};
  auto email = lower_ascii(v.required_string("email", max_email_chars));
  auto password = v.required_string("password", max_password_chars, min_password_chars);
  auto name = v.required_string("name", max_name_chars);
  if (v.ok() && !is_valid_email(email)) {
    v.fail("email", "must be an email address");
  }
  if (!v.ok()) {
    return res(v.error());
  }
  std::vector<std::string> roles{"customer"};
  const auto& admins = ctx.identity.admin_emails;
  if (std::find(admins.begin(), admins.end(), email) != admins.end()) {
    roles.emplace_back("admin");
  }
  ctx.passwords.hash(password, [&ctx, email, name, roles, res](std::optional<std::string> hash) {
    if (!hash) {
      return res(error_from(protocol::errc::unavailable, "server is busy, retry shortly"));
    }
    auto user_id = runtime::new_id("usr");
    ctx.gw.ask<protocol::user_view>(protocol::account_ref{email},
                                    protocol::open_account{user_id, email, *hash, name, roles},
                                    [&ctx, res](caf::expected<protocol::user_view> user) {
                                      if (!user) {
                                        return res(error_from(user.error()));
                                      }
                                      start_session(ctx, std::move(*user), 201, res);
                                    });
  });
}

void login(api_context& ctx, request&& req, responder res) {
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  validator v{*body};
  auto email = lower_ascii(v.required_string("email", max_email_chars));
  auto password = v.required_string("password", max_password_chars);
  if (!v.ok()) {
    return res(v.error());
  }
  auto denied = [res] { res(error_from(protocol::errc::unauthorized, "wrong email or password")); };
  ctx.gw.ask<protocol::account_view>(
    protocol::account_ref{email}, protocol::get_account{},
    [&ctx, password, denied, res](caf::expected<protocol::account_view> account) {
      if (!account && account.error() != protocol::errc::not_found) {
        return res(error_from(account.error()));
      }
      // An unknown email is checked against a dummy hash: both answers take as long.
      auto hash = account ? account->password_hash : std::string{};
      auto user_id = account ? account->user_id : std::string{};
      ctx.passwords.verify(hash, password, [&ctx, user_id, denied, res](bool ok) {
        if (!ok) {
          return denied();
        }
        ctx.gw.ask<protocol::user_view>(protocol::user_ref{user_id}, protocol::get_user{},
                                        [&ctx, res](caf::expected<protocol::user_view> user) {
                                          if (!user) {
                                            return res(error_from(user.error()));
                                          }
                                          start_session(ctx, std::move(*user), 200, res);
                                        });
      });
    });
}

/// Parses `{"refresh_token": ...}`; nullopt after answering 400/401.
std::optional<refresh_parts> refresh_token_of(const request& req, responder& res) {
  auto body = body_of(req, res);
  if (!body) {
    return std::nullopt;
  }
  validator v{*body};
  auto token = v.required_string("refresh_token", 512);
  if (!v.ok()) {
    res(v.error());
    return std::nullopt;
  }
  auto parts = parse_refresh_token(token);
  if (!parts) {
    res(error_from(protocol::errc::unauthorized, "refresh token is invalid, expired or revoked"));
  }
  return parts;
}

void refresh(api_context& ctx, request&& req, responder res) {
  auto parts = refresh_token_of(req, res);
  if (!parts) {
    return;
  }
  std::string next_hash;
  auto next = make_refresh_token(parts->family_id, next_hash);
  auto family_id = parts->family_id;
  ctx.gw.ask<protocol::family_view>(
    protocol::family_ref{family_id}, protocol::rotate_family{parts->secret_hash, next_hash},
    [&ctx, family_id, next, res](caf::expected<protocol::family_view> fam) {
      if (!fam) {
        return res(error_from(fam.error()));
      }
      // Roles are read afresh so a token issued now reflects the user as they are now.
      ctx.gw.ask<protocol::user_view>(
        protocol::user_ref{fam->user_id}, protocol::get_user{},
        [&ctx, family_id, next, res](caf::expected<protocol::user_view> user) {
          if (!user) {
            return res(error_from(user.error()));
          }
          res(json_response(200, session_json(ctx, {issue_access(ctx, *user, family_id), next})));
        });
    });
}

void logout(api_context& ctx, request&& req, responder res) {
  auto parts = refresh_token_of(req, res);
  if (!parts) {
    return;
  }
  ctx.gw.ask<protocol::family_view>(protocol::family_ref{parts->family_id},
                                    protocol::revoke_family{parts->secret_hash},
                                    [res](caf::expected<protocol::family_view> fam) {
                                      res(fam ? no_content() : error_from(fam.error()));
                                    });
}

void patch_me(api_context& ctx, const access_claims& claims, request&& req, responder res) {
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  validator v{*body};
  auto name = v.optional_string("name", max_name_chars);
  auto bio = v.optional_string("bio", max_text_chars);
  auto avatar = v.optional_string("avatar_url", max_url_chars);
  if (name && name->empty()) {
    v.fail("name", "must not be empty");
  }
  if (!v.ok()) {
    return res(v.error());
  }
  protocol::update_user up;
  up.has_name = name.has_value();
  up.name = name.value_or("");
  up.has_bio = bio.has_value();
  up.bio = bio.value_or("");
  up.has_avatar_url = avatar.has_value();
  up.avatar_url = avatar.value_or("");
  ctx.gw.ask<protocol::user_view>(protocol::user_ref{claims.sub}, std::move(up),
                                  answer<protocol::user_view>(res, 200, user_json));
}

} // namespace

void add_identity_routes(route_table& routes, api_context& ctx) {
  routes.add("POST", "/v1/auth/register", [&ctx](request&& req, params&&, responder res) {
    register_user(ctx, std::move(req), std::move(res));
  });
  routes.add("POST", "/v1/auth/login", [&ctx](request&& req, params&&, responder res) {
    login(ctx, std::move(req), std::move(res));
  });
  routes.add("POST", "/v1/auth/refresh", [&ctx](request&& req, params&&, responder res) {
    refresh(ctx, std::move(req), std::move(res));
  });
  routes.add("POST", "/v1/auth/logout", [&ctx](request&& req, params&&, responder res) {
    logout(ctx, std::move(req), std::move(res));
  });
  routes.add("GET", "/v1/me",
             authed(ctx, [&ctx](access_claims&& claims, request&&, params&&, responder res) {
               ctx.gw.ask<protocol::user_view>(protocol::user_ref{claims.sub}, protocol::get_user{},
                                               answer<protocol::user_view>(res, 200, user_json));
             }));
  routes.add("PATCH", "/v1/me",
             authed(ctx, [&ctx](access_claims&& claims, request&& req, params&&, responder res) {
               patch_me(ctx, claims, std::move(req), std::move(res));
             }));
  routes.add("GET", "/v1/users/{id}", [&ctx](request&&, params&& p, responder res) {
    const auto& id = p["id"];
    if (!is_minted_id(id, "usr")) {
      return res(error_from(protocol::errc::not_found, "user not found"));
    }
    // The profile from the user, the counts from the social graph.
    ctx.gw.ask<protocol::user_view>(
      protocol::user_ref{id}, protocol::get_user{},
      [&ctx, id, res](caf::expected<protocol::user_view> u) mutable {
        if (!u) {
          return res(error_from(u.error()));
        }
        ctx.gw.ask<protocol::graph_view>(
          protocol::graph_ref{id}, protocol::get_graph{},
          [user = std::move(*u), res](caf::expected<protocol::graph_view> g) mutable {
            if (!g) {
              return res(error_from(g.error()));
            }
            user.follower_count = g->follower_count;
            user.following_count = g->following_count;
            user.post_count = g->post_count;
            res(json_response(200, public_user_json(user)));
          });
      });
  });
}

} // namespace lakoo::edge
