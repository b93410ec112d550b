#pragma once

// Internal to persistence/ (it includes libpqxx): never include it from another component.

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include <pqxx/pqxx>

#include "actors/runtime/log.hpp"
#include "actors/runtime/metrics.hpp"
#include "persistence/log.hpp"
#include "persistence/pg_store.hpp"

namespace lakoo::persistence {

using runtime::one_line;

/// Errors caused by the statement's data (bad text, size limits), after which the connection
/// is still good; anything else may be the connection's fault.
inline bool is_row_error(const pqxx::sql_error& e) {
  const auto& state = e.sqlstate();
  return state.rfind("22", 0) == 0 || state.rfind("23", 0) == 0 || state.rfind("54", 0) == 0;
}

/// Thrown by `db_link::get` while the database cannot be reached (already logged by the link).
struct unreachable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// One thread's connection: opened on first use, dropped after an error, reopened lazily but
/// never sooner than `retry_delay` after a failed attempt. Not thread-safe.
class db_link {
public:
  db_link(std::string ctx, const pg_settings& cfg, std::function<void(pqxx::connection&)> init)
      : ctx_(std::move(ctx)),
        dsn_(cfg.dsn),
        retry_delay_(cfg.retry_delay),
        init_(std::move(init)) {}

  /// The open connection; throws when the database cannot be reached.
  pqxx::connection& get() {
    if (conn_) {
      return *conn_;
    }
    if (failures_ > 0) {
      std::this_thread::sleep_until(last_failure_ + retry_delay_);
    }
    try {
      auto conn = std::make_unique<pqxx::connection>(dsn_);
      if (init_) {
        init_(*conn);
      }
      conn_ = std::move(conn);
    } catch (const std::exception& e) {
      last_failure_ = std::chrono::steady_clock::now();
      connect_failures().add();
      if (failures_++ == 0) {
        log().error("[{}] cannot connect to PostgreSQL: {}", ctx_, one_line(e));
      }
      throw unreachable{"cannot connect to PostgreSQL: " + one_line(e)};
    }
    if (failures_ > 0) {
      log().info("[{}] reconnected to PostgreSQL after {} failed attempts", ctx_, failures_);
    }
    failures_ = 0;
    return *conn_;
  }

  /// Drops the connection after `e`, logging it once per outage.
  void reset(const std::exception& e) {
    if (conn_) {
      log().warn("[{}] dropping connection: {}", ctx_, one_line(e));
    }
    conn_.reset();
  }

private:
  /// `lakoo_db_connect_failures_total`: failed attempts to open a connection, all links.
  static runtime::counter& connect_failures() {
    static runtime::counter& c = []() -> runtime::counter& {
      auto& m = runtime::metrics::global();
      m.describe("lakoo_db_connect_failures_total", "counter",
                 "Failed attempts to connect to PostgreSQL (each is retried after a delay)");
      return m.counter_of("lakoo_db_connect_failures_total");
    }();
    return c;
  }

  std::string ctx_;
  std::string dsn_;
  std::chrono::milliseconds retry_delay_;
  std::function<void(pqxx::connection&)> init_;
  std::unique_ptr<pqxx::connection> conn_;
  std::chrono::steady_clock::time_point last_failure_;
  size_t failures_ = 0;
};

} // namespace lakoo::persistence
