#include "http_edge/passwords.hpp"

#include <chrono>
#include <future>

#include <catch2/catch.hpp>

#include "actors/runtime/metrics.hpp"

using namespace lakoo::edge;

namespace {

constexpr auto deadline = std::chrono::seconds(30);

std::optional<std::string> hash_now(password_pool& pool, std::string password) {
  std::promise<std::optional<std::string>> p;
  auto f = p.get_future();
  pool.hash(std::move(password), [&p](std::optional<std::string> h) { p.set_value(std::move(h)); });
  REQUIRE(f.wait_for(deadline) == std::future_status::ready);
  return f.get();
}

bool verify_now(password_pool& pool, std::string stored, std::string password) {
  std::promise<bool> p;
  auto f = p.get_future();
  pool.verify(std::move(stored), std::move(password), [&p](bool ok) { p.set_value(ok); });
  REQUIRE(f.wait_for(deadline) == std::future_status::ready);
  return f.get();
}

} // namespace

TEST_CASE("passwords hash with argon2id and verify", "[http_edge]") {
  password_pool pool{2};
  auto h = hash_now(pool, "correct horse");
  REQUIRE(h.has_value());
  CHECK(h->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
  CHECK(hash_now(pool, "correct horse") != h); // salted
  CHECK(verify_now(pool, *h, "correct horse"));
  CHECK_FALSE(verify_now(pool, *h, "correct horse!"));
  CHECK_FALSE(verify_now(pool, *h, ""));
  CHECK_FALSE(verify_now(pool, "", "correct horse")); // unknown account: dummy hash, false
  CHECK_FALSE(verify_now(pool, "not a hash", "correct horse"));
}

TEST_CASE("a full password queue fails fast and is counted", "[http_edge]") {
  auto& rejected = lakoo::runtime::metrics::global().counter_of("lakoo_password_rejected_total");
  auto before = rejected.value();
  password_pool pool{1, 0}; // no waiting room: every job is refused
  bool called = false;
  std::optional<std::string> got = std::string{"x"};
  pool.hash("pw", [&](std::optional<std::string> h) {
    called = true;
    got = std::move(h);
  });
  CHECK(called); // synchronously, on this thread
  CHECK_FALSE(got.has_value());
  bool ok = true;
  pool.verify("", "pw", [&](bool b) { ok = b; });
  CHECK_FALSE(ok);
  CHECK(rejected.value() == before + 2);
}

TEST_CASE("stopping the password pool fails what is queued", "[http_edge]") {
  password_pool pool{1};
  std::atomic<int> answered{0};
  std::atomic<int> failed{0};
  for (int i = 0; i < 4; ++i) {
    pool.hash("pw", [&](std::optional<std::string> h) {
      ++answered;
      failed += h ? 0 : 1;
    });
  }
  pool.stop(); // one hash (tens of ms) is running on the one thread; the others wait
  CHECK(answered.load() == 4); // each done called exactly once: hashed or failed
  CHECK(failed.load() >= 1);   // what still waited was failed, not hashed after the stop
  bool ok = true;
  pool.verify("", "pw", [&](bool b) { ok = b; }); // after stop: refused at once
  CHECK_FALSE(ok);
  pool.stop(); // idempotent
}
