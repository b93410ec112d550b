#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <typeindex>
#include <typeinfo>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/runtime/revocations.hpp"
#include "actors/runtime/shard_map.hpp"
#include "actors/runtime/store.hpp"

namespace lakoo::runtime {

/// What every entity actor on a node shares: where snapshots go, how to reach other entities,
/// and its timing settings. Built once by the node, read-only afterwards.
struct entity_env {
  snapshot_store* store = nullptr;
  list_reader* lists = nullptr; ///< the durable lists (order books); may be null in unit tests
  caf::actor router;            ///< this node's router: send `route` here
  std::shared_ptr<const shard_map> shards;
  std::string node_id;
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::seconds idle_ttl{120}; ///< passivate after this long without messages
  /// Crash points for chaos tests: `LAKOO_TEST_FAILPOINT` (and `..._ONCE`, see failpoint.hpp).
  std::string failpoint;
  std::string failpoint_once;
  /// Revoked token families this node knows of; shared with the edge.
  std::shared_ptr<revocation_list> revocations = std::make_shared<revocation_list>();
  /// Each component's typed settings (`social::social_settings`, ...), set by the node before the
  /// first entity starts: see `set_settings` / `settings`.
  std::map<std::type_index, std::shared_ptr<const void>> component_settings;

  /// Gives the entities of a component their settings (from cluster.conf).
  template <class Settings>
  void set_settings(Settings s) {
    component_settings[std::type_index(typeid(Settings))]
      = std::make_shared<const Settings>(std::move(s));
  }

  /// The settings of a component: what the node set, else the struct's defaults.
  template <class Settings>
  const Settings& settings() const {
    auto i = component_settings.find(std::type_index(typeid(Settings)));
    if (i == component_settings.end()) {
      static const Settings defaults{};
      return defaults;
    }
    return *static_cast<const Settings*>(i->second.get());
  }
};

/// Spawns the actor of entity `id` of one kind. Registered per kind with the router.
using entity_spawner = std::function<caf::actor(caf::actor_system&, const std::string& id,
                                                std::shared_ptr<const entity_env>)>;

/// Entity kinds this node can host: kind -> spawner.
using entity_kinds = std::map<std::string, entity_spawner>;

} // namespace lakoo::runtime
