// Rules of the order component's actors, on one node's actor system with an in-memory store.

#include "actors/order/order.hpp"

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include <catch2/catch.hpp>

#include "actors/cart/cart.hpp"
#include "actors/catalog/catalog.hpp"
#include "actors/identity/identity.hpp"
#include "actors/notify/notify.hpp"
#include "actors/order/order_data.hpp"
#include "tests/support/actor_fixture.hpp"
#include "tests/support/catalog_fixture.hpp"
#include "tests/support/expected.hpp"
#include "tests/support/wait.hpp"

using namespace lakoo;
using lakoo::test::error_of;
using lakoo::test::must;
using protocol::order_status;
using protocol::payment_end;
using protocol::payment_status;

namespace {

/// Carts without a courier (their shipping quotes are not tested here).
void cart_kinds(lakoo::runtime::entity_kinds& k) {
  lakoo::cart::register_kinds(k, nullptr);
}

/// A provider whose answers the test decides (the sandbox's HTTP delivery is tested end to end).
struct scripted_provider : order::payment_provider {
  std::atomic<bool> ok{true};
  std::atomic<int> refunds{0};
  std::atomic<int> simulated{0};
  std::string name() const override { return "scripted"; }
  std::optional<std::string> simulate(const std::string&, int64_t, const std::string&) override {
    return "evt_sim_" + std::to_string(++simulated);
  }
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
    identity::register_kinds, catalog::register_kinds, cart_kinds,
    [provider](runtime::entity_kinds& k) { order::register_kinds(k, provider); });
}

/// Polls `get_order` (bounded) until the order reaches `status`.
order_status wait_status(test::actor_fixture& f, const std::string& order, order_status status) {
  auto last = order_status::none;
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

/// A checkout of `user`'s cart (shipping to a new address).
protocol::start_checkout checkout_of(const std::string& user, int64_t ttl_s) {
  protocol::start_checkout sc;
  sc.user_id = user;
  sc.shipping_address.recipient = "Sari";
  sc.payment_ttl_s = ttl_s;
  return sc;
}

/// Puts `quantity` of `sku` into `user`'s cart.
void add_to_cart(test::actor_fixture& f, const std::string& user, const std::string& sku,
                 int64_t quantity) {
  REQUIRE(f.ask<protocol::cart_view>("cart:" + user, protocol::change_cart{sku, quantity, false}));
}

std::vector<protocol::order_line> cart_items(test::actor_fixture& f, const std::string& user) {
  return must(f.ask<protocol::cart_view>("cart:" + user, protocol::get_cart{})).items;
}

/// The provider's verified webhook: payment `payment_id` of `amount` succeeded (event `event`).
void pay_succeeded(test::actor_fixture& f, const std::string& payment_id, const std::string& event,
                   int64_t amount) {
  REQUIRE(f.ask<protocol::payment_view>(
    "payment:" + payment_id, protocol::payment_event{event, "payment.succeeded", amount}));
}

protocol::earnings_view earnings_of(test::actor_fixture& f, const std::string& seller) {
  return must(f.ask<protocol::earnings_view>("earnings:" + seller, protocol::get_earnings{}));
}

/// The parts of an order snapshot that were strings before they became enums.
struct legacy_event {
  std::string status;
  int64_t at = 0;
  std::string note;
  MSGPACK_DEFINE_MAP(status, at, note)
};
struct legacy_order {
  uint16_t v = 2;
  std::string user_id;
  std::string stage;
  std::string status;
  std::vector<legacy_event> history;
  MSGPACK_DEFINE_MAP(v, user_id, stage, status, history)
};
struct legacy_payment {
  uint16_t v = 1;
  std::string order_id;
  std::string status;
  MSGPACK_DEFINE_MAP(v, order_id, status)
};

/// `from` packed as a snapshot, read back as a `To`.
template <class To, class From>
To reread(const From& from) {
  msgpack::sbuffer buf;
  msgpack::pack(buf, from);
  return msgpack::unpack(buf.data(), buf.size()).get().as<To>();
}

} // namespace

TEST_CASE("order and payment snapshots written with string statuses still load", "[order]") {
  legacy_order old{
    2, "usr_1", "awaiting", "paid", {{"awaiting_payment", 10, ""}, {"paid", 20, "x"}}};
  auto d = reread<order::order_data>(old);
  CHECK(d.user_id == "usr_1");
  CHECK(d.stage == order::saga_stage::awaiting);
  CHECK(d.status == order_status::paid);
  REQUIRE(d.history.size() == 2);
  CHECK(d.history[0].status == order_status::awaiting_payment);
  CHECK(d.history[1].status == order_status::paid);
  CHECK(d.history[1].note == "x");
  // A checkout still pricing had no status yet: "" reads as none.
  auto pricing = reread<order::order_data>(legacy_order{2, "usr_1", "pricing", "", {}});
  CHECK(pricing.stage == order::saga_stage::pricing);
  CHECK(pricing.status == order_status::none);
  // And what this build writes, an older one reads: the same names, none as "".
  auto back = reread<legacy_order>(pricing);
  CHECK(back.stage == "pricing");
  CHECK(back.status.empty());
  CHECK(reread<legacy_order>(d).history[0].status == "awaiting_payment");
  for (auto name : order::saga_stage_names) {
    if (name != "none") {
      CHECK(
        to_string(reread<order::order_data>(legacy_order{2, "u", std::string{name}, "", {}}).stage)
        == name);
    }
  }

  auto p = reread<order::payment_data>(legacy_payment{1, "ord_1", "refunded"});
  CHECK(p.order_id == "ord_1");
  CHECK(p.status == payment_status::refunded);
  CHECK(reread<legacy_payment>(p).status == "refunded");
}

TEST_CASE("a payment has one outcome: duplicates and late events change nothing", "[order]") {
  auto provider = std::make_shared<scripted_provider>();
  test::actor_fixture f{order_kinds(provider)};
  auto pay = [&](auto msg) { return f.ask<protocol::payment_view>("payment:pay_1", msg); };
  auto opened = pay(protocol::open_payment{"ord_1", "usr_1", 90000, "IDR", 4102444800});
  REQUIRE(opened);
  CHECK(opened->status == payment_status::pending);
  CHECK(opened->provider == "scripted");
  CHECK(pay(protocol::open_payment{"ord_1", "usr_1", 90000, "IDR", 4102444800})); // a retry
  CHECK(error_of(pay(protocol::open_payment{"ord_2", "usr_1", 90000, "IDR", 4102444800}))
        == protocol::errc::conflict);
  auto wrong = pay(protocol::payment_event{"evt_a", "payment.succeeded", 1});
  REQUIRE(wrong);
  CHECK(wrong->status == payment_status::pending); // the amount does not match
  auto ok = pay(protocol::payment_event{"evt_b", "payment.succeeded", 90000});
  REQUIRE(ok);
  CHECK(ok->status == payment_status::succeeded);
  auto failed_late = pay(protocol::payment_event{"evt_c", "payment.failed", 90000});
  REQUIRE(failed_late);
  CHECK(failed_late->status == payment_status::succeeded);
  auto expire = pay(protocol::end_payment{payment_end::expire, "deadline"});
  REQUIRE(expire);
  CHECK(expire->status == payment_status::succeeded); // the money came first: the order follows it
  auto refunded = pay(protocol::end_payment{payment_end::refund, "cancelled"});
  REQUIRE(refunded);
  CHECK(refunded->status == payment_status::refunded);
  CHECK(must(pay(protocol::end_payment{payment_end::refund, "again"})).status
        == payment_status::refunded);
  CHECK(provider->refunds == 1);
}

TEST_CASE("a payment is read and simulated by its buyer, and strangers learn nothing", "[order]") {
  auto provider = std::make_shared<scripted_provider>();
  test::actor_fixture f{order_kinds(provider)};
  REQUIRE(f.ask<protocol::payment_view>(
    "payment:pay_r", protocol::open_payment{"ord_r", "usr_1", 5000, "IDR", 4102444800}));
  auto read = [&](const std::string& who, bool admin) {
    return f.ask<protocol::payment_view>("payment:pay_r", protocol::get_payment{who, admin});
  };
  CHECK(must(read("usr_1", false)).amount == 5000);
  CHECK(must(read("usr_admin", true)).amount == 5000);
  CHECK(error_of(read("usr_2", false)) == protocol::errc::not_found);
  CHECK(error_of(
          f.ask<protocol::payment_view>("payment:pay_none", protocol::get_payment{"usr_1", false}))
        == protocol::errc::not_found);
  auto simulate = [&](const std::string& who, payment_status outcome) {
    return f.ask<protocol::simulation>("payment:pay_r", protocol::simulate_payment{who, outcome});
  };
  CHECK(error_of(simulate("usr_2", payment_status::succeeded)) == protocol::errc::forbidden);
  CHECK(error_of(simulate("usr_1", payment_status::pending)) == protocol::errc::invalid_request);
  CHECK(provider->simulated == 0); // nothing reached the provider
  auto sim = must(simulate("usr_1", payment_status::succeeded));
  CHECK(sim.payment_id == "pay_r");
  CHECK(sim.event_id == "evt_sim_1");
  CHECK(provider->simulated == 1);
}

TEST_CASE("a success after expiry is recorded for refund, not applied", "[order]") {
  auto provider = std::make_shared<scripted_provider>();
  test::actor_fixture f{order_kinds(provider)};
  auto pay = [&](auto msg) { return f.ask<protocol::payment_view>("payment:pay_2", msg); };
  REQUIRE(pay(protocol::open_payment{"ord_2", "usr_1", 5000, "IDR", 4102444800}));
  CHECK(must(pay(protocol::end_payment{payment_end::expire, "deadline"})).status
        == payment_status::expired);
  auto late = pay(protocol::payment_event{"evt_late", "payment.succeeded", 5000});
  REQUIRE(late);
  CHECK(late->status == payment_status::expired);
  CHECK(late->refund_due);
  CHECK(error_of(pay(protocol::end_payment{payment_end::refund, "x"})) == protocol::errc::conflict);
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

TEST_CASE("the saga prices the cart, reserves, waits for the payment, then credits once",
          "[order]") {
  auto provider = std::make_shared<scripted_provider>();
  test::actor_fixture f{order_kinds(provider)};
  test::listed(f, "prd_1", "sel_1", "usr_seller", {{"KOPI-1", 50000, 3}});
  add_to_cart(f, "usr_buyer", "KOPI-1", 2);
  add_to_cart(f, "usr_other", "KOPI-1", 2); // while 3 are available
  auto out = must(f.ask<protocol::checkout_view>("order:ord_saga1", checkout_of("usr_buyer", 900)));
  CHECK(out.order.status == order_status::awaiting_payment);
  REQUIRE(out.order.items.size() == 1);
  CHECK(out.order.items[0].unit_price == 50000); // the catalog's price, priced by the saga
  CHECK(out.order.items[0].line_total == 100000);
  CHECK(out.order.subtotal == 100000);
  CHECK(out.order.total == 100000);
  CHECK(out.payment.amount == 100000);
  CHECK(out.order.shipping_address.recipient == "Sari");
  CHECK(must(f.ask<protocol::sku_view>("sku:KOPI-1", protocol::get_sku{})).available == 1);
  // The lines left the cart with the order: checking out again finds it empty.
  CHECK(cart_items(f, "usr_buyer").empty());
  auto again = f.ask<protocol::checkout_view>("order:ord_saga1b", checkout_of("usr_buyer", 900));
  CHECK(error_of(again) == protocol::errc::invalid_request);
  // A repeat of the same checkout (same order id) answers the same order.
  CHECK(
    must(f.ask<protocol::checkout_view>("order:ord_saga1", checkout_of("usr_buyer", 900))).order.id
    == "ord_saga1");

  // Only 1 left: another buyer's checkout of 2 is refused, keeps nothing reserved, and the
  // lines go back into that buyer's cart.
  CHECK(error_of(f.ask<protocol::checkout_view>("order:ord_saga2", checkout_of("usr_other", 900)))
        == protocol::errc::out_of_stock);
  CHECK(must(f.ask<protocol::sku_view>("sku:KOPI-1", protocol::get_sku{})).available == 1);
  CHECK(error_of(f.ask<protocol::order_view>("order:ord_saga2", protocol::get_order{}))
        == protocol::errc::not_found);
  CHECK(test::eventually([&] {
    auto items = cart_items(f, "usr_other");
    return items.size() == 1 && items[0].quantity == 2;
  }));

  pay_succeeded(f, out.payment.id, "evt_1", 100000);
  CHECK(wait_status(f, "ord_saga1", order_status::paid) == order_status::paid);
  auto ledger = [&] { return earnings_of(f, "sel_1"); };
  REQUIRE(test::eventually([&] { return ledger().gross == 100000; }));
  CHECK(ledger().commission == 500);
  CHECK(ledger().entries == 1);
  auto sku = must(f.ask<protocol::sku_view>("sku:KOPI-1", protocol::get_sku{}));
  CHECK(sku.stock == 1);
  CHECK(sku.reserved == 0);
  // The order went into the buyer's and the seller's durable lists, once each.
  CHECK(f.store.list_items("orders:usr_buyer") == std::vector<std::string>{"ord_saga1"});
  CHECK(f.store.list_items("seller_orders:sel_1") == std::vector<std::string>{"ord_saga1"});
  // Who may read it: the buyer, the seller's owner, an admin; nobody else learns it exists.
  CHECK(f.ask<protocol::order_view>("order:ord_saga1", protocol::get_order{"usr_buyer", false}));
  CHECK(f.ask<protocol::order_view>("order:ord_saga1", protocol::get_order{"usr_seller", false}));
  CHECK(f.ask<protocol::order_view>("order:ord_saga1", protocol::get_order{"usr_x", true}));
  CHECK(error_of(
          f.ask<protocol::order_view>("order:ord_saga1", protocol::get_order{"usr_other", false}))
        == protocol::errc::not_found);
  // Only the seller's owner ships it: the buyer is refused, a stranger learns nothing.
  protocol::order_action ship{protocol::order_verb::ship, "usr_buyer", false, "JNE", "JP1", ""};
  CHECK(error_of(f.ask<protocol::order_view>("order:ord_saga1", ship))
        == protocol::errc::forbidden);
  ship.requester = "usr_other";
  CHECK(error_of(f.ask<protocol::order_view>("order:ord_saga1", ship))
        == protocol::errc::not_found);
  ship.requester = "usr_seller";
  CHECK(must(f.ask<protocol::order_view>("order:ord_saga1", ship)).status == order_status::shipped);

  // A repeated settlement or webhook changes nothing. Proven with a marker: a second order of
  // the same seller goes through the same saga afterwards; once its credit is in, a second
  // credit of the first order would be there too.
  REQUIRE(f.ask<protocol::order_view>(
    "order:ord_saga1", protocol::payment_settled{out.payment.id, payment_status::succeeded}));
  pay_succeeded(f, out.payment.id, "evt_1", 100000);
  add_to_cart(f, "usr_buyer", "KOPI-1", 1);
  auto marker
    = must(f.ask<protocol::checkout_view>("order:ord_saga3", checkout_of("usr_buyer", 900)));
  pay_succeeded(f, marker.payment.id, "evt_3", 50000);
  CHECK(test::absent_until([&] { return ledger().gross == 150000; },
                           [&] {
                             auto l = ledger();
                             return l.entries > 2 || (l.gross != 100000 && l.gross != 150000);
                           })
        == test::absence::proven);
  CHECK(ledger().entries == 2);
  // Once the orders had recorded their lines they told the cart to forget its takes: the
  // cart's next write no longer carries them (its snapshot stays small however often it buys).
  REQUIRE(f.store.body_of("cart", "usr_buyer").find("ord_saga3") != std::string::npos);
  test::listed(f, "prd_2", "sel_1", "usr_seller", {{"TEH-1", 20000, 5}}); // KOPI-1 is sold out
  int64_t quantity = 0;
  CHECK(test::eventually([&] { // each try a write: the quantity alternates
    quantity = quantity % 2 + 1;
    REQUIRE(
      f.ask<protocol::cart_view>("cart:usr_buyer", protocol::change_cart{"TEH-1", quantity, true}));
    auto body = f.store.body_of("cart", "usr_buyer");
    return body.find("ord_saga1") == std::string::npos
           && body.find("ord_saga3") == std::string::npos;
  }));
}

TEST_CASE("what a checkout refuses: an empty cart, nothing for sale, an unknown address",
          "[order]") {
  auto provider = std::make_shared<scripted_provider>();
  test::actor_fixture f{order_kinds(provider)};
  auto refusal = [&](const std::string& order, protocol::start_checkout sc) {
    return error_of(f.ask<protocol::checkout_view>("order:" + order, std::move(sc)));
  };
  CHECK(refusal("ord_r1", checkout_of("usr_r", 900)) == protocol::errc::invalid_request);
  // The answer is kept: a repeat of the same checkout gets it again.
  CHECK(refusal("ord_r1", checkout_of("usr_r", 900)) == protocol::errc::invalid_request);
  auto p = test::listed(f, "prd_r", "sel_r", "usr_sr", {{"RIP", 1000, 9}});
  add_to_cart(f, "usr_r", "RIP", 2);
  auto unknown = checkout_of("usr_r", 900);
  unknown.address_id = "adr_nope";
  CHECK(refusal("ord_r2", unknown) == protocol::errc::invalid_request);
  CHECK(cart_items(f, "usr_r").size() == 1); // nothing was taken
  auto coupon = checkout_of("usr_r", 900);
  coupon.coupon_codes = {"HEMAT"};
  CHECK(refusal("ord_r3", coupon) == protocol::errc::invalid_request);
  // The product leaves sale after it was put in the cart: nothing to buy, the line stays put.
  REQUIRE(f.ask<protocol::product_view>(
    "product:prd_r",
    protocol::moderate_product{protocol::product_action::reject, "admin", "palsu"}));
  CHECK(refusal("ord_r4", checkout_of("usr_r", 900)) == protocol::errc::invalid_request);
  REQUIRE(f.ask<protocol::product_view>(
    "product:prd_r", protocol::moderate_product{protocol::product_action::submit, "usr_sr", ""}));
  REQUIRE(f.ask<protocol::product_view>(
    "product:prd_r", protocol::moderate_product{protocol::product_action::approve, "admin", ""}));
  REQUIRE(test::eventually([&] { return cart_items(f, "usr_r").size() == 1; }));
  CHECK(cart_items(f, "usr_r")[0].quantity == 2);
  (void)p;
}

TEST_CASE("an unpaid order expires, releases its stock and gives the lines back", "[order]") {
  auto provider = std::make_shared<scripted_provider>();
  test::actor_fixture f{order_kinds(provider)};
  test::listed(f, "prd_t", "sel_1", "usr_s", {{"TEH-1", 8000, 5}});
  add_to_cart(f, "usr_late", "TEH-1", 4);
  auto out = must(f.ask<protocol::checkout_view>("order:ord_exp", checkout_of("usr_late", 1)));
  CHECK(must(f.ask<protocol::sku_view>("sku:TEH-1", protocol::get_sku{})).available == 1);
  CHECK(cart_items(f, "usr_late").empty());
  CHECK(wait_status(f, "ord_exp", order_status::expired) == order_status::expired);
  CHECK(test::eventually([&] {
    return must(f.ask<protocol::sku_view>("sku:TEH-1", protocol::get_sku{})).available == 5;
  }));
  CHECK(
    must(f.ask<protocol::payment_view>("payment:" + out.payment.id, protocol::get_payment{})).status
    == payment_status::expired);
  CHECK(test::eventually([&] {
    auto items = cart_items(f, "usr_late");
    return items.size() == 1 && items[0].quantity == 4;
  }));
}

TEST_CASE(
  "a done order tells its skus and ledgers to forget its keys so their snapshots stay small",
  "[order]") {
  auto provider = std::make_shared<scripted_provider>();
  // With inboxes: the confirm stage is done only once the buyer and the seller are notified.
  test::actor_fixture f{test::kinds_of(
    identity::register_kinds, catalog::register_kinds, cart_kinds, notify::register_kinds,
    [provider](runtime::entity_kinds& k) { order::register_kinds(k, provider); })};
  test::listed(f, "prd_f", "sel_f", "usr_fseller", {{"TEH-F", 20000, 10}});
  add_to_cart(f, "usr_fbuyer", "TEH-F", 2);
  auto out
    = must(f.ask<protocol::checkout_view>("order:ord_forget", checkout_of("usr_fbuyer", 900)));
  pay_succeeded(f, out.payment.id, "evt_f", 40000);
  REQUIRE(wait_status(f, "ord_forget", order_status::paid) == order_status::paid);
  auto ledger = [&] { return earnings_of(f, "sel_f"); };
  REQUIRE(test::eventually([&] { return ledger().gross == 40000; }));
  CHECK(f.store.body_of("earnings", "sel_f").find("ord_forget") != std::string::npos);
  // Once the order is done the sku no longer takes a commit of its key as a repeat (before, the
  // probe is a harmless repeat). A real order never sends it again.
  CHECK(test::eventually([&] {
    auto probe = f.ask<protocol::sku_view>("sku:TEH-F", protocol::commit_sku{"ord_forget"});
    return !probe && probe.error() == protocol::errc::conflict;
  }));
  CHECK(must(f.ask<protocol::sku_view>("sku:TEH-F", protocol::get_sku{})).stock == 8);
  // The next writes of the sku and the ledger leave the keys out (the ledger's forget may arrive
  // after the sku's: probe entries of nothing until a write shows it).
  REQUIRE(f.ask<protocol::sku_view>("sku:TEH-F", protocol::reserve_sku{"probe", 1, 60000}));
  CHECK(f.store.body_of("sku", "TEH-F").find("ord_forget") == std::string::npos);
  int probes = 0;
  CHECK(test::eventually([&] {
    auto key = "probe_" + std::to_string(++probes);
    REQUIRE(f.ask<protocol::earnings_view>("earnings:sel_f", protocol::post_earning{key, 0, 0}));
    return f.store.body_of("earnings", "sel_f").find("ord_forget") == std::string::npos;
  }));
  CHECK(ledger().gross == 40000);
  // A repeated settlement of the done order still changes nothing: the order, not the ledger's
  // memory, is the arbiter. Proven with a marker: a later order's credit arrives alone.
  REQUIRE(f.ask<protocol::order_view>(
    "order:ord_forget", protocol::payment_settled{out.payment.id, payment_status::succeeded}));
  add_to_cart(f, "usr_fbuyer", "TEH-F", 1);
  auto marker
    = must(f.ask<protocol::checkout_view>("order:ord_forget2", checkout_of("usr_fbuyer", 900)));
  REQUIRE(f.ask<protocol::payment_view>(
    "payment:" + marker.payment.id, protocol::payment_event{"evt_f2", "payment.succeeded", 20000}));
  CHECK(test::absent_until([&] { return ledger().gross == 60000; },
                           [&] {
                             auto g = ledger().gross;
                             return g != 40000 && g != 60000;
                           })
        == test::absence::proven);
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
