#include "actors/runtime/shard_map.hpp"

#include <map>

#include <catch2/catch.hpp>

using lakoo::runtime::shard_map;

TEST_CASE("the shard of a key is stable and within range", "[runtime]") {
  shard_map m{{"n1", "n2", "n3"}, 256};
  // FNV-1a 64 of "user:usr_1" is fixed forever: changing the hash re-homes every entity.
  CHECK(shard_map::fnv1a64("") == 14695981039346656037ull);
  CHECK(m.shard_of("user:usr_1") == m.shard_of("user:usr_1"));
  for (int i = 0; i < 1000; ++i) {
    auto s = m.shard_of("user:" + std::to_string(i));
    CHECK(s >= 0);
    CHECK(s < 256);
  }
}

TEST_CASE("shards spread evenly over the nodes", "[runtime]") {
  shard_map m{{"n1", "n2", "n3"}, 256};
  CHECK(m.shards_of(0) + m.shards_of(1) + m.shards_of(2) == 256);
  CHECK(m.shards_of(0) - m.shards_of(2) <= 1);
  std::map<size_t, int> per_node;
  for (int i = 0; i < 3000; ++i) {
    per_node[m.owner_of(m.shard_of("account:user" + std::to_string(i) + "@x.id"))]++;
  }
  for (const auto& [node, n] : per_node) {
    CHECK(n > 800);
  }
}

TEST_CASE("keys split into kind and id at the first colon", "[runtime]") {
  CHECK(lakoo::runtime::kind_of("account:a:b@x.id") == "account");
  CHECK(lakoo::runtime::id_of("account:a:b@x.id") == "a:b@x.id");
  CHECK(lakoo::runtime::id_of("nocolon").empty());
}
