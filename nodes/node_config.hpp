#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace lakoo::node {

/// One `node = <id> <host> <http port> <cluster port>` line.
struct node_entry {
  std::string id;
  std::string host;
  uint16_t http_port = 0;
  uint16_t cluster_port = 0;
};

/// `cluster.conf` parsed and checked, with `LAKOO_<KEY>` environment overrides applied.
/// Parsed once at start-up by the node; components get their own settings structs from it.
struct node_config {
  std::vector<node_entry> nodes;
  int32_t shards = 256;
  std::string database;
  std::vector<std::string> admin_emails; ///< lower-case
  std::string admin_password;
  std::string token_secret;
  int64_t access_token_ttl_s = 900;
  int64_t refresh_token_ttl_s = 2592000;
  std::string payment_provider = "sandbox";
  std::string webhook_secret;
  std::string courier_provider = "sandbox";
  std::string courier_webhook_secret = "dev-courier-secret"; ///< signs tracking webhooks
  int64_t payment_ttl_s = 900;
  int64_t request_timeout_ms = 5000;
  int64_t idle_passivate_s = 120;
  int64_t catalog_feed_ms = 200; ///< how often the catalog index polls for committed changes
  int64_t ws_queue_limit = 256;  ///< frames a slow WebSocket client may owe before it is dropped
  int64_t ws_idle_timeout_s = 30;
  int64_t ws_send_buffer = 65536; ///< bytes of kernel send buffer per WebSocket
  /// Authors with more followers than this are pulled into feeds at read time, not pushed.
  int64_t feed_push_max_followers = 5000;
  int64_t feed_max_entries = 600;       ///< posts a following feed keeps
  int64_t trending_half_life_s = 21600; ///< engagement loses half its weight in this time
  int64_t heartbeat_interval_ms = 500;
  /// Shard leases: the cluster's name in the lease tables, how long a silent member keeps its
  /// shards, how often members renew, and how fast shards move back to a rejoined node.
  std::string cluster_name = "lakoo";
  int64_t lease_ms = 3000;
  int64_t lease_renew_ms = 500;
  int64_t rebalance_shards_per_tick = 4;
  int64_t drain_shards_per_tick = 32;
  int64_t leave_timeout_ms = 10000; ///< SIGTERM: longest wait for the graceful handoff
  /// Back-pressure: edge requests a node lets wait on entities at once, and per entity.
  int64_t max_in_flight = 4096;
  int64_t max_in_flight_per_entity = 256;
  int64_t connection_timeout_ms = 2000;
  int64_t caf_threads = 2;
  std::string caf_scheduler = "sharing"; ///< sharing | stealing | io (actors on the io threads)
  int64_t io_threads = 2;
  int64_t password_threads = 2;
  int64_t store_writers = 2; ///< snapshot writer connections (group commits in flight at once)
  std::string log_level = "info";

  /// Index of node `id` in `nodes`; throws config_error if absent.
  size_t index_of(const std::string& id) const;
};

/// A bad configuration: `line` is 0 when the problem is not tied to one line.
class config_error : public std::runtime_error {
public:
  config_error(int line, const std::string& what)
      : std::runtime_error(line > 0 ? "cluster.conf line " + std::to_string(line) + ": " + what
                                    : "cluster.conf: " + what),
        line_(line) {}
  int line() const { return line_; }

private:
  int line_;
};

/// Parses the text of a cluster.conf. `base_dir` resolves a relative `host=` path in
/// `database`; `env` holds overrides by their variable names (`LAKOO_SHARDS` ...).
node_config parse_config(const std::string& text, const std::string& base_dir,
                         const std::map<std::string, std::string>& env);

/// Reads `path` and the process environment.
node_config load_config(const std::string& path);

} // namespace lakoo::node
