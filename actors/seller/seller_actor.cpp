#include <algorithm>

#include "actors/runtime/clock.hpp"
#include "actors/runtime/entity.hpp"
#include "actors/runtime/fields_msgpack.hpp"
#include "actors/seller/seller.hpp"
#include "read_models/books.hpp"

namespace lakoo::seller {

namespace {

using protocol::errc;

/// Snapshot body of `seller:<id>`.
struct seller_data {
  uint16_t v = 1;
  std::string owner_user_id;
  std::string brand_name;
  std::string bio;
  std::string avatar_url;
  std::string instagram_handle;
  std::string acquisition_source;
  /// pending -> active | rejected; active -> rejected (suspended); rejected -> active (by name)
  protocol::seller_status status = protocol::seller_status::pending;
  std::string rejection_reason;
  int64_t follower_count = 0;
  int64_t product_count = 0;
  int64_t created_at = 0;
  std::string origin_city_id; ///< where its parcels leave from (reference city id), or ""
  MSGPACK_DEFINE_MAP(v, owner_user_id, brand_name, bio, avatar_url, instagram_handle,
                     acquisition_source, status, rejection_reason, follower_count, product_count,
                     created_at, origin_city_id)
};

/// One seller account. Its status is the truth about whether its owner may act as a seller
/// (a token's `seller` role is only a hint that can be older than a rejection).
struct seller_state : runtime::entity_state<seller_data> {
  static inline const char* name = "lakoo.seller";
  static inline const char* kind = seller_kind;
};

using seller_actor = caf::stateful_actor<seller_state>;

protocol::seller_view to_view(const seller_state& st) {
  const auto& d = st.data;
  return {st.id,
          d.owner_user_id,
          d.brand_name,
          d.bio,
          d.avatar_url,
          d.instagram_handle,
          d.acquisition_source,
          d.status,
          d.rejection_reason,
          d.follower_count,
          d.product_count,
          runtime::rfc3339(d.created_at),
          d.origin_city_id};
}

void apply_field(seller_data& d, const std::string& field, const protocol::seller_profile& p) {
  if (field == "brand_name") {
    d.brand_name = p.brand_name;
  } else if (field == "bio") {
    d.bio = p.bio;
  } else if (field == "avatar_url") {
    d.avatar_url = p.avatar_url;
  } else if (field == "instagram_handle") {
    d.instagram_handle = p.instagram_handle;
  } else if (field == "origin_city_id") {
    d.origin_city_id = p.origin_city_id;
  }
}

/// Persists the new status, then sets the owner's role, then answers: a retried decision
/// repeats the role change, so a crash between the two steps heals on retry.
caf::result<protocol::seller_view> decide(seller_actor* self, protocol::review_seller& req) {
  auto& st = self->state;
  auto& d = st.data;
  auto target = req.approve ? protocol::seller_status::active : protocol::seller_status::rejected;
  bool changed = d.status != target;
  if (changed) {
    d.status = target;
    d.rejection_reason = req.approve ? std::string{} : std::move(req.reason);
  }
  auto rp = self->make_response_promise();
  auto set_owner_role = [self, rp, approve = req.approve]() mutable {
    auto& s = self->state;
    runtime::route<protocol::user_view>(self, protocol::user_ref{s.data.owner_user_id},
                                        protocol::set_role{"seller", approve})
      .then(
        [self, rp, approve](protocol::user_view&) mutable {
          auto& s2 = self->state;
          if (approve) {
            runtime::notify_user(
              self, s2.data.owner_user_id,
              protocol::notify{s2.id + ":approved", "seller_approved", "", s2.id,
                               s2.data.brand_name + " is approved: start selling"});
          }
          rp.deliver(to_view(s2));
        },
        [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  };
  if (changed) {
    runtime::persist(self, [rp, set_owner_role](const caf::error* err) mutable {
      if (err) {
        rp.deliver(*err);
      } else {
        set_owner_role();
      }
    });
  } else {
    set_owner_role();
  }
  return rp;
}

/// Not found (no such seller) or forbidden (not its owner), else none.
caf::error owner_only(const seller_state& st, const std::string& requester) {
  if (!st.exists) {
    return caf::make_error(errc::not_found, "seller not found");
  }
  if (requester != st.data.owner_user_id) {
    return caf::make_error(errc::forbidden, "not your seller account");
  }
  return {};
}

caf::behavior seller_impl(seller_actor* self, std::string id,
                          std::shared_ptr<const runtime::entity_env> env) {
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    return caf::message_handler{
      [self](protocol::create_seller& req) -> caf::result<protocol::seller_view> {
        auto& st = self->state;
        if (st.exists) {
          return caf::make_error(errc::conflict, "seller account exists");
        }
        auto& d = st.data;
        d.owner_user_id = std::move(req.owner_user_id);
        d.brand_name = std::move(req.profile.brand_name);
        d.bio = std::move(req.profile.bio);
        d.avatar_url = std::move(req.profile.avatar_url);
        d.instagram_handle = std::move(req.profile.instagram_handle);
        d.acquisition_source = std::move(req.profile.acquisition_source);
        d.origin_city_id = std::move(req.profile.origin_city_id);
        d.status = protocol::seller_status::pending;
        d.created_at = runtime::unix_now();
        return runtime::commit(self, to_view(st));
      },
      [self](protocol::get_seller) -> caf::result<protocol::seller_view> {
        if (!self->state.exists) {
          return caf::make_error(errc::not_found, "seller not found");
        }
        return runtime::reply_durable(self, to_view(self->state));
      },
      [self](protocol::update_seller& req) -> caf::result<protocol::seller_view> {
        auto& st = self->state;
        if (!st.exists) {
          return caf::make_error(errc::not_found, "seller not found");
        }
        if (req.requester != st.data.owner_user_id) {
          return caf::make_error(errc::forbidden, "only the owner can change this seller");
        }
        for (const auto& field : req.fields) {
          apply_field(st.data, field, req.profile);
        }
        return runtime::commit(self, to_view(st));
      },
      [self](protocol::review_seller& req) -> caf::result<protocol::seller_view> {
        if (!self->state.exists) {
          return caf::make_error(errc::not_found, "seller not found");
        }
        return decide(self, req);
      },
      [self](protocol::list_orders& req) -> caf::result<protocol::order_page> {
        if (auto refused = owner_only(self->state, req.requester)) {
          return refused;
        }
        return read_models::book_page<protocol::order_page, protocol::order_view>(
          self, std::string{protocol::seller_book} + ":" + self->state.id, protocol::order_kind{},
          protocol::get_order{req.requester, false}, req.limit, req.cursor);
      },
      [self](protocol::seller_earnings& req) -> caf::result<protocol::earnings_view> {
        if (auto refused = owner_only(self->state, req.requester)) {
          return refused;
        }
        auto rp = self->make_response_promise();
        runtime::ask_one<protocol::earnings_view>(
          self, protocol::earnings_ref{self->state.id}, protocol::get_earnings{},
          [rp](caf::expected<protocol::earnings_view> e) mutable {
            if (e) {
              rp.deliver(std::move(*e));
            } else {
              rp.deliver(e.error());
            }
          });
        return rp;
      },
    };
  });
}

} // namespace

caf::actor spawn_seller(caf::actor_system& sys, const std::string& id,
                        std::shared_ptr<const runtime::entity_env> env) {
  return sys.spawn(seller_impl, id, std::move(env));
}

void register_kinds(runtime::entity_kinds& kinds) {
  kinds[seller_kind] = spawn_seller;
}

} // namespace lakoo::seller
