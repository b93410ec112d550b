// The route-coverage check: every route of the edge's route table is called by at least one
// end-to-end test on its success path (2xx, or 101 for a WebSocket upgrade) and on one refusal
// (4xx). A route added without such tests fails the suite.
//
// Runs after the e2e cases (ctest fixture `e2e_calls`): the route table comes from a live node
// (`lakoo_http_route_info` in /metrics, so it is the table the binary really serves), the calls
// from the record the e2e cases write (`call_record.cpp`). When not every e2e case ran (ctest -R
// ...), it cannot judge and exits 77, which ctest reports as skipped.

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/http_client.hpp"
#include "tests/support/test_cluster.hpp"

namespace {

using namespace lakoo::test;

constexpr int not_judged = 77;

/// Routes whose only answer is success: nothing to refuse. Keep this list short and explained.
const std::map<std::string, std::string> no_refusal = {
  {"GET /health", "liveness: no input, no credentials, always 200"},
  {"GET /metrics", "Prometheus scrape: no input, no credentials, always 200"},
  {"GET /console", "a static page: no input, no credentials, always 200"},
  {"GET /v1/regions/provinces", "reference data: no input, no credentials, always 200"},
  {"GET /v1/categories", "reference data: no input, no credentials, always 200"},
};

/// Refusals that are not 4xx: /ready refuses with 503 while the node is not ready.
const std::map<std::string, int> other_refusal = {{"GET /ready", 503}};

struct call {
  std::string method;
  std::string path;
  int status = 0;
};

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> out;
  std::string seg;
  std::istringstream in{path};
  while (std::getline(in, seg, '/')) {
    if (!seg.empty()) {
      out.push_back(seg);
    }
  }
  return out;
}

bool is_capture(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

struct route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segs;
  bool success = false;
  bool refusal = false;

  std::string key() const { return method + " " + pattern; }
};

/// Whether `a` is more specific than `b` (the route table's rule: segment by segment, a literal
/// beats a capture).
bool more_specific(const route& a, const route& b) {
  for (size_t k = 0; k < a.segs.size() && k < b.segs.size(); ++k) {
    bool al = !is_capture(a.segs[k]);
    bool bl = !is_capture(b.segs[k]);
    if (al != bl) {
      return al;
    }
  }
  return false;
}

bool matches(const route& r, const call& c, const std::vector<std::string>& segs) {
  if (r.method != c.method || r.segs.size() != segs.size()) {
    return false;
  }
  for (size_t k = 0; k < segs.size(); ++k) {
    if (!is_capture(r.segs[k]) && r.segs[k] != segs[k]) {
      return false;
    }
  }
  return true;
}

/// `lakoo_http_route_info{route="/v1/x",method="GET"} 1` lines of a node's /metrics.
std::vector<route> routes_of(const std::string& metrics) {
  std::vector<route> out;
  std::istringstream in{metrics};
  std::string line;
  const std::string family = "lakoo_http_route_info{route=\"";
  while (std::getline(in, line)) {
    if (line.rfind(family, 0) != 0) {
      continue;
    }
    auto p0 = family.size();
    auto p1 = line.find('"', p0);
    auto m0 = line.find("method=\"", p1);
    if (p1 == std::string::npos || m0 == std::string::npos) {
      continue;
    }
    m0 += 8;
    auto m1 = line.find('"', m0);
    route r;
    r.pattern = line.substr(p0, p1 - p0);
    r.method = line.substr(m0, m1 - m0);
    r.segs = split(r.pattern);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::string> lines_of_command(const std::string& cmd) {
  std::vector<std::string> out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) {
    return out;
  }
  std::string text;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) {
    text.append(buf, n);
  }
  ::pclose(p);
  std::istringstream in{text};
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) {
      out.push_back(line);
    }
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string{argv[1]} == "--reset") { // the fixture's setup: an empty record
    std::remove(call_log_path().c_str());
    return 0;
  }
  // 1. Did every e2e case run (and record its calls)?
  auto all_cases
    = lines_of_command(std::string{"'"} + LAKOO_E2E_BINARY + "' --list-test-names-only");
  if (all_cases.empty()) {
    std::cerr << "route coverage: cannot list the e2e cases of " << LAKOO_E2E_BINARY << "\n";
    return 1;
  }
  std::set<std::string> ran;
  std::vector<call> calls;
  {
    std::ifstream log{call_log_path()};
    std::string line;
    while (std::getline(log, line)) {
      if (line.rfind("# case ", 0) == 0) {
        ran.insert(line.substr(7));
        continue;
      }
      std::istringstream in{line};
      call c;
      if (in >> c.method >> c.path >> c.status) {
        calls.push_back(std::move(c));
      }
    }
  }
  std::vector<std::string> missing_cases;
  for (const auto& name : all_cases) {
    if (ran.count(name) == 0) {
      missing_cases.push_back(name);
    }
  }
  if (!missing_cases.empty()) {
    std::cout << "route coverage not judged: " << missing_cases.size() << " of " << all_cases.size()
              << " e2e cases did not run in this ctest run (first: \"" << missing_cases.front()
              << "\"); run the whole suite to judge it\n";
    return not_judged;
  }

  // 2. The route table a node serves.
  std::vector<route> routes;
  {
    test_cluster c{"route-table", 1};
    if (!c.wait_ready(0)) {
      std::cerr << "route coverage: the node did not become ready\n";
      return 1;
    }
    auto metrics = http(c.port(0), "GET", "/metrics");
    routes = routes_of(metrics.body);
  }
  if (routes.size() < 10) {
    std::cerr << "route coverage: only " << routes.size()
              << " routes in lakoo_http_route_info; the table was not published\n";
    return 1;
  }

  // 3. Attribute every call to the most specific route accepting its method.
  for (const auto& c : calls) {
    auto segs = split(c.path);
    route* best = nullptr;
    for (auto& r : routes) {
      if (matches(r, c, segs) && (best == nullptr || more_specific(r, *best))) {
        best = &r;
      }
    }
    if (best == nullptr) {
      continue;
    }
    if ((c.status >= 200 && c.status < 300) || c.status == 101) {
      best->success = true;
    }
    auto other = other_refusal.find(best->key());
    if ((c.status >= 400 && c.status < 500)
        || (other != other_refusal.end() && other->second == c.status)) {
      best->refusal = true;
    }
  }

  int gaps = 0;
  for (const auto& r : routes) {
    bool needs_refusal = no_refusal.count(r.key()) == 0;
    if (!r.success || (needs_refusal && !r.refusal)) {
      ++gaps;
      std::cout << "NOT COVERED  " << r.key() << ":" << (r.success ? "" : " no success call")
                << (needs_refusal && !r.refusal ? " no refusal call" : "") << "\n";
    }
  }
  std::cout << "route coverage: " << routes.size() - static_cast<size_t>(gaps) << " of "
            << routes.size() << " routes called on success and refusal by " << all_cases.size()
            << " e2e cases (" << calls.size() << " calls)\n";
  for (const auto& [key, why] : no_refusal) {
    std::cout << "  no refusal expected for " << key << ": " << why << "\n";
  }
  return gaps == 0 ? 0 : 1;
}
