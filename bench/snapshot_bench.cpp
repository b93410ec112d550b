// Throughput probe of persistence::pg_store: acknowledged snapshot writes per second with N
// closed-loop writers (each waits for its ack before writing its next version), fsync on.
//
//   snapshot_bench "<dsn>" [writers=64] [seconds=10] [body_bytes=200]
//
// Not a test and not wired into CMake by default; link it with lakoo::persistence.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "actors/runtime/metrics.hpp"
#include "persistence/migrations.hpp"
#include "persistence/pg_store.hpp"

namespace {

using lakoo::runtime::snapshot;
using lakoo::runtime::store_status;

struct probe {
  probe(lakoo::persistence::pg_store& s, std::string k, std::string b)
      : store(s),
        kind(std::move(k)),
        body(std::move(b)) {}

  lakoo::persistence::pg_store& store;
  std::string kind;
  std::string body;
  std::atomic<bool> running{true};
  std::atomic<uint64_t> acks{0};
  std::atomic<uint64_t> failures{0};
  std::atomic<int> in_flight{0};
  std::mutex mu;
  std::condition_variable idle;

  // One writer's loop, driven by its own acks: save version v, on ok save v + 1.
  void write(int writer, int64_t version) {
    ++in_flight;
    store.save(snapshot{kind, "w" + std::to_string(writer), writer, version, 1, body},
               [this, writer, version](store_status st) {
                 if (st == store_status::ok) {
                   ++acks;
                 } else {
                   ++failures;
                 }
                 if (running) {
                   write(writer, version + 1);
                 }
                 if (--in_flight == 0) {
                   std::lock_guard<std::mutex> guard{mu};
                   idle.notify_all();
                 }
               });
  }
};

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <dsn> [writers=64] [seconds=10] [body_bytes=200]\n", argv[0]);
    return 2;
  }
  std::string dsn = argv[1];
  int writers = argc > 2 ? std::atoi(argv[2]) : 64;
  int seconds = argc > 3 ? std::atoi(argv[3]) : 10;
  size_t body_bytes = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 200;

  lakoo::persistence::migrate(dsn);
  lakoo::persistence::pg_store store{lakoo::persistence::pg_settings{dsn}};
  std::mt19937_64 rng{std::random_device{}()};
  probe p{store, "bench_" + std::to_string(rng()), std::string(body_bytes, '\0')};
  for (auto& c : p.body) {
    c = static_cast<char>(rng());
  }
  auto& batches = lakoo::runtime::metrics::global().counter_of("lakoo_snapshot_batches_total");

  for (int w = 0; w < writers; ++w) {
    p.write(w, 1);
  }
  std::this_thread::sleep_for(std::chrono::seconds(1)); // warm-up
  auto acks0 = p.acks.load();
  auto batches0 = batches.value();
  auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  auto acks = p.acks.load() - acks0;
  auto commits = batches.value() - batches0;
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  p.running = false;
  {
    std::unique_lock<std::mutex> guard{p.mu};
    p.idle.wait_for(guard, std::chrono::seconds(30), [&] { return p.in_flight == 0; });
  }
  store.stop();
  std::printf("writers=%d body=%zuB seconds=%.1f acked=%llu failed=%llu\n", writers, body_bytes,
              elapsed, static_cast<unsigned long long>(acks),
              static_cast<unsigned long long>(p.failures.load()));
  std::printf("acked writes/s: %.0f  group commits/s: %.0f  mean batch: %.1f\n", acks / elapsed,
              commits / elapsed, commits ? static_cast<double>(acks) / commits : 0.0);
  return 0;
}
