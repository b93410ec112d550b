#include "actors/social/social.hpp"

#include <caf/actor_system.hpp>

#include "actors/runtime/clock.hpp"
#include "actors/social/social_data.hpp"

namespace lakoo::social {

caf::actor spawn_post(caf::actor_system&, const std::string&,
                      std::shared_ptr<const runtime::entity_env>);
caf::actor spawn_thread(caf::actor_system&, const std::string&,
                        std::shared_ptr<const runtime::entity_env>);
caf::actor spawn_graph(caf::actor_system&, const std::string&,
                       std::shared_ptr<const runtime::entity_env>);
caf::actor spawn_feed(caf::actor_system&, const std::string&,
                      std::shared_ptr<const runtime::entity_env>);
caf::actor spawn_collection(caf::actor_system&, const std::string&,
                            std::shared_ptr<const runtime::entity_env>);

protocol::post_view view_of_post(const std::string& id, const post_data& d) {
  protocol::post_view v;
  v.id = id;
  v.author_id = d.author_id;
  v.seller_id = d.seller_id;
  v.caption = d.caption;
  v.media_urls = d.media_urls;
  for (const auto& t : d.tags) {
    v.product_tags.push_back({t.product_id, t.x, t.y, t.title, t.price, t.currency, t.category});
  }
  v.hashtags = d.hashtags;
  v.like_count = static_cast<int64_t>(d.likers.size());
  v.save_count = static_cast<int64_t>(d.savers.size());
  v.comment_count = d.comment_count;
  v.created_at = runtime::rfc3339(d.created_ms / 1000);
  v.created_ms = d.created_ms;
  return v;
}

social_settings settings_of(const runtime::entity_env& env) {
  auto s = env.settings<social_settings>();
  s.feed_max_entries = std::max<size_t>(10, s.feed_max_entries);
  s.half_life_s = std::max<int64_t>(60, s.half_life_s);
  return s;
}

void register_kinds(runtime::entity_kinds& kinds) {
  kinds[post_kind] = spawn_post;
  kinds[thread_kind] = spawn_thread;
  kinds[graph_kind] = spawn_graph;
  kinds[feed_kind] = spawn_feed;
  kinds[collection_kind] = spawn_collection;
}

} // namespace lakoo::social
