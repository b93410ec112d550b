#include <algorithm>
#include <map>

#include "actors/order/log.hpp"
#include "actors/order/order.hpp"
#include "actors/order/order_data.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/entity.hpp"

namespace lakoo::order {

namespace {

using protocol::errc;
using protocol::payment_end;
using protocol::payment_status;

constexpr int64_t retry_ms = 2000;

/// One payment: the only place where pending becomes succeeded, failed or expired, so a
/// webhook racing the deadline or a cancel has exactly one outcome.
struct payment_state : runtime::entity_state<payment_data> {
  static inline const char* name = "lakoo.payment";
  static inline const char* kind = payment_kind;
  std::shared_ptr<payment_provider> provider;
  bool telling = false; ///< a payment_settled to the order is in flight
  /// Provider calls in flight: token -> what to do with the answer.
  std::map<uint64_t, std::function<void(bool)>> provider_calls;
  uint64_t next_token = 0;

  /// Until the order has heard of a final state, retry telling it.
  int64_t next_wake_ms() const {
    return data.order_told ? 0 : runtime::unix_now() * 1000 + retry_ms;
  }
};

using payment_actor = caf::stateful_actor<payment_state>;

protocol::payment_view to_view(const payment_state& st) {
  const auto& d = st.data;
  return {st.id,
          d.order_id,
          d.user_id,
          d.status,
          d.amount,
          d.currency,
          runtime::rfc3339(d.expires_at),
          d.provider,
          d.refund_due};
}

bool is_final(payment_status status) {
  return status == payment_status::succeeded || status == payment_status::failed
         || status == payment_status::expired;
}

/// Tells the order the final state (succeeded / failed / expired); on success records that it
/// knows. A failure is retried by the durable timer.
void tell_order(payment_actor* self) {
  auto& st = self->state;
  if (st.data.order_told || st.telling || !is_final(st.data.status)) {
    return;
  }
  st.telling = true;
  runtime::route<protocol::order_view>(self, protocol::order_ref{st.data.order_id},
                                       protocol::payment_settled{st.id, st.data.status})
    .then(
      [self](protocol::order_view&) {
        auto& s = self->state;
        s.telling = false;
        if (!s.data.order_told) {
          s.data.order_told = true;
          runtime::persist(self, [](const caf::error*) {});
        }
      },
      [self](caf::error& e) {
        self->state.telling = false;
        log().warn("[payment {}] order {} not told yet: {}", self->state.id,
                   self->state.data.order_id, caf::to_string(e));
      });
}

/// Runs `call(done)` against the provider; `then(ok)` runs later in this actor.
void call_provider(payment_actor* self, const std::function<void(std::function<void(bool)>)>& call,
                   std::function<void(bool)> then) {
  auto& st = self->state;
  auto token = st.next_token++;
  st.provider_calls.emplace(token, std::move(then));
  auto handle = caf::actor_cast<caf::actor>(self);
  call([handle, token](bool ok) {
    caf::anon_send(handle, protocol::provided_atom::value, token, ok);
  });
}

/// Moves a pending payment to `status` durably, then tells the order.
caf::result<protocol::payment_view> settle(payment_actor* self, payment_status status,
                                           std::string note) {
  auto& d = self->state.data;
  d.status = status;
  d.note = std::move(note);
  d.order_told = false;
  auto rp = self->make_response_promise();
  runtime::persist(self, [self, rp](const caf::error* err) mutable {
    if (err) {
      rp.deliver(*err);
      return;
    }
    rp.deliver(to_view(self->state));
    tell_order(self);
  });
  return rp;
}

caf::result<protocol::payment_view> open(payment_actor* self, protocol::open_payment& req) {
  auto& st = self->state;
  if (st.exists) {
    if (st.data.order_id != req.order_id) {
      return caf::make_error(errc::conflict, "payment belongs to another order");
    }
    return runtime::reply_durable(self, to_view(st));
  }
  if (req.amount <= 0) {
    return caf::make_error(errc::invalid_request, "amount", "amount must be positive");
  }
  auto& d = st.data;
  d.order_id = std::move(req.order_id);
  d.user_id = std::move(req.user_id);
  d.amount = req.amount;
  d.currency = std::move(req.currency);
  d.expires_at = req.expires_at;
  d.status = payment_status::pending;
  d.provider = st.provider->name();
  auto rp = self->make_response_promise();
  // The provider learns of the payment first; only then is it stored and answered.
  call_provider(
    self,
    [&](std::function<void(bool)> done) {
      st.provider->open(st.id, d.amount, d.currency, d.expires_at, std::move(done));
    },
    [self, rp](bool ok) mutable {
      if (!ok) {
        self->state.data = payment_data{};
        rp.deliver(caf::make_error(errc::unavailable, "the payment provider is unavailable"));
        return;
      }
      runtime::persist(self, runtime::deliver_on_durable(rp, to_view(self->state)));
    });
  return rp;
}

caf::result<protocol::payment_view> on_event(payment_actor* self, protocol::payment_event& req) {
  auto& st = self->state;
  auto& d = st.data;
  if (!st.exists) {
    return caf::make_error(errc::not_found, "payment not found");
  }
  if (std::find(d.events.begin(), d.events.end(), req.event_id) != d.events.end()) {
    return runtime::reply_durable(self, to_view(st)); // a redelivery: no second effect
  }
  d.events.push_back(req.event_id);
  bool success = req.type == "payment.succeeded";
  if (req.amount != d.amount) {
    log().error("[payment {}] event {} for {} but the payment is {}: ignored", st.id, req.event_id,
                req.amount, d.amount);
    return runtime::commit(self, to_view(st));
  }
  if (d.status != payment_status::pending) {
    if (success && d.status != payment_status::succeeded && d.status != payment_status::refunded) {
      d.refund_due = true; // money arrived for a payment that had ended: give it back
      log().warn("[payment {}] late success {} while {}: recorded for refund", st.id, req.event_id,
                 to_string(d.status));
    }
    return runtime::commit(self, to_view(st));
  }
  return settle(self, success ? payment_status::succeeded : payment_status::failed,
                "event " + req.event_id);
}

caf::result<protocol::payment_view> end(payment_actor* self, protocol::end_payment& req) {
  auto& st = self->state;
  auto& d = st.data;
  if (!st.exists) {
    return caf::make_error(errc::not_found, "payment not found");
  }
  if (req.how == payment_end::expire || req.how == payment_end::cancel) {
    if (d.status != payment_status::pending) {
      d.order_told = true; // the order asked: it learns the state from this answer
      return runtime::reply_durable(self, to_view(st));
    }
    d.status = req.how == payment_end::expire ? payment_status::expired : payment_status::failed;
    d.note = req.reason;
    d.order_told = true;
    return runtime::commit(self, to_view(st));
  }
  if (req.how != payment_end::refund) { // a way this build does not know (a newer node)
    return caf::make_error(errc::invalid_request, "how", "expire, cancel or refund");
  }
  if (d.status == payment_status::refunded) {
    return runtime::reply_durable(self, to_view(st));
  }
  if (d.status != payment_status::succeeded) {
    return caf::make_error(errc::conflict, "only a succeeded payment can be refunded");
  }
  auto rp = self->make_response_promise();
  call_provider(
    self,
    [&](std::function<void(bool)> done) {
      st.provider->refund(st.id, d.amount, d.currency, std::move(done));
    },
    [self, rp, reason = req.reason](bool ok) mutable {
      auto& data = self->state.data;
      if (!ok) {
        rp.deliver(caf::make_error(errc::unavailable, "the refund could not be made yet"));
        return;
      }
      if (data.status == payment_status::succeeded) {
        data.status = payment_status::refunded;
        data.note = reason;
      }
      runtime::persist(self, runtime::deliver_on_durable(rp, to_view(self->state)));
    });
  return rp;
}

caf::behavior payment_impl(payment_actor* self, std::string id,
                           std::shared_ptr<const runtime::entity_env> env,
                           std::shared_ptr<payment_provider> provider) {
  self->state.provider = std::move(provider);
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    tell_order(self); // resumed after a restart with the order still to be told
    return caf::message_handler{
      [self](protocol::open_payment& req) { return open(self, req); },
      [self](protocol::provided_atom, uint64_t token, bool ok) {
        auto& calls = self->state.provider_calls;
        auto it = calls.find(token);
        if (it != calls.end()) {
          auto then = std::move(it->second);
          calls.erase(it);
          then(ok);
        }
      },
      [self](protocol::get_payment& req) -> caf::result<protocol::payment_view> {
        const auto& st = self->state;
        bool reader = req.requester.empty() || req.admin || req.requester == st.data.user_id;
        if (!st.exists || !reader) { // strangers do not learn that it exists
          return caf::make_error(errc::not_found, "payment not found");
        }
        return runtime::reply_durable(self, to_view(self->state));
      },
      [self](protocol::simulate_payment& req) -> caf::result<protocol::simulation> {
        const auto& st = self->state;
        if (!st.exists) {
          return caf::make_error(errc::not_found, "payment not found");
        }
        if (req.requester != st.data.user_id) {
          return caf::make_error(errc::forbidden, "not your payment");
        }
        if (req.outcome != payment_status::succeeded && req.outcome != payment_status::failed) {
          return caf::make_error(errc::invalid_request, "outcome", "succeeded or failed");
        }
        auto event
          = st.provider->simulate(st.id, st.data.amount, std::string{to_string(req.outcome)});
        if (!event) {
          return caf::make_error(errc::not_found, "simulation needs payment_provider = sandbox");
        }
        return protocol::simulation{st.id, *event, req.outcome};
      },
      [self](protocol::payment_event& req) { return on_event(self, req); },
      [self](protocol::end_payment& req) { return end(self, req); },
      [self](protocol::wake_atom) {
        tell_order(self);
        if (self->state.data.order_told && self->state.exists) {
          runtime::persist(self, [](const caf::error*) {}); // clears the durable timer
        }
      },
    };
  });
}

} // namespace

caf::actor spawn_payment(caf::actor_system& sys, const std::string& id,
                         std::shared_ptr<const runtime::entity_env> env,
                         std::shared_ptr<payment_provider> provider) {
  return sys.spawn(payment_impl, id, std::move(env), std::move(provider));
}

} // namespace lakoo::order
