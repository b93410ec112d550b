#include "actors/reference/reference.hpp"
#include "actors/runtime/ids.hpp"
#include "http_edge/api_context.hpp"

namespace lakoo::edge {

namespace {

using nlohmann::json;

constexpr std::size_t max_line_chars = 200;
constexpr std::size_t max_phone_chars = 32;
constexpr std::size_t max_postal_chars = 16;
constexpr std::size_t max_region_id_chars = 16;

json list_json(const protocol::address_list& l) {
  json items = json::array();
  for (const auto& a : l.items) {
    items.push_back(address_json(a));
  }
  return json{{"items", items}};
}

/// A reference id as JSON: null when absent.
json id_or_null(const std::string& id) {
  return id.empty() ? json(nullptr) : json(id);
}

} // namespace

nlohmann::json address_json(const protocol::address& a) {
  return json{{"id", a.id},
              {"label", a.label},
              {"recipient", a.recipient},
              {"phone", a.phone},
              {"line1", a.line1},
              {"line2", a.line2},
              {"city", a.city},
              {"province", a.province},
              {"postal_code", a.postal_code},
              {"country", a.country},
              {"is_default", a.is_default},
              {"province_id", id_or_null(a.province_id)},
              {"city_id", id_or_null(a.city_id)}};
}

/// Reads the address fields of `body` into `out`. With `partial`, every field is optional and
/// `fields` lists the ones present; otherwise recipient, phone, line1, city, province and
/// postal_code are required (city and province not when `city_id`, province not when
/// `province_id` names them: the owning actor checks the ids and fills the names) and country
/// defaults to "ID".
void read_address(validator& v, bool partial, protocol::address& out,
                  std::vector<std::string>& fields) {
  auto take = [&](const char* name, std::string& slot, std::size_t max, bool required) {
    auto value = required && !partial ? std::optional<std::string>{v.required_string(name, max)}
                                      : v.optional_string(name, max);
    if (value) {
      if (required && value->empty()) {
        v.fail(name, "must not be empty");
      }
      slot = std::move(*value);
      fields.emplace_back(name);
    }
  };
  take("province_id", out.province_id, max_region_id_chars, false);
  take("city_id", out.city_id, max_region_id_chars, false);
  take("label", out.label, max_name_chars, false);
  take("recipient", out.recipient, max_name_chars, true);
  take("phone", out.phone, max_phone_chars, true);
  take("line1", out.line1, max_line_chars, true);
  take("line2", out.line2, max_line_chars, false);
  take("city", out.city, max_name_chars, out.city_id.empty());
  take("province", out.province, max_name_chars, out.province_id.empty() && out.city_id.empty());
  take("postal_code", out.postal_code, max_postal_chars, true);
  take("country", out.country, 2, false);
  if (auto d = v.optional_bool("is_default")) {
    out.is_default = *d;
    fields.emplace_back("is_default");
  }
  if (v.ok() && !out.phone.empty() && !reference::is_indonesian_phone(out.phone)) {
    v.fail("phone", "must be an Indonesian number: 08... or +628..., 9 to 14 digits");
  }
  if (v.ok() && !out.country.empty()
      && !(out.country.size() == 2 && std::isupper(static_cast<unsigned char>(out.country[0]))
           && std::isupper(static_cast<unsigned char>(out.country[1])))) {
    v.fail("country", "must be an ISO 3166-1 alpha-2 code such as ID");
  }
  if (!partial && out.country.empty()) {
    out.country = "ID";
  }
}

void add_address_routes(route_table& routes, api_context& ctx) {
  routes.add("GET", "/v1/me/addresses",
             authed(ctx, [&ctx](access_claims&& claims, request&&, params&&, responder res) {
               ctx.gw.ask<protocol::address_list>(
                 protocol::user_ref{claims.sub}, protocol::list_addresses{},
                 answer<protocol::address_list>(res, 200, list_json));
             }));
  routes.add("POST", "/v1/me/addresses",
             authed(ctx, [&ctx](access_claims&& claims, request&& req, params&&, responder res) {
               auto body = body_of(req, res);
               if (!body) {
                 return;
               }
               validator v{*body};
               protocol::add_address add;
               std::vector<std::string> fields;
               read_address(v, false, add.value, fields);
               if (!v.ok()) {
                 return res(v.error());
               }
               add.value.id = runtime::new_id("adr");
               ctx.gw.ask<protocol::address>(protocol::user_ref{claims.sub}, std::move(add),
                                             answer<protocol::address>(res, 201, address_json));
             }));
  routes.add("PATCH", "/v1/me/addresses/{id}",
             authed(ctx, [&ctx](access_claims&& claims, request&& req, params&& p, responder res) {
               auto body = body_of(req, res);
               if (!body) {
                 return;
               }
               validator v{*body};
               protocol::update_address up;
               read_address(v, true, up.value, up.fields);
               if (!v.ok()) {
                 return res(v.error());
               }
               if (!is_minted_id(p["id"], "adr")) {
                 return res(error_from(protocol::errc::not_found, "address not found"));
               }
               up.id = p["id"];
               ctx.gw.ask<protocol::address>(protocol::user_ref{claims.sub}, std::move(up),
                                             answer<protocol::address>(res, 200, address_json));
             }));
  routes.add("DELETE", "/v1/me/addresses/{id}",
             authed(ctx, [&ctx](access_claims&& claims, request&&, params&& p, responder res) {
               if (!is_minted_id(p["id"], "adr")) {
                 return res(error_from(protocol::errc::not_found, "address not found"));
               }
               ctx.gw.ask<protocol::address_list>(protocol::user_ref{claims.sub},
                                                  protocol::delete_address{p["id"]},
                                                  [res](caf::expected<protocol::address_list> x) {
                                                    res(x ? no_content() : error_from(x.error()));
                                                  });
             }));
}

} // namespace lakoo::edge
