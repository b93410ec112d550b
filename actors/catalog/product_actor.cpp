#include <algorithm>

#include "actors/catalog/catalog.hpp"
#include "actors/catalog/catalog_data.hpp"
#include "actors/pricing/pricing.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/entity.hpp"

namespace lakoo::catalog {

namespace {

using protocol::errc;
using status = protocol::product_status;
using action = protocol::product_action;

/// A product: its text, variants and moderation state. Stock lives in the sku actors.
struct product_state : runtime::entity_state<product_data> {
  static inline const char* name = "lakoo.product";
  static inline const char* kind = product_kind;
  bool creating = false; ///< this activation is claiming the skus right now
};

using product_actor = caf::stateful_actor<product_state>;

protocol::product_view to_view(const product_state& st) {
  return view_of(st.id, st.data);
}

bool is_visible(const product_state& st) {
  return st.exists && st.data.status != status::creating && st.data.status != status::failed;
}

/// Outcome of claiming every sku of a new product.
struct claim_round {
  std::vector<std::string> claimed;
  std::vector<std::string> taken;
  caf::error other; ///< a failure that is not a clash (timeout, unreachable owner)
};

/// Claims done: keep the draft, or give back what was claimed and fail the creation.
void finish_creation(product_actor* self, caf::response_promise rp,
                     std::shared_ptr<claim_round> round) {
  auto& st = self->state;
  st.creating = false;
  if (round->taken.empty() && !round->other) {
    st.data.status = status::draft;
    runtime::persist(self, runtime::deliver_on_durable(rp, to_view(st)));
    return;
  }
  for (const auto& sku : round->claimed) {
    runtime::route<protocol::sku_view>(self, protocol::sku_ref{sku}, protocol::drop_sku{st.id})
      .then([](protocol::sku_view&) {}, [](caf::error&) {}); // a missed drop heals by confirm
  }
  st.data.status = status::failed;
  auto answer = round->taken.empty()
                  ? round->other
                  : caf::make_error(errc::conflict,
                                    "sku already used by another product: " + round->taken.front());
  runtime::persist(
    self, [rp, answer](const caf::error* err) mutable { rp.deliver(err ? *err : answer); });
}

/// Claims `(*stocks)[index]`, then the next one; the first failure ends the round.
void claim_next(product_actor* self, caf::response_promise rp,
                std::shared_ptr<std::vector<protocol::variant>> stocks,
                std::shared_ptr<claim_round> round, size_t index) {
  if (index == stocks->size()) {
    return finish_creation(self, rp, round);
  }
  auto& s = self->state;
  const auto& x = (*stocks)[index];
  auto sku = x.sku;
  runtime::route<protocol::sku_view>(self, protocol::sku_ref{sku},
                                     protocol::define_sku{s.id, s.data.seller_id, x.stock})
    .then(
      [self, rp, stocks, round, index, sku](protocol::sku_view&) {
        round->claimed.push_back(sku);
        claim_next(self, rp, stocks, round, index + 1);
      },
      [self, rp, round, sku](caf::error& e) {
        if (e == errc::conflict) {
          round->taken.push_back(sku);
        } else {
          round->other = std::move(e);
        }
        finish_creation(self, rp, round);
      });
}

/// A price the catalog accepts (the pricing module's bounds keep every total exact).
bool valid_price(int64_t price) {
  return price >= 1 && price <= pricing::max_unit_price;
}

caf::result<protocol::product_view> create(product_actor* self, protocol::create_product& req) {
  auto& st = self->state;
  if (st.exists) {
    return caf::make_error(errc::conflict, "product exists");
  }
  for (size_t i = 0; i < req.variants.size(); ++i) {
    if (!valid_price(req.variants[i].price)) {
      return caf::make_error(errc::invalid_request, "variants[" + std::to_string(i) + "].price",
                             "between 1 and " + std::to_string(pricing::max_unit_price));
    }
  }
  auto& d = st.data;
  d.seller_id = std::move(req.seller_id);
  d.owner_user_id = std::move(req.owner_user_id);
  d.title = std::move(req.title);
  d.description = std::move(req.description);
  d.category = std::move(req.category);
  d.images = std::move(req.images);
  d.status = status::creating; // durable first: a sku can then ask whether this claim is alive
  d.created_at = runtime::unix_now();
  for (auto& x : req.variants) {
    d.variants.push_back({x.sku, x.price, x.currency, x.option_names, x.option_values, x.weight_g});
  }
  st.creating = true;
  auto rp = self->make_response_promise();
  auto stocks = std::make_shared<std::vector<protocol::variant>>(std::move(req.variants));
  runtime::persist(self, [self, rp, stocks](const caf::error* err) mutable {
    if (err) {
      self->state.creating = false;
      rp.deliver(*err);
      return;
    }
    // One sku at a time in sku order, stopping at the first clash: two creations that share
    // skus then meet at the same (first shared) sku, so one of them gets all of them. Claiming
    // in parallel let each win a different sku, and both failed.
    std::sort(stocks->begin(), stocks->end(),
              [](const protocol::variant& a, const protocol::variant& b) { return a.sku < b.sku; });
    claim_next(self, rp, stocks, std::make_shared<claim_round>(), 0);
  });
  return rp;
}

caf::result<protocol::product_view> moderate(product_actor* self, protocol::moderate_product& req) {
  auto& st = self->state;
  auto& d = st.data;
  if (!is_visible(st)) {
    return caf::make_error(errc::not_found, "product not found");
  }
  auto illegal
    = caf::make_error(errc::conflict, "cannot " + std::string{to_string(req.action)}
                                        + " a product that is " + std::string{to_string(d.status)});
  switch (req.action) {
    case action::submit:
      if (req.requester != d.owner_user_id) {
        return caf::make_error(errc::forbidden, "only the owner can submit this product");
      }
      if (d.status == status::pending) {
        return runtime::reply_durable(self, to_view(st));
      }
      if (d.status != status::draft && d.status != status::rejected) {
        return illegal;
      }
      d.status = status::pending;
      break;
    case action::approve:
      if (d.status == status::active) {
        return runtime::reply_durable(self, to_view(st));
      }
      if (d.status != status::pending) {
        return illegal;
      }
      d.status = status::active;
      d.rejection_reason.clear();
      break;
    case action::reject:
      if (d.status != status::pending && d.status != status::active) {
        return illegal;
      }
      d.status = status::rejected;
      d.rejection_reason = std::move(req.reason);
      break;
    default:
      return caf::make_error(errc::invalid_request, "action", "unknown action");
  }
  auto rp = self->make_response_promise();
  runtime::persist(self, [self, rp, action = req.action](const caf::error* err) mutable {
    auto& s = self->state;
    if (err) {
      rp.deliver(*err);
      return;
    }
    rp.deliver(to_view(s));
    if (action != action::submit) {
      auto approved = action == action::approve;
      auto kind = approved ? "product_approved" : "product_rejected";
      auto text = approved ? s.data.title + " is live"
                           : s.data.title + " was rejected: " + s.data.rejection_reason;
      auto key = s.id + ":" + std::string{to_string(action)} + ":" + std::to_string(s.version);
      runtime::notify_user(self, s.data.owner_user_id, protocol::notify{key, kind, "", s.id, text});
    }
  });
  return rp;
}

/// Whether the claim of `sku` is still wanted: a creation found in progress after a reload
/// died with its node, so it is failed now and lets go of its skus.
caf::result<bool> confirm(product_actor* self, const protocol::confirm_claim& req) {
  auto& st = self->state;
  if (!st.exists || st.data.status == status::failed) {
    return false;
  }
  if (st.data.status == status::creating) {
    if (st.creating) {
      return true;
    }
    st.data.status = status::failed;
    auto rp = self->make_response_promise();
    runtime::persist(self, [rp](const caf::error* err) mutable {
      if (err) {
        rp.deliver(*err);
      } else {
        rp.deliver(false);
      }
    });
    return rp;
  }
  const auto& vs = st.data.variants;
  return std::any_of(vs.begin(), vs.end(), [&](const variant_data& x) { return x.sku == req.sku; });
}

caf::behavior product_impl(product_actor* self, std::string id,
                           std::shared_ptr<const runtime::entity_env> env) {
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    return caf::message_handler{
      [self](protocol::create_product& req) { return create(self, req); },
      [self](protocol::get_product) -> caf::result<protocol::product_view> {
        if (!is_visible(self->state)) {
          return caf::make_error(errc::not_found, "product not found");
        }
        return runtime::reply_durable(self, to_view(self->state));
      },
      [self](protocol::moderate_product& req) { return moderate(self, req); },
      [self](protocol::set_variant_price& req) -> caf::result<protocol::product_view> {
        auto& st = self->state;
        if (!is_visible(st)) {
          return caf::make_error(errc::not_found, "product not found");
        }
        if (req.requester != st.data.owner_user_id) {
          return caf::make_error(errc::forbidden, "only the owner can change this product");
        }
        auto& vs = st.data.variants;
        auto i = std::find_if(vs.begin(), vs.end(),
                              [&](const variant_data& x) { return x.sku == req.sku; });
        if (i == vs.end()) {
          return caf::make_error(errc::not_found, "no such variant");
        }
        if (!valid_price(req.price)) {
          return caf::make_error(errc::invalid_request, "price",
                                 "between 1 and " + std::to_string(pricing::max_unit_price));
        }
        i->price = req.price;
        return runtime::commit(self, to_view(st));
      },
      [self](protocol::confirm_claim& req) { return confirm(self, req); },
      [self](protocol::set_rating& req) -> caf::result<bool> {
        auto& d = self->state.data;
        if (!self->state.exists || req.count <= d.rating_count) {
          return runtime::reply_durable(self, true); // totals only grow: an old or repeated one
        }
        d.rating_sum = req.sum;
        d.rating_count = req.count;
        return runtime::commit(self, true);
      },
    };
  });
}

} // namespace

protocol::product_view view_of(const std::string& id, const product_data& d) {
  protocol::product_view v;
  v.id = id;
  v.seller_id = d.seller_id;
  v.owner_user_id = d.owner_user_id;
  v.title = d.title;
  v.description = d.description;
  v.category = d.category;
  v.images = d.images;
  v.status = d.status;
  v.rejection_reason = d.rejection_reason;
  for (const auto& x : d.variants) {
    v.variants.push_back(
      {x.sku, x.price, x.currency, 0, x.option_names, x.option_values, x.weight_g});
  }
  v.rating_sum = d.rating_sum;
  v.rating_count = d.rating_count;
  v.created_at = runtime::rfc3339(d.created_at);
  return v;
}

caf::actor spawn_product(caf::actor_system& sys, const std::string& id,
                         std::shared_ptr<const runtime::entity_env> env) {
  return sys.spawn(product_impl, id, std::move(env));
}

} // namespace lakoo::catalog
