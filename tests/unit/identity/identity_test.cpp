#include "actors/identity/identity.hpp"

#include <thread>

#include <catch2/catch.hpp>

#include "tests/support/actor_fixture.hpp"

using namespace lakoo;

namespace {

protocol::address addr(const std::string& id, bool is_default = false) {
  protocol::address a;
  a.id = id;
  a.recipient = "Budi";
  a.is_default = is_default;
  return a;
}

} // namespace

TEST_CASE("concurrent registrations of one email: exactly one wins", "[identity]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds)};
  constexpr int contenders = 20;
  std::vector<protocol::open_account> claims;
  for (int i = 0; i < contenders; ++i) {
    claims.push_back({"usr_" + std::to_string(i), "same@x.id", "hash", "N", {}});
  }
  // All twenty claims wait together for the account entity to activate.
  auto [replies, overlapped]
    = f.ask_at_activation<protocol::user_view>("account:same@x.id", claims);
  CHECK(overlapped);
  int won = 0;
  int conflicts = 0;
  for (auto& r : replies) {
    won += r ? 1 : 0;
    conflicts += r == protocol::errc::conflict ? 1 : 0;
  }
  CHECK(won == 1);
  CHECK(conflicts == contenders - 1);
  auto account = f.ask<protocol::account_view>("account:same@x.id", protocol::get_account{});
  REQUIRE(account);
  auto user = f.ask<protocol::user_view>("user:" + account->user_id, protocol::get_user{});
  REQUIRE(user);
  CHECK(user->email == "same@x.id");
}

TEST_CASE("refresh tokens rotate and a reused one revokes the family", "[identity]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds)};
  REQUIRE(f.ask<protocol::family_view>("rtf:f1", protocol::open_family{"usr_1", "h1"}));
  SECTION("the current secret rotates, once") {
    auto r = f.ask<protocol::family_view>("rtf:f1", protocol::rotate_family{"h1", "h2"});
    REQUIRE(r);
    CHECK(r->user_id == "usr_1");
    auto r2 = f.ask<protocol::family_view>("rtf:f1", protocol::rotate_family{"h2", "h3"});
    CHECK(r2);
  }
  SECTION("reuse revokes every token of the family") {
    REQUIRE(f.ask<protocol::family_view>("rtf:f1", protocol::rotate_family{"h1", "h2"}));
    auto reuse = f.ask<protocol::family_view>("rtf:f1", protocol::rotate_family{"h1", "hx"});
    REQUIRE_FALSE(reuse);
    CHECK(reuse.error() == protocol::errc::unauthorized);
    auto current = f.ask<protocol::family_view>("rtf:f1", protocol::rotate_family{"h2", "h3"});
    REQUIRE_FALSE(current);
    CHECK(current.error() == protocol::errc::unauthorized);
  }
  SECTION("an unknown secret is refused without revoking") {
    CHECK_FALSE(f.ask<protocol::family_view>("rtf:f1", protocol::rotate_family{"zz", "h2"}));
    CHECK(f.ask<protocol::family_view>("rtf:f1", protocol::rotate_family{"h1", "h2"}));
  }
  SECTION("logout revokes") {
    CHECK_FALSE(f.ask<protocol::family_view>("rtf:f1", protocol::revoke_family{"zz"}));
    REQUIRE(f.ask<protocol::family_view>("rtf:f1", protocol::revoke_family{"h1"}));
    CHECK_FALSE(f.ask<protocol::family_view>("rtf:f1", protocol::rotate_family{"h1", "h2"}));
  }
  SECTION("an unknown family is unauthorized") {
    auto x = f.ask<protocol::family_view>("rtf:nope", protocol::rotate_family{"h1", "h2"});
    REQUIRE_FALSE(x);
    CHECK(x.error() == protocol::errc::unauthorized);
  }
}

TEST_CASE("the address book keeps exactly one default", "[identity]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds)};
  REQUIRE(f.ask<protocol::user_view>("user:usr_9", protocol::create_user{"z@x.id", "Z", {}}));
  auto first = f.ask<protocol::address>("user:usr_9", protocol::add_address{addr("adr_1")});
  REQUIRE(first);
  CHECK(first->is_default); // the first address becomes the default
  auto second = f.ask<protocol::address>("user:usr_9", protocol::add_address{addr("adr_2", true)});
  REQUIRE(second);
  CHECK(second->is_default);
  auto list = f.ask<protocol::address_list>("user:usr_9", protocol::list_addresses{});
  REQUIRE(list);
  REQUIRE(list->items.size() == 2);
  CHECK_FALSE(list->items[0].is_default);
  auto after = f.ask<protocol::address_list>("user:usr_9", protocol::delete_address{"adr_2"});
  REQUIRE(after);
  REQUIRE(after->items.size() == 1);
  CHECK(after->items[0].is_default);
  auto missing = f.ask<protocol::address>("user:usr_9", protocol::update_address{"adr_x", {}, {}});
  REQUIRE_FALSE(missing);
  CHECK(missing.error() == protocol::errc::not_found);
}

TEST_CASE("reading or changing a user that does not exist is not found", "[identity]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds)};
  auto x = f.ask<protocol::user_view>("user:usr_none", protocol::get_user{});
  REQUIRE_FALSE(x);
  CHECK(x.error() == protocol::errc::not_found);
  auto y = f.ask<protocol::address>("user:usr_none", protocol::add_address{addr("adr_1")});
  REQUIRE_FALSE(y);
  CHECK(y.error() == protocol::errc::not_found);
  CHECK(f.store.version_of("user", "usr_none") == 0);
}
