#pragma once

// Helpers shared by the persistence integration tests (real PostgreSQL: LAKOO_TEST_PG_DSN).

#include <chrono>
#include <cstdlib>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <utility>

#include <catch2/catch.hpp>

#include "persistence/migrations.hpp"
#include "persistence/pg_store.hpp"

namespace lakoo::test {

using persistence::pg_store;
using runtime::snapshot;
using runtime::store_status;

constexpr auto answer_timeout = std::chrono::seconds(30);

inline std::string test_dsn() {
  const char* dsn = std::getenv("LAKOO_TEST_PG_DSN");
  if (dsn == nullptr || *dsn == '\0') {
    WARN("LAKOO_TEST_PG_DSN is not set: run `scripts/pg_cluster.sh start <dir>` and export the DSN "
         "it prints, or run these tests through ctest (fixture `pg`)");
    FAIL("no PostgreSQL to test against");
  }
  return dsn;
}

/// A migrated database, once per process.
inline std::string migrated_dsn() {
  static const std::string dsn = [] {
    auto d = test_dsn();
    persistence::migrate(d);
    return d;
  }();
  return dsn;
}

/// A suffix that keeps reruns against the same database apart.
inline std::string unique(const std::string& prefix) {
  static std::mt19937_64 rng{std::random_device{}()};
  static std::mutex mu;
  std::lock_guard<std::mutex> guard{mu};
  return prefix + "_" + std::to_string(rng());
}

inline snapshot make_snapshot(const std::string& kind, const std::string& id, int64_t version,
                              int64_t epoch = 1, std::string body = "\x81\xa1v\x01") {
  return snapshot{kind, id, 7, version, epoch, std::move(body)};
}

inline store_status save_sync(pg_store& store, snapshot s) {
  auto done = std::make_shared<std::promise<store_status>>();
  store.save(std::move(s), [done](store_status st) { done->set_value(st); });
  auto fut = done->get_future();
  REQUIRE(fut.wait_for(answer_timeout) == std::future_status::ready);
  return fut.get();
}

inline std::pair<store_status, std::optional<snapshot>>
load_sync(pg_store& store, const std::string& kind, const std::string& id) {
  using result = std::pair<store_status, std::optional<snapshot>>;
  auto done = std::make_shared<std::promise<result>>();
  store.load(kind, id, [done](store_status st, std::optional<snapshot> s) {
    done->set_value(result{st, std::move(s)});
  });
  auto fut = done->get_future();
  REQUIRE(fut.wait_for(answer_timeout) == std::future_status::ready);
  return fut.get();
}

} // namespace lakoo::test
