#include "http_edge/api_context.hpp"

#include <algorithm>

#include "actors/runtime/clock.hpp"

/// The helpers every API file shares (declared in api_context.hpp).

namespace lakoo::edge {

std::optional<access_claims> verify_token(const api_context& ctx, const std::string& token) {
  auto now = runtime::unix_now();
  auto claims = ctx.tokens.verify(token, now);
  if (claims && ctx.identity.revocations->contains(claims->fam, now)) {
    claims.reset(); // logged out, or its refresh token was stolen and reused
  }
  return claims;
}

std::optional<access_claims> authenticate(const api_context& ctx, const request& req,
                                          responder& res) {
  auto token = bearer_token(req.authorization);
  std::optional<access_claims> claims;
  if (token) {
    claims = verify_token(ctx, *token);
  }
  if (!claims) {
    res(error_from(protocol::errc::unauthorized,
                   token ? "access token is invalid, expired or revoked" : "missing bearer token"));
  }
  return claims;
}

route_handler authed(const api_context& ctx, authed_handler h) {
  return [&ctx, h = std::move(h)](request&& req, params&& p, responder res) {
    auto claims = authenticate(ctx, req, res);
    if (claims) {
      h(std::move(*claims), std::move(req), std::move(p), std::move(res));
    }
  };
}

std::optional<nlohmann::json> body_of(const request& req, responder& res) {
  response err;
  auto body = parse_object(req, err);
  if (!body) {
    res(std::move(err));
  }
  return body;
}

bool has_role(const access_claims& claims, std::string_view role) {
  return std::find(claims.roles.begin(), claims.roles.end(), role) != claims.roles.end();
}

bool is_minted_id(const std::string& id, std::string_view prefix) {
  return id.size() == prefix.size() + 27 && id.compare(0, prefix.size(), prefix) == 0
         && id[prefix.size()] == '_'
         && std::all_of(id.begin() + static_cast<std::ptrdiff_t>(prefix.size()) + 1, id.end(),
                        [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); });
}

std::optional<std::string> reason_of(const request& req, responder& res) {
  auto body = body_of(req, res);
  if (!body) {
    return std::nullopt;
  }
  validator v{*body};
  auto reason = v.required_string("reason", max_text_chars);
  if (!v.ok()) {
    res(v.error());
    return std::nullopt;
  }
  return reason;
}

nlohmann::json page_json(nlohmann::json items, const std::string& next) {
  return nlohmann::json{
    {"items", std::move(items)},
    {"next_cursor", next.empty() ? nlohmann::json(nullptr) : nlohmann::json(next)}};
}

std::string cursor_of(const request& req) {
  return req.query.count("cursor") ? req.query.at("cursor") : std::string{};
}

response no_content() {
  response out;
  out.status = 204;
  out.content_type.clear();
  return out;
}

} // namespace lakoo::edge
