#include <algorithm>
#include <chrono>

#include "actors/catalog/catalog.hpp"
#include "actors/runtime/entity.hpp"

namespace lakoo::catalog {

namespace {

using protocol::errc;

struct reservation {
  std::string key;
  int64_t quantity = 0;
  int64_t expires_at_ms = 0; ///< wall clock, so a restart does not extend it
  MSGPACK_DEFINE_MAP(key, quantity, expires_at_ms)
};

/// Snapshot body of `sku:<sku>`.
struct sku_data {
  uint16_t v = 1;
  std::string product_id;
  std::string seller_id;
  int64_t stock = 0;
  std::vector<reservation> live;      ///< may hold expired entries until the next write
  std::vector<std::string> committed; ///< recent committed keys, oldest first
  MSGPACK_DEFINE_MAP(v, product_id, seller_id, stock, live, committed)
};

/// The only writer of one sku's stock: every reservation is decided here, one at a time, so
/// concurrent checkouts cannot oversell. A reservation expires by its deadline alone: expired
/// entries never count as reserved, whether or not a timer or a restart has removed them yet.
struct sku_state : runtime::entity_state<sku_data> {
  static inline const char* name = "lakoo.sku";
  static inline const char* kind = sku_kind;
};

using sku_actor = caf::stateful_actor<sku_state>;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

int64_t reserved_now(const sku_data& d, int64_t now) {
  int64_t n = 0;
  for (const auto& r : d.live) {
    n += r.expires_at_ms > now ? r.quantity : 0;
  }
  return n;
}

protocol::sku_view to_view(const sku_state& st) {
  auto reserved = reserved_now(st.data, now_ms());
  return {st.id,         st.data.product_id, st.data.seller_id,
          st.data.stock, reserved,           std::max<int64_t>(0, st.data.stock - reserved)};
}

/// Drops expired reservations (only ever done as part of a write that persists anyway).
void purge_expired(sku_data& d, int64_t now) {
  d.live.erase(std::remove_if(d.live.begin(), d.live.end(),
                              [now](const reservation& r) { return r.expires_at_ms <= now; }),
               d.live.end());
}

bool was_committed(const sku_data& d, const std::string& key) {
  return std::find(d.committed.begin(), d.committed.end(), key) != d.committed.end();
}

std::vector<reservation>::iterator live_reservation(sku_data& d, const std::string& key,
                                                    int64_t now) {
  return std::find_if(d.live.begin(), d.live.end(),
                      [&](const reservation& r) { return r.key == key && r.expires_at_ms > now; });
}

caf::error undefined() {
  return caf::make_error(errc::not_found, "unknown sku");
}

caf::result<protocol::sku_view> reserve(sku_actor* self, protocol::reserve_sku& req) {
  auto& st = self->state;
  auto& d = st.data;
  if (!st.exists) {
    return undefined();
  }
  if (req.key.empty() || req.quantity <= 0 || req.ttl_ms <= 0) {
    return caf::make_error(errc::invalid_request, "quantity",
                           "a reservation needs a key, a positive quantity and a ttl");
  }
  auto now = now_ms();
  if (was_committed(d, req.key) || live_reservation(d, req.key, now) != d.live.end()) {
    return runtime::reply_durable(self, to_view(st)); // a retry of what already happened
  }
  if (d.stock - reserved_now(d, now) < req.quantity) {
    return caf::make_error(errc::out_of_stock, "not enough stock", std::vector<std::string>{st.id});
  }
  purge_expired(d, now);
  d.live.push_back({std::move(req.key), req.quantity, now + req.ttl_ms});
  return runtime::commit(self, to_view(st));
}

caf::result<protocol::sku_view> release(sku_actor* self, protocol::release_sku& req) {
  auto& st = self->state;
  auto& d = st.data;
  if (!st.exists) {
    return undefined();
  }
  if (was_committed(d, req.key)) {
    return caf::make_error(errc::conflict, "the reservation was already committed");
  }
  auto now = now_ms();
  auto i = live_reservation(d, req.key, now);
  if (i == d.live.end()) {
    return runtime::reply_durable(self, to_view(st)); // expired or released already
  }
  d.live.erase(i);
  purge_expired(d, now);
  return runtime::commit(self, to_view(st));
}

caf::result<protocol::sku_view> commit_reservation(sku_actor* self, protocol::commit_sku& req) {
  auto& st = self->state;
  auto& d = st.data;
  if (!st.exists) {
    return undefined();
  }
  if (was_committed(d, req.key)) {
    return runtime::reply_durable(self, to_view(st));
  }
  auto now = now_ms();
  auto i = live_reservation(d, req.key, now);
  if (i == d.live.end()) {
    return caf::make_error(errc::conflict, "the reservation expired or was released");
  }
  d.stock -= i->quantity;
  d.committed.push_back(i->key);
  if (d.committed.size() > max_remembered_commits) {
    d.committed.erase(d.committed.begin());
  }
  d.live.erase(i);
  purge_expired(d, now);
  return runtime::commit(self, to_view(st));
}

caf::behavior sku_impl(sku_actor* self, std::string id,
                       std::shared_ptr<const runtime::entity_env> env) {
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    return caf::message_handler{
      [self](protocol::define_sku& req) -> caf::result<protocol::sku_view> {
        auto& st = self->state;
        if (st.exists) {
          if (st.data.product_id != req.product_id) {
            return caf::make_error(errc::conflict, "sku", "this sku belongs to another product");
          }
          return runtime::reply_durable(self, to_view(st));
        }
        if (req.stock < 0) {
          return caf::make_error(errc::invalid_request, "stock", "stock must not be negative");
        }
        st.data.product_id = std::move(req.product_id);
        st.data.seller_id = std::move(req.seller_id);
        st.data.stock = req.stock;
        return runtime::commit(self, to_view(st));
      },
      [self](protocol::get_sku) -> caf::result<protocol::sku_view> {
        if (!self->state.exists) {
          return undefined();
        }
        return runtime::reply_durable(self, to_view(self->state));
      },
      [self](protocol::set_stock& req) -> caf::result<protocol::sku_view> {
        if (!self->state.exists) {
          return undefined();
        }
        if (req.stock < 0) {
          return caf::make_error(errc::invalid_request, "stock", "stock must not be negative");
        }
        self->state.data.stock = req.stock;
        purge_expired(self->state.data, now_ms());
        return runtime::commit(self, to_view(self->state));
      },
      [self](protocol::reserve_sku& req) { return reserve(self, req); },
      [self](protocol::release_sku& req) { return release(self, req); },
      [self](protocol::commit_sku& req) { return commit_reservation(self, req); },
    };
  });
}

} // namespace

caf::actor spawn_sku(caf::actor_system& sys, const std::string& id,
                     std::shared_ptr<const runtime::entity_env> env) {
  return sys.spawn(sku_impl, id, std::move(env));
}

void register_kinds(runtime::entity_kinds& kinds) {
  kinds[sku_kind] = spawn_sku;
}

} // namespace lakoo::catalog
