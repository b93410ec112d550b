#pragma once

/// The cart actor's state, shared by the files of actors/cart (not by other components).

#include <memory>
#include <string>
#include <vector>

#include "actors/cart/cart.hpp"
#include "actors/runtime/entity.hpp"
#include "adapters/shipping/courier_provider.hpp"

namespace lakoo::cart {

struct line_data {
  std::string sku;
  std::string product_id;
  int64_t quantity = 0;
  MSGPACK_DEFINE_MAP(sku, product_id, quantity)
};

/// What a checkout took (kept so a repeat of the same checkout gets the same lines).
struct taken_data {
  std::string key;
  std::vector<line_data> lines;
  MSGPACK_DEFINE_MAP(key, lines)
};

/// Snapshot body of `cart:<user id>`.
struct cart_data {
  uint16_t v = 2;
  std::vector<line_data> lines;      ///< oldest first
  std::vector<taken_data> taken;     ///< recent checkouts' takes, oldest first
  std::vector<std::string> returned; ///< recent return keys, oldest first
  MSGPACK_DEFINE_MAP(v, lines, taken, returned)
};

/// Takes and returns a cart remembers (a repeat of an older one is far beyond any retry).
constexpr size_t max_remembered = 64;

/// One user's cart: which skus in which quantities. Prices and titles are never kept: the cart
/// is priced by the pricing module from the catalog's current offers whenever it is shown.
struct cart_state : runtime::entity_state<cart_data> {
  static inline const char* name = "lakoo.cart";
  static inline const char* kind = cart_kind;
  std::shared_ptr<shipping::courier_provider> courier; ///< prices shipping (nullptr: none)
};

using cart_actor = caf::stateful_actor<cart_state>;

/// `quote_shipping` (shipping_quote.cpp): the shipping options per seller for the cart's lines
/// or the given items, to the user's address or a city, priced by the courier.
caf::result<protocol::shipping_quote> quote_shipping(cart_actor* self,
                                                     protocol::quote_shipping& req);

} // namespace lakoo::cart
