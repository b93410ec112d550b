#pragma once

/// Entities asking other entities: one request, or many at once with one continuation. The
/// answers come back to the asking actor (its own thread, one message at a time), so the
/// continuation may read and change the actor's state. Every request has the node's request
/// timeout and an error handler (CAF 0.17 would quit the actor on an unhandled error).
///
/// Include only from entity implementation files (it pulls in CAF).

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/entity_env.hpp"

namespace lakoo::runtime {

/// The request of entity `to` for `msg` through the router, with the node's request timeout,
/// for a caller that attaches its own `.then(reply handler, error handler)`.
template <class Reply, class Actor, class Kind, class Msg>
auto route(Actor* self, const protocol::ref<Kind>& to, Msg msg) {
  protocol::check_reply<Reply, protocol::ref<Kind>, Msg>();
  const auto& env = *self->state.env;
  return self->request(env.router, env.request_timeout, protocol::route_atom::value, to.key(),
                       caf::make_message(std::move(msg)));
}

/// One request of a fan-out: sends itself from `self` and calls `finish(error or none)`.
template <class Actor>
struct outgoing {
  std::function<void(Actor*, std::function<void(caf::error)>)> run;
};

/// A request to entity `to` answered with a `Reply` (the reply itself is not kept).
template <class Reply, class Actor, class Kind, class Msg>
outgoing<Actor> request_to(const protocol::ref<Kind>& to, Msg msg) {
  protocol::check_reply<Reply, protocol::ref<Kind>, Msg>();
  return {[key = to.key(), m = caf::make_message(std::move(msg))](
            Actor* self, std::function<void(caf::error)> finish) {
    const auto& env = *self->state.env;
    self->request(env.router, env.request_timeout, protocol::route_atom::value, key, m)
      .then([finish](Reply&) { finish(caf::error{}); },
            [finish](caf::error& e) { finish(std::move(e)); });
  }};
}

/// Sends every request at once through the router; `done(errors)` runs in `self` once all have
/// answered (`errors[i]` is empty for a success), at once when there are none.
template <class Actor>
void fan_out(Actor* self, std::vector<outgoing<Actor>> sends,
             std::function<void(std::vector<caf::error>)> done) {
  if (sends.empty()) {
    return done({});
  }
  struct gather {
    std::vector<caf::error> errors;
    size_t pending = 0;
    std::function<void(std::vector<caf::error>)> done;
  };
  auto g = std::make_shared<gather>();
  g->errors.resize(sends.size());
  g->pending = sends.size();
  g->done = std::move(done);
  for (size_t i = 0; i < sends.size(); ++i) {
    sends[i].run(self, [g, i](caf::error e) {
      g->errors[i] = std::move(e);
      if (--g->pending == 0) {
        g->done(std::move(g->errors));
      }
    });
  }
}

/// Whether every answer of a fan-out was a success.
inline bool all_ok(const std::vector<caf::error>& errors) {
  for (const auto& e : errors) {
    if (e) {
      return false;
    }
  }
  return true;
}

/// Asks entity `tos[i]` for `msg` (the same message to each), all at once; `done(replies)`
/// runs in `self` with the replies in the order of `tos` (each a value or an error).
template <class Reply, class Actor, class Kind, class Msg>
void ask_each(Actor* self, const std::vector<protocol::ref<Kind>>& tos, const Msg& msg,
              std::function<void(std::vector<caf::expected<Reply>>)> done) {
  protocol::check_reply<Reply, protocol::ref<Kind>, Msg>();
  if (tos.empty()) {
    return done({});
  }
  struct gather {
    std::vector<caf::expected<Reply>> replies;
    size_t pending = 0;
    std::function<void(std::vector<caf::expected<Reply>>)> done;
  };
  auto g = std::make_shared<gather>();
  for (size_t i = 0; i < tos.size(); ++i) {
    g->replies.emplace_back(caf::make_error(caf::sec::request_timeout));
  }
  g->pending = tos.size();
  g->done = std::move(done);
  const auto& env = *self->state.env;
  auto m = caf::make_message(msg);
  for (size_t i = 0; i < tos.size(); ++i) {
    auto finish = [g, i](caf::expected<Reply> x) {
      g->replies[i] = std::move(x);
      if (--g->pending == 0) {
        g->done(std::move(g->replies));
      }
    };
    self->request(env.router, env.request_timeout, protocol::route_atom::value, tos[i].key(), m)
      .then([finish](Reply& r) { finish(std::move(r)); },
            [finish](caf::error& e) { finish(std::move(e)); });
  }
}

/// Asks entity `to` for `msg`; `done(reply or error)` runs in `self`.
template <class Reply, class Actor, class Kind, class Msg>
void ask_one(Actor* self, const protocol::ref<Kind>& to, Msg msg,
             std::function<void(caf::expected<Reply>)> done) {
  protocol::check_reply<Reply, protocol::ref<Kind>, Msg>();
  const auto& env = *self->state.env;
  self
    ->request(env.router, env.request_timeout, protocol::route_atom::value, to.key(),
              caf::make_message(std::move(msg)))
    .then([done](Reply& r) { done(std::move(r)); }, [done](caf::error& e) { done(std::move(e)); });
}

/// Answers `value` once entity `to` says it exists (asked `msg`): its not_found becomes
/// not_found `what`, any other error is passed on. For an owner that holds nothing yet and so
/// cannot tell "empty" from "no such subject" itself (the reviews of a product, a user's graph).
template <class Probe, class Actor, class Kind, class Msg, class T>
caf::response_promise answer_if_exists(Actor* self, const protocol::ref<Kind>& to, Msg msg,
                                       std::string what, T value) {
  auto rp = self->make_response_promise();
  ask_one<Probe>(
    self, to, std::move(msg),
    [rp, what = std::move(what), value = std::move(value)](caf::expected<Probe> found) mutable {
      if (!found) {
        rp.deliver(found.error() == protocol::errc::not_found
                     ? caf::make_error(protocol::errc::not_found, what)
                     : found.error());
        return;
      }
      rp.deliver(std::move(value));
    });
  return rp;
}

} // namespace lakoo::runtime
