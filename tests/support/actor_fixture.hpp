#pragma once

/// A real actor system with this node's router over a memory store: for entity tests that need
/// real concurrency. Every wait is bounded.

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "actors/identity/identity.hpp"
#include "actors/protocol/messages.hpp"
#include "nodes/router.hpp"
#include "tests/support/memory_store.hpp"

namespace lakoo::test {

inline caf::actor_system_config& configured(caf::actor_system_config& cfg) {
  protocol::add_message_types(cfg);
  cfg.set("scheduler.max-threads", size_t{2});
  return cfg;
}

/// The kinds that each of `registers` adds, e.g. `kinds_of(identity::register_kinds)`.
template <class... Register>
runtime::entity_kinds kinds_of(Register... registers) {
  runtime::entity_kinds kinds;
  (registers(kinds), ...);
  return kinds;
}

struct actor_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{configured(cfg)};
  memory_store store;
  std::shared_ptr<runtime::entity_env> env = std::make_shared<runtime::entity_env>();
  caf::actor router;
  caf::scoped_actor self{sys};

  explicit actor_fixture(runtime::entity_kinds kinds,
                         std::chrono::seconds idle_ttl = std::chrono::seconds(60)) {
    env->store = &store;
    env->shards = std::make_shared<runtime::shard_map>(std::vector<std::string>{"n1"}, 16);
    env->node_id = "n1";
    env->request_timeout = std::chrono::seconds(5);
    env->idle_ttl = idle_ttl;
    env->set_settings(identity::identity_settings{900, 3600});
    runtime::router_settings rs;
    rs.kinds = std::move(kinds);
    router = runtime::spawn_router(sys, env, std::move(rs));
  }

  ~actor_fixture() { caf::anon_send_exit(router, caf::exit_reason::user_shutdown); }

  /// Live entity actors of `kind` on this node (-1 if the router did not answer).
  int64_t alive(const std::string& kind) {
    int64_t n = -1;
    self->request(router, std::chrono::seconds(5), protocol::stats_atom::value)
      .receive(
        [&](protocol::router_stats& s) {
          n = 0;
          for (size_t i = 0; i < s.kinds.size(); ++i) {
            n += s.kinds[i] == kind ? s.alive[i] : 0;
          }
        },
        [&](caf::error&) {});
    return n;
  }

  /// Polls (bounded) until no actor of `kind` is alive, i.e. all have passivated.
  bool wait_passivated(const std::string& kind,
                       std::chrono::seconds limit = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (alive(kind) != 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return alive(kind) == 0;
  }

  /// Sends every `(key, message)` of `asks` at once while the entities are still activating
  /// (every snapshot load is held until all of them have been sent), so they all wait for their
  /// entity together: the race of first messages at activation, forced instead of hoped for.
  /// `lanes` threads send (each sends its share, then collects the answers). Returns the replies
  /// in the order of `asks`, and whether every message had been sent before the loads were
  /// released (assert it: the proof that they overlapped).
  template <class Reply, class Msg>
  std::pair<std::vector<caf::expected<Reply>>, bool>
  ask_all_at_activation(const std::vector<std::pair<std::string, Msg>>& asks, size_t lanes = 8) {
    std::vector<caf::expected<Reply>> out;
    for (size_t i = 0; i < asks.size(); ++i) {
      out.emplace_back(caf::make_error(caf::sec::request_timeout));
    }
    std::atomic<size_t> sent{0};
    store.hold_loads(true);
    std::vector<std::thread> threads;
    for (size_t lane = 0; lane < lanes && lane < asks.size(); ++lane) {
      threads.emplace_back([&, lane] {
        caf::scoped_actor me{sys};
        using handle_type
          = decltype(me->request(router, std::chrono::seconds(10), protocol::route_atom::value,
                                 std::string{}, caf::message{}));
        std::vector<std::pair<size_t, handle_type>> pending;
        for (size_t i = lane; i < asks.size(); i += lanes) {
          pending.emplace_back(i, me->request(router, std::chrono::seconds(10),
                                              protocol::route_atom::value, asks[i].first,
                                              caf::make_message(asks[i].second)));
          ++sent;
        }
        for (auto& [i, h] : pending) {
          auto at = i;
          h.receive([&](Reply& r) { out[at] = std::move(r); },
                    [&](caf::error& e) { out[at] = std::move(e); });
        }
      });
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (sent.load() < asks.size() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    bool all_sent = sent.load() == asks.size();
    store.hold_loads(false);
    for (auto& t : threads) {
      t.join();
    }
    return {std::move(out), all_sent};
  }

  /// `ask_all_at_activation` with every message for one entity `key`.
  template <class Reply, class Msg>
  std::pair<std::vector<caf::expected<Reply>>, bool>
  ask_at_activation(const std::string& key, const std::vector<Msg>& msgs) {
    std::vector<std::pair<std::string, Msg>> asks;
    for (const auto& m : msgs) {
      asks.emplace_back(key, m);
    }
    return ask_all_at_activation<Reply>(asks);
  }

  /// Sends `msg` to entity `key` through the router and waits (bounded) for the reply.
  template <class Reply, class Msg>
  caf::expected<Reply> ask(const std::string& key, Msg msg) {
    caf::expected<Reply> out{caf::make_error(caf::sec::request_timeout)};
    self
      ->request(router, std::chrono::seconds(10), protocol::route_atom::value, key,
                caf::make_message(std::move(msg)))
      .receive([&](Reply& r) { out = std::move(r); }, [&](caf::error& e) { out = std::move(e); });
    return out;
  }
};

} // namespace lakoo::test
