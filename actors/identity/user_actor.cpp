#include <algorithm>

#include "actors/identity/identity.hpp"
#include "actors/identity/identity_data.hpp"
#include "actors/reference/address.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/entity.hpp"
#include "read_models/books.hpp"

namespace lakoo::identity {

namespace {

using protocol::errc;

struct user_state : runtime::entity_state<user_data> {
  static inline const char* name = "lakoo.user";
  static inline const char* kind = user_kind;
  bool applying = false; ///< a seller application is creating its account right now
};

using user_actor = caf::stateful_actor<user_state>;

protocol::user_view to_view(const user_state& st) {
  const auto& d = st.data;
  protocol::user_view v;
  v.id = st.id;
  v.email = d.email;
  v.name = d.name;
  v.bio = d.bio;
  v.avatar_url = d.avatar_url;
  v.roles = d.roles;
  v.seller_id = d.seller_id;
  v.created_at = runtime::rfc3339(d.created_at);
  return v;
}

protocol::address_list list_of(const user_data& d) {
  return protocol::address_list{d.addresses};
}

/// Keeps exactly one default when `chosen` claims it; keeps a default if one is removed.
void settle_default(user_data& d, const std::string& chosen) {
  if (!chosen.empty()) {
    for (auto& a : d.addresses) {
      a.is_default = a.id == chosen;
    }
    return;
  }
  auto has_default = std::any_of(d.addresses.begin(), d.addresses.end(),
                                 [](const protocol::address& a) { return a.is_default; });
  if (!has_default && !d.addresses.empty()) {
    d.addresses.front().is_default = true;
  }
}

void apply_field(protocol::address& a, const std::string& field, const protocol::address& v) {
  if (field == "label") {
    a.label = v.label;
  } else if (field == "recipient") {
    a.recipient = v.recipient;
  } else if (field == "phone") {
    a.phone = v.phone;
  } else if (field == "line1") {
    a.line1 = v.line1;
  } else if (field == "line2") {
    a.line2 = v.line2;
  } else if (field == "city") {
    a.city = v.city;
  } else if (field == "province") {
    a.province = v.province;
  } else if (field == "postal_code") {
    a.postal_code = v.postal_code;
  } else if (field == "country") {
    a.country = v.country;
  } else if (field == "is_default") {
    a.is_default = v.is_default;
  } else if (field == "province_id") {
    a.province_id = v.province_id;
  } else if (field == "city_id") {
    a.city_id = v.city_id;
  }
}

/// The error for an address whose place ids are unknown or disagree (see reference::check_place).
caf::error bad_place(const reference::place_check& place) {
  return caf::make_error(errc::invalid_request, place.field, place.message);
}

caf::error missing_user() {
  return caf::make_error(errc::not_found, "user not found");
}

caf::message_handler address_handlers(user_actor* self) {
  return {
    [self](protocol::list_addresses) -> caf::result<protocol::address_list> {
      if (!self->state.exists) {
        return missing_user();
      }
      return runtime::reply_durable(self, list_of(self->state.data));
    },
    [self](protocol::add_address& req) -> caf::result<protocol::address> {
      auto& d = self->state.data;
      if (!self->state.exists) {
        return missing_user();
      }
      if (d.addresses.size() >= max_addresses) {
        return caf::make_error(errc::conflict, "the address book is full");
      }
      auto v = req.value;
      if (auto place = reference::settle_place(v); !place.field.empty()) {
        return bad_place(place);
      }
      d.addresses.push_back(v);
      settle_default(d, v.is_default ? v.id : std::string{});
      return runtime::commit(self, d.addresses.back());
    },
    [self](protocol::update_address& req) -> caf::result<protocol::address> {
      auto& d = self->state.data;
      auto i = std::find_if(d.addresses.begin(), d.addresses.end(),
                            [&](const protocol::address& a) { return a.id == req.id; });
      if (!self->state.exists || i == d.addresses.end()) {
        return caf::make_error(errc::not_found, "address not found");
      }
      auto changed = *i;
      for (const auto& field : req.fields) {
        apply_field(changed, field, req.value);
      }
      if (auto place = reference::settle_place(changed); !place.field.empty()) {
        return bad_place(place); // nothing changed
      }
      *i = std::move(changed);
      auto id = i->id;
      settle_default(d, i->is_default ? id : std::string{});
      auto j = std::find_if(d.addresses.begin(), d.addresses.end(),
                            [&](const protocol::address& a) { return a.id == id; });
      return runtime::commit(self, *j);
    },
    [self](protocol::delete_address& req) -> caf::result<protocol::address_list> {
      auto& d = self->state.data;
      auto i = std::find_if(d.addresses.begin(), d.addresses.end(),
                            [&](const protocol::address& a) { return a.id == req.id; });
      if (!self->state.exists || i == d.addresses.end()) {
        return caf::make_error(errc::not_found, "address not found");
      }
      d.addresses.erase(i);
      settle_default(d, {});
      return runtime::commit(self, list_of(d));
    },
  };
}

caf::message_handler profile_handlers(user_actor* self) {
  return {
    [self](protocol::create_user& req) -> caf::result<protocol::user_view> {
      if (self->state.exists) {
        return caf::make_error(errc::conflict, "user already exists");
      }
      auto& d = self->state.data;
      d.email = std::move(req.email);
      d.name = std::move(req.name);
      d.roles = std::move(req.roles);
      d.created_at = runtime::unix_now();
      return runtime::commit(self, to_view(self->state));
    },
    [self](protocol::get_user) -> caf::result<protocol::user_view> {
      if (!self->state.exists) {
        return missing_user();
      }
      return runtime::reply_durable(self, to_view(self->state));
    },
    [self](protocol::update_user& req) -> caf::result<protocol::user_view> {
      if (!self->state.exists) {
        return missing_user();
      }
      auto& d = self->state.data;
      if (req.has_name) {
        d.name = std::move(req.name);
      }
      if (req.has_bio) {
        d.bio = std::move(req.bio);
      }
      if (req.has_avatar_url) {
        d.avatar_url = std::move(req.avatar_url);
      }
      return runtime::commit(self, to_view(self->state));
    },
  };
}

/// One seller account per user: this actor is the only writer of its `seller_id`, so two
/// applications (even through different nodes) cannot both succeed. The seller account is
/// created (durably) before the claim; a crash in between leaves an orphan pending account
/// and a free claim, so a retried application still succeeds.
caf::result<protocol::seller_view> apply_seller(user_actor* self, protocol::apply_seller& req) {
  auto& st = self->state;
  if (!st.exists) {
    return missing_user();
  }
  if (!st.data.seller_id.empty() || st.applying) {
    return caf::make_error(errc::conflict, "this user already has a seller account");
  }
  st.applying = true;
  auto rp = self->make_response_promise();
  runtime::route<protocol::seller_view>(self, protocol::seller_ref{req.seller_id},
                                        protocol::create_seller{st.id, std::move(req.profile)})
    .then(
      [self, rp, seller_id = req.seller_id](protocol::seller_view& seller) {
        self->state.applying = false;
        self->state.data.seller_id = seller_id;
        runtime::persist(self, runtime::deliver_on_durable(rp, std::move(seller)));
      },
      [self, rp](caf::error& err) mutable {
        self->state.applying = false;
        rp.deliver(std::move(err));
      });
  return rp;
}

caf::message_handler seller_handlers(user_actor* self) {
  return {
    [self](protocol::apply_seller& req) { return apply_seller(self, req); },
    [self](protocol::set_role& req) -> caf::result<protocol::user_view> {
      if (!self->state.exists) {
        return missing_user();
      }
      auto& roles = self->state.data.roles;
      auto i = std::find(roles.begin(), roles.end(), req.role);
      if ((i != roles.end()) == req.on) {
        return runtime::reply_durable(self, to_view(self->state));
      }
      if (req.on) {
        roles.push_back(req.role);
      } else {
        roles.erase(i);
      }
      return runtime::commit(self, to_view(self->state));
    },
  };
}

/// The buyer's order book, for the buyer only.
caf::message_handler order_handlers(user_actor* self) {
  return {
    [self](protocol::list_orders& req) -> caf::result<protocol::order_page> {
      const auto& id = self->state.id;
      if (req.requester != id) {
        return caf::make_error(errc::forbidden, "only the buyer lists their orders");
      }
      return read_models::book_page<protocol::order_page, protocol::order_view>(
        self, std::string{protocol::buyer_book} + ":" + id, protocol::order_kind{},
        protocol::get_order{req.requester, false}, req.limit, req.cursor);
    },
  };
}

caf::behavior user_impl(user_actor* self, std::string id,
                        std::shared_ptr<const runtime::entity_env> env) {
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    return profile_handlers(self)
      .or_else(address_handlers(self))
      .or_else(seller_handlers(self))
      .or_else(order_handlers(self));
  });
}

} // namespace

caf::actor spawn_user(caf::actor_system& sys, const std::string& id,
                      std::shared_ptr<const runtime::entity_env> env) {
  return sys.spawn(user_impl, id, std::move(env));
}

} // namespace lakoo::identity
