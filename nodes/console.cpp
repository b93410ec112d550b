/// lakoo-console: the operator's command line. Talks HTTP to any node of the cluster in
/// cluster.conf (the first that answers, or --node), logged in as an admin.
///
///   lakoo-console [--config cluster.conf] [--node n1] [--email E] [--password P] [--json] CMD
///     status                 members, their state, shards, actors, in-flight requests
///     shards                 which node holds which shards (and operator moves)
///     entities               live entities per kind per node, deepest mailboxes
///     sagas                  checkout sagas in memory per stage per node
///     errors                 each node's recent warnings and errors
///     drain <node>           hand the node's shards to the others (it keeps serving HTTP)
///     undrain <node>         give it shards again (a few per renewal)
///     move <shard> <node>    place one shard on a node (its home node: undo)
///     wait-settled [secs]    wait until every shard is where it belongs (exit 1 on timeout)
///
/// Credentials default to the first of `admin_emails` and `admin_password` from cluster.conf;
/// LAKOO_CONSOLE_EMAIL / LAKOO_CONSOLE_PASSWORD override them. A node that answers 503
/// (shards moving, a lease being taken over) is asked again after its Retry-After, for up to
/// 30 seconds.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "nodes/node_config.hpp"

namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;

struct reply {
  int status = 0; ///< 0: no answer
  json body;
  int retry_after_s = 0; ///< from a 503's Retry-After
};

/// One request with a real deadline (Beast's stream timeouts apply to async operations only).
reply call_once(const std::string& host, uint16_t port, const std::string& method,
                const std::string& target, const std::string& token, const std::string& body) {
  reply out;
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  tcp::resolver resolver{ioc};
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, host);
  if (!token.empty()) {
    req.set(bhttp::field::authorization, "Bearer " + token);
  }
  if (method != "GET") {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = body.empty() ? "{}" : body;
    req.prepare_payload();
  }
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  beast::error_code ec;
  try {
    auto endpoints = resolver.resolve(host, std::to_string(port));
    stream.expires_after(std::chrono::seconds(10));
    stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
      if ((ec = e)) {
        return;
      }
      bhttp::async_write(stream, req, [&](beast::error_code e2, size_t) {
        if ((ec = e2)) {
          return;
        }
        bhttp::async_read(stream, buffer, res, [&](beast::error_code e3, size_t) { ec = e3; });
      });
    });
    ioc.run();
  } catch (const std::exception&) {
    return out;
  }
  if (ec) {
    return out;
  }
  out.status = static_cast<int>(res.result_int());
  out.body = json::parse(res.body(), nullptr, false);
  if (auto it = res.find(bhttp::field::retry_after); it != res.end()) {
    out.retry_after_s = std::atoi(std::string(it->value()).c_str());
  }
  return out;
}

/// A request as an operator wants it: a node that says 503 (shards moving, a lease being
/// taken over) is asked again after its Retry-After, for up to 30 seconds in all.
reply call(const std::string& host, uint16_t port, const std::string& method,
           const std::string& target, const std::string& token, const std::string& body = "") {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    auto r = call_once(host, port, method, target, token, body);
    if (r.status != 503 || std::chrono::steady_clock::now() >= deadline) {
      return r;
    }
    auto wait = std::chrono::milliseconds(std::clamp(r.retry_after_s, 0, 5) * 1000);
    std::this_thread::sleep_for(std::max(wait, std::chrono::milliseconds(200)));
  }
}

struct options {
  std::string config = "cluster.conf";
  std::string node;
  std::string email;
  std::string password;
  bool raw = false;
  std::vector<std::string> args;
};

int usage() {
  std::fprintf(stderr,
               "usage: lakoo-console [--config cluster.conf] [--node ID] [--email E] "
               "[--password P] [--json]\n"
               "       status | shards | entities | sagas | errors | drain NODE | undrain NODE |\n"
               "       move SHARD NODE | wait-settled [SECONDS]\n");
  return 2;
}

std::string pad(std::string s, size_t n) {
  if (s.size() < n) {
    s.append(n - s.size(), ' ');
  }
  return s;
}

std::string num(const json& j, const char* key) {
  return j.contains(key) ? j[key].dump() : "-";
}

void print_status(const json& c) {
  std::cout << "cluster seen from " << c["node"].get<std::string>() << ": "
            << (c["settled"].get<bool>() ? "settled" : "shards moving") << ", "
            << c["shards"].get<int64_t>() << " shards, " << c["sagas_in_flight"].get<int64_t>()
            << " sagas in flight\n";
  std::cout << pad("NODE", 6) << pad("ADDRESS", 22) << pad("STATE", 10) << pad("LIVE", 6)
            << pad("INCARN", 8) << pad("SHARDS", 8) << pad("ACTORS", 8) << pad("IN-FLIGHT", 10)
            << "MAILBOX(router/deepest)\n";
  for (const auto& m : c["members"]) {
    std::string mailbox = "-";
    if (m.contains("mailbox")) {
      mailbox = m["mailbox"]["router"].dump() + "/" + m["mailbox"]["deepest"].dump();
    }
    std::cout << pad(m["id"].get<std::string>(), 6) << pad(m["address"].get<std::string>(), 22)
              << pad(m["state"].get<std::string>(), 10)
              << pad(m["live"].get<bool>() ? "yes" : "no", 6) << pad(m["incarnation"].dump(), 8)
              << pad(m["shards"].dump(), 8) << pad(num(m, "actors"), 8)
              << pad(num(m, "in_flight"), 10) << mailbox
              << (m["reachable"].get<bool>() ? "" : "  (unreachable)") << "\n";
  }
}

void print_shards(const json& c) {
  std::map<std::string, std::vector<int64_t>> by_node;
  for (const auto& p : c["placement"]) {
    auto node = p["node"].get<std::string>();
    by_node[node.empty() ? "(none)" : node].push_back(p["shard"].get<int64_t>());
  }
  for (const auto& [node, shards] : by_node) {
    std::cout << pad(node, 8) << shards.size() << " shards:";
    for (auto s : shards) {
      std::cout << " " << s;
    }
    std::cout << "\n";
  }
  for (const auto& m : c["moves"]) {
    std::cout << "move: shard " << m["shard"] << " -> " << m["node"].get<std::string>() << "\n";
  }
}

void print_per_node(const json& c, const char* what) {
  for (const auto& m : c["members"]) {
    std::cout << m["id"].get<std::string>() << ":";
    if (!m["reachable"].get<bool>()) {
      std::cout << " unreachable\n";
      continue;
    }
    const json& table = std::string{what} == "sagas" ? m["sagas"] : m["actors_by_kind"];
    if (table.empty()) {
      std::cout << " none";
    }
    for (const auto& [k, v] : table.items()) {
      std::cout << " " << k << "=" << v.dump();
      if (std::string{what} == "entities" && m["mailbox"]["deepest_by_kind"].contains(k)) {
        std::cout << " (mailbox peak " << m["mailbox"]["deepest_by_kind"][k].dump() << ")";
      }
    }
    std::cout << "\n";
  }
}

void print_errors(const json& c) {
  for (const auto& m : c["members"]) {
    std::cout << "== " << m["id"].get<std::string>() << "\n";
    if (m.contains("recent_errors")) {
      for (const auto& line : m["recent_errors"]) {
        std::cout << line.get<std::string>() << "\n";
      }
    }
  }
}

} // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        return false;
      }
      out = argv[++i];
      return true;
    };
    if (a == "--config" || a == "--node" || a == "--email" || a == "--password") {
      auto& field = a == "--config"  ? o.config
                    : a == "--node"  ? o.node
                    : a == "--email" ? o.email
                                     : o.password;
      if (!value(field)) {
        return usage();
      }
    } else if (a == "--json") {
      o.raw = true;
    } else if (a == "-h" || a == "--help") {
      return usage();
    } else {
      o.args.push_back(a);
    }
  }
  if (o.args.empty()) {
    return usage();
  }
  lakoo::node::node_config cfg;
  try {
    cfg = lakoo::node::load_config(o.config);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lakoo-console: %s\n", e.what());
    return 2;
  }
  if (const char* e = std::getenv("LAKOO_CONSOLE_EMAIL")) {
    o.email = o.email.empty() ? e : o.email;
  }
  if (const char* p = std::getenv("LAKOO_CONSOLE_PASSWORD")) {
    o.password = o.password.empty() ? p : o.password;
  }
  if (o.email.empty() && !cfg.admin_emails.empty()) {
    o.email = cfg.admin_emails.front();
  }
  if (o.password.empty()) {
    o.password = cfg.admin_password;
  }
  // The first node that answers (or the one asked for), logged in as the admin.
  std::string host;
  uint16_t port = 0;
  std::string token;
  for (const auto& n : cfg.nodes) {
    if (!o.node.empty() && n.id != o.node) {
      continue;
    }
    auto login = call(n.host, n.http_port, "POST", "/v1/auth/login", "",
                      json{{"email", o.email}, {"password", o.password}}.dump());
    if (login.status == 200) {
      host = n.host;
      port = n.http_port;
      token = login.body["access_token"].get<std::string>();
      break;
    }
    if (login.status != 0) {
      std::fprintf(stderr, "lakoo-console: login as %s on %s failed (%d)\n", o.email.c_str(),
                   n.id.c_str(), login.status);
      return 1;
    }
  }
  if (token.empty()) {
    std::fprintf(stderr, "lakoo-console: no node answered\n");
    return 1;
  }
  const auto& cmd = o.args[0];
  auto console = [&] { return call(host, port, "GET", "/v1/admin/console", token); };
  auto fail = [](const reply& r) {
    std::fprintf(stderr, "lakoo-console: %d %s\n", r.status, r.body.dump().c_str());
    return 1;
  };
  if (cmd == "drain" || cmd == "undrain" || cmd == "move") {
    reply r;
    if (cmd == "move") {
      if (o.args.size() != 3) {
        return usage();
      }
      r = call(host, port, "POST", "/v1/admin/shards/" + o.args[1] + "/move", token,
               json{{"node", o.args[2]}}.dump());
    } else {
      if (o.args.size() != 2) {
        return usage();
      }
      r = call(host, port, "POST", "/v1/admin/nodes/" + o.args[1] + "/" + cmd, token);
    }
    if (r.status != 202) {
      return fail(r);
    }
    std::cout << cmd << ": accepted\n";
    return 0;
  }
  if (cmd == "wait-settled") {
    int secs = o.args.size() > 1 ? std::atoi(o.args[1].c_str()) : 60;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(secs);
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = console();
      if (r.status == 200 && r.body["settled"].get<bool>()) {
        std::cout << "settled\n";
        return 0;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::cout << "not settled\n";
    return 1;
  }
  auto r = console();
  if (r.status != 200) {
    return fail(r);
  }
  if (o.raw) {
    std::cout << r.body.dump(2) << "\n";
    return 0;
  }
  if (cmd == "status") {
    print_status(r.body);
  } else if (cmd == "shards") {
    print_shards(r.body);
  } else if (cmd == "entities" || cmd == "sagas") {
    print_per_node(r.body, cmd.c_str());
  } else if (cmd == "errors") {
    print_errors(r.body);
  } else {
    return usage();
  }
  return 0;
}
