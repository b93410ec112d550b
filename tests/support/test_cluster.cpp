#include "tests/support/test_cluster.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/http_client.hpp"

namespace lakoo::test {

/// A port the kernel considers free right now (bind to 0, read it, close).
uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port");
  }
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

} // namespace

std::string work_dir() {
  auto dir = env_or("LAKOO_TEST_WORK_DIR", LAKOO_TEST_DEFAULT_WORK_DIR);
  ::mkdir(dir.c_str(), 0755);
  return dir;
}

std::string call_log_path() {
  return work_dir() + "/http-calls.log";
}

std::string unique_suffix() {
  static const std::string prefix = [] {
    std::random_device rd;
    return std::to_string(rd() % 1000000) + "-" + std::to_string(::getpid());
  }();
  static std::atomic<int> counter{0}; // called from load workers' threads too
  return prefix + "-" + std::to_string(++counter);
}

test_cluster::test_cluster(const std::string& name, size_t nodes,
                           const std::vector<std::string>& extra)
    : name_(name) {
  auto dsn = env_or("LAKOO_TEST_PG_DSN", "");
  if (dsn.empty()) {
    throw std::runtime_error("LAKOO_TEST_PG_DSN is not set (run through ctest)");
  }
  dir_ = work_dir();
  conf_ = dir_ + "/" + name_ + ".conf";
  std::ofstream conf{conf_};
  std::set<uint16_t> taken; // the kernel may hand the same free port out twice
  auto fresh_port = [&taken] {
    auto p = free_port();
    while (!taken.insert(p).second) {
      p = free_port();
    }
    return p;
  };
  for (size_t i = 0; i < nodes; ++i) {
    auto http = fresh_port();
    auto cluster = fresh_port();
    ports_.push_back(http);
    cluster_ports_.push_back(cluster);
    conf << "node = n" << i + 1 << " 127.0.0.1 " << http << " " << cluster << "\n";
  }
  // Each test cluster has its own lease tables' rows (they share the test database).
  conf << "cluster_name = " << name_ << "-" << unique_suffix() << "\n"
       << "shards = 64\n"
       << "database = " << dsn << "\n"
       << "admin_emails = " << admin_email << "\n"
       << "token_secret = " << token_secret << "\n"
       << "webhook_secret = " << webhook_secret << "\n"
       << "request_timeout_ms = 3000\n"
       << "log_level = info\n";
  for (const auto& line : extra) {
    conf << line << "\n";
  }
  conf.close();
  pids_.assign(nodes, -1);
  for (size_t i = 0; i < nodes; ++i) {
    start(i);
  }
}

test_cluster::~test_cluster() {
  for (size_t i = 0; i < pids_.size(); ++i) {
    if (pids_[i] > 0) {
      stop(i);
    }
  }
}

void test_cluster::start(size_t i) {
  auto log = dir_ + "/" + name_ + "-n" + std::to_string(i + 1) + ".log";
  auto node = "n" + std::to_string(i + 1);
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    // Only our own settings: the test's cluster.conf is the whole truth.
    std::vector<std::string> ours;
    for (char** e = environ; e && *e; ++e) {
      std::string kv{*e};
      if (kv.rfind("LAKOO_", 0) == 0 && kv.rfind("LAKOO_TEST", 0) != 0) {
        ours.push_back(kv.substr(0, kv.find('=')));
      }
    }
    for (const auto& name : ours) {
      ::unsetenv(name.c_str());
    }
    ::execl(LAKOO_NODE_BINARY, LAKOO_NODE_BINARY, "--config", conf_.c_str(), "--node", node.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  pids_.at(i) = pid;
}

void test_cluster::kill9(size_t i) {
  if (pids_.at(i) > 0) {
    ::kill(pids_[i], SIGKILL);
    ::waitpid(pids_[i], nullptr, 0);
    pids_[i] = -1;
  }
}

void test_cluster::pause(size_t i) {
  if (pids_.at(i) > 0) {
    ::kill(pids_[i], SIGSTOP);
  }
}

void test_cluster::resume(size_t i) {
  if (pids_.at(i) > 0) {
    ::kill(pids_[i], SIGCONT);
  }
}

int test_cluster::stop(size_t i) {
  if (pids_.at(i) <= 0) {
    return 0;
  }
  ::kill(pids_[i], SIGCONT); // a paused node must be able to see the SIGTERM
  ::kill(pids_[i], SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pids_[i], &status, WNOHANG) == pids_[i]) {
      pids_[i] = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill9(i);
  return -1;
}

bool test_cluster::is_running(size_t i) {
  if (pids_.at(i) <= 0) {
    return false;
  }
  return ::waitpid(pids_[i], nullptr, WNOHANG) == 0;
}

std::pair<int, std::string> test_cluster::console(const std::vector<std::string>& args) const {
  std::string cmd = std::string{LAKOO_CONSOLE_BINARY} + " --config '" + conf_ + "'";
  for (const auto& a : args) {
    cmd += " '" + a + "'"; // test arguments never contain a quote
  }
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) {
    return {-1, out};
  }
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) {
    out.append(buf, n);
  }
  int status = ::pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

bool test_cluster::wait_ready(size_t i, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!is_running(i)) {
      return false;
    }
    // Ready: a member, and every shard held by a live node where it belongs.
    auto ready = http(port(i), "GET", "/ready", "", "", 1000);
    if (ready.status == 200) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

bool test_cluster::wait_all_ready(int timeout_ms) {
  for (size_t i = 0; i < size(); ++i) {
    if (!wait_ready(i, timeout_ms)) {
      return false;
    }
  }
  // Shards are placed by leases once the nodes have joined: wait until every node sees every
  // shard where it belongs.
  auto settled_by = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (size_t i = 0; i < size(); ++i) {
    while (http(port(i), "GET", "/ready", "", "", 1000).status != 200) {
      if (std::chrono::steady_clock::now() > settled_by || !is_running(i)) {
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  // Peers link asynchronously after /health answers: wait until every node reaches every
  // other (a routed read of a missing user is 404 only when its owner was reachable).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (size_t i = 0; i < size(); ++i) {
    for (int k = 0; k < 32;) {
      auto r
        = http(port(i), "GET", "/v1/users/usr_00000000000000000000000" + std::to_string(100 + k));
      if (r.status == 404) {
        ++k;
        continue;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return true;
}

} // namespace lakoo::test
