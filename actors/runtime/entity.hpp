#pragma once

/// The life of an entity actor, shared by every kind: load the snapshot before the first
/// message, reply to writes only once they are durable, passivate when idle.
///
///   spawned --load--> loading --loaded--> active --idle & durable--> stopping --> gone
///                                            \--handoff (router: passivate)--> stopping
///                          \--load failed--> gone (pending requests get an error)
///   active: every write bumps `version`, is saved, and its reply waits for `persisted`;
///           a failed or refused save stops the actor so the next message reloads the truth.
///
/// Include only from entity implementation files (it pulls in CAF and msgpack).

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include <caf/all.hpp>
#include <msgpack.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/asks.hpp"
#include "actors/runtime/entity_env.hpp"
#include "actors/runtime/log.hpp"
#include "actors/runtime/metrics.hpp"
#include "actors/runtime/node_status.hpp"

namespace lakoo::runtime {

/// Base of every entity actor's state. `Data` is the msgpack-serialised snapshot body.
template <class Data>
struct entity_state {
  std::string key; ///< `kind:id`
  std::string id;
  int32_t shard = 0;
  int64_t epoch = 0; ///< the shard's lease epoch at activation: every write is fenced by it
  std::shared_ptr<const entity_env> env;
  Data data;
  bool exists = false; ///< a snapshot exists or has been written
  int64_t version = 0; ///< version of `data` in memory
  int64_t durable = 0; ///< highest version known to be committed

  /// A reply waiting until `version` is durable; `fire(nullptr)` on success.
  struct waiter {
    int64_t version;
    std::function<void(const caf::error*)> fire;
  };
  std::deque<waiter> waiting;
  bool stopping = false;
  caf::timestamp last_active;
  /// Durable list reads in flight (`read_list`), by token.
  std::map<uint64_t, std::function<void(store_status, list_page)>> list_reads;
  uint64_t next_list_read = 0;
};

namespace detail {

/// Whether `State` has `int64_t next_wake_ms() const`: its durable timer, saved with each snapshot.
template <class State, class = void>
struct has_next_wake : std::false_type {};

template <class State>
struct has_next_wake<State, std::void_t<decltype(std::declval<const State&>().next_wake_ms())>>
    : std::true_type {};

/// Whether `State` has `std::vector<list_entry> take_list_entries()`: list items to write with
/// the next snapshot.
template <class State, class = void>
struct has_list_entries : std::false_type {};

template <class State>
struct has_list_entries<State, std::void_t<decltype(std::declval<State&>().take_list_entries())>>
    : std::true_type {};

/// Whether `State` says `static constexpr bool transient = true`: derived data that is never
/// persisted (a cache rebuilt on activation), so there is no snapshot to load.
template <class State, class = void>
struct is_transient : std::false_type {};

template <class State>
struct is_transient<State, std::void_t<decltype(State::transient)>>
    : std::bool_constant<State::transient> {};

/// Whether `State` has `bool pinned() const`: while true the entity is not passivated (it holds
/// something that is not in its snapshot, e.g. an inbox's live socket relays).
template <class State, class = void>
struct has_pinned : std::false_type {};

template <class State>
struct has_pinned<State, std::void_t<decltype(std::declval<const State&>().pinned())>>
    : std::true_type {};

histogram& mailbox_depth(const char* kind);
counter& activations(const char* kind);

template <class State>
void touch(caf::stateful_actor<State>* self) {
  self->state.last_active = caf::make_timestamp();
  auto depth = self->mailbox().size();
  mailbox_depth(State::kind).observe(static_cast<double>(depth));
  node_status::global().observe_mailbox(State::kind, static_cast<int64_t>(depth));
}

template <class State>
void save(caf::stateful_actor<State>* self) {
  auto& st = self->state;
  msgpack::sbuffer buf;
  msgpack::pack(buf, st.data);
  snapshot s;
  s.kind = State::kind;
  s.id = st.id;
  s.shard = st.shard;
  s.version = st.version;
  s.epoch = st.epoch;
  s.body.assign(buf.data(), buf.size());
  if constexpr (has_next_wake<State>::value) {
    s.wake_at_ms = st.next_wake_ms();
  }
  if constexpr (has_list_entries<State>::value) {
    s.list_entries = st.take_list_entries();
  }
  auto handle = caf::actor_cast<caf::actor>(self);
  auto version = st.version;
  st.env->store->save(std::move(s), [handle, version](store_status status) {
    caf::anon_send(handle, protocol::persisted_atom::value, version, static_cast<int32_t>(status));
  });
}

template <class State>
void maybe_quit(caf::stateful_actor<State>* self) {
  if (self->state.stopping && self->state.waiting.empty()) {
    self->quit();
  }
}

template <class State>
void arm_idle_timer(caf::stateful_actor<State>* self) {
  auto ttl = self->state.env->idle_ttl;
  self->delayed_send(self, ttl / 2 + std::chrono::milliseconds(1), protocol::tick_atom::value);
}

template <class State>
void on_tick(caf::stateful_actor<State>* self) {
  auto& st = self->state;
  if (st.stopping) {
    return;
  }
  auto idle = caf::make_timestamp() - st.last_active;
  bool pinned = false;
  if constexpr (has_pinned<State>::value) {
    pinned = st.pinned();
  }
  if (idle < st.env->idle_ttl || !st.waiting.empty() || !st.list_reads.empty() || pinned) {
    arm_idle_timer(self);
    return;
  }
  self->request(st.env->router, st.env->request_timeout, protocol::passivate_atom::value, st.key)
    .then(
      [self](bool granted) {
        if (granted) {
          self->state.stopping = true;
          maybe_quit(self);
        } else {
          arm_idle_timer(self);
        }
      },
      [self](caf::error&) { arm_idle_timer(self); });
}

template <class State>
void on_persisted(caf::stateful_actor<State>* self, int64_t version, int32_t status) {
  auto& st = self->state;
  if (status == static_cast<int32_t>(store_status::ok)) {
    st.durable = std::max(st.durable, version);
    while (!st.waiting.empty() && st.waiting.front().version <= st.durable) {
      auto w = std::move(st.waiting.front());
      st.waiting.pop_front();
      w.fire(nullptr);
    }
    maybe_quit(self);
    return;
  }
  // Memory is now ahead of the store. Stop taking work, have the router hold new messages for
  // this key until this actor is gone (they then reach a fresh activation that reloads the
  // truth), and only then answer: a client's next request is sent after its error, so it
  // can never hit this actor while it is dying.
  log().error("[{} {}] snapshot v{} not persisted ({}): restarting entity", State::kind, st.id,
              version, status == static_cast<int32_t>(store_status::stale) ? "refused" : "failed");
  auto err = caf::make_error(protocol::errc::unavailable, "the change could not be stored");
  self->set_default_handler(
    [](caf::scheduled_actor*, caf::message_view&) -> caf::result<caf::message> {
      return caf::make_error(protocol::errc::unavailable, "the entity is restarting");
    });
  self->become(caf::behavior{
    [](protocol::persisted_atom, int64_t, int32_t) {},
    [](protocol::tick_atom) {},
  });
  auto finish = [self, err]() mutable {
    auto& s = self->state;
    while (!s.waiting.empty()) {
      auto w = std::move(s.waiting.front());
      s.waiting.pop_front();
      w.fire(&err);
    }
    self->quit(err);
  };
  if (st.stopping) {
    finish(); // the router already holds new messages for this key
    return;
  }
  st.stopping = true;
  self->request(st.env->router, st.env->request_timeout, protocol::passivate_atom::value, st.key)
    .then([finish](bool) mutable { finish(); }, [finish](caf::error&) mutable { finish(); });
}

caf::result<caf::message> reject_unexpected(caf::scheduled_actor*, caf::message_view&);

template <class State>
void on_listed(caf::stateful_actor<State>* self, uint64_t token, int32_t status,
               std::vector<std::string>& items, std::vector<int64_t>& sorts, bool more) {
  auto& reads = self->state.list_reads;
  auto i = reads.find(token);
  if (i == reads.end()) {
    return;
  }
  auto done = std::move(i->second);
  reads.erase(i);
  list_page page;
  page.more = more;
  for (size_t k = 0; k < items.size() && k < sorts.size(); ++k) {
    page.entries.push_back({"", sorts[k], std::move(items[k])});
  }
  done(static_cast<store_status>(status), std::move(page));
}

} // namespace detail

/// Reads a page of the durable list `list` (newest first, after (`after_sort`, `after_item`));
/// `done(status, page)` runs in `self`. Answers `failed` at once when the node has no list
/// reader (unit tests without a database).
template <class State>
void read_list(caf::stateful_actor<State>* self, std::string list, int64_t after_sort,
               std::string after_item, size_t limit,
               std::function<void(store_status, list_page)> done) {
  auto& st = self->state;
  if (st.env->lists == nullptr) {
    done(store_status::failed, {});
    return;
  }
  auto token = ++st.next_list_read;
  st.list_reads.emplace(token, std::move(done));
  auto handle = caf::actor_cast<caf::actor>(self);
  st.env->lists->read_list(std::move(list), after_sort, std::move(after_item), limit,
                           [handle, token](store_status status, list_page page) {
                             std::vector<std::string> items;
                             std::vector<int64_t> sorts;
                             for (auto& e : page.entries) {
                               items.push_back(std::move(e.item));
                               sorts.push_back(e.sort);
                             }
                             caf::anon_send(handle, protocol::listed_atom::value, token,
                                            static_cast<int32_t>(status), std::move(items),
                                            std::move(sorts), page.more);
                           });
}

/// Persists the entity's current `data` as the next version; `fire` runs once it is durable
/// (`fire(nullptr)`) or could not be stored (`fire(&error)`). For replies that are not the
/// current request's (e.g. inside a `then` callback).
template <class State>
void persist(caf::stateful_actor<State>* self, std::function<void(const caf::error*)> fire) {
  detail::touch(self);
  auto& st = self->state;
  st.exists = true;
  st.version += 1;
  detail::save(self);
  st.waiting.push_back({st.version, std::move(fire)});
}

/// Sends `note` to the user's inbox (`inbox:<user id>`) without waiting: for events whose sender
/// has no step to retry. Keyed steps that must notify send `protocol::notify` as one of their
/// effects instead.
template <class State>
void notify_user(caf::stateful_actor<State>* self, const std::string& user_id,
                 protocol::notify note) {
  auto key = note.key;
  runtime::route<bool>(self, protocol::inbox_ref{user_id}, std::move(note))
    .then([](bool) {},
          [user_id, key](caf::error& e) {
            log().warn("[inbox {}] notification {} not delivered: {}", user_id, key,
                       caf::to_string(e));
          });
}

/// Delivers `reply` through `rp` once durable, or the storage error.
template <class Reply>
std::function<void(const caf::error*)> deliver_on_durable(caf::response_promise rp, Reply reply) {
  return [rp, reply = std::move(reply)](const caf::error* err) mutable {
    if (err) {
      rp.deliver(*err);
    } else {
      rp.deliver(std::move(reply));
    }
  };
}

/// Persists the entity's current `data` as the next version; `reply` goes out once durable.
template <class State, class Reply>
caf::result<Reply> commit(caf::stateful_actor<State>* self, Reply reply) {
  auto rp = self->make_response_promise();
  persist(self, deliver_on_durable(rp, std::move(reply)));
  return rp;
}

/// Like `commit`, and once the change is durable (and `reply` sent) runs `then()`: the effects
/// that must follow a committed change (notify, push, sync a counter elsewhere).
template <class State, class Reply, class Then>
caf::result<Reply> commit(caf::stateful_actor<State>* self, Reply reply, Then then) {
  auto rp = self->make_response_promise();
  persist(self,
          [rp, reply = std::move(reply), then = std::move(then)](const caf::error* err) mutable {
            if (err) {
              rp.deliver(*err);
              return;
            }
            rp.deliver(std::move(reply));
            then();
          });
  return rp;
}

/// Replies `reply` once everything written so far is durable (reads never show a change that
/// could still be lost).
template <class State, class Reply>
caf::result<Reply> reply_durable(caf::stateful_actor<State>* self, Reply reply) {
  detail::touch(self);
  auto& st = self->state;
  if (st.waiting.empty()) {
    return reply;
  }
  auto rp = self->make_response_promise();
  st.waiting.push_back({st.version, deliver_on_durable(rp, std::move(reply))});
  return rp;
}

/// Runs `fire(nullptr)` once everything written so far is durable (at once when nothing is
/// pending), or `fire(&error)` if a pending write failed: for answers that are computed later
/// (after asking other entities) but must never show a change that could still be lost.
template <class State>
void when_durable(caf::stateful_actor<State>* self, std::function<void(const caf::error*)> fire) {
  detail::touch(self);
  auto& st = self->state;
  if (st.waiting.empty()) {
    fire(nullptr);
    return;
  }
  st.waiting.push_back({st.version, std::move(fire)});
}

/// The behavior of an entity of `State::kind`: loads its snapshot, then runs the handlers
/// made by `make_handlers()` (a `caf::message_handler`) plus the lifecycle handlers.
template <class State, class MakeHandlers>
caf::behavior run_entity(caf::stateful_actor<State>* self, std::string id,
                         std::shared_ptr<const entity_env> env, MakeHandlers make_handlers) {
  auto& st = self->state;
  st.id = std::move(id);
  st.key = std::string{State::kind} + ":" + st.id;
  st.shard = env->shards->shard_of(st.key);
  st.epoch = env->shards->epoch_of(st.shard);
  st.env = std::move(env);
  detail::activations(State::kind).add();
  self->set_default_handler(caf::skip); // hold requests until the snapshot is in
  auto handle = caf::actor_cast<caf::actor>(self);
  if constexpr (detail::is_transient<State>::value) {
    caf::anon_send(handle, protocol::loaded_atom::value, static_cast<int32_t>(store_status::ok),
                   int64_t{0}, std::string{});
  } else {
    st.env->store->load(
      State::kind, st.id, [handle](store_status status, std::optional<snapshot> snap) {
        caf::anon_send(handle, protocol::loaded_atom::value, static_cast<int32_t>(status),
                       snap ? snap->version : 0, snap ? std::move(snap->body) : std::string{});
      });
  }
  return {
    [self, make_handlers](protocol::loaded_atom, int32_t load_status, int64_t version,
                          std::string& body) {
      auto& s = self->state;
      if (load_status != static_cast<int32_t>(store_status::ok)) {
        log().error("[{} {}] snapshot load failed", State::kind, s.id);
        self->quit(caf::make_error(protocol::errc::unavailable, "entity could not be loaded"));
        return;
      }
      if (version > 0) {
        try {
          auto unpacked = msgpack::unpack(body.data(), body.size());
          unpacked.get().convert(s.data);
        } catch (const std::exception& e) {
          log().error("[{} {}] snapshot v{} unreadable: {}", State::kind, s.id, version, e.what());
          self->quit(caf::make_error(protocol::errc::internal, "entity state unreadable"));
          return;
        }
        s.exists = true;
        s.version = version;
        s.durable = version;
      }
      self->set_default_handler(detail::reject_unexpected);
      detail::touch(self);
      detail::arm_idle_timer(self);
      caf::message_handler lifecycle{
        [self](protocol::persisted_atom, int64_t v, int32_t status) {
          detail::on_persisted(self, v, status);
        },
        [self](protocol::tick_atom) { detail::on_tick(self); },
        [self](protocol::listed_atom, uint64_t token, int32_t status,
               std::vector<std::string>& items, std::vector<int64_t>& sorts,
               bool more) { detail::on_listed(self, token, status, items, sorts, more); },
        // Shard handoff (from the router): finish what is queued and in flight, then stop.
        [self](protocol::passivate_atom) {
          self->state.stopping = true;
          detail::maybe_quit(self);
        },
      };
      self->become(caf::behavior{make_handlers().or_else(lifecycle)});
    },
  };
}

} // namespace lakoo::runtime
