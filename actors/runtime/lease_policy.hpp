#pragma once

/// Where shards belong and what a node does about it: the pure rules of shard ownership. The
/// lease keeper (nodes/) reads members and leases from its `lease_store` (lease_store.hpp), asks
/// `plan_leases` what to acquire and what to hand off, and writes the answer back; every node
/// computes the same placement from the same rows.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace lakoo::runtime {

/// Where `shard` belongs: its operator move target if that is a candidate, else its home node
/// (`shard mod nodes`, the static layout) if that is a candidate, else the candidate with the
/// highest rendezvous hash of (node, shard). "" when there is no candidate. `candidates` are
/// the live active members of the cluster; their order does not matter.
std::string placement_of(int32_t shard, const std::vector<std::string>& nodes,
                         const std::vector<std::string>& candidates, const std::string& moved_to);

/// One shard's lease as the database has it.
struct lease_row {
  std::string node; ///< "" when released
  int64_t incarnation = 0;
  int64_t epoch = 0;
  bool live = false; ///< its holder's membership is current
};

/// What the planning node knows of itself.
struct lease_self {
  std::string node_id;
  int64_t incarnation = 0;
  std::string state;           ///< active | draining | leaving
  bool in_grace = false;       ///< within its first lease after joining: only home shards
  int budget = 0;              ///< shards it may start handing off now
  std::set<int32_t> releasing; ///< already handing off
};

/// The decision of one renewal.
struct lease_plan {
  std::vector<int32_t> acquire; ///< free (or dead-held) shards that belong here
  std::vector<int32_t> release; ///< held shards that belong elsewhere, at most `budget`
  bool settled = false;         ///< every shard is held, live, where it belongs
};

/// Plans one renewal of `self` over `rows` (one per shard), with `nodes` the configured node ids,
/// `candidates` the live active members and `moved` the operator moves (shard -> node).
lease_plan plan_leases(const lease_self& self, const std::vector<lease_row>& rows,
                       const std::vector<std::string>& nodes,
                       const std::vector<std::string>& candidates,
                       const std::map<int32_t, std::string>& moved);

} // namespace lakoo::runtime
