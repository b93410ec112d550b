#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/store.hpp"

namespace lakoo::read_models {

/// What `GET /v1/products` asks for. Empty strings filter nothing.
struct listing_query {
  std::string category; ///< compared case-insensitively
  std::string seller_id;
  std::string q;      ///< words that must all appear in the title or the description
  size_t limit = 20;  ///< 1..100
  std::string cursor; ///< `next_cursor` of the previous page, or ""
};

/// A product rendered once per version by whoever serves it (the edge's JSON): the text
/// before, between and after each variant's `available` number (variants + 1 pieces), which
/// only the query can know.
struct rendered_product {
  std::vector<std::string> pieces;
};

using product_renderer = std::function<rendered_product(const protocol::product_view&)>;

/// One page of active products. `available` is each variant's stock minus the reservations
/// live at the time of the query, in the order of `product->variants`. `rendered` is null when
/// the index has no renderer.
struct listing_page {
  struct item {
    std::shared_ptr<const protocol::product_view> product;
    std::shared_ptr<const rendered_product> rendered;
    std::vector<int64_t> available;
  };
  std::vector<item> items;
  std::optional<std::string> next_cursor;
};

/// A node's in-memory read model of the catalog, for listing and search.
///
/// It is fed the committed `product` and `sku` snapshots (`apply`, from the store's change feed)
/// and keeps, for active products only: the order of the listing (newest first), per category
/// and per seller, and an inverted index of title and description words. Without `q` a page
/// is newest first; with `q` every word must match a word of the title or description
/// (case-insensitive, Latin letters incl. accented ones, digits), ranked by how many of the
/// words are in the title, then newest first. Cursors are keyset positions, so pages stay
/// stable while products come and go.
///
/// Thread-safe: `apply` decodes and renders outside the lock, then takes a writer lock; queries
/// take a reader lock. Older versions than the one held are ignored, so snapshots may arrive
/// twice or out of order.
class catalog_index {
public:
  explicit catalog_index(product_renderer render = {});
  ~catalog_index();
  catalog_index(const catalog_index&) = delete;
  catalog_index& operator=(const catalog_index&) = delete;

  /// Folds committed snapshots of kinds `product` and `sku` in (others are ignored).
  void apply(const std::vector<runtime::snapshot>& batch);

  /// Marks the first complete load done: before it, the index is not `ready()`.
  void mark_ready();
  bool ready() const;

  /// A page, or nullopt when `cursor` is not one of ours (a client error).
  std::optional<listing_page> query(const listing_query& q) const;

  /// The active product `id` as last committed, or null.
  std::shared_ptr<const protocol::product_view> find(const std::string& id) const;

  /// Active products of `seller_id`.
  int64_t active_count(const std::string& seller_id) const;

  /// Active products in the index.
  size_t size() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The words of `text` as the index sees them: lower case, split at anything that is not a
/// letter or digit. Exposed for tests.
std::vector<std::string> words_of(const std::string& text);

/// `s` in lower case the way `words_of` lowers it (ASCII, Latin-1, Latin Extended-A).
std::string lower_text(const std::string& s);

} // namespace lakoo::read_models
