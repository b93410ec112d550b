#pragma once

/// Snapshot bodies of the catalog's entities (msgpack). Read by their actors and, as a read
/// model, by `catalog_index`, which follows the `product` and `sku` snapshots as they commit.

#include <cstdint>
#include <string>
#include <vector>

#include <msgpack.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/fields_msgpack.hpp"

namespace lakoo::catalog {

struct variant_data {
  std::string sku;
  int64_t price = 0;
  std::string currency;
  std::vector<std::string> option_names;
  std::vector<std::string> option_values;
  int64_t weight_g = 500; ///< snapshots from before weights were kept: the default
  MSGPACK_DEFINE_MAP(sku, price, currency, option_names, option_values, weight_g)
};

/// Snapshot body of `product:<id>`.
struct product_data {
  uint16_t v = 1;
  std::string seller_id;
  std::string owner_user_id;
  std::string title;
  std::string description;
  std::string category;
  std::vector<std::string> images;
  protocol::product_status status = protocol::product_status::creating; ///< stored by name
  std::string rejection_reason;
  std::vector<variant_data> variants;
  int64_t rating_sum = 0;
  int64_t rating_count = 0;
  int64_t created_at = 0; ///< unix seconds
  MSGPACK_DEFINE_MAP(v, seller_id, owner_user_id, title, description, category, images, status,
                     rejection_reason, variants, rating_sum, rating_count, created_at)
};

struct reservation {
  std::string key;
  int64_t quantity = 0;
  int64_t expires_at_ms = 0; ///< wall clock, so a restart does not extend it
  MSGPACK_DEFINE_MAP(key, quantity, expires_at_ms)
};

/// Snapshot body of `sku:<sku>`.
struct sku_data {
  uint16_t v = 1;
  bool defined = false; ///< claimed by `product_id` (false again after a dropped claim)
  std::string product_id;
  std::string seller_id;
  int64_t stock = 0;
  std::vector<reservation> live;      ///< may hold expired entries until the next write
  std::vector<std::string> committed; ///< recent committed keys, oldest first
  std::vector<std::string> restocked; ///< recent restock keys, oldest first
  MSGPACK_DEFINE_MAP(v, defined, product_id, seller_id, stock, live, committed, restocked)
};

/// Units of `d` held by reservations still live at `now_ms` (expired ones never count).
inline int64_t reserved_at(const sku_data& d, int64_t now_ms) {
  int64_t n = 0;
  for (const auto& r : d.live) {
    n += r.expires_at_ms > now_ms ? r.quantity : 0;
  }
  return n;
}

/// The product as the protocol shows it (`available` left 0: the skus know it). Used by the
/// product actor and the catalog index alike.
protocol::product_view view_of(const std::string& id, const product_data& d);

} // namespace lakoo::catalog
