#include <algorithm>
#include <map>

#include "actors/cart/cart.hpp"
#include "actors/cart/cart_state.hpp"
#include "actors/pricing/pricing.hpp"
#include "actors/runtime/asks.hpp"
#include "actors/runtime/entity.hpp"

namespace lakoo::cart {

namespace {

using protocol::errc;

/// Product views by product id, as read for one answer.
using products = std::map<std::string, protocol::product_view>;

protocol::cart_lines lines_of(const std::vector<line_data>& lines) {
  protocol::cart_lines out;
  for (const auto& l : lines) {
    out.lines.push_back({l.sku, l.product_id, l.quantity});
  }
  return out;
}

/// The cart priced now: every line whose product still sells its sku, at the offer's price.
protocol::cart_view priced(const cart_data& d, const products& known) {
  std::vector<pricing::wanted> wanted;
  std::map<std::string, pricing::offer> offers;
  for (const auto& l : d.lines) {
    wanted.push_back({l.sku, l.quantity});
    auto p = known.find(l.product_id);
    if (p != known.end()) {
      if (auto o = pricing::offer_from(p->second, l.sku)) {
        offers.emplace(l.sku, std::move(*o));
      }
    }
  }
  auto q = pricing::price(wanted, [&](const std::string& sku) -> const pricing::offer* {
    auto o = offers.find(sku);
    return o == offers.end() ? nullptr : &o->second;
  });
  protocol::cart_view view;
  view.currency = q.currency;
  view.subtotal = q.subtotal;
  for (const auto& pl : q.lines) {
    const auto& o = pl.item;
    view.items.push_back({o.sku, o.product_id, o.seller_id, o.title, o.unit_price, pl.quantity,
                          pl.line_total, o.seller_user_id});
  }
  return view;
}

/// Reads the products of the cart's lines that `known` lacks (all at once), then answers `rp`
/// with the priced cart. A product that cannot be read now (its shard is moving) fails the
/// answer: a cart is never shown with a line silently missing. A product that is gone is simply
/// not for sale.
void read_and_price(cart_actor* self, caf::response_promise rp, products known) {
  std::vector<protocol::product_ref> keys;
  for (const auto& l : self->state.data.lines) {
    auto key = protocol::product_ref{l.product_id};
    if (known.count(l.product_id) == 0 && std::find(keys.begin(), keys.end(), key) == keys.end()) {
      keys.push_back(key);
    }
  }
  runtime::ask_each<protocol::product_view>(
    self, keys, protocol::get_product{},
    [self, rp,
     known = std::move(known)](std::vector<caf::expected<protocol::product_view>> replies) mutable {
      for (auto& r : replies) {
        if (r) {
          auto id = r->id;
          known.emplace(std::move(id), std::move(*r));
        } else if (r.error() != errc::not_found) {
          rp.deliver(r.error());
          return;
        }
      }
      rp.deliver(priced(self->state.data, known));
    });
}

/// Answers `rp` with the priced cart once everything written so far is durable.
void answer_priced(cart_actor* self, caf::response_promise rp, products known = {}) {
  runtime::when_durable(self, [self, rp, known = std::move(known)](const caf::error* err) mutable {
    if (err) {
      rp.deliver(*err);
      return;
    }
    read_and_price(self, rp, std::move(known));
  });
}

/// After a change: once it is durable, answer with the priced cart.
void commit_and_answer(cart_actor* self, caf::response_promise rp, products known = {}) {
  runtime::persist(self, [](const caf::error*) {}); // answer_priced waits for this write
  answer_priced(self, std::move(rp), std::move(known));
}

caf::error not_for_sale() {
  return caf::make_error(errc::not_found, "this sku is not for sale");
}

/// Applies `req` to the lines now that the sku and its product are known (the cart may have
/// changed while they were read: the change applies to the cart as it is now).
void apply_change(cart_actor* self, const protocol::change_cart& req, const protocol::sku_view& sku,
                  const protocol::product_view& product, caf::response_promise rp) {
  if (!pricing::offer_from(product, req.sku)) {
    rp.deliver(not_for_sale());
    return;
  }
  auto& lines = self->state.data.lines;
  auto i = std::find_if(lines.begin(), lines.end(),
                        [&](const line_data& l) { return l.sku == req.sku; });
  int64_t total = req.replace ? req.quantity : req.quantity + (i == lines.end() ? 0 : i->quantity);
  if (total > pricing::max_quantity) {
    rp.deliver(caf::make_error(errc::invalid_request, "quantity",
                               "at most " + std::to_string(pricing::max_quantity) + " of one sku"));
    return;
  }
  if (total > sku.available) {
    rp.deliver(caf::make_error(errc::out_of_stock,
                               "only " + std::to_string(sku.available) + " available",
                               std::vector<std::string>{req.sku}));
    return;
  }
  if (i != lines.end()) {
    i->quantity = total;
  } else {
    if (lines.size() >= max_lines) {
      rp.deliver(caf::make_error(errc::conflict, "the cart is full"));
      return;
    }
    lines.push_back({req.sku, sku.product_id, total});
  }
  commit_and_answer(self, rp, products{{product.id, product}});
}

/// Adds or sets a line: the cart reads the sku (its product and what is available) and the
/// product (is it sold, at what price) itself; nobody hands it catalog facts.
caf::result<protocol::cart_view> change(cart_actor* self, protocol::change_cart& req) {
  auto& lines = self->state.data.lines;
  if (req.quantity < 0 || (!req.replace && req.quantity == 0)) {
    return caf::make_error(errc::invalid_request, "quantity", "quantity must be positive");
  }
  auto rp = self->make_response_promise();
  if (req.replace && req.quantity == 0) {
    auto before = lines.size();
    lines.erase(std::remove_if(lines.begin(), lines.end(),
                               [&](const line_data& l) { return l.sku == req.sku; }),
                lines.end());
    if (lines.size() == before) {
      answer_priced(self, rp);
    } else {
      commit_and_answer(self, rp);
    }
    return rp;
  }
  runtime::ask_one<protocol::sku_view>(
    self, protocol::sku_ref{req.sku}, protocol::get_sku{},
    [self, rp, req](caf::expected<protocol::sku_view> sku) mutable {
      if (!sku) {
        rp.deliver(sku.error() == errc::not_found ? not_for_sale() : sku.error());
        return;
      }
      runtime::ask_one<protocol::product_view>(
        self, protocol::product_ref{sku->product_id}, protocol::get_product{},
        [self, rp, req, sku = *sku](caf::expected<protocol::product_view> product) mutable {
          if (!product) {
            rp.deliver(product.error() == errc::not_found ? not_for_sale() : product.error());
            return;
          }
          apply_change(self, req, sku, *product, rp);
        });
    });
  return rp;
}

/// Hands every line to a checkout, once per `key`.
caf::result<protocol::cart_lines> take(cart_actor* self, const protocol::take_cart& req) {
  auto& d = self->state.data;
  auto t = std::find_if(d.taken.begin(), d.taken.end(),
                        [&](const taken_data& x) { return x.key == req.key; });
  if (t != d.taken.end()) {
    return runtime::reply_durable(self, lines_of(t->lines));
  }
  auto out = lines_of(d.lines);
  d.taken.push_back({req.key, std::move(d.lines)});
  d.lines.clear();
  if (d.taken.size() > max_remembered) {
    d.taken.erase(d.taken.begin());
  }
  return runtime::commit(self, std::move(out));
}

/// Puts lines back, once per `key`, on top of what the cart holds now.
caf::result<protocol::cart_lines> give_back(cart_actor* self, protocol::return_to_cart& req) {
  auto& d = self->state.data;
  if (std::find(d.returned.begin(), d.returned.end(), req.key) != d.returned.end()) {
    return runtime::reply_durable(self, lines_of(d.lines));
  }
  for (auto& back : req.lines) {
    auto i = std::find_if(d.lines.begin(), d.lines.end(),
                          [&](const line_data& l) { return l.sku == back.sku; });
    if (i != d.lines.end()) {
      i->quantity = std::min(pricing::max_quantity, i->quantity + back.quantity);
    } else if (back.quantity > 0) {
      d.lines.push_back({std::move(back.sku), std::move(back.product_id), back.quantity});
    }
  }
  d.returned.push_back(std::move(req.key));
  if (d.returned.size() > max_remembered) {
    d.returned.erase(d.returned.begin());
  }
  return runtime::commit(self, lines_of(d.lines));
}

/// The checkout of `key` has recorded its lines (or is done giving them back): the take (or the
/// return) is never repeated, so the cart stops remembering it. Rides on the cart's next write.
bool forget(cart_data& d, const std::string& key) {
  d.taken.erase(std::remove_if(d.taken.begin(), d.taken.end(),
                               [&](const taken_data& t) { return t.key == key; }),
                d.taken.end());
  d.returned.erase(std::remove(d.returned.begin(), d.returned.end(), key), d.returned.end());
  return true;
}

caf::result<protocol::cart_view> clear(cart_actor* self, const protocol::clear_cart& req) {
  auto& lines = self->state.data.lines;
  auto before = lines.size();
  lines.erase(
    std::remove_if(lines.begin(), lines.end(),
                   [&](const line_data& l) { return req.sku.empty() || l.sku == req.sku; }),
    lines.end());
  auto rp = self->make_response_promise();
  if (lines.size() == before) {
    answer_priced(self, rp);
  } else {
    commit_and_answer(self, rp);
  }
  return rp;
}

caf::behavior cart_impl(cart_actor* self, std::string id,
                        std::shared_ptr<const runtime::entity_env> env,
                        std::shared_ptr<shipping::courier_provider> courier) {
  self->state.courier = std::move(courier);
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    return caf::message_handler{
      [self](protocol::get_cart) -> caf::result<protocol::cart_view> {
        auto rp = self->make_response_promise();
        answer_priced(self, rp);
        return rp;
      },
      [self](protocol::change_cart& req) { return change(self, req); },
      [self](protocol::clear_cart& req) { return clear(self, req); },
      [self](protocol::take_cart& req) { return take(self, req); },
      [self](protocol::return_to_cart& req) { return give_back(self, req); },
      [self](protocol::forget_key& req) { return forget(self->state.data, req.key); },
      [self](protocol::quote_shipping& req) { return quote_shipping(self, req); },
    };
  });
}

} // namespace

void register_kinds(runtime::entity_kinds& kinds,
                    std::shared_ptr<shipping::courier_provider> courier) {
  kinds[cart_kind] = [courier](caf::actor_system& sys, const std::string& id,
                               std::shared_ptr<const runtime::entity_env> env) {
    return sys.spawn(cart_impl, id, std::move(env), courier);
  };
}

} // namespace lakoo::cart
