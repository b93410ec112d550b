#include <atomic>
#include <thread>

#include <catch2/catch.hpp>

#include "actors/catalog/catalog.hpp"
#include "tests/support/actor_fixture.hpp"
#include "tests/support/catalog_fixture.hpp"
#include "tests/support/expected.hpp"

using namespace lakoo;
using lakoo::test::error_of;
using lakoo::test::must;

namespace {

protocol::create_product shirt(std::vector<std::string> skus) {
  protocol::create_product p{
    "sel_1", "usr_1", "Kemeja batik", "Katun, tulis", "fashion", {"https://img.id/k.png"}, {}};
  for (const auto& sku : skus) {
    p.variants.push_back({sku, 250000, "IDR", 5, {"size"}, {sku.substr(sku.size() - 1)}});
  }
  return p;
}

} // namespace

TEST_CASE("creating a product claims every sku, all or nothing", "[catalog]") {
  test::actor_fixture f{test::kinds_of(catalog::register_kinds)};
  auto created = f.ask<protocol::product_view>("product:prd_1", shirt({"KMJ-M", "KMJ-L"}));
  REQUIRE(created);
  CHECK(created->status == protocol::product_status::draft);
  REQUIRE(created->variants.size() == 2);
  auto m = f.ask<protocol::sku_view>("sku:KMJ-M", protocol::get_sku{});
  REQUIRE(m);
  CHECK(m->product_id == "prd_1");
  CHECK(m->available == 5);

  // A second product reusing KMJ-L: refused, and its new sku KMJ-S is not left claimed.
  auto clash = f.ask<protocol::product_view>("product:prd_2", shirt({"KMJ-S", "KMJ-L"}));
  REQUIRE_FALSE(clash);
  CHECK(clash.error() == protocol::errc::conflict);
  auto s = f.ask<protocol::sku_view>("sku:KMJ-S", protocol::get_sku{});
  REQUIRE_FALSE(s);
  CHECK(s.error() == protocol::errc::not_found);
  auto gone = f.ask<protocol::product_view>("product:prd_2", protocol::get_product{});
  REQUIRE_FALSE(gone);
  CHECK(gone.error() == protocol::errc::not_found);
  // The sku is free for the next product.
  CHECK(f.ask<protocol::product_view>("product:prd_3", shirt({"KMJ-S"})));
}

TEST_CASE("a sku claimed by a product that never finished is taken over", "[catalog]") {
  test::actor_fixture f{test::kinds_of(catalog::register_kinds)};
  // As if prd_dead's node died right after this claim: no such product exists.
  REQUIRE(f.ask<protocol::sku_view>("sku:TAS-1", protocol::define_sku{"prd_dead", "sel_x", 1}));
  auto created = f.ask<protocol::product_view>("product:prd_live", shirt({"TAS-1"}));
  REQUIRE(created);
  auto sku = f.ask<protocol::sku_view>("sku:TAS-1", protocol::get_sku{});
  REQUIRE(sku);
  CHECK(sku->product_id == "prd_live");
  CHECK(sku->stock == 5);
}

TEST_CASE("moderation moves a product through its lifecycle", "[catalog]") {
  test::actor_fixture f{test::kinds_of(catalog::register_kinds)};
  REQUIRE(f.ask<protocol::product_view>("product:prd_m", shirt({"MOD-M"})));
  auto step = [&](const char* action, const char* who, const char* reason = "") {
    protocol::product_action a{};
    REQUIRE(parse(action, a));
    return f.ask<protocol::product_view>("product:prd_m",
                                         protocol::moderate_product{a, who, reason});
  };
  auto early = step("approve", "admin");
  REQUIRE_FALSE(early);
  CHECK(early.error() == protocol::errc::conflict); // drafts are not approved
  auto stranger = step("submit", "usr_other");
  REQUIRE_FALSE(stranger);
  CHECK(stranger.error() == protocol::errc::forbidden);
  CHECK(must(step("submit", "usr_1")).status == protocol::product_status::pending);
  auto rejected = step("reject", "admin", "photo is blurry");
  REQUIRE(rejected);
  CHECK(rejected->status == protocol::product_status::rejected);
  CHECK(rejected->rejection_reason == "photo is blurry");
  CHECK(must(step("submit", "usr_1")).status == protocol::product_status::pending);
  CHECK(must(step("approve", "admin")).status == protocol::product_status::active);
  CHECK(must(step("approve", "admin")).status == protocol::product_status::active); // repeat: no change
  auto resubmit = step("submit", "usr_1");
  REQUIRE_FALSE(resubmit);
  CHECK(resubmit.error() == protocol::errc::conflict);
}

TEST_CASE("only the owner changes a variant's price", "[catalog]") {
  test::actor_fixture f{test::kinds_of(catalog::register_kinds)};
  REQUIRE(f.ask<protocol::product_view>("product:prd_p", shirt({"PRC-M"})));
  auto theirs = f.ask<protocol::product_view>("product:prd_p",
                                              protocol::set_variant_price{"usr_x", "PRC-M", 1});
  REQUIRE_FALSE(theirs);
  CHECK(theirs.error() == protocol::errc::forbidden);
  auto mine = f.ask<protocol::product_view>("product:prd_p",
                                            protocol::set_variant_price{"usr_1", "PRC-M", 199000});
  REQUIRE(mine);
  CHECK(mine->variants[0].price == 199000);
  auto nope = f.ask<protocol::product_view>("product:prd_p",
                                            protocol::set_variant_price{"usr_1", "PRC-X", 1});
  REQUIRE_FALSE(nope);
  CHECK(nope.error() == protocol::errc::not_found);
}

TEST_CASE("concurrent creations sharing skus: exactly one wins", "[catalog]") {
  test::actor_fixture f{test::kinds_of(catalog::register_kinds)};
  for (int round = 0; round < 20; ++round) {
    auto stem = "RACE" + std::to_string(round);
    // Three new products claim the same skus; all three creations wait together for their
    // products (and the skus) to activate.
    std::vector<std::pair<std::string, protocol::create_product>> asks;
    for (int t = 0; t < 3; ++t) {
      // Different variant orders on purpose: claims must not depend on the request's order.
      asks.emplace_back("product:prd_r" + std::to_string(round) + "_" + std::to_string(t),
                        t % 2 == 0 ? shirt({stem + "-M", stem + "-L", stem + "-S"})
                                   : shirt({stem + "-S", stem + "-L", stem + "-M"}));
    }
    auto [replies, overlapped] = f.ask_all_at_activation<protocol::product_view>(asks);
    INFO("round " << round);
    CHECK(overlapped);
    int created = 0;
    int conflicts = 0;
    for (auto& r : replies) {
      created += r ? 1 : 0;
      conflicts += r == protocol::errc::conflict ? 1 : 0;
    }
    CHECK(created == 1);
    CHECK(conflicts == 2);
  }
}

TEST_CASE("reviews of an unknown product are not_found, of an unreviewed one an empty page",
          "[catalog]") {
  test::actor_fixture f{test::kinds_of(catalog::register_kinds)};
  test::listed(f, "prd_rv", "sel_rv", "usr_rv", {{"RV-1", 1000, 1}});
  auto list = [&](const std::string& product) {
    return f.ask<protocol::review_page>("reviews:" + product, protocol::list_reviews{20, ""});
  };
  CHECK(must(list("prd_rv")).items.empty());
  CHECK(error_of(list("prd_none")) == protocol::errc::not_found);
}
