/// lakoo-node: one member of a LAKOO cluster. Reads cluster.conf, migrates the database, hosts
/// its shards' entities, links to its peers and serves the HTTP edge until SIGINT/SIGTERM.

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <spdlog/cfg/env.h>
#include <spdlog/spdlog.h>

#include "actors/cart/cart.hpp"
#include "actors/catalog/catalog.hpp"
#include "actors/identity/identity.hpp"
#include "actors/notify/notify.hpp"
#include "actors/order/order.hpp"
#include "actors/protocol/messages.hpp"
#include "actors/runtime/gateway.hpp"
#include "actors/runtime/node_status.hpp"
#include "actors/seller/seller.hpp"
#include "actors/social/social.hpp"
#include "adapters/payments/sandbox_provider.hpp"
#include "adapters/shipping/sandbox_courier.hpp"
#include "http_edge/edge.hpp"
#include "nodes/cluster.hpp"
#include "nodes/io_pool.hpp"
#include "nodes/lease_keeper.hpp"
#include "nodes/log.hpp"
#include "nodes/node_config.hpp"
#include "nodes/router.hpp"
#include "nodes/scheduler.hpp"
#include "persistence/migrations.hpp"
#include "persistence/pg_lease_store.hpp"
#include "persistence/pg_store.hpp"
#include "persistence/snapshot_feed.hpp"
#include "persistence/wake_poller.hpp"
#include "read_models/catalog_index.hpp"
#include "read_models/post_index.hpp"

namespace {

using namespace lakoo;

struct options {
  std::string config = "cluster.conf";
  std::string node;
};

void usage() {
  std::fprintf(stderr, "usage: lakoo-node [--config cluster.conf] --node <id>\n"
                       "Every cluster.conf key can be overridden by LAKOO_<KEY>.\n");
}

bool parse_args(int argc, char** argv, options& out) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--config" || arg == "--node") && i + 1 < argc) {
      (arg == "--config" ? out.config : out.node) = argv[++i];
    } else {
      return false;
    }
  }
  if (out.node.empty()) {
    if (const char* env = std::getenv("LAKOO_NODE_ID")) {
      out.node = env;
    }
  }
  return !out.node.empty();
}

void setup_logging(const node::node_config& cfg, const std::string& node_id) {
  // Before any component clones the default logger: the console shows recent warnings/errors.
  spdlog::default_logger()->sinks().push_back(runtime::node_status::global().error_sink(100));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l [%n] [node " + node_id + "] %v",
                      spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  spdlog::cfg::load_env_levels(); // SPDLOG_LEVEL=info,edge=debug
}

/// Applies migrations, waiting up to 30 s for the database to come up.
bool migrate_with_retry(const std::string& dsn) {
  for (int attempt = 1;; ++attempt) {
    try {
      persistence::migrate(dsn);
      return true;
    } catch (const std::exception& e) {
      if (attempt >= 60) {
        node::log().error("[node] database migration failed: {}", e.what());
        return false;
      }
      if (attempt == 1) {
        node::log().warn("[node] database not ready, retrying: {}", e.what());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
}

void configure_caf(caf::actor_system_config& caf_cfg, const node::node_config& cfg,
                   node::io_pool& io) {
  protocol::add_message_types(caf_cfg);
  caf_cfg.load<caf::io::middleman>();
  // Sharing keeps remote round trips short (36 us vs 245 us with work stealing, STACK.md). The
  // node's own scheduler module takes the policy, so CAF's `scheduler.policy` is never read.
  node::load_scheduler(caf_cfg, cfg.caf_scheduler, &io.context());
  caf_cfg.set("scheduler.max-threads", static_cast<size_t>(cfg.caf_threads));
  caf_cfg.set("scheduler.max-throughput", static_cast<size_t>(300));
  // Off by default in 0.17: without them a hung peer is never noticed.
  caf_cfg.set("middleman.heartbeat-interval",
              caf::timespan{std::chrono::milliseconds(cfg.heartbeat_interval_ms)});
  caf_cfg.set("middleman.connection-timeout",
              caf::timespan{std::chrono::milliseconds(cfg.connection_timeout_ms)});
}

/// The node's lease keeper: hands shards off through the router (which stops their entities
/// gracefully) and tells it when ownership changed.
std::unique_ptr<node::lease_keeper> start_lease_keeper(caf::actor_system& sys,
                                                       const node::node_config& cfg, size_t index,
                                                       std::shared_ptr<runtime::shard_map> shards,
                                                       caf::actor router) {
  const auto& me = cfg.nodes[index];
  node::lease_settings ls;
  ls.cluster = cfg.cluster_name;
  ls.node_id = me.id;
  ls.address = me.host + ":" + std::to_string(me.http_port);
  ls.lease = std::chrono::milliseconds(cfg.lease_ms);
  ls.renew = std::chrono::milliseconds(cfg.lease_renew_ms);
  ls.margin = std::min(std::chrono::milliseconds(500), ls.lease / 4);
  ls.rebalance_per_tick = static_cast<int>(cfg.rebalance_shards_per_tick);
  ls.drain_per_tick = static_cast<int>(cfg.drain_shards_per_tick);
  auto timeout = std::chrono::milliseconds(cfg.request_timeout_ms);
  auto store = std::make_unique<persistence::pg_lease_store>(persistence::pg_settings{cfg.database},
                                                             ls.cluster, ls.node_id);
  return std::make_unique<node::lease_keeper>(
    std::move(store), ls, std::move(shards),
    [&sys, router, timeout](std::vector<int32_t> handed, std::function<void(bool)> done) {
      sys.spawn([router, timeout, handed = std::move(handed),
                 done = std::move(done)](caf::event_based_actor* self) mutable {
        self->request(router, timeout, protocol::handoff_atom::value, std::move(handed))
          .then([done](bool) { done(true); }, [done](caf::error&) { done(false); });
      });
    },
    [router] { caf::anon_send(router, protocol::reshard_atom::value); });
}

int run(const node::node_config& cfg, size_t index, sigset_t& signals) {
  const auto& me = cfg.nodes[index];
  if (!migrate_with_retry(cfg.database)) {
    return 1;
  }
  // The kinds the node's read models follow in committed snapshots.
  const std::vector<std::string> catalog_kinds{catalog::product_kind, catalog::sku_kind};
  const std::vector<std::string> post_kinds{social::post_kind};
  persistence::pg_settings store_settings{cfg.database};
  store_settings.writers = static_cast<size_t>(cfg.store_writers);
  store_settings.cluster = cfg.cluster_name; // snapshot writes are fenced by our shard leases
  store_settings.idle_txn_timeout = std::chrono::milliseconds(cfg.lease_ms);
  store_settings.followed_kinds = catalog_kinds;
  store_settings.followed_kinds.insert(store_settings.followed_kinds.end(), post_kinds.begin(),
                                       post_kinds.end());
  persistence::pg_store store{store_settings};
  read_models::catalog_index catalog_index{edge::render_listed_product};
  persistence::snapshot_feed catalog_feed{
    persistence::pg_settings{cfg.database}, catalog_kinds,
    std::chrono::milliseconds(cfg.catalog_feed_ms),
    [&catalog_index](const std::vector<runtime::snapshot>& batch) { catalog_index.apply(batch); },
    [&catalog_index] { catalog_index.mark_ready(); }};
  read_models::post_index post_index;
  persistence::snapshot_feed post_feed{
    persistence::pg_settings{cfg.database}, post_kinds,
    std::chrono::milliseconds(cfg.catalog_feed_ms),
    [&post_index](const std::vector<runtime::snapshot>& batch) { post_index.apply(batch); },
    [&post_index] { post_index.mark_ready(); }};

  // Declared before the actor system so it outlives the actors that call back into it.
  std::unique_ptr<node::lease_keeper> keeper;
  // The edge's io threads (and the actors', with `caf_scheduler = io`): they run until the actor
  // system is gone.
  node::io_pool io{static_cast<int>(cfg.io_threads)};
  io.start();
  caf::actor_system_config caf_cfg;
  configure_caf(caf_cfg, cfg, io);
  caf::actor_system sys{caf_cfg};

  std::vector<std::string> ids;
  for (const auto& n : cfg.nodes) {
    ids.push_back(n.id);
  }
  auto env = std::make_shared<runtime::entity_env>();
  env->store = &store;
  env->lists = &store;
  auto shards = std::make_shared<runtime::shard_map>(ids, cfg.shards, true);
  env->shards = shards;
  env->node_id = me.id;
  env->request_timeout = std::chrono::milliseconds(cfg.request_timeout_ms);
  env->idle_ttl = std::chrono::seconds(cfg.idle_passivate_s);
  env->set_settings(identity::identity_settings{cfg.access_token_ttl_s, cfg.refresh_token_ttl_s});
  social::social_settings social;
  social.push_max_followers = cfg.feed_push_max_followers;
  social.feed_max_entries = static_cast<size_t>(std::max<int64_t>(0, cfg.feed_max_entries));
  social.half_life_s = cfg.trending_half_life_s;
  env->set_settings(social);
  if (const char* fp = std::getenv("LAKOO_TEST_FAILPOINT")) { // crash points for chaos tests
    env->failpoint = fp;
    if (const char* once = std::getenv("LAKOO_TEST_FAILPOINT_ONCE")) {
      env->failpoint_once = once; // fires on the first node to create this file
    }
    node::log().warn("[node] failpoint {} armed", fp);
  }

  // The sandbox delivers its webhooks to this node's own edge (any node would do).
  auto sandbox
    = std::make_shared<payments::sandbox_provider>(me.host, me.http_port, cfg.webhook_secret);
  auto courier = std::make_shared<shipping::sandbox_courier>(me.host, me.http_port,
                                                             cfg.courier_webhook_secret);

  runtime::router_settings rs;
  rs.node_index = index;
  identity::register_kinds(rs.kinds);
  seller::register_kinds(rs.kinds);
  catalog::register_kinds(rs.kinds);
  cart::register_kinds(rs.kinds, courier);
  notify::register_kinds(rs.kinds);
  social::register_kinds(rs.kinds);
  order::register_kinds(rs.kinds, sandbox);
  auto router = runtime::spawn_router(sys, env, std::move(rs));

  auto published = sys.middleman().publish(router, me.cluster_port, me.host.c_str(), true);
  if (!published) {
    node::log().error("[node] cannot listen on {}:{}: {}", me.host, me.cluster_port,
                      sys.render(published.error()));
    caf::anon_send_exit(router, caf::exit_reason::user_shutdown);
    return 1;
  }
  std::vector<node::peer_endpoint> peers;
  for (size_t i = 0; i < cfg.nodes.size(); ++i) {
    if (i != index) {
      peers.push_back({i, cfg.nodes[i].id, cfg.nodes[i].host, cfg.nodes[i].cluster_port});
    }
  }
  auto links = node::start_peer_links(sys, router, peers, std::chrono::milliseconds(500));
  keeper = start_lease_keeper(sys, cfg, index, shards, router);

  // Durable timers of the shards this node serves (those it takes over included).
  persistence::wake_poller waker{persistence::pg_settings{cfg.database},
                                 [shards, index] {
                                   std::vector<int32_t> mine;
                                   for (auto s : shards->owned_by(index)) {
                                     if (shards->serves(s, index)) {
                                       mine.push_back(s);
                                     }
                                   }
                                   return mine;
                                 },
                                 std::chrono::milliseconds(500), std::chrono::seconds(3),
                                 [router](const std::string& kind, const std::string& id) {
                                   caf::anon_send(router, protocol::route_atom::value,
                                                  kind + ":" + id,
                                                  caf::make_message(protocol::wake_atom::value));
                                 }};

  int rc = 0;
  {
    runtime::gateway gw{sys, router, std::chrono::milliseconds(cfg.request_timeout_ms)};
    gw.set_limits(static_cast<size_t>(cfg.max_in_flight),
                  static_cast<size_t>(cfg.max_in_flight_per_entity));
    edge::edge_settings es;
    es.host = me.host;
    es.http_port = me.http_port;
    es.io = &io.context();
    es.node_id = me.id;
    es.ws_queue_limit = static_cast<size_t>(cfg.ws_queue_limit);
    es.ws_idle_timeout = std::chrono::seconds(cfg.ws_idle_timeout_s);
    es.ws_send_buffer = static_cast<int>(cfg.ws_send_buffer);
    edge::identity_settings is;
    is.token_secret = cfg.token_secret;
    is.access_ttl_s = cfg.access_token_ttl_s;
    is.refresh_ttl_s = cfg.refresh_token_ttl_s;
    is.admin_emails = cfg.admin_emails;
    is.password_threads = static_cast<int>(cfg.password_threads);
    is.revocations = env->revocations;
    edge::cluster_info ci;
    ci.shards = cfg.shards;
    ci.control = keeper.get();
    for (const auto& n : cfg.nodes) {
      ci.nodes.push_back({n.id, n.host + ":" + std::to_string(n.http_port)});
    }
    edge::commerce_settings cs;
    cs.payment_provider = cfg.payment_provider;
    cs.webhook_secret = cfg.webhook_secret;
    cs.payment_ttl_s = cfg.payment_ttl_s;
    edge::social_read_settings ss;
    ss.trending_half_life_s = cfg.trending_half_life_s;
    edge::edge http{es, is, cs, ss, ci, gw, catalog_index, post_index, store};
    try {
      http.start();
      if (!keeper->wait_joined(std::chrono::seconds(30))) {
        node::log().warn("[node] {} has not joined the cluster yet (database?): serving 503s",
                         me.id);
      }
      node::log().info("[node] {} ready: http://{}:{} cluster port {}, {} of {} shards", me.id,
                       me.host, http.port(), me.cluster_port, env->shards->shards_of(index),
                       cfg.shards);
      int sig = 0;
      sigwait(&signals, &sig);
      node::log().info("[node] {} stopping on signal {}: handing its shards off", me.id, sig);
      // The edge keeps serving (forwarding to the new owners) while the shards move.
      keeper->leave(std::chrono::milliseconds(cfg.leave_timeout_ms));
    } catch (const std::exception& e) {
      node::log().error("[node] cannot serve HTTP on {}:{}: {}", me.host, me.http_port, e.what());
      rc = 1;
    }
    http.stop();
  }
  keeper->stop();
  waker.stop();
  for (auto& link : links) {
    caf::anon_send_exit(link, caf::exit_reason::user_shutdown);
  }
  caf::anon_send_exit(router, caf::exit_reason::user_shutdown);
  sys.await_all_actors_done();
  store.stop(); // commits what entities handed over before they stopped
  catalog_feed.stop();
  post_feed.stop();
  sandbox->stop();
  courier->stop();
  return rc;
}

} // namespace

int main(int argc, char** argv) {
  options opts;
  if (!parse_args(argc, argv, opts)) {
    usage();
    return 2;
  }
  node::node_config cfg;
  size_t index = 0;
  try {
    cfg = node::load_config(opts.config);
    index = cfg.index_of(opts.node);
  } catch (const node::config_error& e) {
    std::fprintf(stderr, "lakoo-node: %s\n", e.what());
    return 2;
  }
  // Every thread inherits this mask, so SIGINT/SIGTERM reach only the sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  setup_logging(cfg, opts.node);
  try {
    return run(cfg, index, signals);
  } catch (const std::exception& e) {
    node::log().error("[node] fatal: {}", e.what());
    return 1;
  }
}
