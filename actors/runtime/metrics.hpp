#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lakoo::runtime {

/// A Prometheus histogram with fixed buckets, safe to observe from any thread.
class histogram {
public:
  /// Upper bounds in the unit of the observations (e.g. seconds), ascending.
  explicit histogram(std::vector<double> bounds);

  void observe(double value);

  /// Appends the `_bucket`, `_sum` and `_count` lines for `name{labels}`.
  void render(std::string& out, const std::string& name, const std::string& labels) const;

  /// Latency buckets in seconds, 100 us .. 10 s.
  static std::vector<double> latency_bounds();
  /// Size buckets 1 .. 4096.
  static std::vector<double> size_bounds();

private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_; // one per bound, plus +Inf
  std::atomic<uint64_t> total_{0};
  std::atomic<uint64_t> sum_micros_{0}; // sum * 1e6, integer so it can be atomic
};

/// A monotonically increasing counter.
class counter {
public:
  void add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<uint64_t> value_{0};
};

/// A value that goes up and down.
class gauge {
public:
  void set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<int64_t> value_{0};
};

/// The node's metric families. One instance per process (`metrics::global()`); components look
/// up their series once and keep the reference (series are never removed).
class metrics {
public:
  static metrics& global();

  /// The series of `family` with `labels` (Prometheus label text, e.g. `route="/x",code="200"`).
  counter& counter_of(const std::string& family, const std::string& labels = "");
  gauge& gauge_of(const std::string& family, const std::string& labels = "");
  histogram& histogram_of(const std::string& family, const std::string& labels,
                          const std::vector<double>& bounds);

  /// Sets the help text shown for `family`.
  void describe(const std::string& family, const std::string& type, const std::string& help);

  /// Everything in Prometheus text exposition format 0.0.4.
  std::string render() const;

private:
  struct family_info {
    std::string type;
    std::string help;
  };
  mutable std::mutex mutex_;
  std::map<std::string, family_info> families_;
  std::map<std::string, std::map<std::string, std::unique_ptr<counter>>> counters_;
  std::map<std::string, std::map<std::string, std::unique_ptr<gauge>>> gauges_;
  std::map<std::string, std::map<std::string, std::unique_ptr<histogram>>> histograms_;
};

} // namespace lakoo::runtime
