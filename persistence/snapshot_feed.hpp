#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/runtime/store.hpp"
#include "persistence/pg_store.hpp"

namespace lakoo::persistence {

/// Follows the committed snapshots of some kinds (today `product` and `sku`, the ones
/// `snapshots_catalog_feed_idx` covers) so that read models such as the catalog index see
/// every acknowledged change within about one `interval`.
///
/// One thread polls in a REPEATABLE READ transaction: the rows whose writing transaction id is
/// at or past the watermark, then moves the watermark to that snapshot's xmin. Every
/// transaction that was not yet visible has an id at or past that xmin, so nothing committed is
/// ever skipped, whatever order concurrent writers (several nodes) commit in; a row may come
/// twice, which readers absorb by version. The first poll reads everything.
///
///     polling --stop()/~snapshot_feed--> stopped
///
/// `on_batch` and `on_caught_up` run on the feed's thread; `on_caught_up` once, after the first
/// complete read. A database outage only delays the feed (logged, retried).
class snapshot_feed {
public:
  using batch_handler = std::function<void(const std::vector<runtime::snapshot>&)>;

  snapshot_feed(pg_settings settings, std::vector<std::string> kinds,
                std::chrono::milliseconds interval, batch_handler on_batch,
                std::function<void()> on_caught_up);
  ~snapshot_feed();

  snapshot_feed(const snapshot_feed&) = delete;
  snapshot_feed& operator=(const snapshot_feed&) = delete;

  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace lakoo::persistence
