#pragma once

/// The order entity's state and its checkout-saga driver, shared by order_saga.cpp (the stages)
/// and order_actor.cpp (the requests). Internal to actors/order.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "actors/order/order.hpp"
#include "actors/order/order_data.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/entity.hpp"

namespace lakoo::order::saga {

constexpr int64_t step_retry_ms = 5000;

/// An order and the checkout saga that makes it (see `order_data` for the stages).
struct order_state;
/// Counts `st` under its current stage in the node's in-flight sagas (none once settled).
void count_saga(order_state& st);

struct order_state : runtime::entity_state<order_data> {
  static inline const char* name = "lakoo.order";
  static inline const char* kind = order_kind;
  std::vector<caf::response_promise> checkouts; ///< start_checkout callers awaiting the outcome
  bool busy = false;                            ///< a stage's effects are in flight
  std::vector<runtime::list_entry> new_entries; ///< order-book entries for the next write
  /// The stage this actor counts in the node's in-flight sagas (operator console); shared with
  /// the exit hook that uncounts it.
  std::shared_ptr<std::string> counted_stage = std::make_shared<std::string>();

  /// Written with the next snapshot, in its transaction (see persistence's list_entries).
  std::vector<runtime::list_entry> take_list_entries() {
    auto out = std::move(new_entries);
    new_entries.clear();
    return out;
  }

  /// The durable timer: the payment deadline while awaiting it, a retry while a stage's effects
  /// are unfinished (so a crash mid-saga resumes after the restart), none once settled.
  int64_t next_wake_ms() const {
    switch (data.stage) {
      case saga_stage::awaiting:
        return data.expires_at * 1000;
      case saga_stage::pricing:
      case saga_stage::reserving:
      case saga_stage::opening:
      case saga_stage::confirming:
      case saga_stage::releasing:
      case saga_stage::refunding:
        return runtime::unix_now() * 1000 + step_retry_ms;
      case saga_stage::none:
      case saga_stage::done:
      case saga_stage::refused:
      case saga_stage::rejected:
      case saga_stage::aborted:
        return 0;
    }
    return 0;
  }
};

using order_actor = caf::stateful_actor<order_state>;

protocol::order_view to_view(const order_state& st);

/// Sets the saga stage (counted in `/metrics`).
void enter_stage(order_state& st, saga_stage stage);

/// Sets the API status and appends it to the history (counted in `/metrics`).
void set_status(order_state& st, protocol::order_status status, std::string note = {});

std::set<std::string> sellers_of(const order_data& d);

/// Answers every waiting start_checkout through `f`.
void answer_checkouts(order_actor* self, const std::function<void(caf::response_promise&)>& f);

/// Answers the waiting checkouts with the order and its payment (read from the payment actor).
void answer_checkouts_with_order(order_actor* self);

/// Runs the current stage's effects unless some are in flight.
void drive(order_actor* self);

/// The `pricing` stage (order_pricing.cpp): takes the cart's lines, prices them, then reserves
/// (or refuses and gives the lines back).
void do_price(order_actor* self);

/// Persists the current data, then continues the saga.
void persist_and_drive(order_actor* self);

/// Follows the payment's final state while awaiting it.
void follow_payment(order_actor* self, protocol::payment_status payment);

/// The cart key of the current attempt's take (and of giving its lines back).
std::string take_key(const order_state& st);

/// Tells the cart that this attempt's take and its returns will never come again (the order has
/// durably recorded its lines, or given them back for good), so it stops remembering them.
/// Best effort, like `forget_key` everywhere.
void forget_in_cart(order_actor* self);

/// Whether `user` may read the order: its buyer, the owner of a seller of its lines.
bool may_read(const order_data& d, const std::string& user);

/// The error a refused checkout answers (and answers again to every retry).
caf::error refusal_of(const order_data& d);

} // namespace lakoo::order::saga
