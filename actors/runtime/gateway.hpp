#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/expected.hpp>
#include <caf/make_message.hpp>

#include "actors/protocol/messages.hpp"

namespace lakoo::runtime {

/// Lets non-actor threads (the HTTP edge's io threads) talk to entities without blocking.
///
/// `ask<Reply>(protocol::cart_ref{user}, msg, done)` hands the request to one of a few
/// long-lived bridge actors,
/// which send it through the node's router with the gateway's timeout. `done` runs exactly once
/// on a CAF thread with the reply or an error (timeout, unreachable owner, domain error): the
/// caller must hop back to its own executor and must not block.
class gateway {
public:
  /// Deadlines of a bridge's requests, oldest first (all share one timeout, so appending keeps
  /// the order). A periodic sweep fires the expired ones; a request that was answered first
  /// makes its entry a no-op. This replaces one CAF clock timer per request (which in 0.17
  /// also fires, as an extra message, after the reply came) by one timer per bridge.
  struct expiry_queue {
    std::deque<std::pair<caf::timestamp, std::function<void()>>> items;
  };

  /// A piece of work run inside a bridge actor.
  struct job {
    std::function<void(caf::event_based_actor*, expiry_queue&)> run;
  };

  gateway(caf::actor_system& sys, caf::actor router, std::chrono::milliseconds timeout,
          size_t bridges = 2);

  /// Back-pressure: at most `per_node` asks wait on entities at once (more: `unavailable`,
  /// 503), and at most `per_entity` for one entity key (more: `rate_limited`, 429). Refused
  /// asks are answered at once and never reach the router. Messages between actors (saga
  /// steps, timers, persistence) do not pass through here, so they are never refused.
  void set_limits(size_t per_node, size_t per_entity);
  ~gateway();

  gateway(const gateway&) = delete;
  gateway& operator=(const gateway&) = delete;

  /// Asks entity `to` for `msg`; `Reply` must be what `to`'s kind answers `msg` (LAKOO_VERB).
  template <class Reply, class Kind, class Msg, class Done>
  void ask(const protocol::ref<Kind>& to, Msg msg, Done done) {
    protocol::check_reply<Reply, protocol::ref<Kind>, Msg>();
    ask_key<Reply>(to.key(), std::move(msg), std::move(done));
  }

  /// Runs `run` inside a bridge actor (for requests other than entity routing).
  void post(job j);

  const caf::actor& router() const { return router_; }
  caf::actor_system& system() const { return *sys_; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  /// Asks waiting on entities now.
  int64_t in_flight() const;

  /// The admission counts, shared with the bridges' callbacks.
  struct admission;

private:
  template <class Reply, class Msg, class Done>
  void ask_key(std::string key, Msg msg, Done done) {
    auto shared_done = std::make_shared<Done>(std::move(done));
    if (auto refused = admit(key)) {
      post(job{[shared_done, refused](caf::event_based_actor*, expiry_queue&) mutable {
        (*shared_done)(caf::expected<Reply>{std::move(*refused)});
      }});
      return;
    }
    auto router = router_;
    auto timeout = timeout_;
    auto limits = limits_;
    post(job{[key = std::move(key), msg = std::move(msg), shared_done, router, timeout,
              limits](caf::event_based_actor* self, expiry_queue& expiries) mutable {
      // All three callbacks run in this bridge actor: a plain flag settles the race.
      auto settled = std::make_shared<bool>(false);
      auto settle = [settled, limits, key] {
        if (*settled) {
          return false;
        }
        *settled = true;
        release(*limits, key);
        return true;
      };
      expiries.items.emplace_back(caf::make_timestamp() + timeout, [settle, shared_done] {
        if (settle()) {
          (*shared_done)(caf::expected<Reply>{caf::make_error(caf::sec::request_timeout)});
        }
      });
      self
        ->request(router, caf::infinite, protocol::route_atom::value, key,
                  caf::make_message(std::move(msg)))
        .then(
          [settle, shared_done](Reply& r) {
            if (settle()) {
              (*shared_done)(caf::expected<Reply>{std::move(r)});
            }
          },
          [settle, shared_done](caf::error& e) {
            if (settle()) {
              (*shared_done)(caf::expected<Reply>{std::move(e)});
            }
          });
    }});
  }

  /// Counts `key` in, or the error that refuses it.
  std::optional<caf::error> admit(const std::string& key);
  static void release(admission& adm, const std::string& key);

  std::shared_ptr<admission> limits_;
  caf::actor_system* sys_;
  caf::actor router_;
  std::chrono::milliseconds timeout_;
  std::vector<caf::actor> bridges_;
  std::atomic<size_t> next_{0};
};

} // namespace lakoo::runtime

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(lakoo::runtime::gateway::job)
