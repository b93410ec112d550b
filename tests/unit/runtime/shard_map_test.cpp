#include "actors/runtime/shard_map.hpp"

#include <chrono>
#include <cstdlib>
#include <map>
#include <vector>

#include <catch2/catch.hpp>

using lakoo::runtime::shard_map;

TEST_CASE("the shard of a key is stable and within range", "[runtime]") {
  shard_map m{{"n1", "n2", "n3"}, 256};
  // FNV-1a 64 of "user:usr_1" is fixed forever: changing the hash re-homes every entity.
  CHECK(shard_map::fnv1a64("") == 14695981039346656037ull);
  CHECK(shard_map::fnv1a64("user:usr_1") == 18015306185574818698ull);
  CHECK(m.shard_of("user:usr_1") == 138);
  for (int i = 0; i < 1000; ++i) {
    auto s = m.shard_of("user:" + std::to_string(i));
    CHECK(s >= 0);
    CHECK(s < 256);
  }
}

TEST_CASE("shards spread evenly over the nodes", "[runtime]") {
  shard_map m{{"n1", "n2", "n3"}, 256};
  CHECK(m.shards_of(0) + m.shards_of(1) + m.shards_of(2) == 256);
  for (size_t a = 0; a < 3; ++a) {
    for (size_t b = 0; b < 3; ++b) {
      CHECK(std::abs(m.shards_of(a) - m.shards_of(b)) <= 1);
    }
  }
  std::map<size_t, int> per_node;
  for (int i = 0; i < 3000; ++i) {
    per_node[m.owner_of(m.shard_of("account:user" + std::to_string(i) + "@x.id"))]++;
  }
  REQUIRE(per_node.size() == 3); // every node got keys
  for (const auto& [node, n] : per_node) {
    CHECK(n > 800);
  }
}

TEST_CASE("keys split into kind and id at the first colon", "[runtime]") {
  CHECK(lakoo::runtime::kind_of("account:a:b@x.id") == "account");
  CHECK(lakoo::runtime::id_of("account:a:b@x.id") == "a:b@x.id");
  CHECK(lakoo::runtime::id_of("nocolon").empty());
}

TEST_CASE("a leased map serves only held shards under a valid lease, never while handing off",
          "[runtime]") {
  shard_map m{{"n1", "n2"}, 8, true};
  CHECK(m.owner_of(3) == shard_map::nobody);
  CHECK(m.epoch_of(3) == 0);
  CHECK_FALSE(m.lease_valid());
  m.assign(3, 1, 7);
  CHECK(m.owner_of(3) == 1);
  CHECK(m.epoch_of(3) == 7);
  CHECK_FALSE(m.serves(3, 1)); // held, but no valid lease yet
  m.set_lease_deadline(shard_map::clock::now() + std::chrono::seconds(5));
  CHECK(m.serves(3, 1));
  CHECK_FALSE(m.serves(3, 0));
  m.set_handing_off(3, true);
  CHECK_FALSE(m.serves(3, 1));
  m.set_handing_off(3, false);
  CHECK(m.serves(3, 1));
  m.set_lease_deadline(shard_map::clock::now() - std::chrono::milliseconds(1)); // expired
  CHECK_FALSE(m.serves(3, 1));
  m.assign(3, shard_map::nobody, 7);
  CHECK(m.owner_of(3) == shard_map::nobody);
  CHECK(m.epoch_of(3) == 7);
  CHECK(m.owned_by(1).empty());
  CHECK(m.index_of("n2") == 1);
  CHECK(m.index_of("n9") == shard_map::nobody);
  // Out-of-range shards are nobody's.
  CHECK(m.owner_of(-1) == shard_map::nobody);
  CHECK(m.owner_of(8) == shard_map::nobody);
}

TEST_CASE("a static map is round-robin with epoch 1 and always valid", "[runtime]") {
  shard_map m{{"n1", "n2", "n3"}, 6};
  CHECK(m.owned_by(1) == std::vector<int32_t>{1, 4});
  CHECK(m.epoch_of(4) == 1);
  CHECK(m.serves(4, 1));
}
