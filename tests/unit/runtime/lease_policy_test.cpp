#include "actors/runtime/lease_policy.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace {

using lakoo::runtime::lease_plan;
using lakoo::runtime::lease_row;
using lakoo::runtime::lease_self;
using lakoo::runtime::placement_of;
using lakoo::runtime::plan_leases;

const std::vector<std::string> nodes{"n1", "n2", "n3"};

/// `count` shards, each held live by its home node (incarnation 1, epoch 1).
std::vector<lease_row> at_home(int count) {
  std::vector<lease_row> rows;
  for (int s = 0; s < count; ++s) {
    rows.push_back({nodes[static_cast<size_t>(s) % nodes.size()], 1, 1, true});
  }
  return rows;
}

lease_self node(const std::string& id, int budget = 4) {
  return lease_self{id, 1, "active", false, budget, {}};
}

} // namespace

TEST_CASE("placement prefers the move target, then the home node, then a stable rendezvous",
          "[lease]") {
  CHECK(placement_of(4, nodes, {"n1", "n2", "n3"}, "") == "n2");
  CHECK(placement_of(4, nodes, {"n1", "n2", "n3"}, "n3") == "n3");
  CHECK(placement_of(4, nodes, {"n1", "n2"}, "n3") == "n2"); // the target is not a candidate
  CHECK(placement_of(4, nodes, {}, "") == "");
  // Without its home node, a shard goes to the same survivor whatever the order of the list,
  // and the home-less shards spread over the survivors.
  int on_n1 = 0;
  for (int32_t s = 0; s < 300; s += 3) { // home n1
    auto a = placement_of(s, nodes, {"n2", "n3"}, "");
    CHECK(a == placement_of(s, nodes, {"n3", "n2"}, ""));
    on_n1 += a == "n2" ? 1 : 0;
  }
  CHECK(on_n1 > 25);
  CHECK(on_n1 < 75);
}

TEST_CASE("a settled cluster plans nothing", "[lease]") {
  auto plan = plan_leases(node("n2"), at_home(12), nodes, nodes, {});
  CHECK(plan.acquire.empty());
  CHECK(plan.release.empty());
  CHECK(plan.settled);
}

TEST_CASE("a dead member's shards are taken by the node where they now belong", "[lease]") {
  auto rows = at_home(12);
  for (auto& r : rows) {
    r.live = r.live && r.node != "n1"; // n1 stopped renewing
  }
  std::vector<std::string> live{"n2", "n3"};
  auto n2 = plan_leases(node("n2"), rows, nodes, live, {});
  auto n3 = plan_leases(node("n3"), rows, nodes, live, {});
  // Every shard of n1 (0, 3, 6, 9) goes to exactly one survivor, by the same rule on both.
  std::vector<int32_t> all = n2.acquire;
  all.insert(all.end(), n3.acquire.begin(), n3.acquire.end());
  std::sort(all.begin(), all.end());
  CHECK(all == std::vector<int32_t>{0, 3, 6, 9});
  for (auto s : n2.acquire) {
    CHECK(placement_of(s, nodes, live, "") == "n2");
  }
  CHECK_FALSE(n2.settled);
  // During its first lease after joining a node takes only its home shards.
  auto shy = node("n2");
  shy.in_grace = true;
  CHECK(plan_leases(shy, rows, nodes, live, {}).acquire.empty());
}

TEST_CASE("a move hands the shard off within the budget and is acquired by the target", "[lease]") {
  auto rows = at_home(12);
  std::map<int32_t, std::string> moved{{1, "n3"}, {4, "n3"}, {7, "n3"}};
  auto owner = plan_leases(node("n2", 2), rows, nodes, nodes, moved);
  CHECK(owner.release == std::vector<int32_t>{1, 4}); // at most `budget` per renewal
  CHECK(owner.acquire.empty());
  // The target waits until the lease is released (not live), then takes it.
  CHECK(plan_leases(node("n3"), rows, nodes, nodes, moved).acquire.empty());
  rows[1] = lease_row{"", 0, 1, false};
  CHECK(plan_leases(node("n3"), rows, nodes, nodes, moved).acquire == std::vector<int32_t>{1});
  // A shard already handing off is not released twice.
  auto busy = node("n2", 8);
  busy.releasing = {4};
  CHECK(plan_leases(busy, rows, nodes, nodes, moved).release == std::vector<int32_t>{7});
}

TEST_CASE("a leaving node gives up its shards even when no node can take them yet", "[lease]") {
  auto rows = at_home(6);
  auto leaving = node("n1", 8);
  leaving.state = "leaving";
  // Nobody is a candidate (the others are draining): the shards belong nowhere.
  CHECK(plan_leases(leaving, rows, nodes, {}, {}).release == std::vector<int32_t>{0, 3});
  // An active node in the same spot keeps them: better served here than by nobody.
  CHECK(plan_leases(node("n1", 8), rows, nodes, {}, {}).release.empty());
}
