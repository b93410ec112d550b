// Integration tests of persistence/ against a real PostgreSQL (LAKOO_TEST_PG_DSN).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "actors/runtime/metrics.hpp"
#include "persistence/migrations.hpp"
#include "persistence/pg_store.hpp"
#include "persistence/snapshot_feed.hpp"
#include "tests/integration/pg_helpers.hpp"
#include "tests/support/wait.hpp"

namespace {

using lakoo::persistence::pg_settings;
using lakoo::persistence::pg_store;
using lakoo::runtime::snapshot;
using lakoo::runtime::store_status;
using lakoo::test::answer_timeout;
using lakoo::test::load_sync;
using lakoo::test::make_snapshot;
using lakoo::test::migrated_dsn;
using lakoo::test::save_sync;
using lakoo::test::test_dsn;
using lakoo::test::unique;
using namespace std::chrono_literals;

/// Counts down from `n`; `wait_for` is bounded so a lost callback fails instead of hanging.
class countdown {
public:
  explicit countdown(size_t n) : left_(n) {}
  void count_down() {
    std::lock_guard<std::mutex> guard{mu_};
    if (--left_ == 0) {
      cv_.notify_all();
    }
  }
  bool wait_for(std::chrono::seconds timeout) {
    std::unique_lock<std::mutex> guard{mu_};
    return cv_.wait_for(guard, timeout, [&] { return left_ == 0; });
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t left_;
};

/// A scratch database for the migration tests, dropped on scope exit.
struct scratch_database {
  std::string admin_dsn = test_dsn();
  std::string name = unique("lakoo_mig");
  std::string dsn = admin_dsn + " dbname=" + name; // libpq: the last value of a key wins

  scratch_database() {
    pqxx::connection conn{admin_dsn};
    pqxx::nontransaction txn{conn};
    txn.exec0("CREATE DATABASE " + txn.quote_name(name));
  }
  ~scratch_database() {
    try {
      pqxx::connection conn{admin_dsn};
      pqxx::nontransaction txn{conn};
      txn.exec0("DROP DATABASE IF EXISTS " + txn.quote_name(name));
    } catch (const std::exception&) {
      // a leftover scratch database is harmless
    }
  }

  std::vector<std::string> migration_rows() const {
    pqxx::connection conn{dsn};
    pqxx::nontransaction txn{conn};
    std::vector<std::string> rows;
    for (const auto& row :
         txn.exec("SELECT version, applied_at FROM schema_migrations ORDER BY 1")) {
      rows.push_back(row[0].as<std::string>() + "@" + row[1].as<std::string>());
    }
    return rows;
  }
};

uint64_t batches_so_far() {
  return lakoo::runtime::metrics::global().counter_of("lakoo_snapshot_batches_total").value();
}

} // namespace

TEST_CASE("migrating twice is a no-op", "[persistence]") {
  scratch_database db;
  lakoo::persistence::migrate(db.dsn);
  auto first = db.migration_rows();
  REQUIRE(first.size() == static_cast<size_t>(lakoo::persistence::latest_migration()));
  lakoo::persistence::migrate(db.dsn);
  CHECK(db.migration_rows() == first);
}

TEST_CASE("three nodes migrating at once apply each migration exactly once", "[persistence]") {
  scratch_database db;
  std::promise<void> go;
  auto start = go.get_future().share();
  std::vector<std::future<std::string>> runs;
  for (int i = 0; i < 3; ++i) {
    runs.push_back(std::async(std::launch::async, [&db, start]() -> std::string {
      start.wait();
      try {
        lakoo::persistence::migrate(db.dsn);
        return "";
      } catch (const std::exception& e) {
        return e.what();
      }
    }));
  }
  go.set_value();
  for (auto& run : runs) {
    REQUIRE(run.wait_for(answer_timeout) == std::future_status::ready);
    CHECK(run.get() == "");
  }
  CHECK(db.migration_rows().size() == static_cast<size_t>(lakoo::persistence::latest_migration()));
}

TEST_CASE("migrating an unreachable database throws a clear error", "[persistence]") {
  CHECK_THROWS_WITH(lakoo::persistence::migrate("host=/nonexistent/lakoo port=5432 dbname=x"),
                    Catch::Contains("cannot connect"));
}

TEST_CASE("a snapshot round-trips with every byte value in its body", "[persistence]") {
  pg_store store{pg_settings{migrated_dsn()}};
  auto kind = unique("rt");
  std::string body;
  for (int round = 0; round < 3; ++round) {
    for (int b = 0; b < 256; ++b) {
      body.push_back(static_cast<char>(b));
    }
  }
  body += "'\\x00'::bytea\\\\"; // quotes and backslashes once more, in escape-looking shapes
  std::string id = "o'brien\\n\"x\"";
  auto saved = snapshot{kind, id, 42, 3, 9, body};
  REQUIRE(save_sync(store, saved) == store_status::ok);
  auto [status, loaded] = load_sync(store, kind, id);
  REQUIRE(status == store_status::ok);
  REQUIRE(loaded.has_value());
  CHECK(loaded->kind == kind);
  CHECK(loaded->id == id);
  CHECK(loaded->shard == 42);
  CHECK(loaded->version == 3);
  CHECK(loaded->epoch == 9);
  CHECK(loaded->body.size() == body.size());
  CHECK(loaded->body == body);
  SECTION("an empty body round-trips too") {
    REQUIRE(save_sync(store, snapshot{kind, "empty", 1, 1, 1, ""}) == store_status::ok);
    auto [st, empty] = load_sync(store, kind, "empty");
    REQUIRE(st == store_status::ok);
    REQUIRE(empty.has_value());
    CHECK(empty->body.empty());
  }
}

TEST_CASE("loading a missing key answers ok without a snapshot", "[persistence]") {
  pg_store store{pg_settings{migrated_dsn()}};
  auto [status, loaded] = load_sync(store, unique("missing"), "nobody");
  CHECK(status == store_status::ok);
  CHECK_FALSE(loaded.has_value());
}

TEST_CASE("versions only grow", "[persistence]") {
  pg_store store{pg_settings{migrated_dsn()}};
  auto kind = unique("ver");
  REQUIRE(save_sync(store, make_snapshot(kind, "a", 2, 1, "two")) == store_status::ok);
  CHECK(save_sync(store, make_snapshot(kind, "a", 1, 1, "one")) == store_status::stale);
  CHECK(save_sync(store, make_snapshot(kind, "a", 2, 1, "two again")) == store_status::stale);
  auto [status, loaded] = load_sync(store, kind, "a");
  REQUIRE(status == store_status::ok);
  REQUIRE(loaded.has_value());
  CHECK(loaded->version == 2);
  CHECK(loaded->body == "two");
}

TEST_CASE("only the kinds a feed follows record their writing transaction", "[persistence]") {
  auto followed = unique("followed");
  auto other = unique("other");
  pg_settings settings{migrated_dsn()};
  settings.followed_kinds = {followed};
  pg_store store{settings};
  auto txid = [](const std::string& kind) {
    pqxx::connection conn{migrated_dsn()};
    pqxx::nontransaction txn{conn};
    return txn
      .exec1("SELECT txid::text FROM snapshots WHERE kind = " + txn.quote(kind)
             + " AND id = 'a'")[0]
      .as<std::string>();
  };
  REQUIRE(save_sync(store, make_snapshot(followed, "a", 1)) == store_status::ok);
  REQUIRE(save_sync(store, make_snapshot(other, "a", 1)) == store_status::ok);
  auto followed_first = txid(followed);
  auto other_first = txid(other);
  REQUIRE(save_sync(store, make_snapshot(followed, "a", 2)) == store_status::ok);
  REQUIRE(save_sync(store, make_snapshot(other, "a", 2)) == store_status::ok);
  CHECK(txid(followed) != followed_first); // a feed sees the new version
  CHECK(txid(other) == other_first);       // no indexed column changed: the update can be HOT
  auto [status, loaded] = load_sync(store, other, "a");
  REQUIRE(status == store_status::ok);
  REQUIRE(loaded.has_value());
  CHECK(loaded->version == 2);
}

TEST_CASE("concurrent saves are group-committed", "[persistence]") {
  constexpr int threads = 8;
  constexpr int per_thread = 250;
  constexpr int total = threads * per_thread;
  pg_store store{pg_settings{migrated_dsn()}};
  auto kind = unique("group");
  auto batches_before = batches_so_far();
  countdown saved{total};
  std::atomic<int> ok{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < threads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto id = std::to_string(t) + "-" + std::to_string(i);
        store.save(make_snapshot(kind, id, 1), [&](store_status st) {
          if (st == store_status::ok) {
            ++ok;
          }
          saved.count_down();
        });
      }
    });
  }
  for (auto& w : writers) {
    w.join();
  }
  REQUIRE(saved.wait_for(answer_timeout));
  CHECK(ok == total);
  auto batches = batches_so_far() - batches_before;
  // How well it groups depends on the machine (reported); that it groups at all does not.
  WARN("group commits: " << batches << " for " << total << " concurrent writes");
  CHECK(batches < total);

  countdown loaded{total};
  std::atomic<int> found{0};
  for (int t = 0; t < threads; ++t) {
    for (int i = 0; i < per_thread; ++i) {
      store.load(kind, std::to_string(t) + "-" + std::to_string(i),
                 [&](store_status st, std::optional<snapshot> s) {
                   if (st == store_status::ok && s && s->version == 1) {
                     ++found;
                   }
                   loaded.count_down();
                 });
    }
  }
  REQUIRE(loaded.wait_for(answer_timeout));
  CHECK(found == total);
}

TEST_CASE("versions of one key in one batch collapse to the highest", "[persistence]") {
  pg_store store{pg_settings{migrated_dsn()}};
  auto kind = unique("dedupe");
  countdown saved{50};
  std::atomic<int> ok{0};
  for (int v = 1; v <= 50; ++v) {
    store.save(make_snapshot(kind, "k", v, 1, "v" + std::to_string(v)), [&](store_status st) {
      if (st == store_status::ok) {
        ++ok;
      }
      saved.count_down();
    });
  }
  REQUIRE(saved.wait_for(answer_timeout));
  CHECK(ok == 50);
  auto [status, loaded] = load_sync(store, kind, "k");
  REQUIRE(loaded.has_value());
  CHECK(loaded->version == 50);
  CHECK(loaded->body == "v50");
}

TEST_CASE("one bad key fails alone, its batch neighbours commit", "[persistence]") {
  pg_store store{pg_settings{migrated_dsn()}};
  auto kind = unique("poison");
  constexpr int good = 20;
  countdown saved{good + 2};
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  auto tally = [&](store_status st) {
    if (st == store_status::ok) {
      ++ok;
    } else if (st == store_status::failed) {
      ++failed;
    }
    saved.count_down();
  };
  for (int i = 0; i < good / 2; ++i) {
    store.save(make_snapshot(kind, "g" + std::to_string(i), 1), tally);
  }
  store.save(make_snapshot(kind, "not utf-8 \xff\xfe", 1), tally);        // refused by the server
  store.save(make_snapshot(kind, std::string{"nul\0byte", 8}, 1), tally); // refused by the store
  for (int i = good / 2; i < good; ++i) {
    store.save(make_snapshot(kind, "g" + std::to_string(i), 1), tally);
  }
  REQUIRE(saved.wait_for(answer_timeout));
  CHECK(ok == good);
  CHECK(failed == 2);
  CHECK(load_sync(store, kind, std::string{"nul\0byte", 8}).first == store_status::failed);
  CHECK(load_sync(store, kind, "g0").second.has_value());
}

TEST_CASE("stop commits the pending saves and a throwing callback harms nobody", "[persistence]") {
  auto kind = unique("stop");
  std::atomic<int> ok{0};
  {
    pg_store store{pg_settings{migrated_dsn()}};
    store.save(make_snapshot(kind, "thrower", 1),
               [](store_status) { throw std::runtime_error("callback bug"); });
    for (int i = 0; i < 100; ++i) {
      store.save(make_snapshot(kind, std::to_string(i), 1), [&](store_status st) {
        if (st == store_status::ok) {
          ++ok;
        }
      });
    }
    store.stop();
    CHECK(ok == 100);
    store.stop(); // idempotent, and the destructor calls it a third time
  }
  pg_store reader{pg_settings{migrated_dsn()}};
  auto [status, loaded] = load_sync(reader, kind, "99");
  CHECK(loaded.has_value());
}

TEST_CASE("a store on an unreachable database answers failed", "[persistence]") {
  pg_settings cfg{"host=/nonexistent/lakoo port=5432 dbname=nope user=nobody connect_timeout=2"};
  cfg.retry_delay = 50ms;
  pg_store store{cfg};
  CHECK(save_sync(store, make_snapshot("x", "y", 1)) == store_status::failed);
  CHECK(save_sync(store, make_snapshot("x", "y", 2)) == store_status::failed);
  auto [status, loaded] = load_sync(store, "x", "y");
  CHECK(status == store_status::failed);
  CHECK_FALSE(loaded.has_value());
  CHECK_NOTHROW(store.stop());
  SECTION("calls after stop are answered failed too") {
    CHECK(save_sync(store, make_snapshot("x", "y", 3)) == store_status::failed);
    CHECK(load_sync(store, "x", "y").first == store_status::failed);
  }
}

// -- snapshot_feed
// ---------------------------------------------------------------------------------

namespace {

using lakoo::persistence::snapshot_feed;

/// What a feed has delivered: the highest version seen per (kind, id).
struct feed_log {
  std::mutex mu;
  std::map<std::pair<std::string, std::string>, int64_t> latest;
  bool caught_up = false;

  snapshot_feed::batch_handler on_batch() {
    return [this](const std::vector<snapshot>& batch) {
      std::lock_guard<std::mutex> guard{mu};
      for (const auto& s : batch) {
        auto& v = latest[{s.kind, s.id}];
        v = std::max(v, s.version);
      }
    };
  }
  std::function<void()> on_caught_up() {
    return [this] {
      std::lock_guard<std::mutex> guard{mu};
      caught_up = true;
    };
  }
  int64_t version_of(const std::string& kind, const std::string& id) {
    std::lock_guard<std::mutex> guard{mu};
    auto it = latest.find({kind, id});
    return it == latest.end() ? 0 : it->second;
  }
  /// Polls (bounded) until `pred()` holds under the lock.
  template <class Pred>
  bool eventually(Pred pred) {
    auto deadline = std::chrono::steady_clock::now() + answer_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard<std::mutex> guard{mu};
        if (pred()) {
          return true;
        }
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
};

} // namespace

TEST_CASE("the feed catches up with what is stored, then follows new commits of its kinds",
          "[persistence][feed]") {
  auto dsn = migrated_dsn();
  pg_store store{pg_settings{dsn}};
  auto old_id = unique("old");
  REQUIRE(save_sync(store, make_snapshot("product", old_id, 1)) == store_status::ok);
  feed_log log;
  snapshot_feed feed{
    pg_settings{dsn}, {"product", "sku"}, 20ms, log.on_batch(), log.on_caught_up()};
  REQUIRE(log.eventually([&] { return log.caught_up; }));
  CHECK(log.version_of("product", old_id) == 1); // delivered before caught-up was announced

  auto sku_id = unique("sku");
  auto user_id = unique("user");
  REQUIRE(save_sync(store, make_snapshot("sku", sku_id, 1)) == store_status::ok);
  REQUIRE(save_sync(store, make_snapshot("user", user_id, 1)) == store_status::ok);
  REQUIRE(save_sync(store, make_snapshot("product", old_id, 2)) == store_status::ok);
  CHECK(log.eventually([&] {
    return log.latest[{"sku", sku_id}] == 1 && log.latest[{"product", old_id}] == 2;
  }));
  CHECK(log.version_of("user", user_id) == 0); // not one of its kinds
}

TEST_CASE("the feed misses no commit of concurrent writers on several connections",
          "[persistence][feed]") {
  auto dsn = migrated_dsn();
  feed_log log;
  snapshot_feed feed{pg_settings{dsn}, {"product", "sku"}, 5ms, log.on_batch(), log.on_caught_up()};
  REQUIRE(log.eventually([&] { return log.caught_up; }));
  // Three stores stand in for three nodes: their transactions overlap and commit in any order.
  constexpr int writers = 3;
  constexpr int per_writer = 300;
  auto prefix = unique("feed");
  std::vector<std::thread> threads;
  std::atomic<int> acked{0};
  std::atomic<int> answered_in_time{0}; // asserted on this thread (Catch2 is not thread-safe)
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      pg_store store{pg_settings{dsn}};
      countdown done(per_writer);
      for (int i = 0; i < per_writer; ++i) {
        auto id = prefix + "_" + std::to_string(w) + "_" + std::to_string(i % 50);
        store.save(make_snapshot("sku", id, i / 50 + 1), [&](store_status st) {
          acked += st == store_status::ok ? 1 : 0;
          done.count_down();
        });
      }
      answered_in_time += done.wait_for(answer_timeout) ? 1 : 0;
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(answered_in_time == writers);
  REQUIRE(acked == writers * per_writer);
  CHECK(log.eventually([&] {
    for (int w = 0; w < writers; ++w) {
      for (int k = 0; k < 50; ++k) {
        if (log.latest[{"sku", prefix + "_" + std::to_string(w) + "_" + std::to_string(k)}]
            != per_writer / 50) {
          return false;
        }
      }
    }
    return true;
  }));
}

TEST_CASE("a feed on an unreachable database retries quietly and stops promptly",
          "[persistence][feed]") {
  feed_log log;
  auto& failures = lakoo::runtime::metrics::global().counter_of("lakoo_db_connect_failures_total");
  auto before = failures.value();
  pg_settings unreachable{"host=/nonexistent-lakoo port=1 connect_timeout=1"};
  unreachable.retry_delay = 20ms;
  auto feed = std::make_unique<snapshot_feed>(unreachable, std::vector<std::string>{"product"},
                                              10ms, log.on_batch(), log.on_caught_up());
  // It keeps trying (each failed connect is counted), without ever reporting a catch-up...
  CHECK(lakoo::test::eventually([&] { return failures.value() >= before + 3; }));
  CHECK_FALSE(log.caught_up);
  // ...and stops when asked, even in the middle of retrying (bounded: a hang fails the test).
  auto stopped = std::async(std::launch::async, [&] { feed.reset(); });
  CHECK(stopped.wait_for(answer_timeout) == std::future_status::ready);
}

// -- durable lists
// ----------------------------------------------------------------------------------

namespace {

lakoo::runtime::list_page read_list_sync(pg_store& store, const std::string& list, int64_t sort,
                                         const std::string& item, size_t limit) {
  using result = std::pair<store_status, lakoo::runtime::list_page>;
  auto done = std::make_shared<std::promise<result>>();
  store.read_list(list, sort, item, limit, [done](store_status st, lakoo::runtime::list_page p) {
    done->set_value(result{st, std::move(p)});
  });
  auto fut = done->get_future();
  REQUIRE(fut.wait_for(answer_timeout) == std::future_status::ready);
  auto r = fut.get();
  REQUIRE(r.first == store_status::ok);
  return r.second;
}

} // namespace

TEST_CASE("list entries commit with their snapshot and page newest first", "[persistence][lists]") {
  auto dsn = migrated_dsn();
  pg_store store{pg_settings{dsn}};
  auto list = unique("orders:usr");
  auto id = unique("ord");
  // v1 carries an entry; v2 (same batch or later) supersedes the body but not the entry.
  auto v1 = make_snapshot("order", id, 1);
  v1.list_entries.push_back({list, 100, "ord_a"});
  auto v2 = make_snapshot("order", id, 2);
  countdown both(2);
  std::atomic<int> ok{0}; // the callbacks run on the store's thread: assert here, after
  store.save(v1, [&](store_status st) {
    ok += st == store_status::ok ? 1 : 0;
    both.count_down();
  });
  store.save(v2, [&](store_status st) {
    ok += st == store_status::ok ? 1 : 0;
    both.count_down();
  });
  REQUIRE(both.wait_for(answer_timeout));
  CHECK(ok == 2);
  // A refused (stale) write adds nothing.
  auto stale = make_snapshot("order", id, 2);
  stale.list_entries.push_back({list, 999, "ord_stale"});
  CHECK(save_sync(store, stale) == store_status::stale);
  for (int i = 0; i < 5; ++i) {
    auto s = make_snapshot("order", unique("ord"), 1);
    s.list_entries.push_back({list, 200 + i, "ord_" + std::to_string(i)});
    s.list_entries.push_back({list, 200 + i, "ord_" + std::to_string(i)}); // twice: once stored
    REQUIRE(save_sync(store, s) == store_status::ok);
  }
  std::vector<std::string> items;
  int64_t sort = 0;
  std::string item;
  for (;;) {
    auto page = read_list_sync(store, list, sort, item, 2);
    for (const auto& e : page.entries) {
      items.push_back(e.item);
    }
    if (!page.more) {
      break;
    }
    sort = page.entries.back().sort;
    item = page.entries.back().item;
  }
  CHECK(items == std::vector<std::string>{"ord_4", "ord_3", "ord_2", "ord_1", "ord_0", "ord_a"});
  CHECK(read_list_sync(store, unique("orders:nobody"), 0, "", 20).entries.empty());
}
