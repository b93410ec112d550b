#include "actors/runtime/metrics.hpp"

#include <cmath>
#include <cstdio>

namespace lakoo::runtime {

histogram::histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    counts_[i].store(0);
  }
}

void histogram::observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) {
    ++i;
  }
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  total_.fetch_add(1, std::memory_order_relaxed);
  auto micros = value > 0 ? static_cast<uint64_t>(std::llround(value * 1e6)) : 0;
  sum_micros_.fetch_add(micros, std::memory_order_relaxed);
}

namespace {

std::string format_double(double x) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.6g", x);
  return buf;
}

std::string join_labels(const std::string& labels, const std::string& extra) {
  if (labels.empty()) {
    return "{" + extra + "}";
  }
  return "{" + labels + "," + extra + "}";
}

std::string wrap_labels(const std::string& labels) {
  return labels.empty() ? std::string{} : "{" + labels + "}";
}

} // namespace

void histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    out += name + "_bucket" + join_labels(labels, "le=\"" + format_double(bounds_[i]) + "\"") + " "
           + std::to_string(cumulative) + "\n";
  }
  cumulative += counts_[bounds_.size()].load(std::memory_order_relaxed);
  out += name + "_bucket" + join_labels(labels, "le=\"+Inf\"") + " " + std::to_string(cumulative)
         + "\n";
  out += name + "_sum" + wrap_labels(labels) + " "
         + format_double(static_cast<double>(sum_micros_.load()) / 1e6) + "\n";
  out += name + "_count" + wrap_labels(labels) + " " + std::to_string(total_.load()) + "\n";
}

std::vector<double> histogram::latency_bounds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

std::vector<double> histogram::size_bounds() {
  return {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
}

metrics& metrics::global() {
  static metrics instance;
  return instance;
}

counter& metrics::counter_of(const std::string& family, const std::string& labels) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto& slot = counters_[family][labels];
  if (!slot) {
    slot = std::make_unique<counter>();
  }
  return *slot;
}

gauge& metrics::gauge_of(const std::string& family, const std::string& labels) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto& slot = gauges_[family][labels];
  if (!slot) {
    slot = std::make_unique<gauge>();
  }
  return *slot;
}

histogram& metrics::histogram_of(const std::string& family, const std::string& labels,
                                 const std::vector<double>& bounds) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto& slot = histograms_[family][labels];
  if (!slot) {
    slot = std::make_unique<histogram>(bounds);
  }
  return *slot;
}

void metrics::describe(const std::string& family, const std::string& type,
                       const std::string& help) {
  std::lock_guard<std::mutex> guard{mutex_};
  families_[family] = family_info{type, help};
}

std::string metrics::render() const {
  std::lock_guard<std::mutex> guard{mutex_};
  std::string out;
  auto header = [&](const std::string& family, const char* fallback_type) {
    auto i = families_.find(family);
    if (i != families_.end()) {
      out += "# HELP " + family + " " + i->second.help + "\n";
      out += "# TYPE " + family + " " + i->second.type + "\n";
    } else {
      out += "# TYPE " + family + " " + fallback_type + "\n";
    }
  };
  for (const auto& [family, series] : counters_) {
    header(family, "counter");
    for (const auto& [labels, c] : series) {
      out += family + wrap_labels(labels) + " " + std::to_string(c->value()) + "\n";
    }
  }
  for (const auto& [family, series] : gauges_) {
    header(family, "gauge");
    for (const auto& [labels, g] : series) {
      out += family + wrap_labels(labels) + " " + std::to_string(g->value()) + "\n";
    }
  }
  for (const auto& [family, series] : histograms_) {
    header(family, "histogram");
    for (const auto& [labels, h] : series) {
      h->render(out, family, labels);
    }
  }
  return out;
}

} // namespace lakoo::runtime
