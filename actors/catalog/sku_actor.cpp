#include <algorithm>
#include <chrono>

#include "actors/catalog/catalog.hpp"
#include "actors/catalog/catalog_data.hpp"
#include "actors/catalog/log.hpp"
#include "actors/runtime/entity.hpp"

namespace lakoo::catalog {

namespace {

using protocol::errc;

/// The only writer of one sku's stock: every reservation is decided here, one at a time, so
/// concurrent checkouts cannot oversell. A reservation expires by its deadline alone: expired
/// entries never count as reserved, whether or not a timer or a restart has removed them yet.
struct sku_state : runtime::entity_state<sku_data> {
  static inline const char* name = "lakoo.sku";
  static inline const char* kind = sku_kind;
  bool confirming = false; ///< asking the claiming product whether it still wants this sku
};

bool is_defined(const sku_state& st) {
  return st.exists && st.data.defined;
}

using sku_actor = caf::stateful_actor<sku_state>;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

protocol::sku_view to_view(const sku_state& st) {
  auto reserved = reserved_at(st.data, now_ms());
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

/// The sender recorded the outcome of `key` (a commit or a restock) and never sends it again:
/// stop remembering it. Not written on its own: it rides on the next write (a key remembered
/// a little longer is harmless).
bool forget(sku_data& d, const std::string& key) {
  for (auto* keys : {&d.committed, &d.restocked}) {
    keys->erase(std::remove(keys->begin(), keys->end(), key), keys->end());
  }
  return true;
}

caf::error undefined() {
  return caf::make_error(errc::not_found, "unknown sku");
}

caf::result<protocol::sku_view> reserve(sku_actor* self, protocol::reserve_sku& req) {
  auto& st = self->state;
  auto& d = st.data;
  if (!is_defined(st)) {
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
  if (d.stock - reserved_at(d, now) < req.quantity) {
    return caf::make_error(errc::out_of_stock, "not enough stock", std::vector<std::string>{st.id});
  }
  purge_expired(d, now);
  d.live.push_back({std::move(req.key), req.quantity, now + req.ttl_ms});
  return runtime::commit(self, to_view(st));
}

caf::result<protocol::sku_view> release(sku_actor* self, protocol::release_sku& req) {
  auto& st = self->state;
  auto& d = st.data;
  if (!is_defined(st)) {
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
  if (!is_defined(st)) {
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

/// Puts units back (a paid order was cancelled before shipping), once per key.
caf::result<protocol::sku_view> restock(sku_actor* self, protocol::restock_sku& req) {
  auto& st = self->state;
  auto& d = st.data;
  if (!is_defined(st)) {
    return undefined();
  }
  if (req.key.empty() || req.quantity <= 0) {
    return caf::make_error(errc::invalid_request, "quantity",
                           "a restock needs a key and a positive quantity");
  }
  if (std::find(d.restocked.begin(), d.restocked.end(), req.key) != d.restocked.end()) {
    return runtime::reply_durable(self, to_view(st));
  }
  d.stock += req.quantity;
  d.restocked.push_back(std::move(req.key));
  if (d.restocked.size() > max_remembered_commits) {
    d.restocked.erase(d.restocked.begin());
  }
  purge_expired(d, now_ms());
  return runtime::commit(self, to_view(st));
}

void claim(sku_state& st, protocol::define_sku& req) {
  st.data = sku_data{};
  st.data.defined = true;
  st.data.product_id = std::move(req.product_id);
  st.data.seller_id = std::move(req.seller_id);
  st.data.stock = req.stock;
}

/// Claims the sku for a product. Held by another product: that product is asked whether it
/// still wants it (its creation may have died with a node); only a "no" frees the sku.
caf::result<protocol::sku_view> define(sku_actor* self, protocol::define_sku& req) {
  auto& st = self->state;
  if (req.stock < 0) {
    return caf::make_error(errc::invalid_request, "stock", "stock must not be negative");
  }
  if (!is_defined(st)) {
    claim(st, req);
    return runtime::commit(self, to_view(st));
  }
  if (st.data.product_id == req.product_id) {
    return runtime::reply_durable(self, to_view(st)); // a retry
  }
  auto taken = caf::make_error(errc::conflict, "sku " + st.id + " belongs to another product");
  if (st.confirming || !st.data.live.empty() || !st.data.committed.empty()) {
    return taken;
  }
  st.confirming = true;
  auto rp = self->make_response_promise();
  runtime::route<bool>(self, protocol::product_ref{st.data.product_id},
                       protocol::confirm_claim{st.id})
    .then(
      [self, rp, req, taken](bool still_wanted) mutable {
        auto& s = self->state;
        s.confirming = false;
        bool busy = !s.data.live.empty() || !s.data.committed.empty();
        if (is_defined(s) && (still_wanted || busy)) {
          rp.deliver(taken);
          return;
        }
        log().warn("[sku {}] claim of abandoned product {} given to {}", s.id, s.data.product_id,
                   req.product_id);
        claim(s, req);
        runtime::persist(self, runtime::deliver_on_durable(rp, to_view(s)));
      },
      [self, rp, taken](caf::error&) mutable {
        self->state.confirming = false;
        rp.deliver(taken);
      });
  return rp;
}

caf::behavior sku_impl(sku_actor* self, std::string id,
                       std::shared_ptr<const runtime::entity_env> env) {
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    return caf::message_handler{
      [self](protocol::define_sku& req) { return define(self, req); },
      [self](protocol::drop_sku& req) -> caf::result<protocol::sku_view> {
        auto& st = self->state;
        if (!is_defined(st) || st.data.product_id != req.product_id) {
          return caf::make_error(errc::not_found, "no such claim");
        }
        if (!st.data.live.empty() || !st.data.committed.empty()) {
          return caf::make_error(errc::conflict, "the sku has sales");
        }
        st.data = sku_data{};
        return runtime::commit(self, to_view(st));
      },
      [self](protocol::get_sku) -> caf::result<protocol::sku_view> {
        if (!is_defined(self->state)) {
          return undefined();
        }
        return runtime::reply_durable(self, to_view(self->state));
      },
      [self](protocol::set_stock& req) -> caf::result<protocol::sku_view> {
        if (!is_defined(self->state)) {
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
      [self](protocol::restock_sku& req) { return restock(self, req); },
      [self](protocol::forget_key& req) { return forget(self->state.data, req.key); },
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
  kinds[product_kind] = spawn_product;
  kinds[reviews_kind] = spawn_reviews;
}

} // namespace lakoo::catalog
