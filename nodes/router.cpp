#include "nodes/router.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/log.hpp"
#include "actors/runtime/metrics.hpp"
#include "actors/runtime/node_status.hpp"

namespace lakoo::runtime {

namespace {

using protocol::errc;

struct entry {
  caf::actor handle;
  int32_t shard = 0;
  int64_t epoch = 0; ///< the shard's epoch when it was activated
  bool stopping = false;
  bool handing_off = false;
  /// Messages that arrived while the entity was stopping: (promise to the sender, payload).
  std::vector<std::pair<caf::response_promise, caf::message>> waiting;
};

struct router_state {
  static inline const char* name = "lakoo.router";
  std::shared_ptr<const entity_env> env;
  router_settings settings;
  std::unordered_map<std::string, entry> entities;
  std::unordered_map<caf::actor_addr, std::string> key_of;
  std::vector<caf::actor> peers; ///< by node index; null while unreachable
  std::map<std::string, int64_t> alive_per_kind;
  gauge* alive_total = nullptr;
  /// Handoffs waiting for the last entity of their shards to stop.
  std::vector<std::pair<std::set<int32_t>, caf::response_promise>> handoffs;
};

using router_actor = caf::stateful_actor<router_state>;

counter& moving_counter() {
  static auto& c = metrics::global().counter_of("lakoo_shard_unavailable_total");
  return c;
}

gauge& alive_gauge(const std::string& kind) {
  return metrics::global().gauge_of("lakoo_actors_alive", "kind=\"" + kind + "\"");
}

/// Spawns the entity of `key` and starts tracking it; a null handle for an unknown kind.
caf::actor activate(router_actor* self, const std::string& key) {
  auto& st = self->state;
  auto kind = kind_of(key);
  auto spawner = st.settings.kinds.find(kind);
  if (spawner == st.settings.kinds.end() || id_of(key).empty()) {
    return nullptr;
  }
  auto shard = st.env->shards->shard_of(key);
  auto epoch = st.env->shards->epoch_of(shard);
  auto handle = spawner->second(self->system(), id_of(key), st.env);
  self->monitor(handle);
  st.key_of.emplace(handle.address(), key);
  st.entities.emplace(key, entry{handle, shard, epoch, false, false, {}});
  alive_gauge(kind).add(1);
  st.alive_per_kind[kind] += 1;
  return handle;
}

/// Activates `key` if needed and hands `payload` to it, keeping the original sender.
caf::result<caf::message> deliver_local(router_actor* self, const std::string& key,
                                        caf::message& payload) {
  auto& st = self->state;
  auto i = st.entities.find(key);
  if (i != st.entities.end()) {
    if (!i->second.stopping && i->second.epoch != st.env->shards->epoch_of(i->second.shard)) {
      // Activated under an older lease of this shard: its memory may predate another owner's
      // writes. Stop it; the message goes to a fresh activation that loads the truth.
      i->second.stopping = true;
      self->send_exit(i->second.handle, caf::exit_reason::kill);
    }
    if (i->second.stopping) {
      auto rp = self->make_response_promise();
      i->second.waiting.emplace_back(rp, std::move(payload));
      return rp;
    }
    self->delegate(i->second.handle, std::move(payload));
    return caf::delegated<caf::message>{};
  }
  auto handle = activate(self, key);
  if (!handle) {
    return caf::make_error(errc::not_found, "no such entity kind");
  }
  self->delegate(handle, std::move(payload));
  return caf::delegated<caf::message>{};
}

caf::result<caf::message> route(router_actor* self, const std::string& key, caf::message& payload,
                                bool may_forward) {
  auto& st = self->state;
  const auto& shards = *st.env->shards;
  auto shard = shards.shard_of(key);
  auto owner = shards.owner_of(shard);
  if (owner == st.settings.node_index) {
    if (!shards.serves(shard, owner)) {
      moving_counter().add();
      return caf::make_error(errc::unavailable, "shard is moving, retry shortly");
    }
    return deliver_local(self, key, payload);
  }
  if (!may_forward) {
    moving_counter().add();
    return caf::make_error(errc::unavailable, "shard is not owned by this node");
  }
  if (owner == shard_map::nobody || owner >= st.peers.size()) {
    moving_counter().add();
    return caf::make_error(errc::unavailable, "shard is moving, retry shortly");
  }
  const auto& peer = st.peers[owner];
  if (!peer) {
    return caf::make_error(errc::unavailable, "owner node is unreachable");
  }
  self->delegate(peer, protocol::deliver_atom::value, key, std::move(payload));
  return caf::delegated<caf::message>{};
}

/// `cast_atom`: see its declaration.
void cast(router_actor* self, const std::string& kind, std::vector<std::string>& ids,
          const caf::message& payload, bool forwarded) {
  auto& st = self->state;
  static auto& delivered
    = metrics::global().counter_of("lakoo_cast_total", "outcome=\"delivered\"");
  static auto& skipped = metrics::global().counter_of("lakoo_cast_total", "outcome=\"inactive\"");
  std::vector<std::vector<std::string>> remote(st.peers.size());
  int64_t sent = 0;
  int64_t idle = 0;
  for (auto& id : ids) {
    auto key = kind + ":" + id;
    auto owner = st.env->shards->owner_of(st.env->shards->shard_of(key));
    if (owner != st.settings.node_index) {
      if (!forwarded && owner < remote.size()) {
        remote[owner].push_back(std::move(id));
      }
      continue; // a hop that missed (the shard moved): the cache rebuilds itself
    }
    auto i = st.entities.find(key);
    if (i == st.entities.end() || i->second.stopping) {
      ++idle;
      continue;
    }
    caf::anon_send(i->second.handle, payload); // anonymous: the entity's answer goes nowhere
    ++sent;
  }
  delivered.add(sent);
  skipped.add(idle);
  for (size_t n = 0; n < remote.size(); ++n) {
    if (!remote[n].empty() && st.peers[n]) {
      self->send(st.peers[n], protocol::cast_atom::value, kind, std::move(remote[n]), payload,
                 true);
    }
  }
}

void settle_handoffs(router_actor* self);

void on_entity_down(router_actor* self, const caf::down_msg& dm) {
  auto& st = self->state;
  auto k = st.key_of.find(dm.source);
  if (k == st.key_of.end()) {
    return;
  }
  auto key = std::move(k->second);
  st.key_of.erase(k);
  auto i = st.entities.find(key);
  if (i == st.entities.end() || i->second.handle.address() != dm.source) {
    return;
  }
  auto waiting = std::move(i->second.waiting);
  st.entities.erase(i);
  auto kind = kind_of(key);
  alive_gauge(kind).add(-1);
  st.alive_per_kind[kind] -= 1;
  if (dm.reason && dm.reason != caf::exit_reason::normal) {
    log().warn("[entity {}] stopped: {}", key, caf::to_string(dm.reason));
  }
  settle_handoffs(self);
  // Messages that arrived while it was stopping go to a fresh activation, in order (if this
  // node still serves the shard).
  if (waiting.empty()) {
    return;
  }
  auto shard = st.env->shards->shard_of(key);
  if (!st.env->shards->serves(shard, st.settings.node_index)) {
    for (auto& [rp, payload] : waiting) {
      rp.deliver(caf::make_error(errc::unavailable, "shard is moving, retry shortly"));
    }
    return;
  }
  auto handle = activate(self, key);
  for (auto& [rp, payload] : waiting) {
    if (handle) {
      rp.delegate(handle, std::move(payload));
    } else {
      rp.deliver(caf::make_error(errc::not_found, "no such entity kind"));
    }
  }
}

/// Answers every handoff none of whose shards has a live entity left.
void settle_handoffs(router_actor* self) {
  auto& st = self->state;
  if (st.handoffs.empty()) {
    return;
  }
  std::set<int32_t> busy;
  for (const auto& kv : st.entities) {
    busy.insert(kv.second.shard);
  }
  auto& hs = st.handoffs;
  for (auto it = hs.begin(); it != hs.end();) {
    bool done = std::none_of(it->first.begin(), it->first.end(),
                             [&](int32_t s) { return busy.count(s) > 0; });
    if (done) {
      it->second.deliver(true);
      it = hs.erase(it);
    } else {
      ++it;
    }
  }
}

/// `handoff_atom`: stops every entity of `shards` gracefully; answers once all are gone.
caf::result<bool> handoff(router_actor* self, std::vector<int32_t>& shards) {
  auto& st = self->state;
  std::set<int32_t> set(shards.begin(), shards.end());
  size_t stopping = 0;
  for (auto& kv : st.entities) {
    auto& e = kv.second;
    if (set.count(e.shard) == 0) {
      continue;
    }
    ++stopping;
    if (!e.stopping && !e.handing_off) {
      e.handing_off = true;
      self->send(e.handle, protocol::passivate_atom::value);
    }
  }
  log().info("[router] handing off {} shards, stopping {} entities", set.size(), stopping);
  if (stopping == 0) {
    return true;
  }
  auto rp = self->make_response_promise();
  st.handoffs.emplace_back(std::move(set), rp);
  return rp;
}

/// `reshard_atom`: stops at once the entities of shards this node lost (or re-acquired under a
/// newer epoch); their writes would be refused anyway.
void reshard(router_actor* self) {
  auto& st = self->state;
  const auto& shards = *st.env->shards;
  size_t n = 0;
  for (auto& kv : st.entities) {
    auto& e = kv.second;
    bool lost
      = shards.owner_of(e.shard) != st.settings.node_index || shards.epoch_of(e.shard) != e.epoch;
    if (lost && !e.stopping) {
      e.stopping = true;
      self->send_exit(e.handle, caf::exit_reason::kill);
      ++n;
    }
  }
  if (n > 0) {
    log().warn("[router] stopped {} entities of shards this node no longer owns", n);
  }
}

protocol::router_stats local_stats(router_actor* self) {
  auto& st = self->state;
  protocol::router_stats out;
  out.node_id = st.env->node_id;
  for (const auto& [kind, n] : st.alive_per_kind) {
    out.kinds.push_back(kind);
    out.alive.push_back(n);
  }
  auto& status = node_status::global();
  out.mailbox_total = static_cast<int64_t>(self->mailbox().size());
  for (const auto& kind : out.kinds) {
    (void)kind;
    out.mailbox_peak.push_back(0);
  }
  for (const auto& [kind, depth] : status.take_mailbox_peaks()) {
    out.mailbox_max = std::max(out.mailbox_max, depth);
    auto k = std::find(out.kinds.begin(), out.kinds.end(), kind);
    if (k != out.kinds.end()) {
      out.mailbox_peak[static_cast<size_t>(k - out.kinds.begin())] = depth;
    }
  }
  out.shards_owned = st.env->shards->shards_of(st.settings.node_index);
  out.incarnation = status.incarnation();
  for (const auto& [stage, n] : status.sagas()) {
    out.saga_stages.push_back(stage);
    out.saga_counts.push_back(n);
  }
  out.recent_errors = status.recent_errors();
  out.in_flight = status.in_flight();
  for (size_t i = 0; i < st.peers.size(); ++i) {
    if (st.peers[i]) {
      out.peers_up.push_back(st.env->shards->node_ids()[i]);
    }
  }
  return out;
}

/// Asks every reachable peer for its stats (bounded wait) and answers with all of them.
caf::result<std::vector<protocol::router_stats>> cluster_stats(router_actor* self) {
  auto all = std::make_shared<std::vector<protocol::router_stats>>();
  all->push_back(local_stats(self));
  auto pending = std::make_shared<size_t>(0);
  for (const auto& peer : self->state.peers) {
    *pending += peer ? 1 : 0;
  }
  if (*pending == 0) {
    return *all;
  }
  auto rp = self->make_response_promise();
  for (const auto& peer : self->state.peers) {
    if (!peer) {
      continue;
    }
    auto one_done = [rp, all, pending]() mutable {
      if (--*pending == 0) {
        rp.deliver(*all);
      }
    };
    self->request(peer, std::chrono::seconds(1), protocol::stats_atom::value)
      .then(
        [all, one_done](protocol::router_stats& s) mutable {
          all->push_back(std::move(s));
          one_done();
        },
        [one_done](caf::error&) mutable { one_done(); });
  }
  return rp;
}

caf::behavior router_impl(router_actor* self, std::shared_ptr<const entity_env> env,
                          router_settings settings) {
  self->state.env = std::move(env);
  self->state.peers.resize(self->state.env->shards->node_ids().size());
  self->state.settings = std::move(settings);
  self->set_down_handler([self](caf::down_msg& dm) { on_entity_down(self, dm); });
  // Node shutdown: take every live entity down with the router.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    for (auto& kv : self->state.entities) {
      self->send_exit(kv.second.handle, msg.reason);
    }
    self->quit(msg.reason);
  });
  return {
    [self](protocol::route_atom, const std::string& key, caf::message& payload) {
      return route(self, key, payload, true);
    },
    [self](protocol::deliver_atom, const std::string& key, caf::message& payload) {
      return route(self, key, payload, false);
    },
    [self](protocol::cast_atom, const std::string& kind, std::vector<std::string>& ids,
           const caf::message& payload,
           bool forwarded) { cast(self, kind, ids, payload, forwarded); },
    [self](protocol::passivate_atom, const std::string& key) {
      auto i = self->state.entities.find(key);
      auto sender = caf::actor_cast<caf::actor_addr>(self->current_sender());
      if (i == self->state.entities.end() || i->second.stopping
          || i->second.handle.address() != sender) {
        return false;
      }
      i->second.stopping = true;
      return true;
    },
    [self](protocol::peer_up_atom, uint64_t index, caf::actor& peer) {
      if (index < self->state.peers.size()) {
        log().info("[router] peer {} up", self->state.env->shards->node_ids()[index]);
        self->state.peers[index] = std::move(peer);
      }
    },
    [self](protocol::peer_down_atom, uint64_t index) {
      if (index < self->state.peers.size() && self->state.peers[index]) {
        log().warn("[router] peer {} down", self->state.env->shards->node_ids()[index]);
        self->state.peers[index] = nullptr;
      }
    },
    [self](protocol::revoked_atom, const std::string& family, int64_t until) {
      self->state.env->revocations->add(family, until);
      for (const auto& peer : self->state.peers) {
        if (peer) {
          self->send(peer, protocol::revoked_atom::value, family, until, true);
        }
      }
    },
    [self](protocol::revoked_atom, const std::string& family, int64_t until, bool) {
      self->state.env->revocations->add(family, until);
    },
    [self](protocol::stats_atom) { return local_stats(self); },
    [self](protocol::handoff_atom, std::vector<int32_t>& shards) { return handoff(self, shards); },
    [self](protocol::reshard_atom) { reshard(self); },
    [self](protocol::cluster_atom) { return cluster_stats(self); },
  };
}

} // namespace

caf::actor spawn_router(caf::actor_system& sys, std::shared_ptr<entity_env> env,
                        router_settings settings) {
  metrics::global().describe("lakoo_actors_alive", "gauge", "Live entity actors per kind");
  auto handle = sys.spawn(router_impl, std::shared_ptr<const entity_env>{env}, std::move(settings));
  // Safe without a lock: the router reads env->router only while handling a message, and every
  // message is sent after this assignment. The resulting cycle ends when the router quits.
  env->router = handle;
  return handle;
}

} // namespace lakoo::runtime
