#include <algorithm>

#include "actors/cart/cart.hpp"
#include "actors/runtime/entity.hpp"

namespace lakoo::cart {

namespace {

using protocol::errc;

struct line_data {
  std::string sku;
  std::string product_id;
  int64_t quantity = 0;
  MSGPACK_DEFINE_MAP(sku, product_id, quantity)
};

/// Snapshot body of `cart:<user id>`.
struct cart_data {
  uint16_t v = 1;
  std::vector<line_data> lines;    ///< oldest first
  std::vector<std::string> orders; ///< recent orders whose lines were taken out, oldest first
  MSGPACK_DEFINE_MAP(v, lines, orders)
};

/// Orders a cart remembers having taken out (a repeat of an older one is far beyond any retry).
constexpr size_t max_remembered_orders = 64;

/// One user's cart: which skus in which quantities. Prices and titles are not kept: the cart
/// is always shown with the catalog's current ones.
struct cart_state : runtime::entity_state<cart_data> {
  static inline const char* name = "lakoo.cart";
  static inline const char* kind = cart_kind;
};

using cart_actor = caf::stateful_actor<cart_state>;

protocol::cart_view to_view(const cart_data& d) {
  protocol::cart_view v;
  for (const auto& l : d.lines) {
    v.lines.push_back({l.sku, l.product_id, l.quantity});
  }
  return v;
}

caf::result<protocol::cart_view> change(cart_actor* self, protocol::change_cart& req) {
  auto& lines = self->state.data.lines;
  auto i = std::find_if(lines.begin(), lines.end(),
                        [&](const line_data& l) { return l.sku == req.sku; });
  if (req.quantity < 0 || (!req.replace && req.quantity == 0)) {
    return caf::make_error(errc::invalid_request, "quantity", "quantity must be positive");
  }
  int64_t total = req.replace ? req.quantity : req.quantity + (i == lines.end() ? 0 : i->quantity);
  if (total > req.available) {
    return caf::make_error(errc::out_of_stock,
                           "only " + std::to_string(req.available) + " available",
                           std::vector<std::string>{req.sku});
  }
  if (total == 0) {
    if (i == lines.end()) {
      return runtime::reply_durable(self, to_view(self->state.data));
    }
    lines.erase(i);
  } else if (i != lines.end()) {
    i->quantity = total;
  } else {
    if (lines.size() >= max_lines) {
      return caf::make_error(errc::conflict, "the cart is full");
    }
    lines.push_back({std::move(req.sku), std::move(req.product_id), total});
  }
  return runtime::commit(self, to_view(self->state.data));
}

/// Takes what an order bought out of the cart, once per order: a line bought in full goes, a
/// line the buyer raised meanwhile keeps the difference.
caf::result<protocol::cart_view> remove_bought(cart_actor* self, protocol::remove_bought& req) {
  auto& d = self->state.data;
  if (std::find(d.orders.begin(), d.orders.end(), req.key) != d.orders.end()) {
    return runtime::reply_durable(self, to_view(d));
  }
  for (const auto& bought : req.lines) {
    auto i = std::find_if(d.lines.begin(), d.lines.end(),
                          [&](const line_data& l) { return l.sku == bought.sku; });
    if (i == d.lines.end()) {
      continue;
    }
    i->quantity -= bought.quantity;
    if (i->quantity <= 0) {
      d.lines.erase(i);
    }
  }
  d.orders.push_back(std::move(req.key));
  if (d.orders.size() > max_remembered_orders) {
    d.orders.erase(d.orders.begin());
  }
  return runtime::commit(self, to_view(d));
}

caf::behavior cart_impl(cart_actor* self, std::string id,
                        std::shared_ptr<const runtime::entity_env> env) {
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    return caf::message_handler{
      [self](protocol::get_cart) -> caf::result<protocol::cart_view> {
        return runtime::reply_durable(self, to_view(self->state.data));
      },
      [self](protocol::change_cart& req) { return change(self, req); },
      [self](protocol::remove_bought& req) { return remove_bought(self, req); },
      [self](protocol::clear_cart& req) -> caf::result<protocol::cart_view> {
        auto& lines = self->state.data.lines;
        auto before = lines.size();
        lines.erase(
          std::remove_if(lines.begin(), lines.end(),
                         [&](const line_data& l) { return req.sku.empty() || l.sku == req.sku; }),
          lines.end());
        if (lines.size() == before) {
          return runtime::reply_durable(self, to_view(self->state.data));
        }
        return runtime::commit(self, to_view(self->state.data));
      },
    };
  });
}

} // namespace

caf::actor spawn_cart(caf::actor_system& sys, const std::string& id,
                      std::shared_ptr<const runtime::entity_env> env) {
  return sys.spawn(cart_impl, id, std::move(env));
}

void register_kinds(runtime::entity_kinds& kinds) {
  kinds[cart_kind] = spawn_cart;
}

} // namespace lakoo::cart
