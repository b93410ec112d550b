#include <algorithm>

#include "actors/pricing/pricing.hpp"
#include "actors/reference/reference.hpp"
#include "actors/runtime/ids.hpp"
#include "http_edge/api_context.hpp"

namespace lakoo::edge {

namespace {

using nlohmann::json;

constexpr std::size_t max_url_chars = 2048;
constexpr std::size_t max_images = 20;
constexpr std::size_t max_variants = 50;
constexpr int64_t max_weight_g = 150000; ///< couriers' parcel services stop well below 150 kg
constexpr std::size_t max_sku_chars = 64;
constexpr std::size_t max_category_chars = 64;

/// Skus are the seller's own codes: letters, digits, '-', '_', '.'.
bool is_sku(const std::string& s) {
  return !s.empty() && s.size() <= max_sku_chars && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
           || c == '_' || c == '.';
  });
}

json product_json(const protocol::product_view& p, const std::vector<int64_t>& available) {
  json variants = json::array();
  for (size_t i = 0; i < p.variants.size(); ++i) {
    const auto& v = p.variants[i];
    json options = json::object();
    for (size_t k = 0; k < v.option_names.size() && k < v.option_values.size(); ++k) {
      options[v.option_names[k]] = v.option_values[k];
    }
    variants.push_back({{"sku", v.sku},
                        {"price", v.price},
                        {"currency", v.currency},
                        {"options", options},
                        {"weight_g", v.weight_g},
                        {"available", i < available.size() ? available[i] : 0}});
  }
  json out{
    {"id", p.id},
    {"seller_id", p.seller_id},
    {"title", p.title},
    {"description", p.description},
    {"category", p.category},
    {"images", p.images},
    {"status", to_string(p.status)},
    {"variants", variants},
    {"rating_avg", p.rating_count > 0 ? static_cast<double>(p.rating_sum) / p.rating_count : 0.0},
    {"rating_count", p.rating_count},
    {"created_at", p.created_at}};
  if (p.status == protocol::product_status::rejected) {
    out["rejection_reason"] = p.rejection_reason;
  }
  return out;
}

/// Answers `status` with the product, each variant's `available` read from its sku actor (all
/// asked at once). A sku that cannot be read counts as 0 available rather than failing the page.
void answer_product(api_context& ctx, protocol::product_view p, int status, responder res) {
  std::vector<protocol::sku_ref> keys;
  for (const auto& v : p.variants) {
    keys.push_back(protocol::sku_ref{v.sku});
  }
  ask_all<protocol::sku_view>(
    ctx.gw, keys, protocol::get_sku{},
    [p = std::move(p), status, res](std::vector<caf::expected<protocol::sku_view>> skus) {
      std::vector<int64_t> available;
      for (const auto& sku : skus) {
        available.push_back(sku ? sku->available : 0);
      }
      res(json_response(status, product_json(p, available)));
    });
}

/// Reads the create body; nullopt after answering 400.
std::optional<protocol::create_product> read_product(const json& body, responder& res) {
  validator v{body};
  protocol::create_product p;
  p.title = v.required_string("title", max_name_chars);
  p.description = v.optional_string("description", max_text_chars).value_or("");
  p.category = v.required_string("category", max_category_chars);
  std::transform(p.category.begin(), p.category.end(), p.category.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (v.ok() && reference::find_category(p.category) == nullptr) {
    v.fail("category", "must be the id of a category of GET /v1/categories");
  }
  p.images = v.optional_string_array("images", max_images, max_url_chars)
               .value_or(std::vector<std::string>{});
  const auto* variants = v.array("variants", true);
  if (v.ok() && (variants->empty() || variants->size() > max_variants)) {
    v.fail("variants", "between 1 and 50 variants");
  }
  std::vector<std::string> seen;
  for (size_t i = 0; v.ok() && i < variants->size(); ++i) {
    const auto& item = (*variants)[i];
    auto prefix = "variants[" + std::to_string(i) + "].";
    if (!item.is_object()) {
      v.fail("variants[" + std::to_string(i) + "]", "must be an object");
      break;
    }
    validator iv{item, prefix};
    protocol::variant x;
    x.sku = iv.required_string("sku", max_sku_chars);
    x.price = iv.required_int("price", 1, pricing::max_unit_price);
    x.stock = iv.required_int("stock", 0, 1000000000);
    x.weight_g = iv.optional_int("weight_g", 1, max_weight_g).value_or(x.weight_g);
    if (const auto* options = iv.object("options", false)) {
      for (const auto& [name, value] : options->items()) {
        if (!value.is_string() || name.empty() || name.size() > 64
            || value.get<std::string>().size() > 200) {
          iv.fail("options", "must map names to short strings");
          break;
        }
        x.option_names.push_back(name);
        x.option_values.push_back(value.get<std::string>());
      }
    }
    if (iv.ok() && !is_sku(x.sku)) {
      iv.fail("sku", "letters, digits, '-', '_' and '.' only");
    }
    if (iv.ok() && std::find(seen.begin(), seen.end(), x.sku) != seen.end()) {
      iv.fail("sku", "appears twice in this product");
    }
    if (!iv.ok()) {
      res(iv.error());
      return std::nullopt;
    }
    seen.push_back(x.sku);
    p.variants.push_back(std::move(x));
  }
  if (!v.ok()) {
    res(v.error());
    return std::nullopt;
  }
  return p;
}

void create(api_context& ctx, access_claims&& claims, request&& req, params&& p, responder res) {
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  auto product = read_product(*body, res);
  if (!product) {
    return;
  }
  auto seller_id = p["id"];
  if (!is_minted_id(seller_id, "sel")) {
    return res(error_from(protocol::errc::not_found, "seller not found"));
  }
  // The seller account, not the token's role, decides (a role can outlive a rejection).
  ctx.gw.ask<protocol::seller_view>(
    protocol::seller_ref{seller_id}, protocol::get_seller{},
    [&ctx, sub = claims.sub, seller_id, product = std::move(*product),
     res](caf::expected<protocol::seller_view> seller) mutable {
      if (!seller) {
        return res(error_from(seller.error()));
      }
      if (seller->owner_user_id != sub) {
        return res(error_from(protocol::errc::forbidden, "not your seller account"));
      }
      if (seller->status != protocol::seller_status::active) {
        return res(error_from(protocol::errc::forbidden, "the seller account is not active"));
      }
      product.seller_id = seller_id;
      product.owner_user_id = sub;
      ctx.gw.ask<protocol::product_view>(
        protocol::product_ref{runtime::new_id("prd")}, std::move(product),
        [&ctx, res](caf::expected<protocol::product_view> created) {
          if (!created) {
            return res(error_from(created.error()));
          }
          answer_product(ctx, std::move(*created), 201, res);
        });
    });
}

void show(api_context& ctx, request&& req, params&& p, responder res) {
  std::optional<access_claims> viewer;
  if (!req.authorization.empty()) {
    viewer = authenticate(ctx, req, res);
    if (!viewer) {
      return;
    }
  }
  if (!is_minted_id(p["id"], "prd")) {
    return res(error_from(protocol::errc::not_found, "product not found"));
  }
  ctx.gw.ask<protocol::product_view>(
    protocol::product_ref{p["id"]}, protocol::get_product{},
    [&ctx, viewer, res](caf::expected<protocol::product_view> prod) {
      if (!prod) {
        return res(error_from(prod.error()));
      }
      bool privileged
        = viewer && (viewer->sub == prod->owner_user_id || has_role(*viewer, "admin"));
      if (prod->status != protocol::product_status::active && !privileged) {
        return res(error_from(protocol::errc::not_found, "product not found"));
      }
      answer_product(ctx, std::move(*prod), 200, res);
    });
}

void moderate(api_context& ctx, const access_claims& claims, protocol::product_action action,
              request&& req, params&& p, responder res) {
  protocol::moderate_product m{action, claims.sub, ""};
  if (action != protocol::product_action::submit && !has_role(claims, "admin")) {
    return res(error_from(protocol::errc::forbidden, "admin role required"));
  }
  if (action == protocol::product_action::reject) {
    auto reason = reason_of(req, res);
    if (!reason) {
      return;
    }
    m.reason = std::move(*reason);
  }
  if (!is_minted_id(p["id"], "prd")) {
    return res(error_from(protocol::errc::not_found, "product not found"));
  }
  ctx.gw.ask<protocol::product_view>(protocol::product_ref{p["id"]}, std::move(m),
                                     [&ctx, res](caf::expected<protocol::product_view> x) {
                                       if (!x) {
                                         return res(error_from(x.error()));
                                       }
                                       answer_product(ctx, std::move(*x), 200, res);
                                     });
}

/// After the price (if any) is set: sets the stock (if any) on the sku, then answers.
void finish_variant_change(api_context& ctx, protocol::product_view prod, std::string sku,
                           std::optional<int64_t> stock, responder res) {
  if (!stock) {
    return answer_product(ctx, std::move(prod), 200, res);
  }
  ctx.gw.ask<protocol::sku_view>(
    protocol::sku_ref{sku}, protocol::set_stock{*stock},
    [&ctx, prod = std::move(prod), res](caf::expected<protocol::sku_view> x) mutable {
      if (!x) {
        return res(error_from(x.error()));
      }
      answer_product(ctx, std::move(prod), 200, res);
    });
}

void change_variant(api_context& ctx, access_claims&& claims, request&& req, params&& p,
                    responder res) {
  auto body = body_of(req, res);
  if (!body) {
    return;
  }
  validator v{*body};
  auto price = v.optional_int("price", 1, pricing::max_unit_price);
  auto stock = v.optional_int("stock", 0, 1000000000);
  if (!v.ok()) {
    return res(v.error());
  }
  if (!is_minted_id(p["id"], "prd")) {
    return res(error_from(protocol::errc::not_found, "product not found"));
  }
  auto sku = p["sku"];
  ctx.gw.ask<protocol::product_view>(
    protocol::product_ref{p["id"]}, protocol::get_product{},
    [&ctx, sub = claims.sub, sku, price, stock, res](caf::expected<protocol::product_view> prod) {
      if (!prod) {
        return res(error_from(prod.error()));
      }
      if (prod->owner_user_id != sub) {
        return res(error_from(protocol::errc::forbidden, "only the owner can change this product"));
      }
      const auto& vs = prod->variants;
      if (std::none_of(vs.begin(), vs.end(),
                       [&](const protocol::variant& x) { return x.sku == sku; })) {
        return res(error_from(protocol::errc::not_found, "no such variant"));
      }
      if (!price) {
        return finish_variant_change(ctx, std::move(*prod), sku, stock, res);
      }
      ctx.gw.ask<protocol::product_view>(
        protocol::product_ref{prod->id}, protocol::set_variant_price{sub, sku, *price},
        [&ctx, sku, stock, res](caf::expected<protocol::product_view> changed) {
          if (!changed) {
            return res(error_from(changed.error()));
          }
          finish_variant_change(ctx, std::move(*changed), sku, stock, res);
        });
    });
}

/// The JSON text of one listed product: the pre-rendered pieces around its `available`
/// numbers, or a full rendering when the index has none.
void append_item(std::string& out, const read_models::listing_page::item& item) {
  if (!item.rendered || item.rendered->pieces.size() != item.available.size() + 1) {
    out += product_json(*item.product, item.available)
             .dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  const auto& pieces = item.rendered->pieces;
  out += pieces[0];
  for (size_t i = 0; i < item.available.size(); ++i) {
    out += std::to_string(item.available[i]);
    out += pieces[i + 1];
  }
}

/// `GET /v1/products`: a page of active products from this node's catalog index, answered on
/// the io thread without a round trip to any actor.
void list(api_context& ctx, request&& req, responder res) {
  read_models::listing_query q;
  auto text_param = [&](const char* name, std::size_t max, std::string& out) {
    auto it = req.query.find(name);
    if (it == req.query.end()) {
      return true;
    }
    auto n = utf8_length(it->second);
    if (!n || *n > max) {
      res(field_error(name, "at most " + std::to_string(max) + " characters of UTF-8"));
      return false;
    }
    out = it->second;
    return true;
  };
  if (!text_param("category", max_category_chars, q.category)
      || !text_param("seller_id", max_name_chars, q.seller_id)
      || !text_param("q", max_name_chars, q.q) || !text_param("cursor", 400, q.cursor)) {
    return;
  }
  response bad;
  auto limit = parse_limit(req, bad);
  if (!limit) {
    return res(std::move(bad));
  }
  q.limit = static_cast<size_t>(*limit);
  if (!ctx.catalog.ready()) {
    return res(error_from(protocol::errc::unavailable, "the catalog index is still loading"));
  }
  auto page = ctx.catalog.query(q);
  if (!page) {
    return res(field_error("cursor", "not a cursor of this listing"));
  }
  response out;
  out.body.reserve(1024 * (page->items.size() + 1));
  out.body += "{\"items\":[";
  for (size_t i = 0; i < page->items.size(); ++i) {
    if (i > 0) {
      out.body += ',';
    }
    append_item(out.body, page->items[i]);
  }
  out.body += "],\"next_cursor\":";
  out.body += page->next_cursor ? json(*page->next_cursor).dump() : "null";
  out.body += '}';
  res(std::move(out));
}

} // namespace

read_models::rendered_product render_listed_product(const protocol::product_view& p) {
  // Render with a marker number per variant, then cut the text at each marker. A marker can
  // only appear as a bare number after the key `"available":` (strings are quoted and escaped).
  constexpr int64_t marker_base = -4242424242420000;
  std::vector<int64_t> markers;
  for (size_t i = 0; i < p.variants.size(); ++i) {
    markers.push_back(marker_base - static_cast<int64_t>(i));
  }
  auto text = product_json(p, markers).dump(-1, ' ', false, json::error_handler_t::replace);
  read_models::rendered_product out;
  size_t from = 0;
  for (auto m : markers) {
    auto needle = "\"available\":" + std::to_string(m);
    auto at = text.find(needle, from);
    if (at == std::string::npos) {
      return {}; // cannot happen; an empty rendering makes the listing render in full
    }
    auto cut = at + needle.size() - std::to_string(m).size();
    out.pieces.push_back(text.substr(from, cut - from));
    from = at + needle.size();
  }
  out.pieces.push_back(text.substr(from));
  return out;
}

void add_product_routes(route_table& routes, api_context& ctx) {
  routes.add("POST", "/v1/sellers/{id}/products",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&& p, responder res) {
               create(ctx, std::move(c), std::move(req), std::move(p), std::move(res));
             }));
  routes.add("GET", "/v1/products", [&ctx](request&& req, params&&, responder res) {
    list(ctx, std::move(req), std::move(res));
  });
  routes.add("GET", "/v1/products/{id}", [&ctx](request&& req, params&& p, responder res) {
    show(ctx, std::move(req), std::move(p), std::move(res));
  });
  routes.add("POST", "/v1/products/{id}/submit",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&& p, responder res) {
               moderate(ctx, c, protocol::product_action::submit, std::move(req), std::move(p),
                        std::move(res));
             }));
  for (auto action : {protocol::product_action::approve, protocol::product_action::reject}) {
    routes.add(
      "POST", "/v1/admin/products/{id}/" + std::string{to_string(action)},
      authed(ctx, [&ctx, action](access_claims&& c, request&& req, params&& p, responder res) {
        moderate(ctx, c, action, std::move(req), std::move(p), std::move(res));
      }));
  }
  routes.add("PATCH", "/v1/products/{id}/variants/{sku}",
             authed(ctx, [&ctx](access_claims&& c, request&& req, params&& p, responder res) {
               change_variant(ctx, std::move(c), std::move(req), std::move(p), std::move(res));
             }));
}

} // namespace lakoo::edge
