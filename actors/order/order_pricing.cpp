/// The checkout's first stage, `pricing`: the address, the cart's lines taken, their products
/// read and priced by lakoo::pricing; a refusal (400) gives every taken line back.

#include <algorithm>

#include "actors/order/log.hpp"
#include "actors/order/order_saga.hpp"
#include "actors/pricing/pricing.hpp"
#include "actors/runtime/asks.hpp"

namespace lakoo::order::saga {

using protocol::errc;

std::string take_key(const order_state& st) {
  return st.id + ":" + std::to_string(st.data.attempt);
}

/// The refusal stored by `refuse`, as the error to give a retry.
caf::error refusal_of(const order_data& d) {
  auto code = static_cast<errc>(d.refusal_code);
  if (d.refusal_field.empty()) {
    return caf::make_error(code, d.refusal_message);
  }
  return caf::make_error(code, d.refusal_field, d.refusal_message);
}

/// Ends the checkout before any order exists (never shown): every waiting and later request
/// gets invalid_request naming `field`. `lines` go back to the cart first, if it handed any over.
void refuse(order_actor* self, std::string field, std::string message,
            std::vector<protocol::cart_line> lines) {
  auto& st = self->state;
  auto& d = st.data;
  d.refusal_code = static_cast<int32_t>(errc::invalid_request);
  d.refusal_field = std::move(field);
  d.refusal_message = std::move(message);
  auto finish = [self] {
    auto& s = self->state;
    enter_stage(s, saga_stage::refused);
    s.data.status = protocol::order_status::refused;
    s.data.lines.clear();
    runtime::persist(self, [self](const caf::error* e) {
      if (!e) {
        forget_in_cart(self); // refused for good: the take and the return never come again
      }
      auto err = e ? *e : refusal_of(self->state.data);
      answer_checkouts(self, [&](caf::response_promise& rp) { rp.deliver(err); });
    });
  };
  if (lines.empty()) {
    return finish();
  }
  st.busy = true;
  runtime::ask_one<protocol::cart_lines>(
    self, protocol::cart_ref{d.user_id},
    protocol::return_to_cart{take_key(st) + ":back", std::move(lines)},
    [self, finish](caf::expected<protocol::cart_lines> back) {
      self->state.busy = false;
      if (!back) { // stays `pricing`: the timer retries, the cart hands the same lines again
        log().warn("[order {}] giving the lines back failed: {}", self->state.id,
                   caf::to_string(back.error()));
        auto e = back.error();
        answer_checkouts(self, [&](caf::response_promise& rp) { rp.deliver(e); });
        return;
      }
      finish();
    });
}

/// Prices the taken lines with the catalog's current offers and fixes the order.
void price_taken(order_actor* self, std::vector<protocol::cart_line> taken,
                 std::vector<caf::expected<protocol::product_view>> products) {
  auto& st = self->state;
  auto& d = st.data;
  std::map<std::string, pricing::offer> offers;
  std::vector<pricing::wanted> wanted;
  for (size_t i = 0; i < taken.size(); ++i) {
    wanted.push_back({taken[i].sku, taken[i].quantity});
    for (auto& p : products) {
      if (p && p->id == taken[i].product_id) {
        if (auto o = pricing::offer_from(*p, taken[i].sku)) {
          offers.emplace(taken[i].sku, std::move(*o));
        }
      }
    }
  }
  auto q = pricing::price(wanted, [&](const std::string& sku) -> const pricing::offer* {
    auto o = offers.find(sku);
    return o == offers.end() ? nullptr : &o->second;
  });
  if (q.error != pricing::problem::none || q.lines.empty()) {
    return refuse(self, "cart",
                  q.error != pricing::problem::none ? "the cart cannot be priced"
                                                    : "nothing in the cart is for sale any more",
                  std::move(taken));
  }
  d.lines.clear();
  for (const auto& pl : q.lines) {
    const auto& o = pl.item;
    d.lines.push_back({o.sku, o.product_id, o.seller_id, o.title, o.unit_price, pl.quantity,
                       pl.line_total, o.seller_user_id});
  }
  d.subtotal = q.subtotal;
  d.discount = q.discount;
  d.shipping_fee = q.shipping_fee;
  d.total = q.total;
  d.currency = q.currency;
  // Lines that are no longer sold stay in the cart (the cart does not show them).
  std::vector<protocol::cart_line> unsold;
  for (const auto& l : taken) {
    if (offers.count(l.sku) == 0) {
      unsold.push_back(l);
    }
  }
  auto next = [self] {
    auto& s = self->state;
    s.data.created_ms = runtime::unix_now() * 1000;
    s.data.expires_at = runtime::unix_now() + s.data.payment_ttl_s;
    enter_stage(s, saga_stage::reserving);
    persist_and_drive(self);
  };
  if (unsold.empty()) {
    return next();
  }
  st.busy = true;
  runtime::ask_one<protocol::cart_lines>(
    self, protocol::cart_ref{d.user_id},
    protocol::return_to_cart{take_key(st) + ":unsold", std::move(unsold)},
    [self, next](caf::expected<protocol::cart_lines> back) {
      self->state.busy = false;
      if (!back) {
        log().warn("[order {}] giving unsold lines back failed: {}", self->state.id,
                   caf::to_string(back.error()));
        auto e = back.error();
        answer_checkouts(self, [&](caf::response_promise& rp) { rp.deliver(e); });
        return; // stays `pricing`; the timer retries (every step is keyed)
      }
      next();
    });
}

/// A pricing step failed for a reason that may pass (an unreachable entity): give back what was
/// taken and end the attempt; the client's retry starts a new one.
void abort_pricing(order_actor* self, const caf::error& why) {
  auto& st = self->state;
  log().info("[order {}] checkout aborted while pricing: {}", st.id, caf::to_string(why));
  st.data.status = protocol::order_status::aborted;
  st.data.give_back = st.data.lines_taken;
  st.data.lines.clear();
  enter_stage(st, saga_stage::releasing);
  persist_and_drive(self);
}

/// Takes the cart's lines (after the address, if one was named, is known), reads their products
/// and prices them.
void do_price(order_actor* self) {
  auto& st = self->state;
  const auto& d = st.data;
  st.busy = true;
  auto take = [self] {
    auto& s = self->state;
    runtime::ask_one<protocol::cart_lines>(
      self, protocol::cart_ref{s.data.user_id}, protocol::take_cart{take_key(s)},
      [self](caf::expected<protocol::cart_lines> taken) {
        auto& s2 = self->state;
        if (!taken) {
          s2.busy = false;
          return abort_pricing(self, taken.error());
        }
        s2.data.lines_taken = true;
        // The taken lines are kept as the order's (unpriced) lines until priced, so an abort
        // can give them back.
        s2.data.lines.clear();
        for (const auto& l : taken->lines) {
          s2.data.lines.push_back({l.sku, l.product_id, "", "", 0, l.quantity, 0, ""});
        }
        if (taken->lines.empty()) {
          s2.busy = false;
          return refuse(self, "cart", "the cart is empty", {});
        }
        std::vector<protocol::product_ref> keys;
        for (const auto& l : taken->lines) {
          auto key = protocol::product_ref{l.product_id};
          if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
            keys.push_back(key);
          }
        }
        runtime::ask_each<protocol::product_view>(
          self, keys, protocol::get_product{},
          [self, lines = taken->lines](std::vector<caf::expected<protocol::product_view>> ps) {
            self->state.busy = false;
            for (const auto& p : ps) {
              if (!p && p.error() != errc::not_found) {
                return abort_pricing(self, p.error());
              }
            }
            price_taken(self, lines, std::move(ps));
          });
      });
  };
  if (d.address_id.empty()) {
    return take();
  }
  runtime::ask_one<protocol::address_list>(
    self, protocol::user_ref{d.user_id}, protocol::list_addresses{},
    [self, take](caf::expected<protocol::address_list> book) {
      auto& s = self->state;
      if (!book && book.error() != errc::not_found) {
        s.busy = false;
        return abort_pricing(self, book.error());
      }
      if (!book) {
        s.busy = false;
        return refuse(self, "address_id", "no such address of yours", {});
      }
      auto a = std::find_if(book->items.begin(), book->items.end(),
                            [&](const protocol::address& x) { return x.id == s.data.address_id; });
      if (a == book->items.end()) {
        s.busy = false;
        return refuse(self, "address_id", "no such address of yours", {});
      }
      s.data.address = address_from(*a);
      take();
    });
}

} // namespace lakoo::order::saga
