#include <algorithm>

#include "actors/runtime/asks.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/entity.hpp"
#include "actors/runtime/paging.hpp"
#include "actors/social/log.hpp"
#include "actors/social/social.hpp"

namespace lakoo::social {

namespace {

using protocol::errc;

constexpr int64_t list_retry_ms = 2000;

/// Snapshot body of `collection:<id>`.
struct collection_data {
  uint16_t v = 1;
  std::string owner_id;
  std::string name;
  bool is_public = true;
  std::vector<std::string> posts; ///< newest filed first
  int64_t created_ms = 0;
  bool listed = false; ///< the owner's graph lists it
  MSGPACK_DEFINE_MAP(v, owner_id, name, is_public, posts, created_ms, listed)
};

/// A board of saved posts (Pinterest). Only its owner files posts; a private one is invisible
/// (not_found) to everyone else. It gets itself listed on the owner's graph, retried by the
/// durable timer.
struct collection_state : runtime::entity_state<collection_data> {
  static inline const char* name = "lakoo.collection";
  static inline const char* kind = collection_kind;
  bool listing = false;

  int64_t next_wake_ms() const {
    return exists && !data.listed ? runtime::unix_ms() + list_retry_ms : 0;
  }
};

using collection_actor = caf::stateful_actor<collection_state>;

protocol::collection_view to_view(const collection_state& st) {
  const auto& d = st.data;
  return {st.id,
          d.owner_id,
          d.name,
          d.is_public,
          static_cast<int64_t>(d.posts.size()),
          runtime::rfc3339(d.created_ms / 1000)};
}

void get_listed(collection_actor* self, std::function<void()> then) {
  auto& st = self->state;
  if (st.listing || !st.exists || st.data.listed) {
    return then();
  }
  st.listing = true;
  runtime::route<bool>(self, protocol::graph_ref{st.data.owner_id},
                       protocol::add_collection_ref{st.id})
    .then(
      [self, then](bool) {
        auto& s = self->state;
        s.listing = false;
        s.data.listed = true;
        runtime::persist(self, [then](const caf::error*) { then(); });
      },
      [self, then](caf::error& e) {
        self->state.listing = false;
        log().warn("[collection {}] not listed on the owner's graph yet: {}", self->state.id,
                   caf::to_string(e));
        then();
      });
}

caf::result<protocol::collection_view> create(collection_actor* self,
                                              protocol::create_collection& req) {
  auto& st = self->state;
  if (st.exists) {
    return caf::make_error(errc::conflict, "the collection exists");
  }
  st.data.owner_id = std::move(req.owner_id);
  st.data.name = std::move(req.name);
  st.data.is_public = req.is_public;
  st.data.created_ms = runtime::unix_ms();
  auto rp = self->make_response_promise();
  runtime::persist(self, [self, rp](const caf::error* err) mutable {
    if (err) {
      rp.deliver(*err);
      return;
    }
    // Answer once listed (or once the first try failed: the timer retries), so the owner's
    // list shows it right away in the normal case.
    get_listed(self, [self, rp]() mutable { rp.deliver(to_view(self->state)); });
  });
  return rp;
}

/// not_found for a missing collection, or a private one seen by anyone but its owner.
std::optional<caf::error> hidden(const collection_state& st, const std::string& viewer) {
  if (!st.exists || (!st.data.is_public && viewer != st.data.owner_id)) {
    return caf::make_error(errc::not_found, "no such collection");
  }
  return std::nullopt;
}

caf::result<protocol::collection_view> collect(collection_actor* self,
                                               const protocol::collect_post& req) {
  auto& st = self->state;
  if (auto err = hidden(st, req.requester)) {
    return *err;
  }
  if (req.requester != st.data.owner_id) {
    return caf::make_error(errc::forbidden, "only the owner files posts in a collection");
  }
  auto& ps = st.data.posts;
  auto it = std::find(ps.begin(), ps.end(), req.post_id);
  if ((it != ps.end()) == req.on) {
    return runtime::reply_durable(self, to_view(st));
  }
  if (req.on) {
    ps.insert(ps.begin(), req.post_id);
  } else {
    ps.erase(it);
  }
  return runtime::commit(self, to_view(st));
}

/// Saves a post into the collection: the owner only; the post first (it must exist), then the
/// filing.
caf::result<protocol::post_view> save_into(collection_actor* self,
                                           const protocol::save_to_collection& req) {
  auto& st = self->state;
  if (auto err = hidden(st, req.requester)) {
    return *err;
  }
  if (req.requester != st.data.owner_id) {
    return caf::make_error(errc::forbidden, "not your collection");
  }
  auto rp = self->make_response_promise();
  runtime::ask_one<protocol::post_view>(
    self, protocol::post_ref{req.post_id}, protocol::react_post{req.requester, "save", true},
    [self, rp, post_id = req.post_id](caf::expected<protocol::post_view> post) mutable {
      if (!post) {
        rp.deliver(post.error());
        return;
      }
      auto& ps = self->state.data.posts;
      if (std::find(ps.begin(), ps.end(), post_id) != ps.end()) {
        return runtime::when_durable(self, runtime::deliver_on_durable(rp, std::move(*post)));
      }
      ps.insert(ps.begin(), post_id);
      runtime::persist(self, runtime::deliver_on_durable(rp, std::move(*post)));
    });
  return rp;
}

caf::result<protocol::id_page> list(collection_actor* self, const protocol::list_collection& req) {
  auto& st = self->state;
  if (auto err = hidden(st, req.viewer)) {
    return *err;
  }
  auto page = runtime::id_page_after(st.data.posts, req.cursor, req.limit);
  if (!page) {
    return runtime::bad_cursor();
  }
  return runtime::reply_durable(self, std::move(*page));
}

caf::behavior collection_impl(collection_actor* self, std::string id,
                              std::shared_ptr<const runtime::entity_env> env) {
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    get_listed(self, [] {});
    return caf::message_handler{
      [self](protocol::create_collection& req) { return create(self, req); },
      [self](const protocol::get_collection& req) -> caf::result<protocol::collection_view> {
        if (auto err = hidden(self->state, req.viewer)) {
          return *err;
        }
        return runtime::reply_durable(self, to_view(self->state));
      },
      [self](const protocol::collect_post& req) { return collect(self, req); },
      [self](const protocol::save_to_collection& req) { return save_into(self, req); },
      [self](const protocol::list_collection& req) { return list(self, req); },
      [self](protocol::wake_atom) { get_listed(self, [] {}); },
    };
  });
}

} // namespace

caf::actor spawn_collection(caf::actor_system& sys, const std::string& id,
                            std::shared_ptr<const runtime::entity_env> env) {
  return sys.spawn(collection_impl, id, std::move(env));
}

} // namespace lakoo::social
