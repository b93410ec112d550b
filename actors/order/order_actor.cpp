#include <algorithm>

#include "actors/order/order_saga.hpp"
#include "actors/pricing/pricing.hpp"
#include "actors/reference/address.hpp"
#include "actors/runtime/node_status.hpp"

namespace lakoo::order {

namespace {

using protocol::errc;
using protocol::order_status;
using protocol::order_verb;
using protocol::payment_end;
using protocol::payment_status;
using namespace saga;

// -- requests -------------------------------------------------------------------------------------

caf::result<protocol::checkout_view> start(order_actor* self, protocol::start_checkout& req) {
  auto& st = self->state;
  auto& d = st.data;
  if (st.exists && d.stage != saga_stage::aborted) {
    if (d.user_id != req.user_id) {
      return caf::make_error(errc::conflict, "order belongs to another user");
    }
    if (d.stage == saga_stage::rejected) {
      return caf::make_error(errc::out_of_stock, "not enough stock", d.rejected_skus);
    }
    if (d.stage == saga_stage::refused) {
      return refusal_of(d);
    }
    auto rp = self->make_response_promise();
    st.checkouts.push_back(rp);
    bool unplaced = d.status == order_status::rejected || d.status == order_status::aborted;
    if (d.stage == saga_stage::pricing || d.stage == saga_stage::reserving
        || d.stage == saga_stage::opening || (d.stage == saga_stage::releasing && unplaced)) {
      drive(self); // a retry while the first is still running (or after a crash) waits for it
    } else {
      answer_checkouts_with_order(self);
    }
    return rp;
  }
  if (!req.coupon_codes.empty()) { // vouchers do not exist yet: every code is unknown
    return caf::make_error(errc::invalid_request, "coupon_code", "no such coupon");
  }
  if (req.address_id.empty()) {
    auto place = reference::settle_place(req.shipping_address);
    if (!place.field.empty()) {
      return caf::make_error(errc::invalid_request, "shipping_address." + place.field,
                             place.message);
    }
  }
  auto attempt = st.exists ? d.attempt + 1 : 0; // an aborted checkout starts again
  d = order_data{};
  d.attempt = attempt;
  d.user_id = std::move(req.user_id);
  d.currency = pricing::default_currency;
  d.address_id = std::move(req.address_id);
  if (d.address_id.empty()) {
    d.address = address_from(req.shipping_address);
  }
  d.coupon_codes = std::move(req.coupon_codes);
  d.payment_id = "pay_" + st.id.substr(st.id.find('_') + 1);
  d.payment_ttl_s = req.payment_ttl_s;
  d.created_ms = runtime::unix_now() * 1000;
  enter_stage(st, saga_stage::pricing);
  auto rp = self->make_response_promise();
  st.checkouts.push_back(rp);
  persist_and_drive(self);
  return rp;
}

/// Whether `user` owns a seller of the order's lines.
bool seller_of(const order_data& d, const std::string& user) {
  return !user.empty() && std::any_of(d.lines.begin(), d.lines.end(), [&](const line_data& l) {
    return l.seller_user_id == user;
  });
}

/// An order the API may show: one that was placed (not a refused, rejected or aborted checkout).
bool is_placed(const order_state& st) {
  auto s = st.data.status;
  return st.exists && s != order_status::none && s != order_status::rejected
         && s != order_status::aborted && s != order_status::refused;
}

caf::result<protocol::order_view> act(order_actor* self, protocol::order_action& req) {
  auto& st = self->state;
  auto& d = st.data;
  if (!is_placed(st) || !(may_read(d, req.requester) || req.admin)) {
    return caf::make_error(errc::not_found, "order not found");
  }
  if (!req.idempotency_key.empty()
      && std::find(d.action_keys.begin(), d.action_keys.end(), req.idempotency_key)
           != d.action_keys.end()) {
    return runtime::reply_durable(self, to_view(st));
  }
  auto illegal
    = caf::make_error(errc::conflict, "cannot " + std::string{to_string(req.action)}
                                        + " an order that is " + std::string{to_string(d.status)});
  auto remember_key = [&] {
    if (!req.idempotency_key.empty()) {
      d.action_keys.push_back(req.idempotency_key);
    }
  };
  if (req.action == order_verb::ship || req.action == order_verb::deliver) {
    bool allowed = seller_of(d, req.requester) || (req.action == order_verb::deliver && req.admin);
    if (!allowed) {
      return caf::make_error(errc::forbidden, "only a seller of this order's items can do that");
    }
    if (req.action == order_verb::ship) {
      if (d.status != order_status::paid) {
        return illegal;
      }
      d.carrier = std::move(req.carrier);
      d.tracking_no = std::move(req.tracking_no);
      set_status(st, order_status::shipped, d.carrier + " " + d.tracking_no);
    } else {
      if (d.status != order_status::shipped) {
        return illegal;
      }
      set_status(st, order_status::delivered);
    }
    auto rp = self->make_response_promise();
    runtime::persist(self, [self, rp, action = req.action](const caf::error* err) mutable {
      auto& s = self->state;
      if (err) {
        rp.deliver(*err);
        return;
      }
      rp.deliver(to_view(s));
      bool shipped = action == order_verb::ship;
      auto kind = shipped ? "order_shipped" : "order_delivered";
      auto text = shipped ? "Shipped with " + s.data.carrier + " " + s.data.tracking_no
                          : std::string{"Delivered"};
      runtime::notify_user(
        self, s.data.user_id,
        protocol::notify{s.id + ":" + std::string{to_string(action)}, kind, "", s.id, text});
    });
    return rp;
  }
  if (req.action == order_verb::cancel) {
    if (req.requester != d.user_id) {
      return caf::make_error(errc::forbidden, "only the buyer can cancel this order");
    }
    if (d.status == order_status::awaiting_payment && d.stage == saga_stage::awaiting) {
      auto rp = self->make_response_promise();
      st.busy = true;
      runtime::route<protocol::payment_view>(
        self, protocol::payment_ref{d.payment_id},
        protocol::end_payment{payment_end::cancel, "cancelled by the buyer"})
        .then(
          [self, rp, key = req.idempotency_key](protocol::payment_view& p) mutable {
            auto& s = self->state;
            s.busy = false;
            if (p.status != payment_status::failed) {
              follow_payment(self, p.status); // it succeeded just now: the order is paid
              rp.deliver(caf::make_error(errc::conflict,
                                         "the payment has just succeeded; cancel again to refund"));
              return;
            }
            set_status(s, order_status::cancelled, "cancelled by the buyer");
            enter_stage(s, saga_stage::releasing);
            if (!key.empty()) {
              s.data.action_keys.push_back(key);
            }
            runtime::persist(self, [self, rp](const caf::error* err) mutable {
              if (err) {
                rp.deliver(*err);
                return;
              }
              rp.deliver(to_view(self->state));
              drive(self);
            });
          },
          [self, rp](caf::error& e) mutable {
            self->state.busy = false;
            rp.deliver(e);
          });
      return rp;
    }
    if (d.status != order_status::paid) {
      return illegal;
    }
    if (d.stage != saga_stage::done) {
      return caf::make_error(errc::unavailable, "the payment is still being confirmed");
    }
    set_status(st, order_status::cancelled, "cancelled by the buyer: refunded");
    d.restock = true;
  } else if (req.action == order_verb::refund) {
    if (!req.admin) {
      return caf::make_error(errc::forbidden, "admin role required");
    }
    if (d.status != order_status::paid && d.status != order_status::shipped
        && d.status != order_status::delivered) {
      return illegal;
    }
    if (d.stage != saga_stage::done) {
      return caf::make_error(errc::unavailable, "the payment is still being confirmed");
    }
    d.restock = d.status == order_status::paid;
    set_status(st, order_status::refunded, "refunded by an admin");
  } else { // a verb this build does not know (sent by a newer node)
    return caf::make_error(errc::invalid_request, "action", "unknown action");
  }
  remember_key();
  enter_stage(st, saga_stage::refunding);
  auto rp = self->make_response_promise();
  runtime::persist(self, [self, rp](const caf::error* err) mutable {
    if (err) {
      rp.deliver(*err);
      return;
    }
    rp.deliver(to_view(self->state));
    drive(self);
  });
  return rp;
}

caf::behavior order_impl(order_actor* self, std::string id,
                         std::shared_ptr<const runtime::entity_env> env) {
  // However the actor ends, its saga leaves this node's in-flight count.
  self->attach_functor([counted = self->state.counted_stage] {
    runtime::node_status::global().saga_moved(*counted, "");
  });
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    count_saga(self->state); // a loaded, unfinished saga counts from now
    drive(self);             // resume an unfinished stage after a restart or a passivation
    return caf::message_handler{
      [self](protocol::start_checkout& req) { return start(self, req); },
      [self](protocol::get_order& req) -> caf::result<protocol::order_view> {
        const auto& st = self->state;
        // Nobody but its buyer, its sellers and admins learns that an order exists.
        bool reader = req.requester.empty() || req.admin || may_read(st.data, req.requester);
        if (!is_placed(st) || !reader) {
          return caf::make_error(errc::not_found, "order not found");
        }
        return runtime::reply_durable(self, to_view(self->state));
      },
      [self](protocol::order_action& req) { return act(self, req); },
      [self](protocol::payment_settled& req) -> caf::result<protocol::order_view> {
        auto& st = self->state;
        if (!st.exists || req.payment_id != st.data.payment_id) {
          return caf::make_error(errc::not_found, "order not found");
        }
        if (st.data.stage == saga_stage::awaiting && !st.busy) {
          follow_payment(self, req.status);
        }
        return runtime::reply_durable(self, to_view(st));
      },
      [self](protocol::wake_atom) {
        auto& st = self->state;
        drive(self);
        if (st.exists && !st.busy && st.data.stage != saga_stage::awaiting && st.waiting.empty()
            && st.next_wake_ms() == 0) {
          runtime::persist(self, [](const caf::error*) {}); // a settled order: clear the timer
        }
      },
    };
  });
}

} // namespace

caf::actor spawn_order(caf::actor_system& sys, const std::string& id,
                       std::shared_ptr<const runtime::entity_env> env) {
  return sys.spawn(order_impl, id, std::move(env));
}

} // namespace lakoo::order
