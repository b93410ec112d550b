// Rules of the order component's actors, on one node's actor system with an in-memory store.

#include "actors/order/order.hpp"

#include <atomic>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "actors/cart/cart.hpp"
#include "actors/catalog/catalog.hpp"
#include "tests/support/actor_fixture.hpp"
#include "tests/support/expected.hpp"
#include "tests/support/wait.hpp"

using namespace lakoo;
using lakoo::test::error_of;
using lakoo::test::must;

namespace {

/// A provider whose answers the test decides (the sandbox's HTTP delivery is tested end to end).
struct scripted_provider : order::payment_provider {
  std::atomic<bool> ok{true};
  std::atomic<int> refunds{0};
  std::string name() const override { return "scripted"; }
  void open(const std::string&, int64_t, const std::string&, int64_t,
            std::function<void(bool)> done) override {
    done(ok.load());
  }
  void refund(const std::string&, int64_t, const std::string&,
              std::function<void(bool)> done) override {
    refunds += ok.load() ? 1 : 0;
    done(ok.load());
  }
};

auto order_kinds(std::shared_ptr<scripted_provider> provider) {
  return test::kinds_of(
    catalog::register_kinds, cart::register_kinds,
    [provider](runtime::entity_kinds& k) { order::register_kinds(k, provider); });
}

/// Polls `get_order` (bounded) until the order reaches `status`.
std::string wait_status(test::actor_fixture& f, const std::string& order,
                        const std::string& status) {
  std::string last;
  for (int i = 0; i < 400; ++i) {
    auto o = f.ask<protocol::order_view>("order:" + order, protocol::get_order{});
    if (o) {
      last = o->status;
      if (last == status) {
        return last;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return last;
}

protocol::start_checkout checkout_of(const std::string& sku, int64_t quantity, int64_t ttl_s) {
  protocol::start_checkout sc;
  sc.user_id = "usr_buyer";
  sc.shipping_address.recipient = "Sari";
  sc.lines.push_back({sku, "prd_1", "sel_1", "Kopi", 50000, quantity, 50000 * quantity});
  sc.payment_ttl_s = ttl_s;
  return sc;
}

} // namespace

TEST_CASE("a seller is credited the line total minus 0.5%, rounded down", "[order]") {
  CHECK(order::seller_net(150000) == 149250);
  CHECK(order::seller_net(199) == 198); // commission 0.995 -> 1
  CHECK(order::seller_net(200) == 199); // exactly 1
  CHECK(order::seller_net(1) == 0);
  CHECK(order::seller_net(0) == 0);
}

TEST_CASE("a payment has one outcome: duplicates and late events change nothing", "[order]") {
  auto provider = std::make_shared<scripted_provider>();
  test::actor_fixture f{order_kinds(provider)};
  auto pay = [&](auto msg) { return f.ask<protocol::payment_view>("payment:pay_1", msg); };
  auto opened = pay(protocol::open_payment{"ord_1", "usr_1", 90000, "IDR", 4102444800});
  REQUIRE(opened);
  CHECK(opened->status == "pending");
  CHECK(opened->provider == "scripted");
  CHECK(pay(protocol::open_payment{"ord_1", "usr_1", 90000, "IDR", 4102444800})); // a retry
  CHECK(error_of(pay(protocol::open_payment{"ord_2", "usr_1", 90000, "IDR", 4102444800}))
        == protocol::errc::conflict);
  auto wrong = pay(protocol::payment_event{"evt_a", "payment.succeeded", 1});
  REQUIRE(wrong);
  CHECK(wrong->status == "pending"); // the amount does not match
  auto ok = pay(protocol::payment_event{"evt_b", "payment.succeeded", 90000});
  REQUIRE(ok);
  CHECK(ok->status == "succeeded");
  auto failed_late = pay(protocol::payment_event{"evt_c", "payment.failed", 90000});
  REQUIRE(failed_late);
  CHECK(failed_late->status == "succeeded");
  auto expire = pay(protocol::end_payment{"expire", "deadline"});
  REQUIRE(expire);
  CHECK(expire->status == "succeeded"); // the money came first: the order follows it
  auto refunded = pay(protocol::end_payment{"refund", "cancelled"});
  REQUIRE(refunded);
  CHECK(refunded->status == "refunded");
  CHECK(must(pay(protocol::end_payment{"refund", "again"})).status == "refunded");
  CHECK(provider->refunds == 1);
}

TEST_CASE("a success after expiry is recorded for refund, not applied", "[order]") {
  auto provider = std::make_shared<scripted_provider>();
  test::actor_fixture f{order_kinds(provider)};
  auto pay = [&](auto msg) { return f.ask<protocol::payment_view>("payment:pay_2", msg); };
  REQUIRE(pay(protocol::open_payment{"ord_2", "usr_1", 5000, "IDR", 4102444800}));
  CHECK(must(pay(protocol::end_payment{"expire", "deadline"})).status == "expired");
  auto late = pay(protocol::payment_event{"evt_late", "payment.succeeded", 5000});
  REQUIRE(late);
  CHECK(late->status == "expired");
  CHECK(late->refund_due);
  CHECK(error_of(pay(protocol::end_payment{"refund", "x"})) == protocol::errc::conflict);
}

TEST_CASE("a provider that cannot open a payment leaves nothing behind", "[order]") {
  auto provider = std::make_shared<scripted_provider>();
  provider->ok = false;
  test::actor_fixture f{order_kinds(provider)};
  auto opened = f.ask<protocol::payment_view>(
    "payment:pay_3", protocol::open_payment{"ord_3", "usr_1", 5000, "IDR", 4102444800});
  REQUIRE_FALSE(opened);
  CHECK(opened.error() == protocol::errc::unavailable);
  CHECK(f.store.version_of("payment", "pay_3") == 0);
}

TEST_CASE("the saga reserves, waits for the payment, then commits and credits once", "[order]") {
  auto provider = std::make_shared<scripted_provider>();
  test::actor_fixture f{order_kinds(provider)};
  REQUIRE(f.ask<protocol::sku_view>("sku:KOPI-1", protocol::define_sku{"prd_1", "sel_1", 3}));
  auto out = f.ask<protocol::checkout_view>("order:ord_saga1", checkout_of("KOPI-1", 2, 900));
  REQUIRE(out);
  CHECK(out->order.status == "awaiting_payment");
  CHECK(out->payment.amount == 100000);
  CHECK(must(f.ask<protocol::sku_view>("sku:KOPI-1", protocol::get_sku{})).available == 1);
  // Only 1 left: the next checkout is refused and keeps nothing reserved.
  auto refused = f.ask<protocol::checkout_view>("order:ord_saga2", checkout_of("KOPI-1", 2, 900));
  REQUIRE_FALSE(refused);
  CHECK(refused.error() == protocol::errc::out_of_stock);
  CHECK(must(f.ask<protocol::sku_view>("sku:KOPI-1", protocol::get_sku{})).available == 1);
  CHECK(error_of(f.ask<protocol::order_view>("order:ord_saga2", protocol::get_order{}))
        == protocol::errc::not_found);

  REQUIRE(f.ask<protocol::payment_view>(
    "payment:" + out->payment.id, protocol::payment_event{"evt_1", "payment.succeeded", 100000}));
  CHECK(wait_status(f, "ord_saga1", "paid") == "paid");
  for (int i = 0; i < 400; ++i) { // confirmation runs after the status change
    auto e = f.ask<protocol::earnings_view>("earnings:sel_1", protocol::get_earnings{});
    if (e && e->gross == 100000) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto e = f.ask<protocol::earnings_view>("earnings:sel_1", protocol::get_earnings{});
  REQUIRE(e);
  CHECK(e->gross == 100000);
  CHECK(e->commission == 500);
  CHECK(e->entries == 1);
  auto sku = must(f.ask<protocol::sku_view>("sku:KOPI-1", protocol::get_sku{}));
  CHECK(sku.stock == 1);
  // The order went into the buyer's and the seller's durable lists, once each.
  CHECK(f.store.list_items("orders:usr_buyer") == std::vector<std::string>{"ord_saga1"});
  CHECK(f.store.list_items("seller_orders:sel_1") == std::vector<std::string>{"ord_saga1"});
  CHECK(sku.reserved == 0);
  // A repeated settlement or webhook changes nothing. Proven with a marker: a second order of
  // the same seller goes through the same saga afterwards; once its credit is in, a second
  // credit of the first order would be there too.
  REQUIRE(f.ask<protocol::order_view>("order:ord_saga1",
                                      protocol::payment_settled{out->payment.id, "succeeded"}));
  REQUIRE(f.ask<protocol::payment_view>(
    "payment:" + out->payment.id, protocol::payment_event{"evt_1", "payment.succeeded", 100000}));
  auto marker
    = must(f.ask<protocol::checkout_view>("order:ord_saga3", checkout_of("KOPI-1", 1, 900)));
  REQUIRE(f.ask<protocol::payment_view>(
    "payment:" + marker.payment.id, protocol::payment_event{"evt_3", "payment.succeeded", 50000}));
  auto ledger = [&] {
    return must(f.ask<protocol::earnings_view>("earnings:sel_1", protocol::get_earnings{}));
  };
  CHECK(test::absent_until([&] { return ledger().gross == 150000; },
                           [&] {
                             auto l = ledger();
                             return l.entries > 2 || (l.gross != 100000 && l.gross != 150000);
                           })
        == test::absence::proven);
  CHECK(ledger().entries == 2);
}

TEST_CASE("an unpaid order expires by its deadline and releases its stock", "[order]") {
  auto provider = std::make_shared<scripted_provider>();
  test::actor_fixture f{order_kinds(provider)};
  REQUIRE(f.ask<protocol::sku_view>("sku:TEH-1", protocol::define_sku{"prd_1", "sel_1", 5}));
  auto out = f.ask<protocol::checkout_view>("order:ord_exp", checkout_of("TEH-1", 4, 1));
  REQUIRE(out);
  CHECK(must(f.ask<protocol::sku_view>("sku:TEH-1", protocol::get_sku{})).available == 1);
  CHECK(wait_status(f, "ord_exp", "expired") == "expired");
  for (int i = 0; i < 400; ++i) {
    if (must(f.ask<protocol::sku_view>("sku:TEH-1", protocol::get_sku{})).available == 5) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(must(f.ask<protocol::sku_view>("sku:TEH-1", protocol::get_sku{})).available == 5);
  CHECK(must(f.ask<protocol::payment_view>("payment:" + out->payment.id, protocol::get_payment{}))
          .status
        == "expired");
}

TEST_CASE("ledger entries count once, and a refund reverses them", "[order]") {
  auto provider = std::make_shared<scripted_provider>();
  test::actor_fixture f{order_kinds(provider)};
  REQUIRE(
    f.ask<protocol::earnings_view>("earnings:sel_9", protocol::post_earning{"ord_1", 1000, 5}));
  REQUIRE(
    f.ask<protocol::earnings_view>("earnings:sel_9", protocol::post_earning{"ord_1", 1000, 5}));
  auto e = f.ask<protocol::earnings_view>("earnings:sel_9",
                                          protocol::post_earning{"ord_1:refund", -1000, -5});
  REQUIRE(e);
  CHECK(e->gross == 0);
  CHECK(e->net == 0);
  CHECK(e->entries == 2);
}
