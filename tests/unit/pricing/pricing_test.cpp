// The pricing module: exact integer arithmetic, the commission's rounding, many lines and
// sellers, lines no longer for sale, and the bounds that keep every total exact.

#include "actors/pricing/pricing.hpp"

#include <map>

#include <catch2/catch.hpp>

#include "actors/protocol/messages.hpp"

using namespace lakoo;
using pricing::offer;
using pricing::problem;

namespace {

struct catalog {
  std::map<std::string, offer> offers;
  void add(const std::string& sku, int64_t price, const std::string& seller = "sel_1",
           const std::string& currency = "IDR", int64_t weight_g = 500) {
    offers[sku]
      = offer{sku, "prd_" + sku, seller, "usr_" + seller, "Item " + sku, price, currency, weight_g};
  }
  pricing::offer_lookup lookup() const {
    return [this](const std::string& sku) -> const offer* {
      auto i = offers.find(sku);
      return i == offers.end() ? nullptr : &i->second;
    };
  }
};

} // namespace

TEST_CASE("lines are priced at the offer's price times the quantity, exactly", "[pricing]") {
  catalog c;
  c.add("KOPI", 75000);
  c.add("TEH", 12345, "sel_2");
  auto q = pricing::price({{"KOPI", 2}, {"TEH", 3}}, c.lookup());
  REQUIRE(q.error == problem::none);
  REQUIRE(q.lines.size() == 2);
  CHECK(q.lines[0].item.sku == "KOPI");
  CHECK(q.lines[0].line_total == 150000);
  CHECK(q.lines[1].item.seller_id == "sel_2");
  CHECK(q.lines[1].line_total == 37035);
  CHECK(q.subtotal == 187035);
  CHECK(q.discount == 0);
  CHECK(q.shipping_fee == 0);
  CHECK(q.total == 187035);
  CHECK(q.currency == "IDR");
  CHECK(q.not_for_sale.empty());
}

TEST_CASE("a hundred lines of many sellers add up to the rupiah", "[pricing]") {
  catalog c;
  std::vector<pricing::wanted> lines;
  int64_t expected = 0;
  for (int i = 0; i < 100; ++i) {
    auto sku = "SKU" + std::to_string(i);
    int64_t price = 999 + 7919 * i; // odd amounts: nothing rounds
    int64_t quantity = 1 + i % 7;
    c.add(sku, price, "sel_" + std::to_string(i % 9));
    lines.push_back({sku, quantity});
    expected += price * quantity;
  }
  auto q = pricing::price(lines, c.lookup());
  REQUIRE(q.error == problem::none);
  CHECK(q.lines.size() == 100);
  CHECK(q.subtotal == expected);
  CHECK(q.total == expected);
  int64_t sum = 0;
  for (const auto& l : q.lines) {
    sum += l.line_total;
  }
  CHECK(sum == q.subtotal);
}

TEST_CASE("the largest line and order stay exact", "[pricing]") {
  catalog c;
  c.add("MAX", pricing::max_unit_price);
  auto q = pricing::price({{"MAX", pricing::max_quantity}}, c.lookup());
  REQUIRE(q.error == problem::none);
  CHECK(q.subtotal == pricing::max_unit_price * pricing::max_quantity); // 1e15
  CHECK(pricing::line_total(pricing::max_unit_price, pricing::max_quantity)
        == int64_t{1'000'000'000'000'000});
}

TEST_CASE("lines without an offer are not for sale and cost nothing", "[pricing]") {
  catalog c;
  c.add("ADA", 5000);
  auto q = pricing::price({{"HILANG", 1}, {"ADA", 2}, {"JUGA-HILANG", 4}}, c.lookup());
  REQUIRE(q.error == problem::none);
  REQUIRE(q.lines.size() == 1);
  CHECK(q.lines[0].item.sku == "ADA");
  CHECK(q.total == 10000);
  CHECK(q.not_for_sale == std::vector<std::string>{"HILANG", "JUGA-HILANG"});
  auto none = pricing::price({{"HILANG", 1}}, c.lookup());
  CHECK(none.lines.empty());
  CHECK(none.total == 0);
}

TEST_CASE("quantities, prices and currencies out of bounds are refused, not rounded", "[pricing]") {
  catalog c;
  c.add("OK", 1000);
  c.add("MAHAL", pricing::max_unit_price + 1);
  c.add("GRATIS", 0);
  c.add("USD", 10, "sel_1", "USD");
  for (int64_t bad : {int64_t{0}, int64_t{-1}, pricing::max_quantity + 1}) {
    auto q = pricing::price({{"OK", bad}}, c.lookup());
    CHECK(q.error == problem::bad_quantity);
    CHECK(q.error_sku == "OK");
    CHECK(q.lines.empty());
    CHECK(q.total == 0);
  }
  CHECK(pricing::price({{"MAHAL", 1}}, c.lookup()).error == problem::bad_price);
  CHECK(pricing::price({{"GRATIS", 1}}, c.lookup()).error == problem::bad_price);
  CHECK(pricing::price({{"OK", 1}, {"USD", 1}}, c.lookup()).error == problem::currency);
  CHECK_FALSE(pricing::line_total(1, 0));
  CHECK_FALSE(pricing::line_total(0, 1));
}

TEST_CASE("the commission is 0.5% rounded up once, the seller gets the rest", "[pricing]") {
  CHECK(pricing::commission_of(150000) == 750);
  CHECK(pricing::seller_net(150000) == 149250);
  CHECK(pricing::commission_of(199) == 1); // 0.995 -> 1
  CHECK(pricing::seller_net(199) == 198);
  CHECK(pricing::commission_of(200) == 1); // exactly 1
  CHECK(pricing::commission_of(201) == 2); // 1.005 -> 2
  CHECK(pricing::commission_of(1) == 1);
  CHECK(pricing::seller_net(1) == 0);
  CHECK(pricing::commission_of(0) == 0);
  CHECK(pricing::commission_of(-500) == 0);
  // Net plus commission is the amount, always.
  for (int64_t a = 0; a < 5000; a += 7) {
    CHECK(pricing::seller_net(a) + pricing::commission_of(a) == a);
  }
}

TEST_CASE("a product offers its variant only while active", "[pricing]") {
  protocol::product_view p;
  p.id = "prd_1";
  p.seller_id = "sel_1";
  p.owner_user_id = "usr_1";
  p.title = "Kemeja";
  p.status = protocol::product_status::active;
  p.variants.push_back({"KMJ-M", 250000, "IDR", 0, {}, {}, 350});
  auto o = pricing::offer_from(p, "KMJ-M");
  REQUIRE(o);
  CHECK(o->unit_price == 250000);
  CHECK(o->weight_g == 350);
  CHECK(o->seller_user_id == "usr_1");
  CHECK(o->title == "Kemeja");
  CHECK_FALSE(pricing::offer_from(p, "KMJ-L"));
  for (auto status : {protocol::product_status::draft, protocol::product_status::pending,
                      protocol::product_status::rejected}) {
    p.status = status;
    CHECK_FALSE(pricing::offer_from(p, "KMJ-M"));
  }
}

TEST_CASE("a quote's parcels weigh each seller's lines together, in the order sellers appear",
          "[pricing]") {
  catalog c;
  c.add("KURSI", 900000, "sel_2", "IDR", 12000);
  c.add("KOPI", 75000, "sel_1", "IDR", 250);
  c.add("TEH", 20000, "sel_2", "IDR", 100);
  auto q = pricing::price({{"KURSI", 2}, {"KOPI", 3}, {"TEH", 5}, {"GONE", 1}}, c.lookup());
  REQUIRE(q.error == problem::none);
  auto ps = pricing::parcels_of(q);
  REQUIRE(ps.size() == 2);
  CHECK(ps[0].seller_id == "sel_2");
  CHECK(ps[0].weight_g == 2 * 12000 + 5 * 100);
  CHECK(ps[1].seller_id == "sel_1");
  CHECK(ps[1].weight_g == 750);
  CHECK(pricing::parcels_of(pricing::quote{}).empty());
}
