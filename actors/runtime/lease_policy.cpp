#include "actors/runtime/lease_policy.hpp"

#include <algorithm>

#include "actors/runtime/shard_map.hpp"

namespace lakoo::runtime {

std::string placement_of(int32_t shard, const std::vector<std::string>& nodes,
                         const std::vector<std::string>& candidates, const std::string& moved_to) {
  auto is_candidate = [&](const std::string& n) {
    return std::find(candidates.begin(), candidates.end(), n) != candidates.end();
  };
  if (!moved_to.empty() && is_candidate(moved_to)) {
    return moved_to;
  }
  if (!nodes.empty()) {
    const auto& home = nodes[static_cast<size_t>(shard) % nodes.size()];
    if (is_candidate(home)) {
      return home;
    }
  }
  std::string best;
  uint64_t best_hash = 0;
  for (const auto& c : candidates) {
    auto h = shard_map::fnv1a64(c + "/" + std::to_string(shard));
    if (best.empty() || h > best_hash) {
      best = c;
      best_hash = h;
    }
  }
  return best;
}

lease_plan plan_leases(const lease_self& self, const std::vector<lease_row>& rows,
                       const std::vector<std::string>& nodes,
                       const std::vector<std::string>& candidates,
                       const std::map<int32_t, std::string>& moved) {
  lease_plan plan;
  plan.settled = self.releasing.empty();
  for (int32_t s = 0; s < static_cast<int32_t>(rows.size()); ++s) {
    const auto& row = rows[s];
    auto it = moved.find(s);
    auto want = placement_of(s, nodes, candidates, it == moved.end() ? "" : it->second);
    bool mine = row.node == self.node_id && row.incarnation == self.incarnation;
    bool handing_off = self.releasing.count(s) > 0;
    plan.settled = plan.settled && row.live && row.node == want;
    if (!mine && !row.live && want == self.node_id && !handing_off) {
      bool home = !nodes.empty() && nodes[static_cast<size_t>(s) % nodes.size()] == self.node_id;
      if (!self.in_grace || home) {
        plan.acquire.push_back(s);
      }
    } else if (mine && want != self.node_id && !handing_off
               && (!want.empty() || self.state == "leaving")
               && static_cast<int>(plan.release.size()) < self.budget) {
      plan.release.push_back(s);
    }
  }
  plan.settled = plan.settled && plan.acquire.empty() && plan.release.empty();
  return plan;
}

} // namespace lakoo::runtime
