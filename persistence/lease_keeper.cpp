#include "persistence/lease_keeper.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "actors/runtime/log.hpp"
#include "actors/runtime/metrics.hpp"
#include "actors/runtime/node_status.hpp"
#include "persistence/pg_link.hpp"

namespace lakoo::persistence {

using refusal = runtime::cluster_control::refusal;
using runtime::lease_row;
using runtime::member_view;
using runtime::placement_view;
using runtime::shard_map;
using steady = std::chrono::steady_clock;

namespace {

/// A command's failure callback: the database could not run it.
std::function<void(std::string)> unavailable(runtime::cluster_control::command_done done) {
  return [done = std::move(done)](std::string why) {
    done({refusal::unavailable, std::move(why)});
  };
}

runtime::counter& lease_counter(const char* event) {
  return runtime::metrics::global().counter_of("lakoo_shard_lease_events_total",
                                               std::string{"event=\""} + event + "\"");
}

std::string int_array(const std::vector<int32_t>& xs) {
  std::string out = "{";
  for (auto x : xs) {
    out += (out.size() > 1 ? "," : "") + std::to_string(x);
  }
  return out + "}";
}

} // namespace

struct lease_keeper::impl {
  pg_settings db;
  lease_settings cfg;
  std::shared_ptr<shard_map> map;
  handoff_fn handoff;
  changed_fn changed;
  size_t me = shard_map::nobody;

  // Shared with other threads, under `mu`.
  mutable std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  bool leaving = false;
  bool joined = false;
  /// Operator commands for the keeper's connection; `fail` when it cannot run them.
  struct command {
    std::function<void(pqxx::connection&)> run;
    std::function<void(std::string)> fail;
  };
  std::deque<command> commands;
  std::vector<std::pair<std::vector<int32_t>, bool>> handoffs_done;
  placement_view last;

  // The keeper thread's own.
  int64_t incarnation = 0;
  bool registered = false;
  bool left = false; ///< left the cluster (SIGTERM): no more renewals
  /// When the next renewal is due: commands and finished handoffs wake the thread sooner, but
  /// renewals (and with them acquisitions and the handoff budget) keep their pace.
  steady::time_point next_tick;
  steady::time_point joined_at;
  std::set<int32_t> releasing;     ///< handing off (entities stopping)
  std::vector<int32_t> to_release; ///< entities stopped, lease not yet released
  std::thread worker;

  std::string tag() const { return cfg.node_id + "#" + std::to_string(incarnation); }

  void run() noexcept;
  void step(db_link& link);
  void join(pqxx::connection& conn);
  void lose_membership();
  void tick(pqxx::connection& conn);
  void acquire(pqxx::connection& conn, const std::vector<int32_t>& shards,
               std::vector<lease_row>& rows, bool& changed_any);
  void release(pqxx::connection& conn);
  void begin_handoff(const std::vector<int32_t>& shards);
};

void lease_keeper::impl::run() noexcept {
  runtime::name_this_thread("pg.leases");
  try {
    db_link link{"lease " + cfg.node_id, db, nullptr};
    for (;;) {
      try {
        step(link);
      } catch (const unreachable&) {
        // logged by the link; the lease deadline runs out and the router stops serving
      } catch (const std::exception& e) {
        log().error("[lease {}] renewal failed: {}", tag(), one_line(e));
        link.reset(e);
      }
      std::unique_lock<std::mutex> guard{mu};
      cv.wait_until(guard, next_tick,
                    [this] { return stopping || !commands.empty() || !handoffs_done.empty(); });
      if (stopping) {
        break;
      }
    }
  } catch (const std::exception& e) {
    log().critical("[lease {}] keeper died: {}", tag(), one_line(e));
  }
}

void lease_keeper::impl::step(db_link& link) {
  std::deque<command> cmds;
  std::vector<std::pair<std::vector<int32_t>, bool>> done;
  {
    std::lock_guard<std::mutex> guard{mu};
    cmds.swap(commands);
    done.swap(handoffs_done);
  }
  for (auto& [shards, ok] : done) {
    for (auto s : shards) {
      releasing.erase(s);
      if (ok) {
        to_release.push_back(s);
      } else {
        map->set_handing_off(s, false); // serve again; retried on a later tick
      }
    }
    if (!ok) {
      log().warn("[lease {}] handoff of {} shards timed out; still serving them", tag(),
                 shards.size());
    }
  }
  pqxx::connection* conn_ptr = nullptr;
  try {
    conn_ptr = &link.get();
  } catch (const std::exception&) {
    for (auto& cmd : cmds) {
      cmd.fail("the database is unreachable");
    }
    throw;
  }
  auto& conn = *conn_ptr;
  for (auto& cmd : cmds) {
    try {
      cmd.run(conn);
    } catch (const std::exception& e) {
      cmd.fail(one_line(e));
      throw; // the connection may be broken: the next step starts afresh
    }
  }
  if (left) {
    return;
  }
  if (!registered) {
    join(conn);
  }
  if (!to_release.empty()) {
    release(conn);
  }
  auto now = steady::now();
  if (now >= next_tick) {
    next_tick = now + cfg.renew;
    tick(conn);
  }
}

void lease_keeper::impl::join(pqxx::connection& conn) {
  pqxx::work txn{conn, "lease_join"};
  auto inc = txn.exec1("SELECT nextval('node_incarnations')")[0].as<int64_t>();
  txn.exec_params0(
    "INSERT INTO cluster_members(cluster, node, incarnation, state, address, expires_at)"
    " VALUES ($1, $2, $3, 'active', $4, now() + $5 * interval '1 millisecond')"
    " ON CONFLICT (cluster, node) DO UPDATE SET incarnation = excluded.incarnation,"
    "  state = CASE WHEN cluster_members.state = 'draining' THEN 'draining' ELSE 'active' END,"
    "  address = excluded.address, expires_at = excluded.expires_at, started_at = now()",
    cfg.cluster, cfg.node_id, inc, cfg.address, static_cast<int64_t>(cfg.lease.count()));
  txn.exec_params0("INSERT INTO shard_leases(cluster, shard)"
                   " SELECT $1, generate_series(0, $2 - 1) ON CONFLICT DO NOTHING",
                   cfg.cluster, map->shard_count());
  txn.commit();
  incarnation = inc;
  registered = true;
  joined_at = steady::now();
  runtime::node_status::global().set_incarnation(inc);
  lease_counter("joined").add();
  log().info("[lease {}] joined cluster {} as incarnation {}", tag(), cfg.cluster, inc);
}

void lease_keeper::impl::lose_membership() {
  log().error("[lease {}] membership expired (paused or cut off for longer than {} ms): dropping "
              "every shard and joining again as a new incarnation",
              tag(), cfg.lease.count());
  lease_counter("expired").add();
  registered = false;
  map->set_lease_deadline(steady::time_point{});
  for (int32_t s = 0; s < map->shard_count(); ++s) {
    map->set_handing_off(s, false);
    if (map->owner_of(s) == me) {
      map->assign(s, shard_map::nobody, map->epoch_of(s));
    }
  }
  releasing.clear();
  to_release.clear();
  changed();
}

void lease_keeper::impl::tick(pqxx::connection& conn) {
  auto t0 = steady::now();
  bool want_leave = false;
  {
    std::lock_guard<std::mutex> guard{mu};
    want_leave = leaving;
  }
  pqxx::work txn{conn, "lease_tick"};
  auto renewed = txn.exec_params(
    "UPDATE cluster_members SET expires_at = now() + $4 * interval '1 millisecond',"
    " state = CASE WHEN $5 THEN 'leaving' ELSE state END"
    " WHERE cluster = $1 AND node = $2 AND incarnation = $3 AND expires_at > now()"
    " RETURNING state",
    cfg.cluster, cfg.node_id, incarnation, static_cast<int64_t>(cfg.lease.count()), want_leave);
  if (renewed.empty()) {
    txn.commit();
    lose_membership();
    return;
  }
  auto my_state = renewed[0][0].as<std::string>();
  auto member_rows = txn.exec_params(
    "SELECT node, incarnation, state, expires_at > now(), address FROM cluster_members"
    " WHERE cluster = $1 ORDER BY node",
    cfg.cluster);
  auto lease_rows = txn.exec_params(
    "SELECT l.shard, coalesce(l.node, ''), l.incarnation, l.epoch,"
    " EXISTS (SELECT 1 FROM cluster_members m WHERE m.cluster = l.cluster AND m.node = l.node"
    "  AND m.incarnation = l.incarnation AND m.expires_at > now())"
    " FROM shard_leases l WHERE l.cluster = $1 ORDER BY l.shard",
    cfg.cluster);
  auto move_rows
    = txn.exec_params("SELECT shard, target FROM shard_moves WHERE cluster = $1", cfg.cluster);
  txn.commit();
  map->set_lease_deadline(t0 + cfg.lease - cfg.margin);

  const auto& nodes = map->node_ids();
  placement_view view;
  view.incarnation = incarnation;
  view.state = my_state;
  view.member = true;
  std::vector<std::string> candidates;
  for (const auto& r : member_rows) {
    member_view m{r[0].as<std::string>(), r[1].as<int64_t>(),     r[2].as<std::string>(),
                  r[3].as<bool>(),        r[4].as<std::string>(), 0};
    if (m.live && m.state == "active" && map->index_of(m.node) != shard_map::nobody) {
      candidates.push_back(m.node);
    }
    view.members.push_back(std::move(m));
  }
  std::map<int32_t, std::string> moved;
  for (const auto& r : move_rows) {
    moved[r[0].as<int32_t>()] = r[1].as<std::string>();
    view.moves.emplace_back(r[0].as<int32_t>(), r[1].as<std::string>());
  }
  auto n = static_cast<size_t>(map->shard_count());
  std::vector<lease_row> rows(n);
  for (const auto& r : lease_rows) {
    auto s = r[0].as<int32_t>();
    if (s >= 0 && static_cast<size_t>(s) < n) {
      rows[s] = lease_row{r[1].as<std::string>(), r[2].as<int64_t>(), r[3].as<int64_t>(),
                          r[4].as<bool>()};
    }
  }
  runtime::lease_self self{cfg.node_id,
                           incarnation,
                           my_state,
                           steady::now() - joined_at < cfg.lease,
                           my_state == "active" ? cfg.rebalance_per_tick : cfg.drain_per_tick,
                           releasing};
  auto plan = runtime::plan_leases(self, rows, nodes, candidates, moved);
  const auto& acquire_list = plan.acquire;
  const auto& release_list = plan.release;
  bool changed_any = false;
  if (!acquire_list.empty()) {
    acquire(conn, acquire_list, rows, changed_any);
  }
  for (int32_t s = 0; s < static_cast<int32_t>(n); ++s) {
    const auto& row = rows[s];
    bool mine = row.node == cfg.node_id && row.incarnation == incarnation;
    size_t owner = mine ? me : row.live ? map->index_of(row.node) : shard_map::nobody;
    if (map->owner_of(s) == me && (owner != me || map->epoch_of(s) != row.epoch)) {
      changed_any = true; // lost it (or someone else took and gave it back meanwhile)
      log().warn("[lease {}] shard {} is no longer ours (now {} epoch {})", tag(), s,
                 row.node.empty() ? "released" : row.node, row.epoch);
      lease_counter("lost").add();
    }
    map->assign(s, owner, row.epoch);
  }
  if (changed_any) {
    changed();
  }
  if (!release_list.empty()) {
    begin_handoff(release_list);
  }
  for (auto& m : view.members) {
    for (const auto& row : rows) {
      m.shards += row.node == m.node && row.incarnation == m.incarnation ? 1 : 0;
    }
  }
  for (const auto& row : rows) {
    view.owner.push_back(row.live ? row.node : std::string{});
    view.epoch.push_back(row.epoch);
  }
  view.settled = plan.settled && to_release.empty();
  std::lock_guard<std::mutex> guard{mu};
  last = std::move(view);
  if (!joined) {
    joined = true;
    cv.notify_all();
  }
}

void lease_keeper::impl::acquire(pqxx::connection& conn, const std::vector<int32_t>& shards,
                                 std::vector<lease_row>& rows, bool& changed_any) {
  // One short transaction per shard: a takeover never holds more than one lease row, and one
  // blocked by a paused writer's lock (`lock_timeout`) is simply tried again next tick.
  std::vector<std::pair<int32_t, int64_t>> got;
  for (auto s : shards) {
    try {
      pqxx::work txn{conn, "lease_acquire"};
      txn.exec0("SET LOCAL lock_timeout = " + std::to_string(cfg.renew.count() / 2 + 1));
      auto r = txn.exec_params(
        "UPDATE shard_leases l SET node = $3, incarnation = $4, epoch = l.epoch + 1,"
        " acquired_at = now()"
        " WHERE l.cluster = $1 AND l.shard = $2 AND l.epoch = $5 AND NOT EXISTS ("
        "  SELECT 1 FROM cluster_members m WHERE m.cluster = l.cluster AND m.node = l.node"
        "  AND m.incarnation = l.incarnation AND m.expires_at > now())"
        " RETURNING l.epoch",
        cfg.cluster, s, cfg.node_id, incarnation, rows[s].epoch);
      txn.commit();
      if (!r.empty()) {
        got.emplace_back(s, r[0][0].as<int64_t>());
      }
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != "55P03") { // lock_not_available
        throw;
      }
      log().info("[lease {}] shard {} is still locked by its old owner's writer; retrying", tag(),
                 s);
    }
  }
  std::string from;
  for (auto [s, epoch] : got) {
    if (!rows[s].node.empty() && from.find(rows[s].node) == std::string::npos) {
      from += (from.empty() ? "" : ",") + rows[s].node;
    }
    rows[s] = lease_row{cfg.node_id, incarnation, epoch, true};
    changed_any = true;
  }
  if (!got.empty()) {
    lease_counter("acquired").add(static_cast<int64_t>(got.size()));
    log().info("[lease {}] acquired {} shards (first {} epoch {}){}", tag(), got.size(),
               got.front().first, got.front().second,
               from.empty() ? std::string{} : " taken over from " + from);
  }
}

void lease_keeper::impl::begin_handoff(const std::vector<int32_t>& shards) {
  for (auto s : shards) {
    releasing.insert(s);
    map->set_handing_off(s, true);
  }
  log().info("[lease {}] handing off {} shards (first {})", tag(), shards.size(), shards.front());
  handoff(shards, [this, shards](bool ok) {
    std::lock_guard<std::mutex> guard{mu};
    handoffs_done.emplace_back(shards, ok);
    cv.notify_all();
  });
}

void lease_keeper::impl::release(pqxx::connection& conn) {
  pqxx::work txn{conn, "lease_release"};
  auto res = txn.exec_params("UPDATE shard_leases SET node = NULL, incarnation = 0"
                             " WHERE cluster = $1 AND shard = ANY($2::int[]) AND node = $3"
                             " AND incarnation = $4 RETURNING shard, epoch",
                             cfg.cluster, int_array(to_release), cfg.node_id, incarnation);
  txn.commit();
  for (const auto& r : res) {
    map->assign(r[0].as<int32_t>(), shard_map::nobody, r[1].as<int64_t>());
  }
  for (auto s : to_release) {
    map->set_handing_off(s, false);
  }
  lease_counter("released").add(static_cast<int64_t>(res.size()));
  log().info("[lease {}] released {} shards", tag(), res.size());
  to_release.clear();
}

lease_keeper::lease_keeper(pg_settings db, lease_settings settings,
                           std::shared_ptr<runtime::shard_map> map, handoff_fn handoff,
                           changed_fn changed)
    : impl_(std::make_unique<impl>()) {
  impl_->db = std::move(db);
  impl_->cfg = std::move(settings);
  impl_->map = std::move(map);
  impl_->handoff = std::move(handoff);
  impl_->changed = std::move(changed);
  impl_->me = impl_->map->index_of(impl_->cfg.node_id);
  if (impl_->me == shard_map::nobody) {
    throw std::invalid_argument("lease_keeper: node " + impl_->cfg.node_id + " is not in the map");
  }
  runtime::metrics::global().describe("lakoo_shard_lease_events_total", "counter",
                                      "Shard lease events of this node.");
  impl_->worker = std::thread([this] { impl_->run(); });
}

lease_keeper::~lease_keeper() {
  stop();
}

bool lease_keeper::wait_joined(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> guard{impl_->mu};
  return impl_->cv.wait_for(guard, timeout, [this] { return impl_->joined; });
}

void lease_keeper::leave(std::chrono::milliseconds budget) {
  {
    std::lock_guard<std::mutex> guard{impl_->mu};
    if (impl_->stopping) {
      return;
    }
    impl_->leaving = true;
  }
  impl_->cv.notify_all();
  log().info("[lease {}] leaving: handing off {} shards", impl_->tag(),
             impl_->map->shards_of(impl_->me));
  auto deadline = steady::now() + budget;
  while (steady::now() < deadline && impl_->map->shards_of(impl_->me) > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Whatever is left is taken over at once by the survivors.
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  {
    std::lock_guard<std::mutex> guard{impl_->mu};
    auto finish = [&m, &cv, &done] {
      std::lock_guard<std::mutex> g{m};
      done = true;
      cv.notify_all();
    };
    impl_->commands.push_back(
      {[this, finish](pqxx::connection& conn) {
         pqxx::work txn{conn, "lease_leave"};
         txn.exec_params0("UPDATE cluster_members SET expires_at = now() - interval '1 millisecond'"
                          " WHERE cluster = $1 AND node = $2 AND incarnation = $3",
                          impl_->cfg.cluster, impl_->cfg.node_id, impl_->incarnation);
         txn.commit();
         impl_->map->set_lease_deadline(steady::time_point{});
         impl_->left = true;
         finish();
       },
       [finish](std::string) { finish(); }});
  }
  impl_->cv.notify_all();
  std::unique_lock<std::mutex> guard{m};
  cv.wait_for(guard, std::chrono::seconds(3), [&] { return done; });
  log().info("[lease {}] left the cluster ({} shards still held)", impl_->tag(),
             impl_->map->shards_of(impl_->me));
}

void lease_keeper::stop() {
  {
    std::lock_guard<std::mutex> guard{impl_->mu};
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->worker.joinable()) {
    impl_->worker.join();
  }
}

runtime::placement_view lease_keeper::view() const {
  std::lock_guard<std::mutex> guard{impl_->mu};
  return impl_->last;
}

void lease_keeper::set_state(std::string node, std::string state, command_done done) {
  if (state != "active" && state != "draining") {
    done({refusal::invalid, "state must be active or draining"});
    return;
  }
  std::lock_guard<std::mutex> guard{impl_->mu};
  impl_->commands.push_back(
    {[this, node, state, done](pqxx::connection& conn) {
       pqxx::work txn{conn, "lease_state"};
       auto r = txn.exec_params("UPDATE cluster_members SET state = $3"
                                " WHERE cluster = $1 AND node = $2 RETURNING node",
                                impl_->cfg.cluster, node, state);
       txn.commit();
       if (r.empty()) {
         done({refusal::not_found, "node " + node + " has never joined this cluster"});
         return;
       }
       log().info("[lease {}] operator set node {} to {}", impl_->tag(), node, state);
       done({});
     },
     unavailable(done)});
  impl_->cv.notify_all();
}

void lease_keeper::move_shard(int32_t shard, std::string node, command_done done) {
  const auto& nodes = impl_->map->node_ids();
  if (shard < 0 || shard >= impl_->map->shard_count()) {
    done({refusal::not_found, "no such shard"});
    return;
  }
  if (impl_->map->index_of(node) == shard_map::nobody) {
    done({refusal::not_found, "no such node"});
    return;
  }
  bool home = nodes[static_cast<size_t>(shard) % nodes.size()] == node;
  std::lock_guard<std::mutex> guard{impl_->mu};
  impl_->commands.push_back(
    {[this, shard, node, home, done](pqxx::connection& conn) {
       pqxx::work txn{conn, "lease_move"};
       if (home) {
         txn.exec_params0("DELETE FROM shard_moves WHERE cluster = $1 AND shard = $2",
                          impl_->cfg.cluster, shard);
       } else {
         txn.exec_params0("INSERT INTO shard_moves(cluster, shard, target) VALUES ($1, $2, $3)"
                          " ON CONFLICT (cluster, shard) DO UPDATE SET target = excluded.target,"
                          " requested_at = now()",
                          impl_->cfg.cluster, shard, node);
       }
       txn.commit();
       log().info("[lease {}] operator moved shard {} to {}", impl_->tag(), shard, node);
       done({});
     },
     unavailable(done)});
  impl_->cv.notify_all();
}

} // namespace lakoo::persistence
