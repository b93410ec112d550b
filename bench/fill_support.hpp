#pragma once

// What the bench fillers share (lakoo-catalog-fill, lakoo-social-fill): fixed ids, msgpack
// bodies, the target database, and a bounded stream of snapshot writes through the real store.

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>

#include <msgpack.hpp>
#include <pqxx/pqxx>

#include "actors/runtime/shard_map.hpp"
#include "bench/bench_ids.hpp"
#include "persistence/migrations.hpp"
#include "persistence/pg_store.hpp"

namespace lakoo::bench {

template <class T>
std::string pack(const T& x) {
  msgpack::sbuffer buf;
  msgpack::pack(buf, x);
  return {buf.data(), buf.size()};
}

/// Creates the database named in `dsn` when missing, then migrates it. Throws on failure.
inline void prepare_database(const std::string& dsn) {
  auto pos = dsn.find("dbname=");
  if (pos != std::string::npos) {
    auto end = dsn.find(' ', pos);
    auto name = dsn.substr(pos + 7, end == std::string::npos ? std::string::npos : end - pos - 7);
    pqxx::connection admin{dsn + " dbname=postgres"}; // libpq: the last dbname wins
    pqxx::nontransaction txn{admin};
    if (txn.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", name).empty()) {
      txn.exec0("CREATE DATABASE " + txn.quote_name(name));
      std::printf("created database %s\n", name.c_str());
    }
  }
  persistence::migrate(dsn);
}

/// Version-1 snapshots through `persistence::pg_store` (group commit), at most 20,000 in flight;
/// a rerun writes nothing (the store refuses the same version), counted as `stale`.
class snapshot_writer {
public:
  snapshot_writer(const std::string& dsn, int32_t shards)
      : shard_map_({"n1"}, shards),
        store_(persistence::pg_settings{dsn}) {}

  void save(const std::string& kind, const std::string& id, std::string body) {
    {
      std::unique_lock<std::mutex> guard{mu_};
      cv_.wait(guard, [&] { return in_flight_ < 20000; });
      ++in_flight_;
    }
    store_.save(
      runtime::snapshot{kind, id, shard_map_.shard_of(kind + ":" + id), 1, 1, std::move(body)},
      [this](runtime::store_status st) {
        (st == runtime::store_status::ok      ? ok
         : st == runtime::store_status::stale ? stale
                                              : failed)
          .fetch_add(1);
        std::lock_guard<std::mutex> guard{mu_};
        --in_flight_;
        cv_.notify_all();
      });
  }

  /// Waits until every write is committed (or refused).
  void drain() {
    std::unique_lock<std::mutex> guard{mu_};
    cv_.wait(guard, [&] { return in_flight_ == 0; });
  }

  std::atomic<size_t> ok{0}, stale{0}, failed{0};

private:
  runtime::shard_map shard_map_;
  persistence::pg_store store_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t in_flight_ = 0;
};

} // namespace lakoo::bench
