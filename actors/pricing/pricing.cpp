#include "actors/pricing/pricing.hpp"

#include <algorithm>

#include "actors/protocol/messages.hpp"

namespace lakoo::pricing {

std::optional<int64_t> line_total(int64_t unit_price, int64_t quantity) {
  if (quantity < 1 || quantity > max_quantity || unit_price < 1 || unit_price > max_unit_price) {
    return std::nullopt;
  }
  return unit_price * quantity; // at most 1e15: exact in int64
}

namespace {

quote failed(problem why, const std::string& sku) {
  quote q;
  q.error = why;
  q.error_sku = sku;
  return q;
}

} // namespace

quote price(const std::vector<wanted>& lines, const offer_lookup& offer_of) {
  quote q;
  bool first = true;
  for (const auto& w : lines) {
    if (w.quantity < 1 || w.quantity > max_quantity) {
      return failed(problem::bad_quantity, w.sku);
    }
    const offer* o = offer_of(w.sku);
    if (o == nullptr) {
      q.not_for_sale.push_back(w.sku);
      continue;
    }
    auto total = line_total(o->unit_price, w.quantity);
    if (!total) {
      return failed(problem::bad_price, w.sku);
    }
    if (first) {
      q.currency = o->currency;
      first = false;
    } else if (o->currency != q.currency) {
      return failed(problem::currency, w.sku);
    }
    q.subtotal += *total; // at most (lines) x 1e15: far inside int64
    q.lines.push_back({*o, w.quantity, *total});
  }
  q.total = q.subtotal - q.discount + q.shipping_fee;
  return q;
}

int64_t commission_of(int64_t amount) {
  if (amount <= 0) {
    return 0;
  }
  return (amount * commission_bp + 9999) / 10000;
}

int64_t seller_net(int64_t amount) {
  return amount - commission_of(amount);
}

std::optional<offer> offer_from(const protocol::product_view& product, const std::string& sku) {
  if (product.status != protocol::product_status::active) {
    return std::nullopt;
  }
  auto v = std::find_if(product.variants.begin(), product.variants.end(),
                        [&](const protocol::variant& x) { return x.sku == sku; });
  if (v == product.variants.end()) {
    return std::nullopt;
  }
  return offer{sku,           product.id, product.seller_id, product.owner_user_id,
               product.title, v->price,   v->currency,       v->weight_g};
}

std::vector<parcel> parcels_of(const quote& q) {
  std::vector<parcel> out;
  for (const auto& l : q.lines) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const parcel& p) { return p.seller_id == l.item.seller_id; });
    if (it == out.end()) {
      out.push_back({l.item.seller_id, 0});
      it = out.end() - 1;
    }
    it->weight_g += l.item.weight_g * l.quantity;
  }
  return out;
}

} // namespace lakoo::pricing
