/// `quote_shipping`: where the parcels go (the user's address or a city), which lines (the
/// cart's or the given items), what each seller's parcel weighs (pricing::parcels_of over the
/// catalog's offers), where each seller ships from, and the courier's options for each.

#include <algorithm>
#include <map>

#include "actors/cart/cart_state.hpp"
#include "actors/pricing/pricing.hpp"
#include "actors/reference/reference.hpp"
#include "actors/runtime/asks.hpp"

namespace lakoo::cart {

namespace {

using protocol::errc;

caf::error bad(std::string field, std::string message) {
  return caf::make_error(errc::invalid_request, std::move(field), std::move(message));
}

/// A shared answer: every step below holds it until one of them delivers.
struct quoting {
  caf::response_promise rp;
  std::string destination_city_id;
  std::vector<protocol::cart_line> lines;
  std::map<std::string, pricing::offer> offers; ///< by sku
};
using quoting_ptr = std::shared_ptr<quoting>;

/// Step 4: each seller's origin, then the courier's options per parcel.
void price_parcels(cart_actor* self, quoting_ptr q) {
  std::vector<pricing::wanted> wanted;
  for (const auto& l : q->lines) {
    wanted.push_back({l.sku, l.quantity});
  }
  auto quote = pricing::price(wanted, [&](const std::string& sku) -> const pricing::offer* {
    auto o = q->offers.find(sku);
    return o == q->offers.end() ? nullptr : &o->second;
  });
  if (quote.error != pricing::problem::none) {
    return q->rp.deliver(bad("items", "the items cannot be priced"));
  }
  auto parcels = pricing::parcels_of(quote);
  std::vector<protocol::seller_ref> sellers;
  for (const auto& p : parcels) {
    sellers.push_back(protocol::seller_ref{p.seller_id});
  }
  runtime::ask_each<protocol::seller_view>(
    self, sellers, protocol::get_seller{},
    [self, q, parcels](std::vector<caf::expected<protocol::seller_view>> views) {
      protocol::shipping_quote out;
      for (size_t i = 0; i < parcels.size(); ++i) {
        if (!views[i] && views[i].error() != errc::not_found) {
          return q->rp.deliver(views[i].error());
        }
        protocol::seller_shipping s{parcels[i].seller_id, {}};
        auto origin = views[i] ? views[i]->origin_city_id : std::string{};
        if (!origin.empty()) {
          for (const auto& r :
               self->state.courier->rates({origin, q->destination_city_id, parcels[i].weight_g})) {
            s.options.push_back({r.courier, r.service, r.fee, r.etd_days});
          }
        }
        out.sellers.push_back(std::move(s));
      }
      q->rp.deliver(std::move(out));
    });
}

/// Step 3: the products of the lines, for their offers (price, seller, weight).
void read_offers(cart_actor* self, quoting_ptr q) {
  std::vector<protocol::product_ref> keys;
  for (const auto& l : q->lines) {
    auto key = protocol::product_ref{l.product_id};
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      keys.push_back(key);
    }
  }
  runtime::ask_each<protocol::product_view>(
    self, keys, protocol::get_product{},
    [self, q](std::vector<caf::expected<protocol::product_view>> products) {
      for (auto& p : products) {
        if (!p && p.error() != errc::not_found) {
          return q->rp.deliver(p.error());
        }
      }
      for (const auto& l : q->lines) {
        for (const auto& p : products) {
          if (p && p->id == l.product_id) {
            if (auto o = pricing::offer_from(*p, l.sku)) {
              q->offers.emplace(l.sku, std::move(*o));
            }
          }
        }
      }
      price_parcels(self, q);
    });
}

/// Step 2: the lines: the cart's, or the given items with their products read from their skus.
void read_lines(cart_actor* self, quoting_ptr q, std::vector<protocol::cart_line> items) {
  if (items.empty()) {
    for (const auto& l : self->state.data.lines) {
      q->lines.push_back({l.sku, l.product_id, l.quantity});
    }
    return read_offers(self, q);
  }
  std::vector<protocol::sku_ref> skus;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].quantity < 1 || items[i].quantity > pricing::max_quantity) {
      return q->rp.deliver(bad("items[" + std::to_string(i) + "].quantity",
                               "between 1 and " + std::to_string(pricing::max_quantity)));
    }
    skus.push_back(protocol::sku_ref{items[i].sku});
  }
  runtime::ask_each<protocol::sku_view>(
    self, skus, protocol::get_sku{},
    [self, q, items](std::vector<caf::expected<protocol::sku_view>> views) {
      for (size_t i = 0; i < items.size(); ++i) {
        if (!views[i]) {
          return q->rp.deliver(views[i].error() == errc::not_found
                                 ? bad("items[" + std::to_string(i) + "].sku", "no such sku")
                                 : views[i].error());
        }
        q->lines.push_back({items[i].sku, views[i]->product_id, items[i].quantity});
      }
      read_offers(self, q);
    });
}

} // namespace

caf::result<protocol::shipping_quote> quote_shipping(cart_actor* self,
                                                     protocol::quote_shipping& req) {
  auto& st = self->state;
  if (!st.courier) {
    return caf::make_error(errc::unavailable, "no courier is configured");
  }
  if (req.address_id.empty()) { // Step 1: a city, checked against the reference data
    if (req.city_id.empty()) {
      return bad("destination.city_id", "required without address_id");
    }
    auto place = reference::check_place(req.province_id, req.city_id);
    if (!place.field.empty()) {
      return bad("destination." + place.field, place.message);
    }
  }
  // From here on the answer is the promise's (a plain return would be dropped).
  auto q = std::make_shared<quoting>();
  q->rp = self->make_response_promise();
  auto items = std::move(req.items);
  if (req.address_id.empty()) {
    q->destination_city_id = req.city_id;
    read_lines(self, q, std::move(items));
    return q->rp;
  }
  // Step 1: one of the user's addresses, which must name its city by id.
  runtime::ask_one<protocol::address_list>(
    self, protocol::user_ref{st.id}, protocol::list_addresses{},
    [self, q, id = req.address_id,
     items = std::move(items)](caf::expected<protocol::address_list> book) mutable {
      if (!book && book.error() != errc::not_found) {
        return q->rp.deliver(book.error());
      }
      const protocol::address* a = nullptr;
      if (book) {
        for (const auto& x : book->items) {
          if (x.id == id) {
            a = &x;
          }
        }
      }
      if (a == nullptr) {
        return q->rp.deliver(bad("address_id", "no such address of yours"));
      }
      if (a->city_id.empty()) {
        return q->rp.deliver(
          bad("address_id", "the address has no city_id: set one to get shipping rates"));
      }
      q->destination_city_id = a->city_id;
      read_lines(self, q, std::move(items));
    });
  return q->rp;
}

} // namespace lakoo::cart
