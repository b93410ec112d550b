#pragma once

/// What the API handlers share (internal to http_edge).

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "actors/runtime/gateway.hpp"
#include "http_edge/edge.hpp"
#include "http_edge/json_util.hpp"
#include "http_edge/passwords.hpp"
#include "http_edge/routes.hpp"
#include "http_edge/tokens.hpp"
#include "read_models/catalog_index.hpp"

namespace lakoo::edge {

struct api_context {
  runtime::gateway& gw;
  const read_models::catalog_index& catalog;
  const read_models::post_index& posts;
  runtime::list_reader& lists;
  token_signer tokens;
  password_pool passwords;
  identity_settings identity;
  commerce_settings commerce;
  social_read_settings social;
  cluster_info cluster;
  std::string node_id;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  api_context(runtime::gateway& g, const read_models::catalog_index& index,
              const read_models::post_index& p, runtime::list_reader& l, identity_settings id,
              commerce_settings com, social_read_settings soc, cluster_info c, std::string node)
      : gw(g),
        catalog(index),
        posts(p),
        lists(l),
        tokens(id.token_secret),
        passwords(id.password_threads),
        identity(std::move(id)),
        commerce(std::move(com)),
        social(std::move(soc)),
        cluster(std::move(c)),
        node_id(std::move(node)) {}
};

/// The claims of a valid, unrevoked access token, or nullopt.
std::optional<access_claims> verify_token(const api_context& ctx, const std::string& token);

/// The caller's verified access-token claims, or nullopt after answering 401.
std::optional<access_claims> authenticate(const api_context& ctx, const request& req,
                                          responder& res);

/// A route handler that runs only with valid, unrevoked access-token claims (else 401).
using authed_handler = std::function<void(access_claims&&, request&&, params&&, responder)>;
route_handler authed(const api_context& ctx, authed_handler h);

/// The request's JSON object body, or nullopt after answering 400 (`details.field = "body"`).
std::optional<nlohmann::json> body_of(const request& req, responder& res);

/// 204 No Content.
response no_content();

/// Whether the token carries `role`.
bool has_role(const access_claims& claims, std::string_view role);

/// Whether `id` can be one we minted with `prefix` (`runtime::new_id`: prefix, '_', 26 base32
/// chars). Anything else is answered 404 without activating an entity.
bool is_minted_id(const std::string& id, std::string_view prefix);

/// The required `reason` of a rejection body (at most 5000 chars); nullopt after answering 400.
std::optional<std::string> reason_of(const request& req, responder& res);

/// A gateway callback that answers `status` with `render(value)` or the mapped error.
template <class T, class Render>
auto answer(responder res, int status, Render render) {
  return [res = std::move(res), status, render = std::move(render)](caf::expected<T> x) {
    if (!x) {
      res(error_from(x.error()));
      return;
    }
    // Rendered on the io thread that writes it, not on this CAF thread.
    res(json_response_later(status, [value = std::move(*x), render] { return render(value); }));
  };
}

/// Asks every entity of `keys` for `msg`, all at once; `done(replies)` runs once, with the
/// replies in the order of `keys`: on a CAF thread after the last answer, or at once when `keys`
/// is empty.
template <class Reply, class Kind, class Msg>
void ask_all(runtime::gateway& gw, const std::vector<protocol::ref<Kind>>& keys, const Msg& msg,
             std::function<void(std::vector<caf::expected<Reply>>)> done) {
  if (keys.empty()) {
    return done({});
  }
  struct gather {
    std::mutex mutex;
    std::vector<caf::expected<Reply>> replies;
    size_t pending = 0;
    std::function<void(std::vector<caf::expected<Reply>>)> done;
  };
  auto g = std::make_shared<gather>();
  g->replies.assign(keys.size(), caf::expected<Reply>{caf::make_error(caf::sec::request_timeout)});
  g->pending = keys.size();
  g->done = std::move(done);
  for (size_t i = 0; i < keys.size(); ++i) {
    gw.ask<Reply>(keys[i], msg, [g, i](caf::expected<Reply> x) {
      std::unique_lock<std::mutex> lock{g->mutex};
      g->replies[i] = std::move(x);
      if (--g->pending == 0) {
        auto replies = std::move(g->replies);
        lock.unlock();
        g->done(std::move(replies));
      }
    });
  }
}

/// A page in the API's shape: `{"items": items, "next_cursor": next or null}`.
nlohmann::json page_json(nlohmann::json items, const std::string& next);

/// The request's `cursor` parameter, or "".
std::string cursor_of(const request& req);

/// The API's Post object; product tags show the product's current title and lowest price while
/// it is listed (else as tagged).
nlohmann::json post_json(const api_context& ctx, const protocol::post_view& p);

/// The Post objects of `ids` as `viewer` sees them, in order. With `from_index` (feed pages)
/// from the node's post index (a poll behind the post actors), the rest from the actors; a post
/// deleted meanwhile is nullopt. `done` runs on this thread or a CAF thread; failures are passed
/// on.
void render_posts(
  api_context& ctx, const std::string& viewer, std::vector<std::string> ids,
  std::function<void(caf::expected<std::vector<std::optional<nlohmann::json>>>)> done,
  bool from_index = true);

/// The caller's user id when a token is sent (401 after answering if it is bad, `failed`), or ""
/// for an anonymous caller.
std::optional<std::string> optional_viewer(const api_context& ctx, const request& req,
                                           responder& res, bool& failed);

/// The API's Notification object.
nlohmann::json notification_json(const protocol::notification_view& n);

/// The API's Address object.
nlohmann::json address_json(const protocol::address& a);

/// The API's line of a Cart or an Order: `{"sku","product_id","seller_id","title","unit_price",
/// "quantity","line_total"}`.
nlohmann::json line_json(const protocol::order_line& l);

/// Reads the address fields of `v`'s object into `out`. With `partial`, every field is optional
/// and `fields` lists the ones present; otherwise recipient, phone, line1, city, province and
/// postal_code are required and country defaults to "ID".
void read_address(validator& v, bool partial, protocol::address& out,
                  std::vector<std::string>& fields);

void add_identity_routes(route_table& routes, api_context& ctx);
void add_address_routes(route_table& routes, api_context& ctx);
void add_reference_routes(route_table& routes, api_context& ctx);
void add_shipping_routes(route_table& routes, api_context& ctx);
void add_ops_routes(route_table& routes, api_context& ctx);
void add_console_routes(route_table& routes, api_context& ctx);

/// Every node's router stats (bounded wait; unreachable nodes are missing); `done` on a CAF
/// thread.
void fetch_cluster_stats(
  api_context& ctx, std::function<void(caf::expected<std::vector<protocol::router_stats>>)> done);
/// The operator console's view: members, placement, actors, mailboxes, sagas, recent errors.
nlohmann::json console_json(const api_context& ctx,
                            const std::vector<protocol::router_stats>& stats);
void add_seller_routes(route_table& routes, api_context& ctx);
void add_product_routes(route_table& routes, api_context& ctx);
void add_cart_routes(route_table& routes, api_context& ctx);
void add_order_routes(route_table& routes, api_context& ctx);
void add_notification_routes(route_table& routes, api_context& ctx);
void add_review_routes(route_table& routes, api_context& ctx);
void add_social_routes(route_table& routes, api_context& ctx);
void add_feed_routes(route_table& routes, api_context& ctx);
void add_graph_routes(route_table& routes, api_context& ctx);

} // namespace lakoo::edge
