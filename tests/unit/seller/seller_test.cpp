#include "actors/seller/seller.hpp"

#include <thread>

#include <catch2/catch.hpp>

#include "actors/identity/identity.hpp"
#include "tests/support/actor_fixture.hpp"

using namespace lakoo;

namespace {

protocol::seller_profile profile(const std::string& brand) {
  return {brand, "Tenun ikat dari Sumba", "", "tenunsumba", "bazaar"};
}

bool has_seller_role(test::actor_fixture& f, const std::string& user) {
  auto u = f.ask<protocol::user_view>("user:" + user, protocol::get_user{});
  REQUIRE(u);
  return std::find(u->roles.begin(), u->roles.end(), "seller") != u->roles.end();
}

} // namespace

TEST_CASE("a user gets at most one seller account, even when applying concurrently", "[seller]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds, seller::register_kinds),
                        std::chrono::seconds(1)};
  REQUIRE(f.ask<protocol::user_view>("user:usr_s1", protocol::create_user{"s@x.id", "S", {}}));
  // The user passivates, then ten applications arrive together while it is activating again.
  REQUIRE(f.wait_passivated("user"));
  std::vector<protocol::apply_seller> apps;
  for (int i = 0; i < 10; ++i) {
    apps.push_back({"sel_" + std::to_string(i), profile("Tenun " + std::to_string(i))});
  }
  auto [replies, overlapped] = f.ask_at_activation<protocol::seller_view>("user:usr_s1", apps);
  CHECK(overlapped);
  int created = 0;
  int conflicts = 0;
  for (auto& r : replies) {
    created += r && r->status == protocol::seller_status::pending ? 1 : 0;
    conflicts += r == protocol::errc::conflict ? 1 : 0;
  }
  CHECK(created == 1);
  CHECK(conflicts == 9);
  auto user = f.ask<protocol::user_view>("user:usr_s1", protocol::get_user{});
  REQUIRE(user);
  REQUIRE_FALSE(user->seller_id.empty());
  auto seller = f.ask<protocol::seller_view>("seller:" + user->seller_id, protocol::get_seller{});
  REQUIRE(seller);
  CHECK(seller->owner_user_id == "usr_s1");
  CHECK(seller->acquisition_source == "bazaar");
}

TEST_CASE("admin decisions move the status and the owner's seller role", "[seller]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds, seller::register_kinds)};
  REQUIRE(
    f.ask<protocol::user_view>("user:usr_s2", protocol::create_user{"t@x.id", "T", {"customer"}}));
  REQUIRE(
    f.ask<protocol::seller_view>("user:usr_s2", protocol::apply_seller{"sel_b", profile("B")}));
  CHECK_FALSE(has_seller_role(f, "usr_s2"));

  auto approved = f.ask<protocol::seller_view>("seller:sel_b", protocol::review_seller{true, ""});
  REQUIRE(approved);
  CHECK(approved->status == protocol::seller_status::active);
  CHECK(has_seller_role(f, "usr_s2"));
  auto again = f.ask<protocol::seller_view>("seller:sel_b", protocol::review_seller{true, ""});
  REQUIRE(again);
  CHECK(again->status == protocol::seller_status::active);
  CHECK(f.store.version_of("seller", "sel_b") == 2); // the repeat wrote nothing

  auto suspended
    = f.ask<protocol::seller_view>("seller:sel_b", protocol::review_seller{false, "fake goods"});
  REQUIRE(suspended);
  CHECK(suspended->status == protocol::seller_status::rejected);
  CHECK(suspended->rejection_reason == "fake goods");
  CHECK_FALSE(has_seller_role(f, "usr_s2"));
}

TEST_CASE("only the owner changes a seller's profile", "[seller]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds, seller::register_kinds)};
  REQUIRE(f.ask<protocol::user_view>("user:usr_s3", protocol::create_user{"u@x.id", "U", {}}));
  REQUIRE(
    f.ask<protocol::seller_view>("user:usr_s3", protocol::apply_seller{"sel_c", profile("C")}));
  protocol::seller_profile p;
  p.bio = "baru";
  auto stranger = f.ask<protocol::seller_view>("seller:sel_c",
                                               protocol::update_seller{"usr_other", {"bio"}, p});
  REQUIRE_FALSE(stranger);
  CHECK(stranger.error() == protocol::errc::forbidden);
  auto owner
    = f.ask<protocol::seller_view>("seller:sel_c", protocol::update_seller{"usr_s3", {"bio"}, p});
  REQUIRE(owner);
  CHECK(owner->bio == "baru");
  CHECK(owner->brand_name == "C");
  auto missing = f.ask<protocol::seller_view>("seller:sel_none", protocol::get_seller{});
  REQUIRE_FALSE(missing);
  CHECK(missing.error() == protocol::errc::not_found);
}

TEST_CASE("only its owner lists a seller's orders and sees its earnings", "[seller]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds, seller::register_kinds)};
  REQUIRE(
    f.ask<protocol::user_view>("user:usr_o", protocol::create_user{"o@x.id", "O", {"customer"}}));
  REQUIRE(
    f.ask<protocol::seller_view>("user:usr_o", protocol::apply_seller{"sel_o", profile("O")}));
  auto orders = [&](const std::string& seller, const std::string& who) {
    return f.ask<protocol::order_page>("seller:" + seller, protocol::list_orders{who, 20, ""});
  };
  auto earnings = [&](const std::string& seller, const std::string& who) {
    return f.ask<protocol::earnings_view>("seller:" + seller, protocol::seller_earnings{who});
  };
  CHECK(orders("sel_o", "usr_x").error() == protocol::errc::forbidden);
  CHECK(earnings("sel_o", "usr_x").error() == protocol::errc::forbidden);
  CHECK(orders("sel_none", "usr_o").error() == protocol::errc::not_found);
  CHECK(earnings("sel_none", "usr_o").error() == protocol::errc::not_found);
  // The owner gets past the rule: here the node has no order book store (a unit test), so the
  // book read itself is unavailable, which is not a refusal.
  auto own = orders("sel_o", "usr_o");
  REQUIRE_FALSE(own);
  CHECK(own.error() == protocol::errc::unavailable);
}
