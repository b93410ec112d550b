#include "actors/runtime/node_status.hpp"

#include <atomic>
#include <deque>
#include <mutex>

#include <spdlog/sinks/base_sink.h>

namespace lakoo::runtime {

namespace {

/// Keeps the newest `keep` formatted lines at level warn or above.
class ring_sink final : public spdlog::sinks::base_sink<std::mutex> {
public:
  explicit ring_sink(size_t keep) : keep_(keep) { set_level(spdlog::level::warn); }

  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> guard{mutex_};
    return {lines_.begin(), lines_.end()};
  }

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t buf;
    formatter_->format(msg, buf);
    std::string line{buf.data(), buf.size()};
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
      line.pop_back();
    }
    lines_.push_back(std::move(line));
    if (lines_.size() > keep_) {
      lines_.pop_front();
    }
  }
  void flush_() override {}

private:
  size_t keep_;
  std::deque<std::string> lines_;
};

} // namespace

struct node_status::impl {
  std::atomic<int64_t> incarnation{0};
  std::atomic<int64_t> in_flight{0};
  mutable std::mutex mu;
  std::map<std::string, std::unique_ptr<std::atomic<int64_t>>> peaks;
  std::map<std::string, int64_t> sagas;
  std::shared_ptr<ring_sink> errors;
};

node_status::node_status() : impl_(std::make_unique<impl>()) {}

node_status& node_status::global() {
  static node_status instance;
  return instance;
}

void node_status::set_incarnation(int64_t n) {
  impl_->incarnation.store(n);
}

int64_t node_status::incarnation() const {
  return impl_->incarnation.load();
}

void node_status::add_in_flight(int64_t delta) {
  impl_->in_flight.fetch_add(delta, std::memory_order_relaxed);
}

int64_t node_status::in_flight() const {
  return impl_->in_flight.load(std::memory_order_relaxed);
}

std::atomic<int64_t>& node_status::mailbox_peak(const std::string& kind) {
  std::lock_guard<std::mutex> guard{impl_->mu};
  auto& cell = impl_->peaks[kind];
  if (!cell) {
    cell = std::make_unique<std::atomic<int64_t>>(0);
  }
  return *cell;
}

void node_status::observe_mailbox(const char* kind, int64_t depth) {
  if (depth <= 1) {
    return;
  }
  thread_local std::map<const char*, std::atomic<int64_t>*> cache;
  auto& cell = cache[kind];
  if (cell == nullptr) {
    cell = &mailbox_peak(kind);
  }
  auto seen = cell->load(std::memory_order_relaxed);
  while (depth > seen && !cell->compare_exchange_weak(seen, depth, std::memory_order_relaxed)) {
  }
}

std::map<std::string, int64_t> node_status::take_mailbox_peaks() {
  std::lock_guard<std::mutex> guard{impl_->mu};
  std::map<std::string, int64_t> out;
  for (auto& [kind, cell] : impl_->peaks) {
    auto v = cell->exchange(0, std::memory_order_relaxed);
    if (v > 0) {
      out.emplace(kind, v);
    }
  }
  return out;
}

void node_status::saga_moved(const std::string& from, const std::string& to) {
  if (from == to) {
    return;
  }
  std::lock_guard<std::mutex> guard{impl_->mu};
  if (!from.empty() && --impl_->sagas[from] <= 0) {
    impl_->sagas.erase(from);
  }
  if (!to.empty()) {
    ++impl_->sagas[to];
  }
}

std::map<std::string, int64_t> node_status::sagas() const {
  std::lock_guard<std::mutex> guard{impl_->mu};
  return impl_->sagas;
}

std::shared_ptr<spdlog::sinks::sink> node_status::error_sink(size_t keep) {
  std::lock_guard<std::mutex> guard{impl_->mu};
  if (!impl_->errors) {
    impl_->errors = std::make_shared<ring_sink>(keep);
  }
  return impl_->errors;
}

std::vector<std::string> node_status::recent_errors() const {
  std::shared_ptr<ring_sink> errors;
  {
    std::lock_guard<std::mutex> guard{impl_->mu};
    errors = impl_->errors;
  }
  return errors ? errors->lines() : std::vector<std::string>{};
}

} // namespace lakoo::runtime
