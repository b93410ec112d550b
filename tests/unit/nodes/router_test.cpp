#include "nodes/router.hpp"

#include <future>
#include <map>
#include <thread>

#include <catch2/catch.hpp>

#include "actors/identity/identity.hpp"
#include "actors/runtime/gateway.hpp"
#include "tests/support/actor_fixture.hpp"
#include "tests/support/expected.hpp"

using namespace lakoo;
using lakoo::test::must;

TEST_CASE("a write is acknowledged only once its snapshot is stored", "[runtime]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds)};
  auto created = f.ask<protocol::user_view>("user:usr_a", protocol::create_user{"a@x.id", "A", {}});
  REQUIRE(created);
  CHECK(f.store.version_of("user", "usr_a") == 1);
  protocol::update_user up;
  up.has_bio = true;
  up.bio = "halo";
  REQUIRE(f.ask<protocol::user_view>("user:usr_a", up));
  CHECK(f.store.version_of("user", "usr_a") == 2);
}

TEST_CASE("an unknown entity kind is not found and the router survives", "[runtime]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds)};
  auto x = f.ask<protocol::user_view>("nosuchkind:1", protocol::get_user{});
  REQUIRE_FALSE(x);
  CHECK(x.error() == protocol::errc::not_found);
  CHECK(f.ask<protocol::user_view>("user:usr_b", protocol::create_user{"b@x.id", "B", {}}));
}

TEST_CASE("an idle entity passivates and comes back from its snapshot", "[runtime]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds), std::chrono::seconds(1)};
  REQUIRE(f.ask<protocol::user_view>("user:usr_c", protocol::create_user{"c@x.id", "C", {}}));
  REQUIRE(f.wait_passivated("user"));
  CHECK(f.alive("user") == 0);
  auto again = f.ask<protocol::user_view>("user:usr_c", protocol::get_user{});
  REQUIRE(again);
  CHECK(again->name == "C");
  CHECK(again->email == "c@x.id");
}

TEST_CASE("a failed save is not acknowledged and the entity reloads the truth", "[runtime]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds)};
  REQUIRE(f.ask<protocol::user_view>("user:usr_d", protocol::create_user{"d@x.id", "D", {}}));
  f.store.fail_saves_of("user");
  protocol::update_user up;
  up.has_name = true;
  up.name = "lost";
  auto failed = f.ask<protocol::user_view>("user:usr_d", up);
  REQUIRE_FALSE(failed);
  CHECK(failed.error() == protocol::errc::unavailable);
  auto read = f.ask<protocol::user_view>("user:usr_d", protocol::get_user{});
  REQUIRE(read);
  CHECK(read->name == "D");
}

TEST_CASE("many concurrent writers to one entity: each write lands once, in each writer's order",
          "[runtime]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds), std::chrono::seconds(1)};
  REQUIRE(f.ask<protocol::user_view>("user:usr_e", protocol::create_user{"e@x.id", "E", {}}));
  REQUIRE(f.wait_passivated("user"));
  // 8 writers x 25 adds, all sent while the user activates again: they pile up together.
  constexpr size_t writers = 8;
  constexpr size_t each = 25;
  std::vector<std::pair<std::string, protocol::add_address>> asks;
  for (size_t i = 0; i < each; ++i) {
    for (size_t t = 0; t < writers; ++t) {
      protocol::add_address add;
      add.value.id = "adr_" + std::to_string(t) + "_" + std::to_string(i);
      asks.emplace_back("user:usr_e", add);
    }
  }
  // Lane t sends writer t's adds in its order (asks are interleaved by writer).
  auto [replies, overlapped] = f.ask_all_at_activation<protocol::address>(asks, writers);
  CHECK(overlapped);
  size_t ok = 0;
  size_t full = 0;
  for (auto& r : replies) {
    ok += r ? 1 : 0;
    full += r == protocol::errc::conflict ? 1 : 0; // "the address book is full"
  }
  // The book holds 20 at most: exactly 20 adds succeed, every one of them stored once; all the
  // others are refused as "full", none is lost or timed out.
  CHECK(ok == identity::max_addresses);
  CHECK(full == writers * each - identity::max_addresses);
  CHECK(f.store.version_of("user", "usr_e") == 1 + static_cast<int64_t>(identity::max_addresses));
  auto book = must(f.ask<protocol::address_list>("user:usr_e", protocol::list_addresses{}));
  REQUIRE(book.items.size() == identity::max_addresses);
  // Each writer's accepted adds are in the book in the order that writer sent them.
  std::map<std::string, int> last_of_writer;
  for (const auto& a : book.items) {
    auto writer = a.id.substr(0, a.id.rfind('_'));
    auto n = std::stoi(a.id.substr(a.id.rfind('_') + 1));
    auto [it, fresh] = last_of_writer.emplace(writer, n);
    if (!fresh) {
      CHECK(n > it->second);
      it->second = n;
    }
  }
}

namespace {

/// Asks through a gateway and waits (bounded) for the answer.
template <class Reply, class Kind, class Msg>
caf::expected<Reply> ask_via(runtime::gateway& gw, const protocol::ref<Kind>& key, Msg msg) {
  auto promise = std::make_shared<std::promise<caf::expected<Reply>>>();
  auto result = promise->get_future();
  gw.ask<Reply>(key, std::move(msg),
                [promise](caf::expected<Reply> x) { promise->set_value(std::move(x)); });
  REQUIRE(result.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  return result.get();
}

} // namespace

TEST_CASE("gateway requests keep working across an entity's passivation", "[runtime]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds), std::chrono::seconds(1)};
  runtime::gateway gw{f.sys, f.router, std::chrono::seconds(5), 1};
  REQUIRE(ask_via<protocol::user_view>(gw, protocol::user_ref{"usr_g"},
                                       protocol::create_user{"g@x.id", "G", {}}));
  for (int i = 0; i < 20; ++i) {
    REQUIRE(ask_via<protocol::user_view>(gw, protocol::user_ref{"usr_g"}, protocol::get_user{}));
  }
  REQUIRE(f.wait_passivated("user"));
  // The next request activates the entity again, from its snapshot.
  protocol::update_user up;
  up.has_bio = true;
  up.bio = "after";
  auto changed = ask_via<protocol::user_view>(gw, protocol::user_ref{"usr_g"}, up);
  REQUIRE(changed);
  CHECK(changed->bio == "after");
  CHECK(f.store.version_of("user", "usr_g") == 2);
  auto read = ask_via<protocol::user_view>(gw, protocol::user_ref{"usr_g"}, protocol::get_user{});
  REQUIRE(read);
  CHECK(read->bio == "after");
}

TEST_CASE("a gateway request that gets no answer fails with a timeout", "[runtime]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds)};
  runtime::gateway gw{f.sys, f.router, std::chrono::milliseconds(300), 1};
  f.store.hold_loads(true); // the entity waits for its snapshot forever
  auto stuck = ask_via<protocol::user_view>(gw, protocol::user_ref{"usr_t"}, protocol::get_user{});
  REQUIRE_FALSE(stuck);
  CHECK(stuck.error() == caf::sec::request_timeout);
  f.store.hold_loads(false);
  // The late answer is dropped, and the entity serves the next request.
  auto later = ask_via<protocol::user_view>(gw, protocol::user_ref{"usr_t"}, protocol::get_user{});
  REQUIRE_FALSE(later);
  CHECK(later.error() == protocol::errc::not_found);
}

TEST_CASE("a message the entity does not understand is rejected, not left hanging", "[runtime]") {
  test::actor_fixture f{test::kinds_of(identity::register_kinds)};
  runtime::gateway gw{f.sys, f.router, std::chrono::seconds(5), 1};
  auto wrong = f.ask<protocol::user_view>(
    "rtf:x", protocol::get_user{}); // a compile error through a gateway
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error() == protocol::errc::invalid_request);
}
