#pragma once

// Internal to persistence/ (it includes libpqxx): never include it from another component.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "actors/runtime/log.hpp"
#include "persistence/pg_link.hpp"

namespace lakoo::persistence {

/// A thread that calls `poll(link)` every `interval` with its own lazily opened connection until
/// `stop()` (also the destructor). A failed poll is logged and the connection dropped; the next
/// one tries again, so a database outage only delays the work. Used by the snapshot feed and the
/// wake poller.
class poll_thread {
public:
  poll_thread(std::string ctx, pg_settings cfg, std::chrono::milliseconds interval,
              std::function<void(pqxx::connection&)> init, std::function<void(db_link&)> poll)
      : ctx_(std::move(ctx)),
        cfg_(std::move(cfg)),
        interval_(interval),
        init_(std::move(init)),
        poll_(std::move(poll)),
        worker_([this] { run(); }) {}

  ~poll_thread() { stop(); }

  poll_thread(const poll_thread&) = delete;
  poll_thread& operator=(const poll_thread&) = delete;

  void stop() {
    {
      std::lock_guard<std::mutex> guard{mu_};
      stopping_ = true;
    }
    cv_.notify_all();
    if (worker_.joinable()) {
      worker_.join();
    }
  }

private:
  void run() noexcept {
    runtime::name_this_thread("pg." + ctx_);
    try {
      db_link link{ctx_, cfg_, init_};
      for (;;) {
        try {
          poll_(link);
        } catch (const unreachable&) {
          // logged by the link; retried after its delay
        } catch (const std::exception& e) {
          log().error("[{}] poll failed: {}", ctx_, one_line(e));
          link.reset(e);
        }
        std::unique_lock<std::mutex> guard{mu_};
        if (cv_.wait_for(guard, interval_, [this] { return stopping_; })) {
          break;
        }
      }
      log().debug("[{}] stopped", ctx_);
    } catch (const std::exception& e) {
      log().critical("[{}] died: {}", ctx_, one_line(e));
    } catch (...) {
      log().critical("[{}] died on a non-exception", ctx_);
    }
  }

  std::string ctx_;
  pg_settings cfg_;
  std::chrono::milliseconds interval_;
  std::function<void(pqxx::connection&)> init_;
  std::function<void(db_link&)> poll_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread worker_; ///< last: starts once everything above is set
};

} // namespace lakoo::persistence
