#include "nodes/lease_keeper.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include <spdlog/logger.h>

#include "actors/runtime/lease_policy.hpp"
#include "actors/runtime/log.hpp"
#include "actors/runtime/metrics.hpp"
#include "actors/runtime/node_status.hpp"
#include "nodes/log.hpp"

namespace lakoo::node {

using refusal = runtime::cluster_control::refusal;
using runtime::lease_row;
using runtime::lease_store;
using runtime::one_line;
using runtime::placement_view;
using runtime::shard_map;
using steady = std::chrono::steady_clock;

namespace {

/// A command's failure callback: the store could not run it.
std::function<void(std::string)> unavailable(runtime::cluster_control::command_done done) {
  return [done = std::move(done)](std::string why) {
    done({refusal::unavailable, std::move(why)});
  };
}

runtime::counter& lease_counter(const char* event) {
  return runtime::metrics::global().counter_of("lakoo_shard_lease_events_total",
                                               std::string{"event=\""} + event + "\"");
}

} // namespace

struct lease_keeper::impl {
  std::unique_ptr<lease_store> store;
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
  /// Operator commands for the keeper's store; `fail` when it cannot run them.
  struct command {
    std::function<void(lease_store&)> run;
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
  void step();
  void finish_handoffs(std::vector<std::pair<std::vector<int32_t>, bool>>& done);
  void run_commands(std::deque<command>& cmds);
  void join();
  void lose_membership();
  void tick();
  void acquire(const std::vector<int32_t>& shards, std::vector<lease_row>& rows, bool& changed_any);
  bool follow(const std::vector<lease_row>& rows);
  void publish(placement_view view, const std::vector<lease_row>& rows, bool settled);
  void release();
  void begin_handoff(const std::vector<int32_t>& shards);
  void push(command cmd);
};

void lease_keeper::impl::run() noexcept {
  runtime::name_this_thread("pg.leases");
  // After a failed step the next one waits at least this long: a step that keeps failing (a
  // join or release refused by the database) must not spin, since its tick may already be due.
  const auto failure_pause
    = std::min<std::chrono::milliseconds>(cfg.renew, std::chrono::milliseconds(200));
  try {
    for (;;) {
      bool failed = false;
      try {
        step();
      } catch (const lease_store::unreachable&) {
        // logged by the store; the lease deadline runs out and the router stops serving
        failed = true;
      } catch (const std::exception& e) {
        log().error("[lease {}] renewal failed: {}", tag(), one_line(e));
        store->reset(e);
        failed = true;
      }
      auto wake = failed ? std::max(next_tick, steady::now() + failure_pause) : next_tick;
      std::unique_lock<std::mutex> guard{mu};
      cv.wait_until(guard, wake, [this, failed] {
        return stopping || (!failed && (!commands.empty() || !handoffs_done.empty()));
      });
      if (stopping) {
        break;
      }
    }
  } catch (const std::exception& e) {
    log().critical("[lease {}] keeper died: {}", tag(), one_line(e));
  }
}

void lease_keeper::impl::step() {
  std::deque<command> cmds;
  std::vector<std::pair<std::vector<int32_t>, bool>> done;
  {
    std::lock_guard<std::mutex> guard{mu};
    cmds.swap(commands);
    done.swap(handoffs_done);
  }
  finish_handoffs(done);
  run_commands(cmds);
  if (left) {
    return;
  }
  if (!registered) {
    join();
  }
  if (!to_release.empty()) {
    release();
  }
  auto now = steady::now();
  if (now >= next_tick) {
    next_tick = now + cfg.renew;
    tick();
  }
}

void lease_keeper::impl::finish_handoffs(std::vector<std::pair<std::vector<int32_t>, bool>>& done) {
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
}

void lease_keeper::impl::run_commands(std::deque<command>& cmds) {
  while (!cmds.empty()) {
    auto cmd = std::move(cmds.front());
    cmds.pop_front();
    try {
      cmd.run(*store);
    } catch (const lease_store::unreachable&) {
      cmd.fail("the database is unreachable");
      for (auto& rest : cmds) {
        rest.fail("the database is unreachable");
      }
      throw;
    } catch (const std::exception& e) {
      cmd.fail(one_line(e));
      // The connection may be broken: the next step starts afresh, the rest wait for it.
      std::lock_guard<std::mutex> guard{mu};
      commands.insert(commands.begin(), std::make_move_iterator(cmds.begin()),
                      std::make_move_iterator(cmds.end()));
      throw;
    }
  }
}

void lease_keeper::impl::join() {
  auto inc = store->join(cfg.address, cfg.lease, map->shard_count());
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

void lease_keeper::impl::tick() {
  auto t0 = steady::now();
  bool want_leave = false;
  {
    std::lock_guard<std::mutex> guard{mu};
    want_leave = leaving;
  }
  auto read = store->renew(incarnation, want_leave, cfg.lease);
  if (!read) {
    lose_membership();
    return;
  }
  map->set_lease_deadline(t0 + cfg.lease - cfg.margin);

  placement_view view;
  view.incarnation = incarnation;
  view.state = read->state;
  view.member = true;
  view.members = std::move(read->members);
  view.moves = std::move(read->moves);
  std::vector<std::string> candidates;
  for (const auto& m : view.members) {
    if (m.live && m.state == "active" && map->index_of(m.node) != shard_map::nobody) {
      candidates.push_back(m.node);
    }
  }
  std::map<int32_t, std::string> moved;
  for (const auto& [s, target] : view.moves) {
    moved[s] = target;
  }
  auto n = static_cast<size_t>(map->shard_count());
  std::vector<lease_row> rows(n);
  for (auto& [s, row] : read->leases) {
    if (s >= 0 && static_cast<size_t>(s) < n) {
      rows[s] = std::move(row);
    }
  }
  runtime::lease_self self{cfg.node_id,
                           incarnation,
                           view.state,
                           steady::now() - joined_at < cfg.lease,
                           view.state == "active" ? cfg.rebalance_per_tick : cfg.drain_per_tick,
                           releasing};
  auto plan = runtime::plan_leases(self, rows, map->node_ids(), candidates, moved);
  bool changed_any = false;
  if (!plan.acquire.empty()) {
    acquire(plan.acquire, rows, changed_any);
  }
  if (follow(rows)) {
    changed_any = true;
  }
  if (changed_any) {
    changed();
  }
  if (!plan.release.empty()) {
    begin_handoff(plan.release);
  }
  publish(std::move(view), rows, plan.settled);
}

void lease_keeper::impl::acquire(const std::vector<int32_t>& shards, std::vector<lease_row>& rows,
                                 bool& changed_any) {
  // One short transaction per shard: a takeover never holds more than one lease row, and one
  // blocked by a paused writer's lock (`lock_timeout`) is simply tried again next tick.
  auto lock_timeout = std::chrono::milliseconds(cfg.renew.count() / 2 + 1);
  std::vector<std::pair<int32_t, int64_t>> got;
  for (auto s : shards) {
    if (auto epoch = store->acquire(s, incarnation, rows[s].epoch, lock_timeout)) {
      got.emplace_back(s, *epoch);
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

/// Brings the shard map in line with `rows`; whether this node lost a shard or an epoch.
bool lease_keeper::impl::follow(const std::vector<lease_row>& rows) {
  bool lost_any = false;
  for (int32_t s = 0; s < static_cast<int32_t>(rows.size()); ++s) {
    const auto& row = rows[s];
    bool mine = row.node == cfg.node_id && row.incarnation == incarnation;
    size_t owner = mine ? me : row.live ? map->index_of(row.node) : shard_map::nobody;
    if (map->owner_of(s) == me && (owner != me || map->epoch_of(s) != row.epoch)) {
      lost_any = true; // lost it (or someone else took and gave it back meanwhile)
      log().warn("[lease {}] shard {} is no longer ours (now {} epoch {})", tag(), s,
                 row.node.empty() ? "released" : row.node, row.epoch);
      lease_counter("lost").add();
    }
    map->assign(s, owner, row.epoch);
  }
  return lost_any;
}

/// Completes `view` from `rows` and makes it the one operators see.
void lease_keeper::impl::publish(placement_view view, const std::vector<lease_row>& rows,
                                 bool settled) {
  for (auto& m : view.members) {
    for (const auto& row : rows) {
      m.shards += row.node == m.node && row.incarnation == m.incarnation ? 1 : 0;
    }
  }
  for (const auto& row : rows) {
    view.owner.push_back(row.live ? row.node : std::string{});
    view.epoch.push_back(row.epoch);
  }
  view.settled = settled && to_release.empty();
  std::lock_guard<std::mutex> guard{mu};
  last = std::move(view);
  if (!joined) {
    joined = true;
    cv.notify_all();
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

void lease_keeper::impl::release() {
  auto released = store->release(incarnation, to_release);
  for (auto [s, epoch] : released) {
    map->assign(s, shard_map::nobody, epoch);
  }
  for (auto s : to_release) {
    map->set_handing_off(s, false);
  }
  lease_counter("released").add(static_cast<int64_t>(released.size()));
  log().info("[lease {}] released {} shards", tag(), released.size());
  to_release.clear();
}

void lease_keeper::impl::push(command cmd) {
  {
    std::lock_guard<std::mutex> guard{mu};
    commands.push_back(std::move(cmd));
  }
  cv.notify_all();
}

lease_keeper::lease_keeper(std::unique_ptr<runtime::lease_store> store, lease_settings settings,
                           std::shared_ptr<runtime::shard_map> map, handoff_fn handoff,
                           changed_fn changed)
    : impl_(std::make_unique<impl>()) {
  impl_->store = std::move(store);
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
  // Whatever is left is taken over at once by the survivors. Shared: the command may still run
  // (or fail) after this call gave up waiting for it.
  struct waiter {
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
  };
  auto w = std::make_shared<waiter>();
  auto finish = [w] {
    std::lock_guard<std::mutex> g{w->m};
    w->done = true;
    w->cv.notify_all();
  };
  impl_->push({[this, finish](lease_store& store) {
                 store.expire(impl_->incarnation);
                 impl_->map->set_lease_deadline(steady::time_point{});
                 impl_->left = true;
                 finish();
               },
               [finish](std::string) { finish(); }});
  std::unique_lock<std::mutex> guard{w->m};
  w->cv.wait_for(guard, std::chrono::seconds(3), [&] { return w->done; });
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
  impl_->push({[this, node, state, done](lease_store& store) {
                 if (!store.set_state(node, state)) {
                   done({refusal::not_found, "node " + node + " has never joined this cluster"});
                   return;
                 }
                 log().info("[lease {}] operator set node {} to {}", impl_->tag(), node, state);
                 done({});
               },
               unavailable(done)});
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
  impl_->push({[this, shard, node, home, done](lease_store& store) {
                 store.move_shard(shard, node, home);
                 log().info("[lease {}] operator moved shard {} to {}", impl_->tag(), shard, node);
                 done({});
               },
               unavailable(done)});
}

} // namespace lakoo::node
