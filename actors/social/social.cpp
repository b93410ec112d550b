#include "actors/social/social.hpp"

#include <caf/actor_system.hpp>

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

namespace {

int64_t setting(const runtime::entity_env& env, const char* key, int64_t fallback) {
  auto it = env.settings.find(key);
  if (it == env.settings.end()) {
    return fallback;
  }
  try {
    return std::stoll(it->second);
  } catch (const std::exception&) {
    return fallback;
  }
}

} // namespace

social_settings settings_of(const runtime::entity_env& env) {
  social_settings s;
  s.push_max_followers = setting(env, "feed_push_max_followers", s.push_max_followers);
  s.feed_max_entries = static_cast<size_t>(std::max<int64_t>(
    10, setting(env, "feed_max_entries", static_cast<int64_t>(s.feed_max_entries))));
  s.half_life_s = std::max<int64_t>(60, setting(env, "trending_half_life_s", s.half_life_s));
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
