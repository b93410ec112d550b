#pragma once

// One node of a lease keeper test (nodes/lease_keeper over any `runtime::lease_store`): the unit
// tests run it on an in-memory store, the integration tests on PostgreSQL.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "nodes/lease_keeper.hpp"

namespace lakoo::test {

/// Node `id` of `cluster`: renews every `renew` a lease of `lease`, stops serving `margin`
/// before it would run out, and gives back `rebalance` shards per renewal.
inline node::lease_settings lease_settings_of(std::string cluster, std::string id,
                                              std::chrono::milliseconds lease,
                                              std::chrono::milliseconds renew,
                                              std::chrono::milliseconds margin, int rebalance) {
  node::lease_settings ls;
  ls.cluster = std::move(cluster);
  ls.node_id = std::move(id);
  ls.address = "127.0.0.1:0";
  ls.lease = lease;
  ls.renew = renew;
  ls.margin = margin;
  ls.rebalance_per_tick = rebalance;
  return ls;
}

/// A node of cluster {n1, n2}: its leased shard map and its keeper, whose handoffs complete at
/// once (there are no entities to stop) and are recorded.
struct lease_member {
  std::shared_ptr<runtime::shard_map> map;
  size_t index; ///< this node's in `map`
  std::atomic<int> changes{0};
  std::mutex mu;
  std::vector<std::vector<int32_t>> handoffs;
  std::unique_ptr<node::lease_keeper> keeper; // last: its thread uses the members above

  lease_member(std::unique_ptr<runtime::lease_store> store, const node::lease_settings& ls,
               int32_t shard_count)
      : map(std::make_shared<runtime::shard_map>(std::vector<std::string>{"n1", "n2"}, shard_count,
                                                 true)),
        index(map->index_of(ls.node_id)) {
    keeper = std::make_unique<node::lease_keeper>(
      std::move(store), ls, map,
      [this](std::vector<int32_t> shards, std::function<void(bool)> done) {
        {
          std::lock_guard<std::mutex> guard{mu};
          handoffs.push_back(shards);
        }
        done(true);
      },
      [this] { ++changes; });
  }

  /// Every handoff the keeper asked for, in order.
  std::vector<std::vector<int32_t>> handed_off() {
    std::lock_guard<std::mutex> guard{mu};
    return handoffs;
  }
  /// Holds `shards` shards and sees a settled cluster.
  bool settled_with(int64_t shards) const {
    return map->shards_of(index) == shards && keeper->view().settled;
  }
};

/// The outcome of an operator command, waited for (bounded: a lost callback fails the test
/// instead of hanging until ctest's timeout).
inline runtime::cluster_control::outcome
outcome_of(std::promise<runtime::cluster_control::outcome>& p,
           std::chrono::milliseconds patience = std::chrono::seconds(10)) {
  auto f = p.get_future();
  REQUIRE(f.wait_for(patience) == std::future_status::ready);
  return f.get();
}

} // namespace lakoo::test
