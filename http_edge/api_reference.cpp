/// Read-only reference data (actors/reference): Indonesia's provinces and cities and the
/// category tree. The bodies never change while a node runs, so each is rendered once.

#include <unordered_map>

#include "actors/reference/reference.hpp"
#include "http_edge/api_context.hpp"

namespace lakoo::edge {

namespace {

using nlohmann::json;

/// A rendered body, cached by clients for a day: the data changes only with a release.
response cached(const std::string& body) {
  response r;
  r.body = body;
  r.headers = {{"Cache-Control", "public, max-age=86400"}};
  return r;
}

const std::string& provinces_body() {
  static const std::string body = [] {
    json items = json::array();
    for (const auto& p : reference::provinces()) {
      items.push_back({{"id", p.id},
                       {"name", p.name},
                       {"island", p.island},
                       {"capital_city_id", p.capital_city_id}});
    }
    return json{{"items", items}}.dump();
  }();
  return body;
}

/// Province id -> the body listing its cities and regencies.
const std::unordered_map<std::string, std::string>& cities_bodies() {
  static const auto bodies = [] {
    std::unordered_map<std::string, std::string> out;
    for (const auto& p : reference::provinces()) {
      json items = json::array();
      for (const auto* c : reference::cities_of(p.id)) {
        items.push_back(
          {{"id", c->id}, {"name", c->name}, {"kind", c->kind}, {"province_id", c->province_id}});
      }
      out.emplace(p.id, json{{"items", items}}.dump());
    }
    return out;
  }();
  return bodies;
}

const std::string& categories_body() {
  static const std::string body = [] {
    json items = json::array();
    for (const auto& c : reference::categories()) {
      items.push_back({{"id", c.id},
                       {"name", c.name},
                       {"name_en", c.name_en},
                       {"parent_id", c.parent_id.empty() ? json(nullptr) : json(c.parent_id)}});
    }
    return json{{"items", items}}.dump();
  }();
  return body;
}

} // namespace

void add_reference_routes(route_table& routes, api_context&) {
  routes.add("GET", "/v1/regions/provinces",
             [](request&&, params&&, responder res) { res(cached(provinces_body())); });
  routes.add("GET", "/v1/regions/provinces/{id}/cities", [](request&&, params&& p, responder res) {
    const auto& bodies = cities_bodies();
    auto it = bodies.find(p["id"]);
    if (it == bodies.end()) {
      return res(error_from(protocol::errc::not_found, "no such province"));
    }
    res(cached(it->second));
  });
  routes.add("GET", "/v1/categories",
             [](request&&, params&&, responder res) { res(cached(categories_body())); });
}

} // namespace lakoo::edge
