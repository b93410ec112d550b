#include <thread>

#include <catch2/catch.hpp>

#include "actors/catalog/catalog.hpp"
#include "tests/support/actor_fixture.hpp"
#include "tests/support/expected.hpp"

using namespace lakoo;
using lakoo::test::error_of;
using lakoo::test::must;

namespace {

protocol::sku_view view(test::actor_fixture& f, const std::string& sku) {
  auto v = f.ask<protocol::sku_view>("sku:" + sku, protocol::get_sku{});
  REQUIRE(v);
  return *v;
}

constexpr int64_t minute_ms = 60000;

} // namespace

TEST_CASE("a sku belongs to one product across the platform", "[catalog]") {
  test::actor_fixture f{test::kinds_of(catalog::register_kinds)};
  protocol::create_product batik{"sel_a", "usr_a", "Batik", "", "fashion", {}, {}};
  batik.variants.push_back({"BTK-01", 100000, "IDR", 5, {}, {}});
  REQUIRE(f.ask<protocol::product_view>("product:prd_a", batik));
  auto again = f.ask<protocol::sku_view>("sku:BTK-01", protocol::define_sku{"prd_a", "sel_a", 5});
  REQUIRE(again); // the same product: a retry
  auto clash = f.ask<protocol::sku_view>("sku:BTK-01", protocol::define_sku{"prd_b", "sel_b", 9});
  REQUIRE_FALSE(clash);
  CHECK(clash.error() == protocol::errc::conflict);
  CHECK(view(f, "BTK-01").stock == 5);
  auto none = f.ask<protocol::sku_view>("sku:NOPE", protocol::get_sku{});
  REQUIRE_FALSE(none);
  CHECK(none.error() == protocol::errc::not_found);
}

TEST_CASE("reservations hold stock, release and commit are idempotent by key", "[catalog]") {
  test::actor_fixture f{test::kinds_of(catalog::register_kinds)};
  REQUIRE(f.ask<protocol::sku_view>("sku:KOPI", protocol::define_sku{"prd_k", "sel_k", 10}));
  auto r1 = f.ask<protocol::sku_view>("sku:KOPI", protocol::reserve_sku{"chk_1", 4, minute_ms});
  REQUIRE(r1);
  CHECK(r1->available == 6);
  CHECK(r1->reserved == 4);
  // A retried reservation holds nothing more.
  CHECK(must(f.ask<protocol::sku_view>("sku:KOPI", protocol::reserve_sku{"chk_1", 4, minute_ms}))
          .available
        == 6);
  auto too_many
    = f.ask<protocol::sku_view>("sku:KOPI", protocol::reserve_sku{"chk_2", 7, minute_ms});
  REQUIRE_FALSE(too_many);
  CHECK(too_many.error() == protocol::errc::out_of_stock);
  CHECK(must(f.ask<protocol::sku_view>("sku:KOPI", protocol::reserve_sku{"chk_2", 6, minute_ms}))
          .available
        == 0);

  SECTION("release gives the units back, once") {
    CHECK(must(f.ask<protocol::sku_view>("sku:KOPI", protocol::release_sku{"chk_2"})).available
          == 6);
    CHECK(must(f.ask<protocol::sku_view>("sku:KOPI", protocol::release_sku{"chk_2"})).available
          == 6);
    CHECK(view(f, "KOPI").stock == 10);
  }
  SECTION("commit takes the units out of stock, once") {
    auto c = f.ask<protocol::sku_view>("sku:KOPI", protocol::commit_sku{"chk_1"});
    REQUIRE(c);
    CHECK(c->stock == 6);
    CHECK(c->reserved == 6);
    CHECK(c->available == 0);
    CHECK(must(f.ask<protocol::sku_view>("sku:KOPI", protocol::commit_sku{"chk_1"})).stock == 6);
    auto late_release = f.ask<protocol::sku_view>("sku:KOPI", protocol::release_sku{"chk_1"});
    REQUIRE_FALSE(late_release);
    CHECK(late_release.error() == protocol::errc::conflict);
    // A committed key cannot reserve again either.
    CHECK(must(f.ask<protocol::sku_view>("sku:KOPI", protocol::reserve_sku{"chk_1", 1, minute_ms}))
            .stock
          == 6);
  }
  SECTION("a forgotten commit is no longer remembered, in memory or in the next snapshot") {
    REQUIRE(f.ask<protocol::sku_view>("sku:KOPI", protocol::commit_sku{"chk_1"}));
    CHECK(must(f.ask<protocol::sku_view>("sku:KOPI", protocol::commit_sku{"chk_1"})).stock == 6);
    CHECK(f.store.body_of("sku", "KOPI").find("chk_1") != std::string::npos);
    REQUIRE(f.ask<bool>("sku:KOPI", protocol::forget_key{"chk_1"}));
    // Its order said it never sends chk_1 again; were it sent, it would no longer be a repeat.
    CHECK(error_of(f.ask<protocol::sku_view>("sku:KOPI", protocol::commit_sku{"chk_1"}))
          == protocol::errc::conflict);
    CHECK(must(f.ask<protocol::sku_view>("sku:KOPI", protocol::get_sku{})).stock == 6);
    // The forgetting rides on the next write.
    REQUIRE(f.ask<protocol::sku_view>("sku:KOPI", protocol::release_sku{"chk_2"}));
    CHECK(f.store.body_of("sku", "KOPI").find("chk_1") == std::string::npos);
  }
  SECTION("bad reservations are rejected") {
    auto zero = f.ask<protocol::sku_view>("sku:KOPI", protocol::reserve_sku{"chk_3", 0, minute_ms});
    REQUIRE_FALSE(zero);
    CHECK(zero.error() == protocol::errc::invalid_request);
    auto unknown = f.ask<protocol::sku_view>("sku:KOPI", protocol::commit_sku{"chk_nope"});
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error() == protocol::errc::conflict);
  }
}

TEST_CASE("a reservation expires by its deadline, also across a reload", "[catalog]") {
  test::actor_fixture f{test::kinds_of(catalog::register_kinds), std::chrono::seconds(1)};
  REQUIRE(f.ask<protocol::sku_view>("sku:TEH", protocol::define_sku{"prd_t", "sel_t", 3}));
  auto reserved_at = std::chrono::steady_clock::now();
  REQUIRE(f.ask<protocol::sku_view>("sku:TEH", protocol::reserve_sku{"chk_e", 3, 5000}));
  CHECK(view(f, "TEH").available == 0);
  // Let the actor passivate (idle 1 s), so the next read comes from the snapshot.
  REQUIRE(f.wait_passivated("sku"));
  auto reloaded = view(f, "TEH");
  // Only meaningful while the 5 s reservation can still be live: a machine so slow that the
  // passivation took longer says so instead of failing the check below for the wrong reason.
  REQUIRE(std::chrono::steady_clock::now() - reserved_at < std::chrono::milliseconds(4500));
  CHECK(reloaded.reserved == 3); // still live after the reload
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (view(f, "TEH").available != 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(view(f, "TEH").available == 3);
  auto expired = f.ask<protocol::sku_view>("sku:TEH", protocol::commit_sku{"chk_e"});
  REQUIRE_FALSE(expired);
  CHECK(expired.error() == protocol::errc::conflict);
}

TEST_CASE("hundreds of concurrent reservations never oversell", "[catalog]") {
  test::actor_fixture f{test::kinds_of(catalog::register_kinds), std::chrono::seconds(1)};
  REQUIRE(f.ask<protocol::sku_view>("sku:LAST", protocol::define_sku{"prd_l", "sel_l", 100}));
  // The sku passivates; then 320 reservations (each key twice: a retried step) arrive together
  // while it activates from its snapshot.
  REQUIRE(f.wait_passivated("sku"));
  std::vector<protocol::reserve_sku> reqs;
  for (int i = 0; i < 160; ++i) {
    reqs.push_back({"chk_" + std::to_string(i), 1, minute_ms});
    reqs.push_back({"chk_" + std::to_string(i), 1, minute_ms});
  }
  auto [replies, overlapped] = f.ask_at_activation<protocol::sku_view>("sku:LAST", reqs);
  CHECK(overlapped);
  int won = 0;
  int sold_out = 0;
  for (size_t i = 0; i < replies.size(); i += 2) {
    INFO("key " << reqs[i].key);
    // Both sends of a key have the same outcome: the retry repeats the first answer.
    CHECK(static_cast<bool>(replies[i]) == static_cast<bool>(replies[i + 1]));
    won += replies[i] ? 1 : 0;
    sold_out += replies[i] == protocol::errc::out_of_stock ? 1 : 0;
  }
  CHECK(won == 100);
  CHECK(sold_out == 60);
  auto v = view(f, "LAST");
  CHECK(v.available == 0);
  CHECK(v.reserved == 100);
}
