#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "actors/runtime/clock.hpp"
#include "actors/runtime/entity.hpp"
#include "actors/social/log.hpp"
#include "actors/social/social.hpp"

namespace lakoo::social {

namespace {

using protocol::errc;
using protocol::feed_item;

constexpr int64_t followee_taste_ms = 30000; ///< followees' engagement is refreshed this often
constexpr size_t max_followees_sampled = 100;
constexpr size_t engaged_per_followee = 10;

bool newer(const feed_item& a, const feed_item& b) {
  return a.created_ms != b.created_ms ? a.created_ms > b.created_ms : a.post_id > b.post_id;
}

struct pulled_author {
  std::vector<feed_item> posts;
  int64_t fetched_ms = 0;
};

/// Nothing is persisted: a feed is derived from the graphs (durable) and rebuilt on activation.
struct feed_data {
  uint16_t v = 1;
  MSGPACK_DEFINE_MAP(v)
};

/// A user's following feed: posts pushed by followed authors' graphs, newest first, capped;
/// authors with very many followers are not pushed: a read names them and the edge merges their
/// newest posts from its node's post index. Built on activation from the user's follows and each
/// author's recent posts; requests wait for the build.
struct feed_state : runtime::entity_state<feed_data> {
  static inline const char* name = "lakoo.feed";
  static inline const char* kind = feed_kind;
  static constexpr bool transient = true;
  social_settings settings;
  enum class phase { cold, building, ready } stage = phase::cold;
  bool build_failed = false;
  size_t outstanding = 0;
  std::vector<std::function<void()>> after_build;
  std::unordered_set<std::string> following;
  std::vector<feed_item> entries; ///< pushed, newest first
  std::unordered_set<std::string> present;
  std::unordered_map<std::string, pulled_author> pulled;
  std::vector<std::string> followee_liked;
  int64_t followee_liked_ms = 0;
};

using feed_actor = caf::stateful_actor<feed_state>;

runtime::counter& pushes_handled() {
  static auto& c = runtime::metrics::global().counter_of("lakoo_feed_pushes_handled_total");
  return c;
}

runtime::counter& inserts() {
  static auto& c = runtime::metrics::global().counter_of("lakoo_feed_inserts_total");
  return c;
}

void insert(feed_state& st, const feed_item& item) {
  if (st.present.count(item.post_id)) {
    return;
  }
  inserts().add();
  auto pos = std::lower_bound(st.entries.begin(), st.entries.end(), item, newer);
  st.entries.insert(pos, item);
  st.present.insert(item.post_id);
  if (st.entries.size() > st.settings.feed_max_entries) {
    st.present.erase(st.entries.back().post_id);
    st.entries.pop_back();
  }
}

void drop_if(feed_state& st, const std::function<bool(const feed_item&)>& pred) {
  auto it = std::remove_if(st.entries.begin(), st.entries.end(), [&](const feed_item& i) {
    if (pred(i)) {
      st.present.erase(i.post_id);
      return true;
    }
    return false;
  });
  st.entries.erase(it, st.entries.end());
}

template <class Reply, class Msg, class Done>
void ask(feed_actor* self, const protocol::graph_ref& to, Msg msg, Done done,
         std::function<void(caf::error&)> failed) {
  runtime::route<Reply>(self, to, std::move(msg))
    .then([done](Reply& r) mutable { done(r); }, [failed](caf::error& e) { failed(e); });
}

void absorb(feed_actor* self, const std::string& author, const protocol::author_posts& ap) {
  auto& st = self->state;
  if (!st.following.count(author)) {
    return; // unfollowed meanwhile
  }
  if (ap.pulled) {
    st.pulled[author] = {ap.posts, runtime::unix_ms()};
    drop_if(st, [&](const feed_item& i) { return i.author_id == author; });
    return;
  }
  st.pulled.erase(author);
  for (const auto& p : ap.posts) {
    insert(st, p);
  }
}

void finish_build(feed_actor* self) {
  auto& st = self->state;
  st.stage = feed_state::phase::ready;
  auto waiting = std::move(st.after_build);
  st.after_build.clear();
  for (auto& w : waiting) {
    w();
  }
}

void build(feed_actor* self) {
  auto& st = self->state;
  st.stage = feed_state::phase::building;
  st.build_failed = false;
  ask<protocol::taste>(
    self, protocol::graph_ref{st.id}, protocol::get_taste{},
    [self](protocol::taste& t) {
      auto& s = self->state;
      s.following = std::unordered_set<std::string>(t.following.begin(), t.following.end());
      s.outstanding = t.following.size();
      if (s.outstanding == 0) {
        return finish_build(self);
      }
      for (const auto& author : t.following) {
        auto one_done = [self] {
          if (--self->state.outstanding == 0) {
            finish_build(self);
          }
        };
        ask<protocol::author_posts>(
          self, protocol::graph_ref{author}, protocol::get_recent_posts{},
          [self, author, one_done](protocol::author_posts& ap) {
            absorb(self, author, ap);
            one_done();
          },
          [self, one_done](caf::error&) {
            self->state.build_failed = true;
            one_done();
          });
      }
    },
    [self](caf::error& e) {
      log().warn("[feed {}] build failed: {}", self->state.id, caf::to_string(e));
      self->state.build_failed = true;
      finish_build(self);
    });
}

/// Runs `f` once the feed is built (building it first if needed).
void when_ready(feed_actor* self, std::function<void()> f) {
  auto& st = self->state;
  if (st.stage == feed_state::phase::ready && !st.build_failed) {
    return f();
  }
  st.after_build.push_back(std::move(f));
  if (st.stage != feed_state::phase::building) {
    build(self);
  }
}

std::vector<feed_item> merged(const feed_state& st) {
  std::vector<feed_item> all = st.entries;
  for (const auto& [author, p] : st.pulled) {
    all.insert(all.end(), p.posts.begin(), p.posts.end());
  }
  std::sort(all.begin(), all.end(), newer);
  return all;
}

/// Cursor `<created ms>.<post id>`: the last item of the previous page.
bool parse_cursor(const std::string& c, feed_item& out) {
  auto dot = c.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 15 || dot + 1 >= c.size()) {
    return false;
  }
  for (size_t i = 0; i < dot; ++i) {
    if (c[i] < '0' || c[i] > '9') {
      return false;
    }
  }
  out.created_ms = std::stoll(c.substr(0, dot));
  out.post_id = c.substr(dot + 1);
  return true;
}

caf::result<protocol::feed_page> read(feed_actor* self, const protocol::read_feed& req) {
  feed_item after;
  if (!req.cursor.empty() && !parse_cursor(req.cursor, after)) {
    return caf::make_error(errc::invalid_request, "cursor", "not a cursor of this feed");
  }
  auto rp = self->make_response_promise();
  when_ready(self, [self, rp, req, after]() mutable {
    // Pushed entries only: the edge merges the pulled authors' newest posts from its node's post
    // index, which is fresher than any copy here and costs no request.
    const auto& all = self->state.entries;
    auto it = all.begin();
    if (!req.cursor.empty()) {
      it = std::upper_bound(all.begin(), all.end(), after, newer);
    }
    protocol::feed_page page;
    for (; it != all.end() && static_cast<int64_t>(page.items.size()) < req.limit; ++it) {
      page.items.push_back(*it);
    }
    if (it != all.end() && !page.items.empty()) {
      page.next_cursor
        = std::to_string(page.items.back().created_ms) + "." + page.items.back().post_id;
    }
    for (const auto& [author, p] : self->state.pulled) {
      page.pulled.push_back(author);
    }
    rp.deliver(std::move(page));
  });
  return rp;
}

caf::result<protocol::candidates> candidates(feed_actor* self) {
  auto rp = self->make_response_promise();
  when_ready(self, [self, rp]() mutable {
    ask<protocol::taste>(
      self, protocol::graph_ref{self->state.id}, protocol::get_taste{},
      [self, rp](protocol::taste& mine) mutable {
        auto& st = self->state;
        auto reply = [self, rp, mine]() mutable {
          auto& s = self->state;
          protocol::candidates out;
          auto all = merged(s);
          if (all.size() > 200) {
            all.resize(200);
          }
          out.following = std::move(all);
          out.followee_liked = s.followee_liked;
          out.mine = std::move(mine);
          rp.deliver(std::move(out));
        };
        auto now = runtime::unix_ms();
        if (now - st.followee_liked_ms < followee_taste_ms || mine.following.empty()) {
          return reply();
        }
        // The most recent follows are the likeliest still-relevant tastes.
        std::vector<std::string> sample(mine.following.rbegin(), mine.following.rend());
        if (sample.size() > max_followees_sampled) {
          sample.resize(max_followees_sampled);
        }
        auto left = std::make_shared<size_t>(sample.size());
        auto liked = std::make_shared<std::vector<std::string>>();
        auto done = [self, left, liked, reply]() mutable {
          if (--*left == 0) {
            auto& s = self->state;
            s.followee_liked = std::move(*liked);
            s.followee_liked_ms = runtime::unix_ms();
            reply();
          }
        };
        for (const auto& f : sample) {
          ask<protocol::taste>(
            self, protocol::graph_ref{f}, protocol::get_taste{},
            [liked, done](protocol::taste& t) mutable {
              for (size_t i = 0; i < t.engaged.size() && i < engaged_per_followee; ++i) {
                liked->push_back(t.engaged[i]);
              }
              done();
            },
            [done](caf::error&) mutable { done(); });
        }
      },
      [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
  });
  return rp;
}

caf::behavior feed_impl(feed_actor* self, std::string id,
                        std::shared_ptr<const runtime::entity_env> env) {
  self->state.settings = settings_of(*env);
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    return caf::message_handler{
      [self](const protocol::feed_push& req) {
        runtime::detail::touch(self);
        pushes_handled().add();
        auto& st = self->state;
        if (!req.on) {
          drop_if(st, [&](const feed_item& i) { return i.post_id == req.item.post_id; });
        } else if (st.stage == feed_state::phase::cold
                   || (st.following.count(req.item.author_id)
                       && !st.pulled.count(req.item.author_id))) {
          // Cold: the build (from the author's recent posts) will include it anyway.
          if (st.stage != feed_state::phase::cold) {
            insert(st, req.item);
          }
        }
        return true;
      },
      [self](const protocol::feed_follow& req) -> caf::result<bool> {
        runtime::detail::touch(self);
        auto& st = self->state;
        if (st.stage == feed_state::phase::cold) {
          return true; // the build reads the graph, which already has it
        }
        if (!req.on) {
          st.following.erase(req.author);
          st.pulled.erase(req.author);
          drop_if(st, [&](const feed_item& i) { return i.author_id == req.author; });
          return true;
        }
        st.following.insert(req.author);
        auto rp = self->make_response_promise();
        ask<protocol::author_posts>(
          self, protocol::graph_ref{req.author}, protocol::get_recent_posts{},
          [self, rp, author = req.author](protocol::author_posts& ap) mutable {
            absorb(self, author, ap);
            rp.deliver(true);
          },
          [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
        return rp;
      },
      [self](const protocol::read_feed& req) {
        runtime::detail::touch(self);
        return read(self, req);
      },
      [self](const protocol::get_candidates&) {
        runtime::detail::touch(self);
        return candidates(self);
      },
    };
  });
}

} // namespace

caf::actor spawn_feed(caf::actor_system& sys, const std::string& id,
                      std::shared_ptr<const runtime::entity_env> env) {
  return sys.spawn(feed_impl, id, std::move(env));
}

} // namespace lakoo::social
