#include "actors/order/order_saga.hpp"

#include <algorithm>
#include <cstdlib>
#include <mutex>

#include "actors/order/log.hpp"
#include "actors/pricing/pricing.hpp"
#include "actors/runtime/asks.hpp"
#include "actors/runtime/failpoint.hpp"
#include "actors/runtime/node_status.hpp"

namespace lakoo::order::saga {

using protocol::errc;
using protocol::order_status;
using protocol::payment_end;
using protocol::payment_status;

protocol::order_view to_view(const order_state& st) {
  const auto& d = st.data;
  protocol::order_view v;
  v.id = st.id;
  v.user_id = d.user_id;
  v.status = d.status;
  for (const auto& l : d.lines) {
    v.items.push_back(
      {l.sku, l.product_id, l.seller_id, l.title, l.unit_price, l.quantity, l.line_total});
  }
  v.subtotal = d.subtotal;
  v.discount = d.discount;
  v.shipping_fee = d.shipping_fee;
  v.total = d.total;
  v.currency = d.currency;
  const auto& a = d.address;
  v.shipping_address
    = {"",         a.label,       a.recipient, a.phone, a.line1,       a.line2,  a.city,
       a.province, a.postal_code, a.country,   false,   a.province_id, a.city_id};
  v.payment_id = d.payment_id;
  v.carrier = d.carrier;
  v.tracking_no = d.tracking_no;
  for (const auto& e : d.history) {
    v.history.push_back({e.status, runtime::rfc3339(e.at), e.note});
  }
  v.created_at = runtime::rfc3339(d.created_ms / 1000);
  v.created_ms = d.created_ms;
  return v;
}

/// Checkout sagas entering each stage, and orders reaching each status (`/metrics`).
runtime::counter& saga_counter(const std::string& family, const std::string& label,
                               const std::string& value) {
  static std::mutex mu;
  static std::map<std::string, runtime::counter*> cache;
  std::lock_guard<std::mutex> guard{mu};
  auto& slot = cache[family + value];
  if (slot == nullptr) {
    auto& m = runtime::metrics::global();
    m.describe("lakoo_checkout_stage_total", "counter",
               "Checkout sagas that entered each stage (reserving, awaiting, confirming, ...).");
    m.describe("lakoo_order_status_total", "counter", "Orders that reached each status.");
    slot = &m.counter_of(family, label + "=\"" + value + "\"");
  }
  return *slot;
}

void count_saga(order_state& st) {
  auto stage = st.data.stage;
  bool in_flight = stage != saga_stage::none && stage != saga_stage::done
                   && stage != saga_stage::rejected && stage != saga_stage::aborted
                   && stage != saga_stage::refused; // a refused checkout is settled too
  std::string now = in_flight ? std::string{to_string(stage)} : std::string{};
  runtime::node_status::global().saga_moved(*st.counted_stage, now);
  *st.counted_stage = now;
}

void enter_stage(order_state& st, saga_stage stage) {
  st.data.stage = stage;
  count_saga(st);
  saga_counter("lakoo_checkout_stage_total", "stage", std::string{to_string(stage)}).add();
}

void set_status(order_state& st, order_status status, std::string note) {
  saga_counter("lakoo_order_status_total", "status", std::string{to_string(status)}).add();
  st.data.status = status;
  st.data.history.push_back({status, runtime::unix_now(), std::move(note)});
}

std::set<std::string> sellers_of(const order_data& d) {
  std::set<std::string> out;
  for (const auto& l : d.lines) {
    out.insert(l.seller_id);
  }
  return out;
}

/// Per seller: (gross, commission) of its lines; the seller is credited gross - commission.
std::map<std::string, std::pair<int64_t, int64_t>> earnings_of(const order_data& d) {
  std::map<std::string, std::pair<int64_t, int64_t>> out;
  for (const auto& l : d.lines) {
    auto& e = out[l.seller_id];
    e.first += l.line_total;
    e.second += pricing::commission_of(l.line_total);
  }
  return out;
}

using send_to = runtime::outgoing<order_actor>;

/// A request to entity `to` answered with a `Reply`, for `fan_out`.
template <class Reply, class Kind, class Msg>
send_to ask(const protocol::ref<Kind>& to, Msg msg) {
  return runtime::request_to<Reply, order_actor>(to, std::move(msg));
}

using runtime::all_ok;
using runtime::fan_out;

/// Persists the current data, then continues the saga.
void persist_and_drive(order_actor* self) {
  runtime::persist(self, [self](const caf::error* err) {
    if (!err) {
      drive(self);
    }
  });
}

/// Answers every waiting start_checkout with `result`.
void answer_checkouts(order_actor* self, const std::function<void(caf::response_promise&)>& f) {
  auto waiting = std::move(self->state.checkouts);
  self->state.checkouts.clear();
  for (auto& rp : waiting) {
    f(rp);
  }
}

/// Answers the waiting checkouts with the order and its payment (read from the payment actor).
void answer_checkouts_with_order(order_actor* self) {
  if (self->state.checkouts.empty()) {
    return;
  }
  auto& st = self->state;
  runtime::route<protocol::payment_view>(self, protocol::payment_ref{st.data.payment_id},
                                         protocol::get_payment{})
    .then(
      [self](protocol::payment_view& p) {
        protocol::checkout_view out{to_view(self->state), std::move(p)};
        answer_checkouts(self, [&](caf::response_promise& rp) { rp.deliver(out); });
      },
      [self](caf::error& e) {
        answer_checkouts(self, [&](caf::response_promise& rp) { rp.deliver(e); });
      });
}

// -- stages ---------------------------------------------------------------------------------------

bool may_read(const order_data& d, const std::string& user) {
  return user == d.user_id || std::any_of(d.lines.begin(), d.lines.end(), [&](const line_data& l) {
           return l.seller_user_id == user;
         });
}

/// Persists the stage just entered; once it is durable, tells the skus of the lines that
/// `sku_key` and the ledgers of the order's sellers that `ledger_key` will never come again
/// (empty: none), so they stop remembering them. Best effort: a lost one only keeps a key in a
/// window a little longer.
void forget_when_done(order_actor* self, const std::string& sku_key,
                      const std::string& ledger_key) {
  runtime::persist(self, [self, sku_key, ledger_key](const caf::error* err) {
    if (err) {
      return; // the stage runs again
    }
    const auto& d = self->state.data;
    std::vector<send_to> sends;
    if (!sku_key.empty()) {
      for (const auto& l : d.lines) {
        sends.push_back(ask<bool>(protocol::sku_ref{l.sku}, protocol::forget_key{sku_key}));
      }
    }
    if (!ledger_key.empty()) {
      for (const auto& e : earnings_of(d)) {
        sends.push_back(
          ask<bool>(protocol::earnings_ref{e.first}, protocol::forget_key{ledger_key}));
      }
    }
    fan_out(self, std::move(sends), [](std::vector<caf::error>) {});
  });
}

void forget_in_cart(order_actor* self) {
  const auto& st = self->state;
  for (const char* suffix : {"", ":unsold", ":back"}) {
    runtime::ask_one<bool>(self, protocol::cart_ref{st.data.user_id},
                           protocol::forget_key{take_key(st) + suffix}, [](caf::expected<bool>) {});
  }
}

void do_reserve(order_actor* self) {
  auto& st = self->state;
  forget_in_cart(self); // the priced lines are durable here
  auto ttl_ms = (st.data.expires_at + reservation_grace_s - runtime::unix_now()) * 1000;
  std::vector<send_to> sends;
  for (const auto& l : st.data.lines) {
    sends.push_back(ask<protocol::sku_view>(protocol::sku_ref{l.sku},
                                            protocol::reserve_sku{st.id, l.quantity, ttl_ms}));
  }
  st.busy = true;
  fan_out(self, std::move(sends), [self](std::vector<caf::error> errors) {
    auto& s = self->state;
    s.busy = false;
    if (all_ok(errors)) {
      // Not persisted on its own: after a crash the order resumes at `reserving`, and reserving
      // again under the same key is a no-op. The next write is `awaiting`.
      enter_stage(s, saga_stage::opening);
      // Chaos tests: die between the reservations and the payment (LAKOO_TEST_FAILPOINT).
      if (runtime::failpoint_fires(*s.env, "order_after_reserve")) {
        log().critical("[order {}] failpoint order_after_reserve: exiting", s.id);
        std::_Exit(137);
      }
      return drive(self);
    }
    std::vector<std::string> out;
    for (size_t i = 0; i < errors.size(); ++i) {
      if (errors[i] == errc::out_of_stock || errors[i] == errc::not_found) {
        out.push_back(s.data.lines[i].sku);
      }
    }
    // Nothing may stay reserved: release all (releasing an unreserved key is a no-op), then
    // end as rejected (out of stock) or aborted (something was unreachable; a retry restarts).
    s.data.rejected_skus = out;
    s.data.give_back = true;
    enter_stage(s, saga_stage::releasing);
    s.data.status = out.empty() ? order_status::aborted : order_status::rejected;
    log().info("[order {}] checkout {}: {}", s.id, to_string(s.data.status),
               out.empty() ? caf::to_string(errors.front()) : out.front());
    persist_and_drive(self);
  });
}

void do_open(order_actor* self) {
  auto& st = self->state;
  const auto& d = st.data;
  std::vector<send_to> sends{ask<protocol::payment_view>(
    protocol::payment_ref{d.payment_id},
    protocol::open_payment{st.id, d.user_id, d.total, d.currency, d.expires_at})};
  st.busy = true;
  fan_out(self, std::move(sends), [self](std::vector<caf::error> errors) {
    auto& s = self->state;
    s.busy = false;
    if (!all_ok(errors)) {
      // Stays `opening`: the durable timer retries; a retried request waits for it.
      auto e = errors[0];
      answer_checkouts(self, [&](caf::response_promise& rp) { rp.deliver(e); });
      return;
    }
    enter_stage(s, saga_stage::awaiting);
    set_status(s, order_status::awaiting_payment);
    s.new_entries.push_back(
      {std::string{buyer_book_kind} + ":" + s.data.user_id, s.data.created_ms, s.id});
    runtime::persist(self, [self](const caf::error* err) {
      if (err) {
        answer_checkouts(self, [&](caf::response_promise& rp) { rp.deliver(*err); });
        return;
      }
      answer_checkouts_with_order(self);
      auto& s2 = self->state;
      runtime::notify_user(
        self, s2.data.user_id,
        protocol::notify{s2.id + ":placed", "order_placed", "", s2.id,
                         "Order placed: pay before " + runtime::rfc3339(s2.data.expires_at)});
      drive(self);
    });
  });
}

/// Commits each line's reservation; one that expired meanwhile is reserved again and committed.
void do_confirm(order_actor* self) {
  auto& st = self->state;
  const auto& d = st.data;
  std::vector<send_to> sends;
  for (const auto& l : d.lines) {
    sends.push_back(ask<protocol::sku_view>(protocol::sku_ref{l.sku}, protocol::commit_sku{st.id}));
  }
  sends.push_back(ask<bool>(protocol::inbox_ref{d.user_id},
                            protocol::notify{st.id + ":paid", "order_paid", "", st.id,
                                             "Payment received: the sellers are preparing it"}));
  for (const auto& [seller, e] : earnings_of(d)) {
    sends.push_back(ask<protocol::earnings_view>(protocol::earnings_ref{seller},
                                                 protocol::post_earning{st.id, e.first, e.second}));
  }
  std::set<std::string> seller_users;
  for (const auto& l : d.lines) {
    if (!l.seller_user_id.empty() && seller_users.insert(l.seller_user_id).second) {
      sends.push_back(
        ask<bool>(protocol::inbox_ref{l.seller_user_id},
                  protocol::notify{st.id + ":new_order:" + l.seller_user_id, "new_order", d.user_id,
                                   st.id, "New paid order to ship"}));
    }
  }
  st.busy = true;
  fan_out(self, std::move(sends), [self](std::vector<caf::error> errors) {
    auto& s = self->state;
    s.busy = false;
    bool retry = false;
    for (size_t i = 0; i < errors.size(); ++i) {
      if (!errors[i]) {
        continue;
      }
      if (i < s.data.lines.size() && errors[i] == errc::conflict) {
        // The reservation lapsed before the confirmation (a long outage): take the units again.
        const auto& l = s.data.lines[i];
        log().warn("[order {}] reservation of {} lapsed: reserving again", s.id, l.sku);
        runtime::route<protocol::sku_view>(self, protocol::sku_ref{l.sku},
                                           protocol::reserve_sku{s.id, l.quantity, 600000})
          .then([](protocol::sku_view&) {}, [](caf::error&) {});
      }
      log().warn("[order {}] confirm step {} failed: {}", s.id, i, caf::to_string(errors[i]));
      retry = true;
    }
    if (retry) {
      return; // the durable timer runs the stage again; every step is keyed
    }
    enter_stage(s, saga_stage::done);
    forget_when_done(self, s.id, s.id); // the commits and the credits
  });
}

void do_release(order_actor* self) {
  auto& st = self->state;
  std::vector<send_to> sends;
  for (const auto& l : st.data.lines) {
    sends.push_back(
      ask<protocol::sku_view>(protocol::sku_ref{l.sku}, protocol::release_sku{st.id}));
  }
  if (st.data.give_back) { // the lines go back into the buyer's cart, once
    protocol::return_to_cart back{take_key(st) + ":back", {}};
    for (const auto& l : st.data.lines) {
      back.lines.push_back({l.sku, l.product_id, l.quantity});
    }
    sends.push_back(
      ask<protocol::cart_lines>(protocol::cart_ref{st.data.user_id}, std::move(back)));
  }
  if (st.data.status == order_status::expired) {
    sends.push_back(ask<bool>(protocol::inbox_ref{st.data.user_id},
                              protocol::notify{st.id + ":expired", "order_expired", "", st.id,
                                               "The order expired unpaid"}));
  }
  st.busy = true;
  fan_out(self, std::move(sends), [self](std::vector<caf::error> errors) {
    auto& s = self->state;
    s.busy = false;
    for (const auto& e : errors) {
      if (e && e != errc::not_found) {
        log().warn("[order {}] release failed: {}", s.id, caf::to_string(e));
        if (s.data.status == order_status::rejected || s.data.status == order_status::aborted) {
          answer_checkouts(self, [&](caf::response_promise& rp) { rp.deliver(e); });
        }
        return; // retried by the durable timer
      }
    }
    const auto status = s.data.status;
    enter_stage(s, status == order_status::rejected  ? saga_stage::rejected
                   : status == order_status::aborted ? saga_stage::aborted
                                                     : saga_stage::done);
    runtime::persist(self, [self, status](const caf::error* err) {
      auto& s2 = self->state;
      if (!err) {
        forget_in_cart(self); // the lines are back in the cart for good
      }
      if (status == order_status::rejected) {
        auto skus = s2.data.rejected_skus;
        answer_checkouts(self, [&](caf::response_promise& rp) {
          rp.deliver(err ? *err : caf::make_error(errc::out_of_stock, "not enough stock", skus));
        });
      } else if (status == order_status::aborted) {
        answer_checkouts(self, [&](caf::response_promise& rp) {
          rp.deliver(caf::make_error(errc::unavailable, "checkout could not reserve; retry"));
        });
      }
    });
  });
}

void do_refund(order_actor* self) {
  auto& st = self->state;
  const auto& d = st.data;
  std::vector<send_to> sends{ask<protocol::payment_view>(
    protocol::payment_ref{d.payment_id},
    protocol::end_payment{payment_end::refund, std::string{to_string(d.status)}})};
  for (const auto& [seller, e] : earnings_of(d)) {
    sends.push_back(
      ask<protocol::earnings_view>(protocol::earnings_ref{seller},
                                   protocol::post_earning{st.id + ":refund", -e.first, -e.second}));
  }
  if (d.restock) {
    for (const auto& l : d.lines) {
      sends.push_back(ask<protocol::sku_view>(
        protocol::sku_ref{l.sku}, protocol::restock_sku{st.id + ":restock", l.quantity}));
    }
  }
  st.busy = true;
  fan_out(self, std::move(sends), [self](std::vector<caf::error> errors) {
    auto& s = self->state;
    s.busy = false;
    if (!all_ok(errors)) {
      for (const auto& e : errors) {
        if (e) {
          log().warn("[order {}] refund step failed: {}", s.id, caf::to_string(e));
        }
      }
      return; // retried by the durable timer
    }
    enter_stage(s, saga_stage::done);
    forget_when_done(self, s.data.restock ? s.id + ":restock" : "", s.id + ":refund");
  });
}

/// Follows the payment's final state while awaiting it.
void follow_payment(order_actor* self, payment_status payment) {
  auto& st = self->state;
  if (st.data.stage != saga_stage::awaiting) {
    return;
  }
  switch (payment) {
    case payment_status::succeeded:
      set_status(st, order_status::paid);
      enter_stage(st, saga_stage::confirming);
      for (const auto& seller : sellers_of(st.data)) {
        st.new_entries.push_back(
          {std::string{seller_book_kind} + ":" + seller, st.data.created_ms, st.id});
      }
      break;
    case payment_status::failed:
      set_status(st, order_status::cancelled, "payment failed");
      st.data.give_back = true;
      enter_stage(st, saga_stage::releasing);
      break;
    case payment_status::expired:
      set_status(st, order_status::expired, "not paid in time");
      st.data.give_back = true;
      enter_stage(st, saga_stage::releasing);
      break;
    case payment_status::pending:
    case payment_status::refunded:
      return;
  }
  persist_and_drive(self);
}

/// Ends the wait at the deadline: the payment decides (it may have just succeeded).
void expire(order_actor* self) {
  auto& st = self->state;
  st.busy = true;
  runtime::route<protocol::payment_view>(
    self, protocol::payment_ref{st.data.payment_id},
    protocol::end_payment{payment_end::expire, "deadline passed"})
    .then(
      [self](protocol::payment_view& p) {
        self->state.busy = false;
        follow_payment(self, p.status);
      },
      [self](caf::error& e) {
        self->state.busy = false;
        log().warn("[order {}] expiry postponed: {}", self->state.id, caf::to_string(e));
      });
}

void drive(order_actor* self) {
  auto& st = self->state;
  if (st.busy || !st.exists) {
    return;
  }
  switch (st.data.stage) {
    case saga_stage::pricing:
      return do_price(self);
    case saga_stage::reserving:
      return do_reserve(self);
    case saga_stage::opening:
      return do_open(self);
    case saga_stage::awaiting: {
      auto now_ms = runtime::unix_now() * 1000;
      if (now_ms >= st.data.expires_at * 1000) {
        expire(self);
      } else {
        auto delay = std::chrono::milliseconds(st.data.expires_at * 1000 - now_ms + 50);
        self->delayed_send(self, delay, protocol::wake_atom::value);
      }
      return;
    }
    case saga_stage::confirming:
      return do_confirm(self);
    case saga_stage::releasing:
      return do_release(self);
    case saga_stage::refunding:
      return do_refund(self);
    case saga_stage::none:
    case saga_stage::done:
    case saga_stage::refused:
    case saga_stage::rejected:
    case saga_stage::aborted:
      return; // nothing left to run
  }
}

} // namespace lakoo::order::saga
