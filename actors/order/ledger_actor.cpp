#include <algorithm>
#include <tuple>

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
      [self](protocol::get_earnings) -> caf::result<protocol::earnings_view> {
        return runtime::reply_durable(self, earnings_view_of(self->state.data));
      },
    };
  });
}

// -- order books ----------------------------------------------------------------------------------

/// The orders of one buyer or one seller, newest first (ids only: orders render themselves).
template <const char* const* Kind>
struct book_state : runtime::entity_state<book_data> {
  static inline const char* name = "lakoo.order_book";
  static inline const char* kind = *Kind;
};

bool newer(const booked_order& a, const booked_order& b) {
  return std::tie(b.created_ms, b.order_id) < std::tie(a.created_ms, a.order_id);
}

/// `<created_ms>.<order id>` of the last order of a page.
std::optional<booked_order> parse_cursor(const std::string& c) {
  auto dot = c.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 >= c.size() || dot > 18) {
    return std::nullopt;
  }
  booked_order out;
  for (size_t i = 0; i < dot; ++i) {
    if (c[i] < '0' || c[i] > '9') {
      return std::nullopt;
    }
    out.created_ms = out.created_ms * 10 + (c[i] - '0');
  }
  out.order_id = c.substr(dot + 1);
  return out;
}

template <class State>
caf::behavior book_impl(caf::stateful_actor<State>* self, std::string id,
                        std::shared_ptr<const runtime::entity_env> env) {
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    return caf::message_handler{
      [self](protocol::book_order& req) -> caf::result<bool> {
        auto& orders = self->state.data.orders;
        booked_order entry{std::move(req.order_id), req.created_ms};
        auto at = std::lower_bound(orders.begin(), orders.end(), entry, newer);
        if (at != orders.end() && at->order_id == entry.order_id) {
          return runtime::reply_durable(self, true);
        }
        orders.insert(at, std::move(entry));
        return runtime::commit(self, true);
      },
      [self](protocol::list_orders& req) -> caf::result<protocol::order_page> {
        const auto& orders = self->state.data.orders;
        auto it = orders.begin();
        if (!req.cursor.empty()) {
          auto from = parse_cursor(req.cursor);
          if (!from) {
            return caf::make_error(errc::invalid_request, "cursor", "not a cursor of this list");
          }
          it = std::upper_bound(orders.begin(), orders.end(), *from, newer);
        }
        protocol::order_page page;
        for (; it != orders.end() && static_cast<int64_t>(page.order_ids.size()) < req.limit;
             ++it) {
          page.order_ids.push_back(it->order_id);
        }
        if (it != orders.end() && !page.order_ids.empty()) {
          const auto& last = *(it - 1);
          page.next_cursor = std::to_string(last.created_ms) + "." + last.order_id;
        }
        return runtime::reply_durable(self, std::move(page));
      },
    };
  });
}

const char* const buyer_kind_ptr = buyer_book_kind;
const char* const seller_kind_ptr = seller_book_kind;
using buyer_book_state = book_state<&buyer_kind_ptr>;
using seller_book_state = book_state<&seller_kind_ptr>;

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
  kinds[buyer_book_kind] = [](caf::actor_system& sys, const std::string& id,
                              std::shared_ptr<const runtime::entity_env> env) {
    return sys.spawn(book_impl<buyer_book_state>, id, std::move(env));
  };
  kinds[seller_book_kind] = [](caf::actor_system& sys, const std::string& id,
                               std::shared_ptr<const runtime::entity_env> env) {
    return sys.spawn(book_impl<seller_book_state>, id, std::move(env));
  };
}

} // namespace lakoo::order
