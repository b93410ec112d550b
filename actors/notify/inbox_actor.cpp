#include <algorithm>
#include <memory>

#include "actors/notify/notify.hpp"
#include "actors/runtime/base64.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/entity.hpp"
#include "actors/runtime/ids.hpp"
#include "actors/runtime/paging.hpp"

namespace lakoo::notify {

namespace {

using protocol::errc;

struct item_data {
  std::string id;
  std::string key; ///< v1 only: the sender's de-duplication key (v2 keeps `inbox_data::keys`)
  std::string kind;
  std::string actor_id;
  std::string subject_id;
  std::string text;
  bool read = false;
  int64_t created = 0; ///< unix s
  MSGPACK_DEFINE_MAP(id, key, kind, actor_id, subject_id, text, read, created)
};

/// Snapshot body of `inbox:<user id>`: the recent window, the de-duplication keys and the read
/// state of the archive (see notify.hpp).
struct inbox_data {
  uint16_t v = 2;
  std::vector<item_data> items; ///< newest first; ids only grow; at most `inbox_window` (v1: 500)
  std::vector<uint64_t> keys;   ///< hashes of the newest senders' keys, oldest first
  int64_t archived = 0;         ///< notifications moved to the archive list
  int64_t archived_unread = 0;  ///< of those, how many are still unread
  std::string read_upto;        ///< every notification whose id is <= this is read ("mark all")
  std::vector<std::string> read_archived; ///< archived ids read one by one since, sorted
  MSGPACK_DEFINE_MAP(v, items, keys, archived, archived_unread, read_upto, read_archived)
};

/// What the archive keeps of a notification (the list entry's item is `<id> <base64url(this)>`).
struct archived_item {
  std::string kind;
  std::string actor_id;
  std::string subject_id;
  std::string text;
  bool read = false;
  int64_t created = 0;
  MSGPACK_DEFINE_MAP(kind, actor_id, subject_id, text, read, created)
};

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
  std::vector<runtime::list_entry> new_entries; ///< archived with the next snapshot

  bool pinned() const {
    auto now = runtime::unix_ms();
    return std::any_of(watchers.begin(), watchers.end(),
                       [now](const watcher& w) { return w.expires_ms > now; });
  }

  std::vector<runtime::list_entry> take_list_entries() {
    auto out = std::move(new_entries);
    new_entries.clear();
    return out;
  }
};

using inbox_actor = caf::stateful_actor<inbox_state>;

/// FNV-1a: stable across builds and machines (the hashes are stored).
uint64_t key_hash(const std::string& key) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) {
    h = (h ^ c) * 1099511628211ull;
  }
  return h;
}

/// A v1 snapshot (500 items, each with its key) becomes v2 in memory; the window shrinks to
/// `inbox_window` as new notifications push the oldest into the archive.
void upgrade(inbox_data& d) {
  if (d.v >= 2) {
    return;
  }
  for (auto i = d.items.rbegin(); i != d.items.rend(); ++i) {
    if (!i->key.empty()) {
      d.keys.push_back(key_hash(i->key));
      i->key.clear();
    }
  }
  d.v = 2;
}

bool is_read(const inbox_data& d, const std::string& id, bool read) {
  return read || (!d.read_upto.empty() && id <= d.read_upto)
         || std::binary_search(d.read_archived.begin(), d.read_archived.end(), id);
}

protocol::notification_view to_view(const item_data& i) {
  return {i.id, i.kind, i.actor_id, i.subject_id, i.text, i.read, runtime::rfc3339(i.created)};
}

std::string list_of(const inbox_state& st) {
  return "notifications:" + st.id;
}

runtime::list_entry archive_entry(const inbox_state& st, const item_data& i) {
  msgpack::sbuffer buf;
  msgpack::pack(buf, archived_item{i.kind, i.actor_id, i.subject_id, i.text, i.read, i.created});
  return {list_of(st), runtime::id_time_ms(i.id),
          i.id + " " + runtime::base64url_encode({buf.data(), buf.size()})};
}

/// The archived notification of a list entry, read as seen by `d` now; nullopt if malformed.
std::optional<protocol::notification_view> from_entry(const inbox_data& d,
                                                      const runtime::list_entry& e) {
  auto space = e.item.find(' ');
  if (space == std::string::npos) {
    return std::nullopt;
  }
  auto bytes = runtime::base64url_decode(std::string_view{e.item}.substr(space + 1));
  if (!bytes) {
    return std::nullopt;
  }
  try {
    auto handle = msgpack::unpack(bytes->data(), bytes->size());
    auto a = handle.get().as<archived_item>();
    auto id = e.item.substr(0, space);
    bool read = is_read(d, id, a.read);
    return protocol::notification_view{std::move(id),
                                       std::move(a.kind),
                                       std::move(a.actor_id),
                                       std::move(a.subject_id),
                                       std::move(a.text),
                                       read,
                                       runtime::rfc3339(a.created)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
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
  auto& st = self->state;
  auto& d = st.data;
  upgrade(d);
  auto hash = key_hash(req.key);
  if (!req.key.empty() && std::find(d.keys.begin(), d.keys.end(), hash) != d.keys.end()) {
    return runtime::reply_durable(self, true);
  }
  if (!req.key.empty()) {
    d.keys.push_back(hash);
    if (d.keys.size() > max_inbox_keys) {
      d.keys.erase(d.keys.begin(), d.keys.begin() + (d.keys.size() - max_inbox_keys));
    }
  }
  // Ids only grow within an inbox, so the window and the archive share one order (by id).
  auto id = d.items.empty() ? runtime::new_id("ntf") : runtime::new_id_after("ntf", d.items[0].id);
  d.items.insert(d.items.begin(), item_data{std::move(id),
                                            {},
                                            std::move(req.kind),
                                            std::move(req.actor_id),
                                            std::move(req.subject_id),
                                            std::move(req.text),
                                            false,
                                            runtime::unix_now()});
  while (d.items.size() > inbox_window) {
    const auto& oldest = d.items.back();
    st.new_entries.push_back(archive_entry(st, oldest));
    d.archived += 1;
    d.archived_unread += is_read(d, oldest.id, oldest.read) ? 0 : 1;
    d.items.pop_back();
  }
  // Pushed only once durable: a socket never shows a notification that could still be lost.
  return runtime::commit(self, true, [self, view = to_view(d.items.front())] { push(self, view); });
}

/// The page after `cursor`: from the window, then (once everything written is durable, so the
/// archive holds what the window let go) from the archive.
caf::result<protocol::notification_page> list(inbox_actor* self,
                                              const protocol::list_notifications& req) {
  auto& st = self->state;
  auto& d = st.data;
  upgrade(d);
  auto limit = static_cast<size_t>(std::max<int64_t>(req.limit, 0));
  size_t start = 0;
  if (!req.cursor.empty()) {
    auto it = std::find_if(d.items.begin(), d.items.end(),
                           [&](const item_data& i) { return i.id == req.cursor; });
    if (it != d.items.end()) {
      start = static_cast<size_t>(it - d.items.begin()) + 1;
    } else if (d.archived > 0 && runtime::id_time_ms(req.cursor) >= 0
               && (d.items.empty() || req.cursor < d.items.back().id)) {
      start = d.items.size();
    } else {
      return runtime::bad_cursor();
    }
  }
  protocol::notification_page page;
  for (auto i = start; i < d.items.size() && page.items.size() < limit; ++i) {
    auto v = to_view(d.items[i]);
    v.read = is_read(d, v.id, v.read);
    page.items.push_back(std::move(v));
  }
  bool window_left = start + page.items.size() < d.items.size();
  if (page.items.size() == limit || d.archived == 0) {
    if (!page.items.empty() && (window_left || d.archived > 0)) {
      page.next_cursor = page.items.back().id;
    }
    return runtime::reply_durable(self, std::move(page));
  }
  // The archive goes on after the last id shown (or the cursor; "" reads from its newest).
  auto after = page.items.empty() ? req.cursor : page.items.back().id;
  auto rp = self->make_response_promise<protocol::notification_page>();
  auto need = limit - page.items.size();
  runtime::when_durable(self, [self, rp, page = std::move(page), after,
                               need](const caf::error* err) mutable {
    if (err != nullptr) {
      rp.deliver(*err);
      return;
    }
    auto& s = self->state;
    runtime::read_list(
      self, list_of(s), runtime::id_time_ms(after), after, need,
      [self, rp, page = std::move(page)](runtime::store_status status,
                                         runtime::list_page archive) mutable {
        if (status != runtime::store_status::ok) {
          rp.deliver(caf::make_error(errc::unavailable, "the notification archive is unreachable"));
          return;
        }
        for (const auto& e : archive.entries) {
          if (auto v = from_entry(self->state.data, e)) {
            page.items.push_back(std::move(*v));
          }
        }
        page.next_cursor = archive.more && !page.items.empty() ? page.items.back().id : "";
        rp.deliver(std::move(page));
      });
  });
  return rp;
}

/// Marks the archived notification `id` read if it is there and unread; `done(changed)`.
void mark_archived(inbox_actor* self, const std::string& id, std::function<void(bool)> done) {
  auto& st = self->state;
  // The entry just after (ms, "<id>~") in newest-first order is the one of `id`, if any.
  runtime::read_list(self, list_of(st), runtime::id_time_ms(id), id + "~", 1,
                     [self, id, done](runtime::store_status status, runtime::list_page page) {
                       auto& d = self->state.data;
                       if (status != runtime::store_status::ok || page.entries.empty()) {
                         done(false);
                         return;
                       }
                       auto v = from_entry(d, page.entries[0]);
                       if (!v || v->id != id || v->read) {
                         done(false);
                         return;
                       }
                       auto& r = d.read_archived;
                       r.insert(std::lower_bound(r.begin(), r.end(), id), id);
                       if (r.size() > max_read_archived) {
                         r.erase(r.begin()); // the oldest one-by-one mark falls off
                       }
                       d.archived_unread = std::max<int64_t>(d.archived_unread - 1, 0);
                       done(true);
                     });
}

caf::result<int64_t> mark(inbox_actor* self, const protocol::mark_read& req) {
  auto& d = self->state.data;
  upgrade(d);
  int64_t changed = 0;
  std::vector<std::string> archived;
  for (auto& i : d.items) {
    bool wanted = req.all || std::find(req.ids.begin(), req.ids.end(), i.id) != req.ids.end();
    if (wanted && !is_read(d, i.id, i.read)) {
      i.read = true;
      ++changed;
    }
  }
  if (req.all) {
    changed += d.archived_unread;
    d.archived_unread = 0;
    d.read_archived.clear();
    if (!d.items.empty()) {
      d.read_upto = d.items.front().id;
    }
  } else if (d.archived > 0 && !d.items.empty()) {
    for (const auto& id : req.ids) {
      if (id < d.items.back().id && runtime::id_time_ms(id) >= 0 && !is_read(d, id, false)
          && std::find(archived.begin(), archived.end(), id) == archived.end()) {
        archived.push_back(id);
      }
    }
  }
  if (archived.empty()) {
    if (changed == 0) {
      return runtime::reply_durable(self, int64_t{0});
    }
    return runtime::commit(self, changed);
  }
  // Archived ids: each is looked up in the archive; the answer waits for all of them.
  auto rp = self->make_response_promise<int64_t>();
  auto left = std::make_shared<size_t>(archived.size());
  auto total = std::make_shared<int64_t>(changed);
  for (const auto& id : archived) {
    mark_archived(self, id, [self, rp, left, total](bool marked) mutable {
      *total += marked ? 1 : 0;
      if (--*left > 0) {
        return;
      }
      if (*total == 0) {
        runtime::when_durable(self, runtime::deliver_on_durable(rp, int64_t{0}));
      } else {
        runtime::persist(self, runtime::deliver_on_durable(rp, *total));
      }
    });
  }
  return rp;
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
