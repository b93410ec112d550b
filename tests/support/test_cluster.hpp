#pragma once

/// Starts a real LAKOO cluster for end-to-end tests: N `lakoo-node` processes on 127.0.0.1
/// with free ports, a cluster.conf of their own, the PostgreSQL of the `pg` CTest fixture
/// (LAKOO_TEST_PG_DSN). Nodes can be killed (-9), stopped and restarted. The destructor kills
/// whatever is still running. Logs go to `<work dir>/<test>-<node>.log` (see `work_dir`).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

namespace lakoo::test {

class test_cluster {
public:
  /// `extra` lines are appended to the generated cluster.conf (e.g. "idle_passivate_s = 2").
  explicit test_cluster(const std::string& name, size_t nodes = 3,
                        const std::vector<std::string>& extra = {});
  ~test_cluster();

  test_cluster(const test_cluster&) = delete;
  test_cluster& operator=(const test_cluster&) = delete;

  size_t size() const { return ports_.size(); }
  uint16_t port(size_t i) const { return ports_.at(i); }
  /// Node `i`'s cluster port, where its router is published (CAF io middleman).
  uint16_t cluster_port(size_t i) const { return cluster_ports_.at(i); }
  /// Waits (bounded) until node `i` answers /ready with 200 (a member, every shard placed).
  /// `wait_all_ready` also waits until every node reaches its peers.
  bool wait_ready(size_t i, int timeout_ms = 30000);
  bool wait_all_ready(int timeout_ms = 30000);

  void start(size_t i);
  void kill9(size_t i);
  /// SIGSTOP / SIGCONT: a hung process (still connected, never answering).
  void pause(size_t i);
  void resume(size_t i);
  /// SIGTERM and wait for the exit; returns the exit status (-1 on timeout, then SIGKILL).
  int stop(size_t i);
  bool is_running(size_t i);
  /// Runs `lakoo-console --config <this cluster's conf> args...`; (exit status, stdout).
  std::pair<int, std::string> console(const std::vector<std::string>& args) const;

  /// The token secret and admin email the cluster runs with.
  static constexpr const char* token_secret = "e2e-token-secret-0123456789";
  static constexpr const char* admin_email = "admin@e2e.lakoo.local";
  static constexpr const char* webhook_secret = "e2e-webhook-secret";

private:
  std::string name_;
  std::string dir_;
  std::string conf_;
  std::vector<uint16_t> ports_;
  std::vector<uint16_t> cluster_ports_;
  std::vector<pid_t> pids_;
};

/// Where the e2e tests write logs, the call record and browser profiles: LAKOO_TEST_WORK_DIR,
/// else `<build>/e2e-logs` (compiled in). Created if missing.
std::string work_dir();

/// The record of every HTTP call of the e2e tests: `<work dir>/http-calls.log`.
std::string call_log_path();

/// A TCP port on 127.0.0.1 that is free right now.
uint16_t free_port();

/// A string unique to this test run (for emails).
std::string unique_suffix();

} // namespace lakoo::test
