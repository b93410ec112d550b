#include <algorithm>

#include "actors/runtime/asks.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/entity.hpp"
#include "actors/social/log.hpp"
#include "actors/social/social.hpp"
#include "actors/social/social_data.hpp"

namespace lakoo::social {

namespace {

using protocol::errc;

constexpr int64_t announce_retry_ms = 2000;

/// A post. Likes and saves are sets of user ids, so reactions are idempotent and the counters
/// exact whatever the concurrency (one actor serialises them). Each new reaction or comment adds
/// to the trending heat. Creation and deletion are announced to the author's graph (which keeps
/// the author's recent posts and fans them out to followers' feeds), retried by the durable
/// timer until acknowledged.
struct post_state : runtime::entity_state<post_data> {
  static inline const char* name = "lakoo.post";
  static inline const char* kind = post_kind;
  bool announcing = false;
  bool creating = false; ///< the tags and author of a new post are being read
  social_settings settings;

  int32_t wanted() const { return data.deleted ? 2 : 1; }

  int64_t next_wake_ms() const {
    return exists && data.announced < wanted() ? runtime::unix_ms() + announce_retry_ms : 0;
  }
};

using post_actor = caf::stateful_actor<post_state>;

bool contains(const std::vector<std::string>& sorted, const std::string& x) {
  return std::binary_search(sorted.begin(), sorted.end(), x);
}

protocol::post_view to_view(const post_state& st, const std::string& viewer) {
  const auto& d = st.data;
  auto v = view_of_post(st.id, d);
  v.liked_by_me = !viewer.empty() && contains(d.likers, viewer);
  v.saved_by_me = !viewer.empty() && contains(d.savers, viewer);
  return v;
}

std::vector<std::string> categories_of(const post_data& d) {
  std::vector<std::string> out;
  for (const auto& t : d.tags) {
    if (!t.category.empty() && std::find(out.begin(), out.end(), t.category) == out.end()) {
      out.push_back(t.category);
    }
  }
  return out;
}

/// Tells the author's graph about the post (or its deletion) until it acknowledges.
void announce(post_actor* self) {
  auto& st = self->state;
  auto want = st.wanted();
  if (st.announcing || !st.exists || st.data.announced >= want) {
    return;
  }
  st.announcing = true;
  protocol::authored msg{{st.id, st.data.author_id, st.data.created_ms}, want == 1};
  runtime::route<bool>(self, protocol::graph_ref{st.data.author_id}, std::move(msg))
    .then(
      [self, want](bool) {
        auto& s = self->state;
        s.announcing = false;
        if (s.data.announced < want) {
          s.data.announced = want;
          runtime::persist(self, [](const caf::error*) {});
        }
        announce(self); // deleted meanwhile
      },
      [self](caf::error& e) {
        self->state.announcing = false;
        log().warn("[post {}] author's graph not told yet: {}", self->state.id, caf::to_string(e));
      });
}

/// Tells `user`'s graph about an engagement (for-you signals). Best effort: a lost one only
/// makes recommendations a little less personal.
void tell_engaged(post_actor* self, const std::string& user, bool on) {
  auto& st = self->state;
  runtime::route<bool>(self, protocol::graph_ref{user},
                       protocol::engaged{st.id, categories_of(st.data), on})
    .then([](bool) {},
          [user](caf::error& e) {
            log().debug("[graph {}] engagement not recorded: {}", user, caf::to_string(e));
          });
}

void add_heat(post_state& st, double weight, bool on) {
  auto term = heat_term(weight, runtime::unix_ms(), st.settings.half_life_s);
  st.data.heat = on ? log2_add(st.data.heat, term) : log2_sub(st.data.heat, term);
}

/// Writes the new post once its tags and author are known.
void finish_create(post_actor* self, protocol::create_post& req, const std::string& seller_id,
                   std::vector<protocol::product_view>& products, caf::response_promise rp) {
  auto& st = self->state;
  auto& d = st.data;
  d.author_id = std::move(req.author_id);
  d.seller_id = seller_id;
  d.caption = std::move(req.caption);
  d.media_urls = std::move(req.media_urls);
  for (size_t i = 0; i < req.product_tags.size(); ++i) {
    const auto& t = req.product_tags[i];
    const auto& p = products[i];
    const auto& v = p.variants.front(); // the tag shows the product's first variant
    d.tags.push_back({t.product_id, t.x, t.y, p.title, v.price, v.currency, p.category});
  }
  d.hashtags = std::move(req.hashtags);
  d.created_ms = runtime::unix_ms();
  runtime::persist(self, [self, rp](const caf::error* err) mutable {
    auto& s = self->state;
    s.creating = false;
    if (err) {
      rp.deliver(*err);
      return;
    }
    rp.deliver(to_view(s, ""));
    log().info("[post {}] created by {}", s.id, s.data.author_id);
    announce(self);
  });
}

/// Creates the post: every tagged product must be active (the tag shows its title and price),
/// and the author's seller account (if any) is read from the author. The post asks them itself.
caf::result<protocol::post_view> create(post_actor* self, protocol::create_post& req) {
  auto& st = self->state;
  if (st.exists || st.creating) {
    return caf::make_error(errc::conflict, "the post exists");
  }
  st.creating = true;
  auto rp = self->make_response_promise();
  std::vector<protocol::product_ref> keys;
  for (const auto& t : req.product_tags) {
    keys.push_back(protocol::product_ref{t.product_id});
  }
  runtime::ask_each<protocol::product_view>(
    self, keys, protocol::get_product{},
    [self, rp, req](std::vector<caf::expected<protocol::product_view>> replies) mutable {
      auto fail = [self, &rp](caf::error e) {
        self->state.creating = false;
        rp.deliver(std::move(e));
      };
      std::vector<protocol::product_view> products;
      for (size_t i = 0; i < replies.size(); ++i) {
        auto& p = replies[i];
        if (!p && p.error() != errc::not_found) {
          return fail(p.error());
        }
        if (!p || p->status != protocol::product_status::active || p->variants.empty()) {
          return fail(caf::make_error(errc::invalid_request,
                                      "product_tags[" + std::to_string(i) + "].product_id",
                                      "not an active product"));
        }
        products.push_back(std::move(*p));
      }
      auto author = protocol::user_ref{req.author_id};
      runtime::ask_one<protocol::user_view>(
        self, author, protocol::get_user{},
        [self, rp, req, products, fail](caf::expected<protocol::user_view> u) mutable {
          if (!u) {
            return fail(u.error());
          }
          finish_create(self, req, u->seller_id, products, rp);
        });
    });
  return rp;
}

caf::result<protocol::post_view> react(post_actor* self, protocol::react_post& req) {
  auto& st = self->state;
  if (!st.exists || st.data.deleted) {
    return caf::make_error(errc::not_found, "no such post");
  }
  bool like = req.what == "like";
  if (!like && req.what != "save") {
    return caf::make_error(errc::invalid_request, "what", "like or save");
  }
  auto& set = like ? st.data.likers : st.data.savers;
  auto it = std::lower_bound(set.begin(), set.end(), req.user);
  bool present = it != set.end() && *it == req.user;
  if (present == req.on) {
    return runtime::reply_durable(self, to_view(st, req.user)); // idempotent: nothing to do
  }
  if (req.on) {
    set.insert(it, req.user);
  } else {
    set.erase(it);
  }
  add_heat(st, like ? like_weight : save_weight, req.on);
  return runtime::commit(self, to_view(st, req.user), [self, user = req.user, like, on = req.on] {
    auto& s = self->state;
    tell_engaged(self, user, on);
    if (on && like && user != s.data.author_id) {
      runtime::notify_user(self, s.data.author_id,
                           protocol::notify{"like:" + s.id + ":" + user, "post_liked", user, s.id,
                                            "Someone liked your post"});
    }
  });
}

caf::result<bool> comments_counted(post_actor* self, protocol::set_comment_count& req) {
  auto& st = self->state;
  if (!st.exists || req.count <= st.data.comment_count) {
    return runtime::reply_durable(self, true);
  }
  auto added = req.count - st.data.comment_count;
  st.data.comment_count = req.count;
  if (!st.data.deleted) {
    add_heat(st, comment_weight * static_cast<double>(added), true);
  }
  return runtime::commit(
    self, true, [self, count = req.count, commenter = req.commenter, excerpt = req.excerpt] {
      auto& s = self->state;
      if (!commenter.empty() && commenter != s.data.author_id && !s.data.deleted) {
        tell_engaged(self, commenter, true);
        runtime::notify_user(self, s.data.author_id,
                             protocol::notify{"comment:" + s.id + ":" + std::to_string(count),
                                              "post_commented", commenter, s.id,
                                              "New comment on your post: " + excerpt});
      }
    });
}

caf::result<bool> remove(post_actor* self, const protocol::delete_post& req) {
  auto& st = self->state;
  if (!st.exists || st.data.deleted) {
    return caf::make_error(errc::not_found, "no such post");
  }
  if (req.requester != st.data.author_id && !req.admin) {
    return caf::make_error(errc::forbidden, "only the author or an admin may delete a post");
  }
  st.data.deleted = true;
  return runtime::commit(self, true, [self] {
    log().info("[post {}] deleted", self->state.id);
    announce(self);
  });
}

caf::behavior post_impl(post_actor* self, std::string id,
                        std::shared_ptr<const runtime::entity_env> env) {
  self->state.settings = settings_of(*env);
  return runtime::run_entity(self, std::move(id), std::move(env), [self] {
    announce(self);
    return caf::message_handler{
      [self](protocol::create_post& req) { return create(self, req); },
      [self](const protocol::get_post& req) -> caf::result<protocol::post_view> {
        auto& st = self->state;
        if (!st.exists || st.data.deleted) {
          return caf::make_error(errc::not_found, "no such post");
        }
        return runtime::reply_durable(self, to_view(st, req.viewer));
      },
      [self](protocol::react_post& req) { return react(self, req); },
      [self](protocol::set_comment_count& req) { return comments_counted(self, req); },
      [self](const protocol::delete_post& req) { return remove(self, req); },
      [self](protocol::wake_atom) { announce(self); },
    };
  });
}

} // namespace

caf::actor spawn_post(caf::actor_system& sys, const std::string& id,
                      std::shared_ptr<const runtime::entity_env> env) {
  return sys.spawn(post_impl, id, std::move(env));
}

} // namespace lakoo::social
