#include "nodes/node_config.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

extern char** environ;

namespace lakoo::node {

namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) {
    return {};
  }
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

int64_t to_int(const std::string& key, const std::string& value, int line, int64_t min,
               int64_t max) {
  try {
    size_t used = 0;
    auto x = std::stoll(value, &used);
    if (used != value.size() || x < min || x > max) {
      throw std::out_of_range(key);
    }
    return x;
  } catch (const std::exception&) {
    throw config_error(line, key + " must be a whole number from " + std::to_string(min) + " to "
                               + std::to_string(max) + ", got '" + value + "'");
  }
}

node_entry parse_node(const std::string& value, int line) {
  std::istringstream in{value};
  node_entry n;
  std::string http, cluster, extra;
  if (!(in >> n.id >> n.host >> http >> cluster) || (in >> extra)) {
    throw config_error(line, "node needs '<id> <host> <http port> <cluster port>'");
  }
  n.http_port = static_cast<uint16_t>(to_int("http port", http, line, 1, 65535));
  n.cluster_port = static_cast<uint16_t>(to_int("cluster port", cluster, line, 1, 65535));
  return n;
}

std::vector<std::string> split_list(const std::string& value) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in{value};
  while (std::getline(in, item, ',')) {
    item = trim(item);
    if (!item.empty()) {
      out.push_back(lower(item));
    }
  }
  return out;
}

/// `host=<relative path>` in a libpq DSN becomes absolute against `base_dir`.
std::string resolve_dsn(const std::string& dsn, const std::string& base_dir) {
  std::istringstream in{dsn};
  std::string word, out;
  while (in >> word) {
    if (word.rfind("host=", 0) == 0) {
      auto host = word.substr(5);
      if (!host.empty() && host[0] != '/' && host.find('/') != std::string::npos) {
        word = "host=" + base_dir + "/" + host;
      }
    }
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

using setter = std::function<void(node_config&, const std::string&, int)>;

const std::map<std::string, setter>& setters() {
  auto int_field
    = [](int64_t node_config::*field, int64_t min, int64_t max, const char* key) -> setter {
    return [=](node_config& c, const std::string& v, int line) {
      c.*field = to_int(key, v, line, min, max);
    };
  };
  auto str_field = [](std::string node_config::*field) -> setter {
    return [=](node_config& c, const std::string& v, int) { c.*field = v; };
  };
  static const std::map<std::string, setter> table = {
    {"shards",
     [](node_config& c, const std::string& v, int line) {
       c.shards = static_cast<int32_t>(to_int("shards", v, line, 1, 1 << 20));
     }},
    {"database", str_field(&node_config::database)},
    {"admin_emails",
     [](node_config& c, const std::string& v, int) { c.admin_emails = split_list(v); }},
    {"admin_password", str_field(&node_config::admin_password)},
    {"token_secret", str_field(&node_config::token_secret)},
    {"access_token_ttl_s",
     int_field(&node_config::access_token_ttl_s, 1, 86400, "access_token_ttl_s")},
    {"refresh_token_ttl_s",
     int_field(&node_config::refresh_token_ttl_s, 1, 365LL * 86400, "refresh_token_ttl_s")},
    {"payment_provider",
     [](node_config& c, const std::string& v, int line) {
       if (v != "sandbox") {
         throw config_error(line, "payment_provider must be one of: sandbox");
       }
       c.payment_provider = v;
     }},
    {"webhook_secret", str_field(&node_config::webhook_secret)},
    {"courier_provider",
     [](node_config& c, const std::string& v, int line) {
       if (v != "sandbox") {
         throw config_error(line, "courier_provider must be one of: sandbox");
       }
       c.courier_provider = v;
     }},
    {"courier_webhook_secret", str_field(&node_config::courier_webhook_secret)},
    {"payment_ttl_s", int_field(&node_config::payment_ttl_s, 1, 7 * 86400, "payment_ttl_s")},
    {"request_timeout_ms",
     int_field(&node_config::request_timeout_ms, 10, 600000, "request_timeout_ms")},
    {"idle_passivate_s", int_field(&node_config::idle_passivate_s, 1, 86400, "idle_passivate_s")},
    {"catalog_feed_ms", int_field(&node_config::catalog_feed_ms, 10, 60000, "catalog_feed_ms")},
    {"ws_queue_limit", int_field(&node_config::ws_queue_limit, 1, 1000000, "ws_queue_limit")},
    {"ws_send_buffer", int_field(&node_config::ws_send_buffer, 4096, 16777216, "ws_send_buffer")},
    {"ws_idle_timeout_s",
     int_field(&node_config::ws_idle_timeout_s, 2, 86400, "ws_idle_timeout_s")},
    {"feed_push_max_followers",
     int_field(&node_config::feed_push_max_followers, 0, 100000000, "feed_push_max_followers")},
    {"feed_max_entries", int_field(&node_config::feed_max_entries, 10, 100000, "feed_max_entries")},
    {"trending_half_life_s",
     int_field(&node_config::trending_half_life_s, 60, 365 * 86400, "trending_half_life_s")},
    {"heartbeat_interval_ms",
     int_field(&node_config::heartbeat_interval_ms, 10, 60000, "heartbeat_interval_ms")},
    {"connection_timeout_ms",
     int_field(&node_config::connection_timeout_ms, 10, 600000, "connection_timeout_ms")},
    {"caf_threads", int_field(&node_config::caf_threads, 1, 256, "caf_threads")},
    {"cluster_name",
     [](node_config& c, const std::string& v, int line) {
       if (v.empty() || v.size() > 64) {
         throw config_error(line, "cluster_name must be 1 to 64 characters");
       }
       c.cluster_name = v;
     }},
    {"lease_ms", int_field(&node_config::lease_ms, 200, 600000, "lease_ms")},
    {"lease_renew_ms", int_field(&node_config::lease_renew_ms, 20, 60000, "lease_renew_ms")},
    {"rebalance_shards_per_tick",
     int_field(&node_config::rebalance_shards_per_tick, 1, 1 << 20, "rebalance_shards_per_tick")},
    {"drain_shards_per_tick",
     int_field(&node_config::drain_shards_per_tick, 1, 1 << 20, "drain_shards_per_tick")},
    {"leave_timeout_ms", int_field(&node_config::leave_timeout_ms, 0, 600000, "leave_timeout_ms")},
    {"max_in_flight", int_field(&node_config::max_in_flight, 1, 100000000, "max_in_flight")},
    {"max_in_flight_per_entity",
     int_field(&node_config::max_in_flight_per_entity, 1, 100000000, "max_in_flight_per_entity")},
    {"caf_scheduler",
     [](node_config& c, const std::string& v, int line) {
       if (v != "sharing" && v != "stealing" && v != "io") {
         throw config_error(line, "caf_scheduler must be sharing, stealing or io");
       }
       c.caf_scheduler = v;
     }},
    {"io_threads", int_field(&node_config::io_threads, 1, 256, "io_threads")},
    {"password_threads", int_field(&node_config::password_threads, 1, 256, "password_threads")},
    {"store_writers", int_field(&node_config::store_writers, 1, 16, "store_writers")},
    {"log_level",
     [](node_config& c, const std::string& v, int line) {
       static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
       if (!levels.count(v)) {
         throw config_error(line, "log_level must be trace, debug, info, warn, error or off");
       }
       c.log_level = v;
     }},
  };
  return table;
}

void check(const node_config& c) {
  if (c.nodes.empty()) {
    throw config_error(0, "no 'node = ...' line");
  }
  std::set<std::string> ids;
  std::set<std::pair<std::string, uint16_t>> ports;
  for (const auto& n : c.nodes) {
    if (!ids.insert(n.id).second) {
      throw config_error(0, "node id '" + n.id + "' appears twice");
    }
    if (!ports.insert({n.host, n.http_port}).second
        || !ports.insert({n.host, n.cluster_port}).second) {
      throw config_error(0, "node '" + n.id + "' reuses a port");
    }
  }
  if (c.database.empty()) {
    throw config_error(0, "database is not set");
  }
  if (c.webhook_secret.empty()) {
    throw config_error(0, "webhook_secret must be set (payment webhooks are signed with it)");
  }
  if (c.courier_webhook_secret.empty()) {
    throw config_error(0, "courier_webhook_secret must not be empty (tracking webhooks are signed "
                          "with it)");
  }
  if (c.token_secret.size() < 16) {
    throw config_error(0, "token_secret must have at least 16 characters");
  }
  if (c.lease_renew_ms * 3 > c.lease_ms) {
    throw config_error(0, "lease_renew_ms must be at most a third of lease_ms (a member renews "
                          "several times per lease)");
  }
}

} // namespace

size_t node_config::index_of(const std::string& id) const {
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].id == id) {
      return i;
    }
  }
  throw config_error(0, "no node with id '" + id + "'");
}

node_config parse_config(const std::string& text, const std::string& base_dir,
                         const std::map<std::string, std::string>& env) {
  node_config c;
  std::istringstream in{text};
  std::string raw;
  int line = 0;
  std::set<std::string> seen;
  while (std::getline(in, raw)) {
    ++line;
    auto hash = raw.find('#');
    auto content = trim(hash == std::string::npos ? raw : raw.substr(0, hash));
    if (content.empty()) {
      continue;
    }
    auto eq = content.find('=');
    if (eq == std::string::npos) {
      throw config_error(line, "expected 'key = value', got '" + content + "'");
    }
    auto key = trim(content.substr(0, eq));
    auto value = trim(content.substr(eq + 1));
    if (key == "node") {
      c.nodes.push_back(parse_node(value, line));
      continue;
    }
    auto s = setters().find(key);
    if (s == setters().end()) {
      throw config_error(line, "unknown key '" + key + "'");
    }
    if (!seen.insert(key).second) {
      throw config_error(line, "'" + key + "' is set twice");
    }
    s->second(c, value, line);
  }
  // Environment overrides: LAKOO_<KEY>; LAKOO_NODE replaces all node lines ("a;b;c").
  for (const auto& [key, set] : setters()) {
    auto i = env.find("LAKOO_" + upper(key));
    if (i != env.end()) {
      try {
        set(c, i->second, 0);
      } catch (const config_error& e) {
        throw config_error(0, std::string{"LAKOO_"} + upper(key) + ": " + e.what());
      }
    }
  }
  if (auto i = env.find("LAKOO_NODE"); i != env.end()) {
    c.nodes.clear();
    std::istringstream list{i->second};
    std::string item;
    while (std::getline(list, item, ';')) {
      if (!trim(item).empty()) {
        c.nodes.push_back(parse_node(trim(item), 0));
      }
    }
  }
  c.database = resolve_dsn(c.database, base_dir);
  check(c);
  return c;
}

node_config load_config(const std::string& path) {
  std::ifstream in{path};
  if (!in) {
    throw config_error(0, "cannot read '" + path + "'");
  }
  std::stringstream text;
  text << in.rdbuf();
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv{*e};
    auto eq = kv.find('=');
    if (kv.rfind("LAKOO_", 0) == 0 && eq != std::string::npos) {
      env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
    }
  }
  auto slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  char resolved[4096];
  if (realpath(dir.c_str(), resolved)) {
    dir = resolved;
  }
  return parse_config(text.str(), dir, env);
}

} // namespace lakoo::node
