#include <algorithm>

#include "actors/runtime/clock.hpp"
#include "actors/runtime/entity.hpp"
#include "actors/runtime/ids.hpp"
#include "actors/runtime/paging.hpp"
#include "actors/social/log.hpp"
#include "actors/social/social.hpp"

namespace lakoo::social {

namespace {

using protocol::errc;

constexpr int64_t sync_retry_ms = 2000;

struct comment_data {
  std::string id;
  std::string author_id;
  std::string parent_id;
  std::string body;
  int64_t created_ms = 0;
  MSGPACK_DEFINE_MAP(id, author_id, parent_id, body, created_ms)
};

/// Snapshot body of `thread:<post id>`.
struct thread_data {
  uint16_t v = 1;
  std::vector<comment_data> comments; ///< oldest first
  int64_t synced = 0;                 ///< comment count the post has acknowledged
  MSGPACK_DEFINE_MAP(v, comments, synced)
};

/// A post's comments and replies. The post learns the count (and who commented last, to notify
/// its author) from here, retried by the durable timer until it acknowledges.
struct thread_state : runtime::entity_state<thread_data> {
  static inline const char* name = "lakoo.thread";
  static inline const char* kind = thread_kind;
  bool syncing = false;

  int64_t next_wake_ms() const {
    auto count = static_cast<int64_t>(data.comments.size());
    return data.synced >= count ? 0 : runtime::unix_ms() + sync_retry_ms;
  }
};

using thread_actor = caf::stateful_actor<thread_state>;

protocol::comment_view to_view(const thread_state& st, const comment_data& c) {
  return {c.id, st.id, c.author_id, c.parent_id, c.body, runtime::rfc3339(c.created_ms / 1000)};
}

/// The first ~80 characters of `body`, cut at a UTF-8 boundary.
std::string excerpt_of(const std::string& body) {
  if (body.size() <= 80) {
    return body;
  }
  size_t n = 80;
  while (n > 0 && (static_cast<unsigned char>(body[n]) & 0xC0) == 0x80) {
    --n;
  }
  return body.substr(0, n) + "…";
}

void sync_count(thread_actor* self) {
  auto& st = self->state;
  auto count = static_cast<int64_t>(st.data.comments.size());
  if (st.syncing || st.data.synced >= count) {
    return;
  }
  st.syncing = true;
  const auto& last = st.data.comments.back();
  protocol::set_comment_count msg{count, last.author_id, excerpt_of(last.body)};
  runtime::route<bool>(self, protocol::post_ref{st.id}, std::move(msg))
    .then(
      [self, count](bool) {
        auto& s = self->state;
        s.syncing = false;
        if (s.data.synced < count) {
          s.data.synced = count;
          runtime::persist(self, [](const caf::error*) {});
        }
        sync_count(self);
      },
      [self](caf::error& e) {
        self->state.syncing = false;
        log().warn("[thread {}] comment count not handed to the post yet: {}", self->state.id,
                   caf::to_string(e));
      });
}

caf::result<protocol::comment_view> add(thread_actor* self, protocol::add_comment& req) {
  auto& st = self->state;
  auto& cs = st.data.comments;
  if (!req.parent_id.empty() && std::none_of(cs.begin(), cs.end(), [&](const comment_data& c) {
        return c.id == req.parent_id;
      })) {
    return caf::make_error(errc::invalid_request, "parent_id", "no such comment on this post");
  }
  cs.push_back({runtime::new_id("cmt"), std::move(req.author_id), std::move(req.parent_id),
                std::move(req.body), runtime::unix_ms()});
  return runtime::commit(self, to_view(st, cs.back()), [self] { sync_count(self); });
}

caf::result<protocol::comment_page> list(thread_actor* self, const protocol::list_comments& req) {
  auto& st = self->state;
  auto page = runtime::page_of<protocol::comment_page>(
    st.data.comments, req.cursor, req.limit, [](const comment_data& c) { return c.id; },
    [&st](const comment_data& c) { return to_view(st, c); });
  if (!page) {
    return page.error();
  }
  return runtime::reply_durable(self, std::move(*page));
}

caf::behavior thread_impl(thread_actor* self, std::string id,
                          std::shared_ptr<const runtime::entity_env> env) {
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    sync_count(self);
    return caf::message_handler{
      [self](protocol::add_comment& req) { return add(self, req); },
      [self](const protocol::list_comments& req) { return list(self, req); },
      [self](protocol::wake_atom) { sync_count(self); },
    };
  });
}

} // namespace

caf::actor spawn_thread(caf::actor_system& sys, const std::string& id,
                        std::shared_ptr<const runtime::entity_env> env) {
  return sys.spawn(thread_impl, id, std::move(env));
}

} // namespace lakoo::social
