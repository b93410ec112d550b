#pragma once

/// Pricing: what a buyer pays, decided by the domain and nowhere else. Pure functions over
/// integer minor units (IDR has none: 150000 is Rp 150.000); no actor, no I/O. The cart's view
/// and the checkout saga's first stage both price through `price`, so what a cart shows and what
/// an order charges are computed by the same code from the same catalog facts. Later parts of
/// the price (grosir tiers, flash prices, vouchers, shipping fees) are added here.
///
///   wanted lines + offers (catalog facts, now) --price--> quote {lines, subtotal, ..., total}

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lakoo::protocol {
struct product_view;
}

namespace lakoo::pricing {

inline constexpr const char* default_currency = "IDR";

/// Most units of one sku in one line.
inline constexpr int64_t max_quantity = 1000;

/// Highest unit price the catalog accepts (Rp 1 trillion): with at most `max_quantity` units
/// and a few hundred lines, no total comes near the range of int64.
inline constexpr int64_t max_unit_price = 1'000'000'000'000;

/// Platform commission in basis points (0.5%).
inline constexpr int64_t commission_bp = 50;

/// What the catalog offers for one sku right now: an active product with that variant.
struct offer {
  std::string sku;
  std::string product_id;
  std::string seller_id;
  std::string seller_user_id; ///< the seller account's owner
  std::string title;
  int64_t unit_price = 0;
  std::string currency = default_currency;
  int64_t weight_g = 500; ///< one unit's shipped weight
};

/// A line someone wants to buy: a sku in a quantity (a cart's line).
struct wanted {
  std::string sku;
  int64_t quantity = 0;
};

/// A line at its price.
struct priced_line {
  offer item;
  int64_t quantity = 0;
  int64_t line_total = 0;
};

/// Why a quote could not be made.
enum class problem {
  none,
  bad_quantity, ///< a quantity outside 1..max_quantity
  bad_price,    ///< an offer's price outside 1..max_unit_price
  currency,     ///< offers in more than one currency
};

/// The price of a set of lines. Lines without an offer are not for sale any more: they are
/// named in `not_for_sale` and priced at nothing (the caller decides what to do with them).
struct quote {
  std::vector<priced_line> lines; ///< the lines for sale, in the order they were wanted
  std::vector<std::string> not_for_sale;
  int64_t subtotal = 0;
  int64_t discount = 0;
  int64_t shipping_fee = 0;
  int64_t total = 0; ///< subtotal - discount + shipping_fee
  std::string currency = default_currency;
  problem error = problem::none;
  std::string error_sku; ///< the line the problem is about
};

/// Finds the offer for a sku, or nullptr when it is not for sale.
using offer_lookup = std::function<const offer*(const std::string& sku)>;

/// Prices `lines` at the offers `offer_of` finds: one priced line per wanted line that is for
/// sale, in order. On a problem the quote has `error` set and no lines.
quote price(const std::vector<wanted>& lines, const offer_lookup& offer_of);

/// `unit_price` x `quantity`, both within their bounds (else nullopt).
std::optional<int64_t> line_total(int64_t unit_price, int64_t quantity);

/// The platform's commission on `amount`: 0.5%, rounded up to the minor unit (in the
/// platform's favour exactly once, here).
int64_t commission_of(int64_t amount);

/// What `amount` credits its seller: `amount` minus the commission.
int64_t seller_net(int64_t amount);

/// One seller's parcel: what its lines of a quote weigh together.
struct parcel {
  std::string seller_id;
  int64_t weight_g = 0;
};

/// The parcels of a quote's lines: one per seller, in the order the sellers first appear.
std::vector<parcel> parcels_of(const quote& q);

/// The offer a product makes for `sku`: nullopt when the product is not active or has no such
/// variant.
std::optional<offer> offer_from(const protocol::product_view& product, const std::string& sku);

} // namespace lakoo::pricing
