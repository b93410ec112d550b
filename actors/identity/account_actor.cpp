#include "actors/identity/identity.hpp"
#include "actors/identity/identity_data.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/entity.hpp"

namespace lakoo::identity {

namespace {

using protocol::errc;

/// `account:<lower-case email>`. Being the only writer for its email, it makes registration
/// exact across the cluster: concurrent registrations through different nodes all end up here,
/// one after the other, and only the first claims the email.
struct account_state : runtime::entity_state<account_data> {
  static inline const char* name = "lakoo.account";
  static inline const char* kind = account_kind;
  bool opening = false; ///< a registration is creating its user right now
};

using account_actor = caf::stateful_actor<account_state>;

caf::result<protocol::user_view> open_account(account_actor* self, protocol::open_account& req) {
  auto& st = self->state;
  if (st.exists || st.opening) {
    return caf::make_error(errc::conflict, "email is already registered");
  }
  st.opening = true;
  auto rp = self->make_response_promise();
  protocol::create_user create{req.email, req.name, req.roles};
  // The user is created (durably) before the claim; a crash in between leaves an unreachable
  // user and a free email, so a retried registration still succeeds.
  runtime::route<protocol::user_view>(self, protocol::user_ref{req.user_id}, std::move(create))
    .then(
      [self, rp, user_id = req.user_id, hash = req.password_hash](protocol::user_view& user) {
        auto& s = self->state;
        s.opening = false;
        s.data.user_id = user_id;
        s.data.password_hash = hash;
        s.data.created_at = runtime::unix_now();
        runtime::persist(self, runtime::deliver_on_durable(rp, std::move(user)));
      },
      [self, rp](caf::error& err) mutable {
        self->state.opening = false;
        rp.deliver(std::move(err));
      });
  return rp;
}

caf::behavior account_impl(account_actor* self, std::string id,
                           std::shared_ptr<const runtime::entity_env> env) {
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    return caf::message_handler{
      [self](protocol::open_account& req) { return open_account(self, req); },
      [self](protocol::get_account) -> caf::result<protocol::account_view> {
        auto& st = self->state;
        if (!st.exists) {
          return caf::make_error(errc::not_found, "no account for this email");
        }
        return runtime::reply_durable(
          self, protocol::account_view{st.data.user_id, st.data.password_hash});
      },
    };
  });
}

} // namespace

caf::actor spawn_account(caf::actor_system& sys, const std::string& id,
                         std::shared_ptr<const runtime::entity_env> env) {
  return sys.spawn(account_impl, id, std::move(env));
}

} // namespace lakoo::identity
