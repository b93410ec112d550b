#include <algorithm>

#include "actors/catalog/catalog.hpp"
#include "actors/catalog/log.hpp"
#include "actors/runtime/asks.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/entity.hpp"
#include "actors/runtime/ids.hpp"
#include "actors/runtime/paging.hpp"

namespace lakoo::catalog {

namespace {

using protocol::errc;

constexpr int64_t sync_retry_ms = 3000;

struct review_data {
  std::string id;
  std::string order_id;
  std::string user_id;
  int32_t rating = 0;
  std::string body;
  std::vector<std::string> media_urls;
  int64_t created_ms = 0;
  MSGPACK_DEFINE_MAP(id, order_id, user_id, rating, body, media_urls, created_ms)
};

/// Snapshot body of `reviews:<product id>`.
struct reviews_data {
  uint16_t v = 1;
  std::vector<review_data> reviews; ///< newest first
  int64_t sum = 0;
  int64_t synced = 0; ///< review count the product has acknowledged
  MSGPACK_DEFINE_MAP(v, reviews, sum, synced)
};

/// A product's reviews: one per (order, product), and the exact rating totals, which it hands
/// to the product (retried by the durable timer until the product has them).
struct reviews_state : runtime::entity_state<reviews_data> {
  static inline const char* name = "lakoo.reviews";
  static inline const char* kind = reviews_kind;
  bool syncing = false;

  int64_t next_wake_ms() const {
    auto count = static_cast<int64_t>(data.reviews.size());
    return data.synced >= count ? 0 : runtime::unix_now() * 1000 + sync_retry_ms;
  }
};

using reviews_actor = caf::stateful_actor<reviews_state>;

protocol::review_view to_view(const reviews_state& st, const review_data& r) {
  return {r.id,     st.id,  r.order_id,   r.user_id,
          r.rating, r.body, r.media_urls, runtime::rfc3339(r.created_ms / 1000)};
}

/// Hands the totals to the product; once acknowledged, records it (and clears the timer).
void sync_rating(reviews_actor* self) {
  auto& st = self->state;
  auto count = static_cast<int64_t>(st.data.reviews.size());
  if (st.syncing || st.data.synced >= count) {
    return;
  }
  st.syncing = true;
  runtime::route<bool>(self, protocol::product_ref{st.id}, protocol::set_rating{st.data.sum, count})
    .then(
      [self, count](bool) {
        auto& s = self->state;
        s.syncing = false;
        if (s.data.synced < count) {
          s.data.synced = count;
          runtime::persist(self, [](const caf::error*) {});
        }
      },
      [self](caf::error& e) {
        self->state.syncing = false;
        log().warn("[reviews {}] rating not handed to the product yet: {}", self->state.id,
                   caf::to_string(e));
      });
}

caf::result<protocol::review_view> add(reviews_actor* self, protocol::add_review& req) {
  auto& st = self->state;
  auto& d = st.data;
  if (req.rating < 1 || req.rating > 5) {
    return caf::make_error(errc::invalid_request, "rating", "rating must be 1 to 5");
  }
  auto seen = std::any_of(d.reviews.begin(), d.reviews.end(),
                          [&](const review_data& r) { return r.order_id == req.order_id; });
  if (seen) {
    return caf::make_error(errc::conflict, "this order's purchase of the product is reviewed");
  }
  d.reviews.insert(d.reviews.begin(),
                   review_data{runtime::new_id("rev"), std::move(req.order_id),
                               std::move(req.user_id), req.rating, std::move(req.body),
                               std::move(req.media_urls), runtime::unix_now() * 1000});
  d.sum += req.rating;
  return runtime::commit(self, to_view(st, d.reviews.front()), [self] { sync_rating(self); });
}

caf::result<protocol::review_page> list(reviews_actor* self, const protocol::list_reviews& req) {
  auto& st = self->state;
  auto page = runtime::page_of<protocol::review_page>(
    st.data.reviews, req.cursor, req.limit, [](const review_data& r) { return r.id; },
    [&st](const review_data& r) { return to_view(st, r); });
  if (!page) {
    return page.error();
  }
  if (st.exists) {
    return runtime::reply_durable(self, std::move(*page));
  }
  // No review yet: an unreviewed product, or no such product. The product says which.
  return runtime::answer_if_exists<protocol::product_view>(self, protocol::product_ref{st.id},
                                                           protocol::get_product{},
                                                           "product not found", std::move(*page));
}

caf::behavior reviews_impl(reviews_actor* self, std::string id,
                           std::shared_ptr<const runtime::entity_env> env) {
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    sync_rating(self);
    return caf::message_handler{
      [self](protocol::add_review& req) { return add(self, req); },
      [self](protocol::list_reviews& req) { return list(self, req); },
      [self](protocol::wake_atom) { sync_rating(self); },
    };
  });
}

} // namespace

caf::actor spawn_reviews(caf::actor_system& sys, const std::string& id,
                         std::shared_ptr<const runtime::entity_env> env) {
  return sys.spawn(reviews_impl, id, std::move(env));
}

} // namespace lakoo::catalog
