#include <algorithm>

#include "actors/order/order.hpp"
#include "actors/order/order_data.hpp"
#include "actors/runtime/entity.hpp"

namespace lakoo::order {

namespace {

using protocol::errc;

// -- earnings -------------------------------------------------------------------------------------

/// A seller's ledger: every entry once, by key (a paid order credits, its refund reverses).
struct earnings_state : runtime::entity_state<earnings_data> {
  static inline const char* name = "lakoo.earnings";
  static inline const char* kind = earnings_kind;
};

using earnings_actor = caf::stateful_actor<earnings_state>;

protocol::earnings_view earnings_view_of(const earnings_data& d) {
  return {d.gross, d.commission, d.gross - d.commission, d.count};
}

caf::behavior earnings_impl(earnings_actor* self, std::string id,
                            std::shared_ptr<const runtime::entity_env> env) {
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    return caf::message_handler{
      [self](protocol::post_earning& req) -> caf::result<protocol::earnings_view> {
        auto& d = self->state.data;
        if (req.key.empty()) {
          return caf::make_error(errc::invalid_request, "key", "a ledger entry needs a key");
        }
        auto seen = std::any_of(d.entries.begin(), d.entries.end(),
                                [&](const ledger_entry& e) { return e.key == req.key; });
        if (seen) {
          return runtime::reply_durable(self, earnings_view_of(d));
        }
        d.entries.push_back({std::move(req.key), req.gross, req.commission});
        d.count += 1;
        if (d.entries.size() > max_ledger_window) {
          d.entries.erase(d.entries.begin()); // totals keep it; see max_ledger_window
        }
        d.gross += req.gross;
        d.commission += req.commission;
        return runtime::commit(self, earnings_view_of(d));
      },
      [self](protocol::forget_key& req) {
        // The order recorded this entry's outcome and never posts it again. Not written on its
        // own: it rides on the next write (a key remembered a little longer is harmless).
        auto& entries = self->state.data.entries;
        entries.erase(std::remove_if(entries.begin(), entries.end(),
                                     [&](const ledger_entry& e) { return e.key == req.key; }),
                      entries.end());
        return true;
      },
      [self](protocol::get_earnings) -> caf::result<protocol::earnings_view> {
        return runtime::reply_durable(self, earnings_view_of(self->state.data));
      },
    };
  });
}

} // namespace

caf::actor spawn_payment(caf::actor_system& sys, const std::string& id,
                         std::shared_ptr<const runtime::entity_env> env,
                         std::shared_ptr<payment_provider> provider);
caf::actor spawn_order(caf::actor_system& sys, const std::string& id,
                       std::shared_ptr<const runtime::entity_env> env);

void register_kinds(runtime::entity_kinds& kinds, std::shared_ptr<payment_provider> provider) {
  kinds[order_kind] = spawn_order;
  kinds[payment_kind] = [provider](caf::actor_system& sys, const std::string& id,
                                   std::shared_ptr<const runtime::entity_env> env) {
    return spawn_payment(sys, id, std::move(env), provider);
  };
  kinds[earnings_kind] = [](caf::actor_system& sys, const std::string& id,
                            std::shared_ptr<const runtime::entity_env> env) {
    return sys.spawn(earnings_impl, id, std::move(env));
  };
}

} // namespace lakoo::order
