#include <algorithm>

#include "actors/runtime/asks.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/entity.hpp"
#include "actors/runtime/paging.hpp"
#include "actors/social/log.hpp"
#include "actors/social/social.hpp"
#include "actors/social/social_data.hpp"

namespace lakoo::social {

namespace {

using protocol::errc;

constexpr size_t max_recent_posts = 100; ///< kept for feeds (a feed pulls at most 50 of them)
constexpr size_t max_engaged = 100;
constexpr size_t max_categories = 50;
constexpr size_t max_forgotten = 200;

/// One user's place in the social graph. Following is decided here (the follower's side) and
/// mirrored on the followed user's graph before the request is answered; a repeat repairs a
/// mirror that failed halfway. A new post is fanned out from here to every follower's feed
/// unless the author has more than `push_max_followers` (then feeds pull it at read time).
struct graph_state : runtime::entity_state<graph_data> {
  static inline const char* name = "lakoo.graph";
  static inline const char* kind = graph_kind;
  social_settings settings;
};

using graph_actor = caf::stateful_actor<graph_state>;

using links = std::vector<link_data>;

links::iterator find_link(links& xs, const std::string& id) {
  return std::find_if(xs.begin(), xs.end(), [&](const link_data& l) { return l.id == id; });
}

/// Adds or removes `id`; whether anything changed.
bool set_link(links& xs, const std::string& id, bool on) {
  auto it = find_link(xs, id);
  if (on && it == xs.end()) {
    xs.push_back({id, runtime::unix_ms()});
    return true;
  }
  if (!on && it != xs.end()) {
    xs.erase(it);
    return true;
  }
  return false;
}

protocol::graph_view to_view(const graph_state& st) {
  return {st.id, static_cast<int64_t>(st.data.followers.size()),
          static_cast<int64_t>(st.data.following.size()), st.data.post_count};
}

template <class Kind, class Msg>
void tell(graph_actor* self, const protocol::ref<Kind>& to, Msg msg) {
  runtime::route<bool>(self, to, std::move(msg))
    .then([](bool) {},
          [key = to.key()](caf::error& e) {
            log().debug("[{}] not told: {}", key, caf::to_string(e));
          });
}

caf::result<protocol::graph_view> follow(graph_actor* self, protocol::follow_user& req) {
  auto& st = self->state;
  if (req.target == st.id) {
    return caf::make_error(errc::invalid_request, "id", "you cannot follow yourself");
  }
  bool changed = set_link(st.data.following, req.target, req.on);
  auto rp = self->make_response_promise();
  auto mirror = [self, rp, target = req.target, on = req.on, changed]() mutable {
    auto& s = self->state;
    runtime::route<protocol::graph_view>(self, protocol::graph_ref{target},
                                         protocol::add_follower{s.id, on})
      .then(
        [self, rp, target, on, changed](protocol::graph_view& v) mutable {
          auto& s2 = self->state;
          // Answer once the follower's feed has taken the change in (read-your-writes for the
          // follower); the feed is a cache, so its failure does not fail the follow.
          auto answer = [rp, v](auto&&...) mutable { rp.deliver(v); };
          runtime::route<bool>(self, protocol::feed_ref{s2.id}, protocol::feed_follow{target, on})
            .then([answer](bool) mutable { answer(); },
                  [answer](caf::error&) mutable { answer(); });
          if (changed && on) {
            runtime::notify_user(self, target,
                                 protocol::notify{"follow:" + s2.id + ":" + target, "new_follower",
                                                  s2.id, s2.id, "You have a new follower"});
          }
        },
        [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
  };
  if (!changed) {
    mirror(); // already so: make sure the other side agrees
    return rp;
  }
  runtime::persist(self, [rp, mirror](const caf::error* err) mutable {
    if (err) {
      rp.deliver(*err);
      return;
    }
    mirror();
  });
  return rp;
}

caf::result<protocol::graph_view> followed(graph_actor* self, const protocol::add_follower& req) {
  auto& st = self->state;
  if (!set_link(st.data.followers, req.follower, req.on)) {
    return runtime::reply_durable(self, to_view(st));
  }
  return runtime::commit(self, to_view(st));
}

caf::result<protocol::id_page> list(graph_actor* self, const protocol::list_graph& req) {
  auto& st = self->state;
  std::vector<std::string> ids; // newest first
  if (req.which == "followers" || req.which == "following") {
    const auto& xs = req.which == "followers" ? st.data.followers : st.data.following;
    for (auto it = xs.rbegin(); it != xs.rend(); ++it) {
      ids.push_back(it->id);
    }
  } else if (req.which == "collections") {
    ids = st.data.collections;
  } else {
    return caf::make_error(errc::invalid_request, "which", "followers, following or collections");
  }
  auto page = runtime::id_page_after(ids, req.cursor, req.limit);
  if (!page) {
    return runtime::bad_cursor();
  }
  if (st.exists) {
    return runtime::reply_durable(self, std::move(*page));
  }
  // Nobody followed or was followed yet: an empty graph, or no such user. The user says which.
  return runtime::answer_if_exists<protocol::user_view>(
    self, protocol::user_ref{st.id}, protocol::get_user{}, "user not found", std::move(*page));
}

/// Pushes `item` (or its removal) to every follower's feed that is in memory, unless feeds pull
/// this author. A feed that is not in memory is skipped: its build reads this graph anyway. One
/// cast message per node, not one request per follower.
void fan_out(graph_actor* self, const protocol::feed_item& item, bool on) {
  auto& st = self->state;
  if (static_cast<int64_t>(st.data.followers.size()) > st.settings.push_max_followers) {
    return;
  }
  static auto& pushes = runtime::metrics::global().counter_of("lakoo_feed_pushes_total");
  std::vector<std::string> ids;
  ids.reserve(st.data.followers.size());
  for (const auto& f : st.data.followers) {
    ids.push_back(f.id);
  }
  pushes.add(static_cast<int64_t>(ids.size()));
  self->send(st.env->router, protocol::cast_atom::value, std::string{feed_kind}, std::move(ids),
             caf::make_message(protocol::feed_push{item, on}), false);
}

caf::result<bool> authored(graph_actor* self, const protocol::authored& req) {
  auto& st = self->state;
  auto& d = st.data;
  auto it = std::find_if(d.posts.begin(), d.posts.end(),
                         [&](const recent_post& p) { return p.post_id == req.item.post_id; });
  bool changed = false;
  if (req.on && it == d.posts.end()) {
    auto pos = std::find_if(d.posts.begin(), d.posts.end(), [&](const recent_post& p) {
      return p.created_ms < req.item.created_ms;
    });
    d.posts.insert(pos, {req.item.post_id, req.item.created_ms});
    if (d.posts.size() > max_recent_posts) {
      d.posts.resize(max_recent_posts);
    }
    d.post_count += 1;
    changed = true;
  } else if (!req.on
             && std::find(d.forgotten.begin(), d.forgotten.end(), req.item.post_id)
                  == d.forgotten.end()) {
    if (it != d.posts.end()) {
      d.posts.erase(it);
    }
    d.post_count = std::max<int64_t>(0, d.post_count - 1);
    d.forgotten.insert(d.forgotten.begin(), req.item.post_id);
    if (d.forgotten.size() > max_forgotten) {
      d.forgotten.resize(max_forgotten);
    }
    changed = true;
  }
  if (!changed) {
    return runtime::reply_durable(self, true);
  }
  return runtime::commit(self, true,
                         [self, item = req.item, on = req.on] { fan_out(self, item, on); });
}

protocol::author_posts recent(const graph_state& st) {
  protocol::author_posts out;
  for (size_t i = 0; i < st.data.posts.size() && i < 50; ++i) {
    out.posts.push_back({st.data.posts[i].post_id, st.id, st.data.posts[i].created_ms});
  }
  out.pulled = static_cast<int64_t>(st.data.followers.size()) > st.settings.push_max_followers;
  return out;
}

caf::result<bool> engaged(graph_actor* self, const protocol::engaged& req) {
  auto& d = self->state.data;
  auto it = std::find(d.engaged.begin(), d.engaged.end(), req.post_id);
  if (it != d.engaged.end()) {
    d.engaged.erase(it);
  }
  if (req.on) {
    d.engaged.insert(d.engaged.begin(), req.post_id);
    if (d.engaged.size() > max_engaged) {
      d.engaged.resize(max_engaged);
    }
    for (const auto& c : req.categories) {
      auto ci = std::find(d.categories.begin(), d.categories.end(), c);
      if (ci != d.categories.end()) {
        d.weights[static_cast<size_t>(ci - d.categories.begin())] += 1;
      } else if (d.categories.size() < max_categories) {
        d.categories.push_back(c);
        d.weights.push_back(1);
      }
    }
  }
  return runtime::commit(self, true);
}

protocol::taste taste_of(const graph_state& st) {
  protocol::taste t;
  for (const auto& l : st.data.following) {
    t.following.push_back(l.id);
  }
  t.engaged = st.data.engaged;
  t.categories = st.data.categories;
  t.weights = st.data.weights;
  return t;
}

caf::behavior graph_impl(graph_actor* self, std::string id,
                         std::shared_ptr<const runtime::entity_env> env) {
  self->state.settings = settings_of(*env);
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    return caf::message_handler{
      [self](const protocol::get_graph&) {
        return runtime::reply_durable(self, to_view(self->state));
      },
      [self](protocol::follow_user& req) { return follow(self, req); },
      [self](const protocol::add_follower& req) { return followed(self, req); },
      [self](const protocol::list_graph& req) { return list(self, req); },
      [self](const protocol::authored& req) { return authored(self, req); },
      [self](const protocol::get_recent_posts&) {
        return runtime::reply_durable(self, recent(self->state));
      },
      [self](const protocol::engaged& req) { return engaged(self, req); },
      [self](const protocol::get_taste&) {
        return runtime::reply_durable(self, taste_of(self->state));
      },
      [self](const protocol::add_collection_ref& req) -> caf::result<bool> {
        auto& cs = self->state.data.collections;
        if (std::find(cs.begin(), cs.end(), req.collection_id) != cs.end()) {
          return runtime::reply_durable(self, true);
        }
        cs.insert(cs.begin(), req.collection_id);
        return runtime::commit(self, true);
      },
    };
  });
}

} // namespace

caf::actor spawn_graph(caf::actor_system& sys, const std::string& id,
                       std::shared_ptr<const runtime::entity_env> env) {
  return sys.spawn(graph_impl, id, std::move(env));
}

} // namespace lakoo::social
