#include <algorithm>

#include "actors/notify/notify.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/entity.hpp"
#include "actors/runtime/ids.hpp"
#include "actors/runtime/paging.hpp"

namespace lakoo::notify {

namespace {

using protocol::errc;

struct item_data {
  std::string id;
  std::string key; ///< the sender's de-duplication key
  std::string kind;
  std::string actor_id;
  std::string subject_id;
  std::string text;
  bool read = false;
  int64_t created = 0; ///< unix s
  MSGPACK_DEFINE_MAP(id, key, kind, actor_id, subject_id, text, read, created)
};

/// Snapshot body of `inbox:<user id>`.
struct inbox_data {
  uint16_t v = 1;
  std::vector<item_data> items; ///< newest first, at most `max_inbox`
  MSGPACK_DEFINE_MAP(v, items)
};

/// One user's inbox. Senders retry (their steps are keyed), so a notification is added once per
/// key while the key is still among the kept ones.
/// A node's push relay that has live sockets of this user, until `expires_ms`.
struct watcher {
  caf::actor relay;
  int64_t expires_ms = 0;
};

/// One user's inbox, and the hub that pushes each new notification to the relays of every node
/// where the user has a live socket. Relays renew their watch; one that stops (its node died or
/// the sockets closed) expires. Watchers live in memory only and pin the inbox against
/// passivation while they last.
struct inbox_state : runtime::entity_state<inbox_data> {
  static inline const char* name = "lakoo.inbox";
  static inline const char* kind = inbox_kind;
  std::vector<watcher> watchers;

  bool pinned() const {
    auto now = runtime::unix_ms();
    return std::any_of(watchers.begin(), watchers.end(),
                       [now](const watcher& w) { return w.expires_ms > now; });
  }
};

using inbox_actor = caf::stateful_actor<inbox_state>;

protocol::notification_view to_view(const item_data& i) {
  return {i.id, i.kind, i.actor_id, i.subject_id, i.text, i.read, runtime::rfc3339(i.created)};
}

void push(inbox_actor* self, const protocol::notification_view& view) {
  auto& st = self->state;
  auto now = runtime::unix_ms();
  auto& ws = st.watchers;
  ws.erase(
    std::remove_if(ws.begin(), ws.end(), [now](const watcher& w) { return w.expires_ms <= now; }),
    ws.end());
  for (const auto& w : ws) {
    self->send(w.relay, protocol::push_atom::value, st.id, view);
  }
}

bool watch(inbox_actor* self, protocol::watch_inbox& req) {
  auto& ws = self->state.watchers;
  auto it
    = std::find_if(ws.begin(), ws.end(), [&](const watcher& w) { return w.relay == req.relay; });
  if (!req.on || !req.relay) {
    if (it != ws.end()) {
      ws.erase(it);
    }
    return true;
  }
  auto expires = runtime::unix_ms() + std::clamp<int64_t>(req.ttl_ms, 1000, 60000);
  if (it != ws.end()) {
    it->expires_ms = expires;
  } else {
    ws.push_back({std::move(req.relay), expires});
  }
  return true;
}

caf::result<bool> add(inbox_actor* self, protocol::notify& req) {
  auto& items = self->state.data.items;
  if (!req.key.empty() && std::any_of(items.begin(), items.end(), [&](const item_data& i) {
        return i.key == req.key;
      })) {
    return runtime::reply_durable(self, true);
  }
  items.insert(items.begin(),
               item_data{runtime::new_id("ntf"), std::move(req.key), std::move(req.kind),
                         std::move(req.actor_id), std::move(req.subject_id), std::move(req.text),
                         false, runtime::unix_now()});
  if (items.size() > max_inbox) {
    items.resize(max_inbox);
  }
  // Pushed only once durable: a socket never shows a notification that could still be lost.
  return runtime::commit(self, true, [self, view = to_view(items.front())] { push(self, view); });
}

caf::result<protocol::notification_page> list(inbox_actor* self,
                                              const protocol::list_notifications& req) {
  auto page = runtime::page_of<protocol::notification_page>(
    self->state.data.items, req.cursor, req.limit, [](const item_data& i) { return i.id; },
    [](const item_data& i) { return to_view(i); });
  if (!page) {
    return page.error();
  }
  return runtime::reply_durable(self, std::move(*page));
}

caf::result<int64_t> mark(inbox_actor* self, const protocol::mark_read& req) {
  int64_t changed = 0;
  for (auto& i : self->state.data.items) {
    bool wanted = req.all || std::find(req.ids.begin(), req.ids.end(), i.id) != req.ids.end();
    if (wanted && !i.read) {
      i.read = true;
      ++changed;
    }
  }
  if (changed == 0) {
    return runtime::reply_durable(self, int64_t{0});
  }
  return runtime::commit(self, changed);
}

caf::behavior inbox_impl(inbox_actor* self, std::string id,
                         std::shared_ptr<const runtime::entity_env> env) {
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    return caf::message_handler{
      [self](protocol::notify& req) { return add(self, req); },
      [self](protocol::list_notifications& req) { return list(self, req); },
      [self](protocol::mark_read& req) { return mark(self, req); },
      [self](protocol::watch_inbox& req) {
        runtime::detail::touch(self);
        return watch(self, req);
      },
    };
  });
}

} // namespace

void register_kinds(runtime::entity_kinds& kinds) {
  kinds[inbox_kind] = [](caf::actor_system& sys, const std::string& id,
                         std::shared_ptr<const runtime::entity_env> env) {
    return sys.spawn(inbox_impl, id, std::move(env));
  };
}

} // namespace lakoo::notify
