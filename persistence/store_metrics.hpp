#pragma once

// Internal to persistence/: the metric series of `pg_store`.

#include "actors/runtime/metrics.hpp"

namespace lakoo::persistence {

/// The `lakoo_snapshot_*` series, described and looked up once per process and shared by all
/// `pg_store` instances (the queue-depth gauge is therefore a sum over stores).
struct store_metrics {
  runtime::counter& ok;
  runtime::counter& stale;
  runtime::counter& failed;
  runtime::counter& batches;
  runtime::histogram& batch_size;
  runtime::histogram& commit_seconds;
  runtime::gauge& queue_depth;
  runtime::histogram& load_seconds;
  runtime::counter& fenced;

  static store_metrics& get() {
    static store_metrics instance = [] {
      auto& m = runtime::metrics::global();
      m.describe("lakoo_snapshot_writes_total", "counter", "Snapshot saves answered, by result.");
      m.describe("lakoo_snapshot_batches_total", "counter", "Group commits attempted.");
      m.describe("lakoo_snapshot_batch_size", "histogram", "Snapshots taken per group commit.");
      m.describe("lakoo_snapshot_commit_seconds", "histogram",
                 "Time of one group commit's INSERT and COMMIT, fsync included.");
      m.describe("lakoo_snapshot_queue_depth", "gauge", "Snapshot saves waiting for the writer.");
      m.describe("lakoo_snapshot_load_seconds", "histogram", "Time of one snapshot SELECT.");
      m.describe("lakoo_snapshot_fenced_total", "counter",
                 "Snapshot saves refused because their shard lease epoch is no longer current.");
      auto lat = runtime::histogram::latency_bounds();
      return store_metrics{
        m.counter_of("lakoo_snapshot_writes_total", "result=\"ok\""),
        m.counter_of("lakoo_snapshot_writes_total", "result=\"stale\""),
        m.counter_of("lakoo_snapshot_writes_total", "result=\"failed\""),
        m.counter_of("lakoo_snapshot_batches_total"),
        m.histogram_of("lakoo_snapshot_batch_size", "", runtime::histogram::size_bounds()),
        m.histogram_of("lakoo_snapshot_commit_seconds", "", lat),
        m.gauge_of("lakoo_snapshot_queue_depth"),
        m.histogram_of("lakoo_snapshot_load_seconds", "", lat),
        m.counter_of("lakoo_snapshot_fenced_total")};
    }();
    return instance;
  }
};

} // namespace lakoo::persistence
