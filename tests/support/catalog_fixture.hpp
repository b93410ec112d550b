#pragma once

/// Listed products for actor tests: creates a product (claiming its skus), submits it and has an
/// admin approve it, through the real catalog actors of an `actor_fixture`.

#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/actor_fixture.hpp"

namespace lakoo::test {

struct variant_spec {
  std::string sku;
  int64_t price = 0;
  int64_t stock = 0;
};

/// An active product `product_id` of seller `seller_id` (owned by user `owner`) with `variants`.
inline protocol::product_view listed(actor_fixture& f, const std::string& product_id,
                                     const std::string& seller_id, const std::string& owner,
                                     const std::vector<variant_spec>& variants,
                                     const std::string& title = "Kopi Gayo") {
  protocol::create_product p{seller_id, owner, title, "", "makanan_minuman", {}, {}};
  for (const auto& v : variants) {
    p.variants.push_back({v.sku, v.price, "IDR", v.stock, {}, {}});
  }
  auto key = "product:" + product_id;
  REQUIRE(f.ask<protocol::product_view>(key, p));
  REQUIRE(f.ask<protocol::product_view>(
    key, protocol::moderate_product{protocol::product_action::submit, owner, ""}));
  auto approved = f.ask<protocol::product_view>(
    key, protocol::moderate_product{protocol::product_action::approve, "admin", ""});
  REQUIRE(approved);
  REQUIRE(approved->status == protocol::product_status::active);
  return *approved;
}

} // namespace lakoo::test
