#include <algorithm>

#include "actors/identity/identity.hpp"
#include "actors/identity/identity_data.hpp"
#include "actors/identity/log.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/entity.hpp"

namespace lakoo::identity {

namespace {

using protocol::errc;

/// `rtf:<family id>`: the refresh tokens of one login. Each refresh exchanges the current
/// secret for a new one; presenting a secret that was already exchanged means it leaked, so
/// the whole family is revoked (RFC 6819 5.2.2.3, as Auth0 and Okta do).
struct family_state : runtime::entity_state<family_data> {
  static inline const char* name = "lakoo.token_family";
  static inline const char* kind = family_kind;
};

using family_actor = caf::stateful_actor<family_state>;

caf::error rejected() {
  return caf::make_error(errc::unauthorized, "refresh token is invalid, expired or revoked");
}

/// Tells every node to refuse this family's access tokens for as long as any can be valid.
void broadcast_revocation(family_actor* self) {
  auto& st = self->state;
  auto until = runtime::unix_now() + st.env->settings<identity_settings>().access_token_ttl_s + 60;
  self->send(st.env->router, protocol::revoked_atom::value, st.id, until);
}

bool was_used(const family_data& d, const std::string& hash) {
  return std::find(d.used_hashes.begin(), d.used_hashes.end(), hash) != d.used_hashes.end();
}

caf::result<protocol::family_view> rotate(family_actor* self, protocol::rotate_family& req) {
  auto& st = self->state;
  auto& d = st.data;
  if (!st.exists || d.revoked || d.expires_at <= runtime::unix_now()) {
    return rejected();
  }
  if (req.presented_hash == d.current_hash) {
    d.used_hashes.push_back(std::move(d.current_hash));
    if (d.used_hashes.size() > max_used_hashes) {
      d.used_hashes.erase(d.used_hashes.begin());
    }
    d.current_hash = std::move(req.next_hash);
    return runtime::commit(self, protocol::family_view{d.user_id, false});
  }
  if (!was_used(d, req.presented_hash)) {
    return rejected(); // not ours: no reason to punish the family
  }
  log().warn("[rtf {}] reused refresh token: family revoked", st.id);
  d.revoked = true;
  auto rp = self->make_response_promise();
  runtime::persist(self, [self, rp](const caf::error* err) mutable {
    if (!err) {
      broadcast_revocation(self);
    }
    rp.deliver(err ? *err : rejected());
  });
  return rp;
}

caf::behavior family_impl(family_actor* self, std::string id,
                          std::shared_ptr<const runtime::entity_env> env) {
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    return caf::message_handler{
      [self](protocol::open_family& req) -> caf::result<protocol::family_view> {
        auto& st = self->state;
        if (st.exists) {
          return caf::make_error(errc::conflict, "token family exists");
        }
        st.data.user_id = std::move(req.user_id);
        st.data.current_hash = std::move(req.secret_hash);
        st.data.created_at = runtime::unix_now();
        st.data.expires_at
          = st.data.created_at + st.env->settings<identity_settings>().refresh_token_ttl_s;
        return runtime::commit(self, protocol::family_view{st.data.user_id, false});
      },
      [self](protocol::rotate_family& req) { return rotate(self, req); },
      [self](protocol::revoke_family& req) -> caf::result<protocol::family_view> {
        auto& st = self->state;
        auto& d = st.data;
        if (!st.exists
            || (req.presented_hash != d.current_hash && !was_used(d, req.presented_hash))) {
          return rejected();
        }
        if (d.revoked) {
          return runtime::reply_durable(self, protocol::family_view{d.user_id, true});
        }
        d.revoked = true;
        auto rp = self->make_response_promise();
        runtime::persist(self, [self, rp, view = protocol::family_view{d.user_id, true}](
                                 const caf::error* err) mutable {
          if (err) {
            rp.deliver(*err);
            return;
          }
          broadcast_revocation(self);
          rp.deliver(std::move(view));
        });
        return rp;
      },
    };
  });
}

} // namespace

caf::actor spawn_family(caf::actor_system& sys, const std::string& id,
                        std::shared_ptr<const runtime::entity_env> env) {
  return sys.spawn(family_impl, id, std::move(env));
}

} // namespace lakoo::identity
