// The operator console page in a real headless Chromium, driven through ChromeDriver's
// WebDriver HTTP API: sign in, watch the cluster live over the WebSocket, drain and undrain a
// node with the page's buttons.

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/e2e/e2e_helpers.hpp"
#include "tests/support/checks.hpp"
#include "tests/support/wait.hpp"

namespace {

using namespace lakoo::test;
using nlohmann::json;

const char* const chromedriver = "/usr/bin/chromedriver";
const char* const chromium = "/usr/bin/chromium";
const char* const element_key = "element-6066-11e4-a52e-4f735466cecf";

/// A child process that is stopped (SIGTERM, then reaped) when this goes away: also when the
/// browser's constructor fails half-way, so no chromedriver or Chromium outlives the test.
struct child_process {
  pid_t pid = -1;
  child_process() = default;
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

/// A ChromeDriver process on a free port and one browser session in it.
class browser {
public:
  browser() {
    port_ = free_port();
    auto log = work_dir() + "/chromedriver-" + unique_suffix() + ".log";
    driver_.pid = ::fork();
    if (driver_.pid == 0) {
      // Its output goes to a file: a child holding the test's stdout would keep ctest waiting.
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      auto arg = "--port=" + std::to_string(port_);
      ::execl(chromedriver, chromedriver, arg.c_str(), "--allowed-ips=127.0.0.1",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (http(port_, "GET", "/status", "", "", 1000).status != 200) {
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    profile_ = work_dir() + "/chromium-" + unique_suffix();
    ::mkdir(profile_.c_str(), 0700);
    json args = {"--headless",
                 "--no-sandbox",
                 "--disable-gpu",
                 "--disable-dev-shm-usage",
                 "--disable-quic",
                 "--no-first-run",
                 "--disable-background-networking",
                 "--disable-component-update",
                 "--disable-sync",
                 "--user-data-dir=" + profile_};
    json caps{{"capabilities",
               {{"alwaysMatch",
                 {{"browserName", "chrome"},
                  {"goog:chromeOptions", {{"binary", chromium}, {"args", args}}}}}}}};
    auto r = http(port_, "POST", "/session", caps.dump(), "", 60000);
    INFO(r.body);
    REQUIRE(r.status == 200);
    session_ = r.json()["value"]["sessionId"].get<std::string>();
  }

  ~browser() {
    if (!session_.empty()) {
      http(port_, "DELETE", "/session/" + session_, "", "", 10000);
    }
  } // then driver_ stops chromedriver

  void go(const std::string& url) {
    REQUIRE(call("POST", "/url", json{{"url", url}}).status == 200);
  }

  std::string find(const std::string& css) {
    auto r = call("POST", "/element", json{{"using", "css selector"}, {"value", css}});
    INFO(css << ": " << r.body);
    REQUIRE(r.status == 200);
    return r.json()["value"][element_key].get<std::string>();
  }

  void type(const std::string& css, const std::string& text) {
    auto e = find(css);
    REQUIRE(call("POST", "/element/" + e + "/clear", json::object()).status == 200);
    REQUIRE(call("POST", "/element/" + e + "/value", json{{"text", text}}).status == 200);
  }

  /// A real (WebDriver) click; retried when the live view re-rendered the element meanwhile.
  void click(const std::string& css) {
    http_result r;
    for (int attempt = 0; attempt < 20; ++attempt) {
      auto e = call("POST", "/element", json{{"using", "css selector"}, {"value", css}});
      if (e.status == 200) {
        auto id = e.json()["value"][element_key].get<std::string>();
        r = call("POST", "/element/" + id + "/click", json::object());
        if (r.status == 200) {
          return;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    INFO(css << ": " << r.body);
    FAIL("could not click " << css);
  }

  /// Runs `script` in the page and returns its value.
  json eval(const std::string& script) {
    auto r = call("POST", "/execute/sync", json{{"script", script}, {"args", json::array()}});
    INFO(r.body);
    REQUIRE(r.status == 200);
    return r.json()["value"];
  }

  /// The text of the first element matching `css` ("" if none).
  std::string text(const std::string& css) {
    auto v = eval("const e = document.querySelector(" + json(css).dump()
                  + "); return e ? e.textContent : '';");
    return v.is_string() ? v.get<std::string>() : "";
  }

  /// Waits (bounded) until the text of `css` satisfies `pred`.
  bool wait_text(const std::string& css, const std::function<bool(const std::string&)>& pred,
                 int seconds = 20) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred(text(css))) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    WARN(css << " is still: " << text(css));
    return false;
  }

private:
  http_result call(const std::string& method, const std::string& path, const json& body) {
    return http(port_, method, "/session/" + session_ + path, body.dump(), "", 30000);
  }

  child_process driver_; // first: destroyed last, after the session is deleted
  uint16_t port_ = 0;
  std::string profile_;
  std::string session_;
};

/// The shards the page lists for `node` (its line "n1: 22 shards (0 3 6 ...)" in #shards).
std::set<int> listed_shards(browser& b, const std::string& node) {
  auto lines
    = b.eval("return [...document.querySelectorAll('#shards div')].map(d => d.textContent);");
  std::set<int> out;
  for (const auto& line : lines) {
    auto text = line.get<std::string>();
    if (text.rfind(node + ": ", 0) != 0) {
      continue;
    }
    auto open = text.find('(');
    auto close = text.find(')', open);
    if (open == std::string::npos || close == std::string::npos) {
      continue;
    }
    std::istringstream in{text.substr(open + 1, close - open - 1)};
    int shard = 0;
    while (in >> shard) {
      out.insert(shard);
    }
  }
  return out;
}

auto contains(const std::string& part) {
  return [part](const std::string& s) { return s.find(part) != std::string::npos; };
}

} // namespace

TEST_CASE("the console page: admin sign-in, live cluster view, drain and undrain by clicking",
          "[e2e][ops][browser]") {
  if (::access(chromedriver, X_OK) != 0 || ::access(chromium, X_OK) != 0) {
    FAIL("Debian's chromium and chromium-driver are needed (./lakoo test installs them)");
  }
  test_cluster c{"console-page"};
  REQUIRE(c.wait_all_ready());
  auto admin = admin_token(c.port(0)); // registers the admin (password "admin-password")
  auto someone = register_user(c.port(1), "Biasa");
  browser b;
  auto page = "http://127.0.0.1:" + std::to_string(c.port(0)) + "/console";
  auto served = http(c.port(0), "GET", "/console");
  REQUIRE_STATUS(served, 200);
  CHECK(served.header("Content-Type").find("text/html") == 0);

  // A wrong password and a non-admin are turned away.
  b.go(page);
  b.type("#email", test_cluster::admin_email);
  b.type("#password", "not-the-password");
  b.click("#signin");
  CHECK(b.wait_text("#error", contains("Sign-in failed")));
  b.type("#email", someone.email);
  b.type("#password", someone.password);
  b.click("#signin");
  CHECK(b.wait_text("#error", contains("not an administrator")));

  // The admin sees the three members live.
  b.type("#email", test_cluster::admin_email);
  b.type("#password", "admin-password");
  b.click("#signin");
  REQUIRE(b.wait_text("#feed", [](const std::string& s) { return s == "live"; }));
  CHECK(b.eval("return document.querySelectorAll('#members tbody tr').length;") == 3);
  CHECK(b.wait_text("#summary", contains("settled")));
  CHECK(b.text("#members tr[data-node='n2'] .state") == "active");

  // Drain n2 with its button: the live view shows it draining with no shards left.
  b.click("#members tr[data-node='n2'] button.drain");
  CHECK(b.wait_text("#notice", contains("drain n2: accepted")));
  CHECK(b.wait_text("#members tr[data-node='n2'] .state",
                    [](const std::string& s) { return s == "draining"; }));
  CHECK(b.wait_text("#members tr[data-node='n2'] .shards",
                    [](const std::string& s) { return s == "0"; }));
  CHECK(b.wait_text("#summary", contains("settled")));

  // Undrain: it gets its shards back, a few per renewal.
  b.click("#members tr[data-node='n2'] button.undrain");
  CHECK(b.wait_text("#members tr[data-node='n2'] .state",
                    [](const std::string& s) { return s == "active"; }));
  CHECK(b.wait_text(
    "#members tr[data-node='n2'] .shards", [](const std::string& s) { return s == "21"; }, 30));

  // Move a shard through the form; the placement list follows: shard 5 (home: n3) leaves n3's
  // line for n1's, and the API agrees.
  REQUIRE(eventually([&] { return listed_shards(b, "n3").count(5) == 1; }));
  CHECK(listed_shards(b, "n1").count(5) == 0);
  b.type("#move-shard", "5");
  b.eval("document.getElementById('move-node').value = 'n1'; return true;");
  b.click("#move-button");
  CHECK(b.wait_text("#notice", contains("move shard 5 to n1: accepted")));
  CHECK(eventually(
    [&] { return listed_shards(b, "n1").count(5) == 1 && listed_shards(b, "n3").count(5) == 0; }));
  // Every node's view agrees once its lease keeper has seen the move.
  for (size_t n = 0; n < c.size(); ++n) {
    INFO("node " << n);
    CHECK(eventually([&] {
      auto view = json_of(http(c.port(n), "GET", "/v1/admin/console", "", admin), 200);
      return view.at("placement").at(5).at("node") == "n1";
    }));
  }
}
