#pragma once

/// An in-process `snapshot_store` for actor unit tests: same contract as pg_store (versions only
/// grow, callbacks on the store's own thread, never inline), kept in a map. Integration and e2e
/// tests use the real PostgreSQL store.

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "actors/runtime/store.hpp"

namespace lakoo::test {

class memory_store final : public runtime::snapshot_store, public runtime::list_reader {
public:
  memory_store() : worker_([this] { loop(); }) {}

  ~memory_store() override {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      done_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  void save(runtime::snapshot s, save_callback cb) override {
    post([this, s = std::move(s), cb = std::move(cb)] {
      runtime::store_status status = runtime::store_status::ok;
      {
        std::lock_guard<std::mutex> guard{data_mutex_};
        auto& slot = data_[{s.kind, s.id}];
        if (slot.version >= s.version || (fail_saves_ && s.kind == fail_kind_)) {
          status = fail_saves_ ? runtime::store_status::failed : runtime::store_status::stale;
        } else {
          for (const auto& e : s.list_entries) {
            lists_[e.list].push_back(e.item);
            sorted_[e.list].insert({e.sort, e.item});
          }
          slot = s;
          ++writes_;
        }
      }
      cb(status);
    });
  }

  void load(std::string kind, std::string id, load_callback cb) override {
    {
      std::lock_guard<std::mutex> guard{data_mutex_};
      if (hold_loads_) {
        held_.push_back([this, kind, id, cb] { load(kind, id, cb); });
        return;
      }
    }
    post([this, kind = std::move(kind), id = std::move(id), cb = std::move(cb)] {
      std::optional<runtime::snapshot> out;
      {
        std::lock_guard<std::mutex> guard{data_mutex_};
        auto i = data_.find({kind, id});
        if (i != data_.end() && i->second.version > 0) {
          out = i->second;
        }
      }
      cb(runtime::store_status::ok, std::move(out));
    });
  }

  /// Pages of a durable list as pg_store reads them: newest first by (sort, item), after
  /// (`after_sort`, `after_item`) unless `after_item` is empty.
  void read_list(std::string list, int64_t after_sort, std::string after_item, size_t limit,
                 page_callback done) override {
    post([this, list = std::move(list), after_sort, after_item = std::move(after_item), limit,
          done = std::move(done)] {
      runtime::list_page page;
      {
        std::lock_guard<std::mutex> guard{data_mutex_};
        const auto& entries = sorted_[list];
        auto end
          = after_item.empty() ? entries.end() : entries.lower_bound({after_sort, after_item});
        for (auto i = std::make_reverse_iterator(end); i != entries.rend(); ++i) {
          if (page.entries.size() == limit) {
            page.more = true;
            break;
          }
          page.entries.push_back({list, i->first, i->second});
        }
      }
      done(runtime::store_status::ok, std::move(page));
    });
  }

  /// The items written to durable list `list`, in write order.
  std::vector<std::string> list_items(const std::string& list) {
    std::lock_guard<std::mutex> guard{data_mutex_};
    auto i = lists_.find(list);
    return i == lists_.end() ? std::vector<std::string>{} : i->second;
  }

  /// The stored body of (kind, id), "" if none.
  std::string body_of(const std::string& kind, const std::string& id) {
    std::lock_guard<std::mutex> guard{data_mutex_};
    auto i = data_.find({kind, id});
    return i == data_.end() ? std::string{} : i->second.body;
  }

  /// The stored version of (kind, id), 0 if none.
  int64_t version_of(const std::string& kind, const std::string& id) {
    std::lock_guard<std::mutex> guard{data_mutex_};
    auto i = data_.find({kind, id});
    return i == data_.end() ? 0 : i->second.version;
  }

  /// Makes every later save of `kind` fail.
  void fail_saves_of(const std::string& kind) {
    std::lock_guard<std::mutex> guard{data_mutex_};
    fail_saves_ = true;
    fail_kind_ = kind;
  }

  /// While held, loads do not complete (a database that does not answer).
  void hold_loads(bool hold) {
    std::vector<std::function<void()>> release;
    {
      std::lock_guard<std::mutex> guard{data_mutex_};
      hold_loads_ = hold;
      if (!hold) {
        release.swap(held_);
      }
    }
    for (auto& f : release) {
      f();
    }
  }

  int64_t writes() {
    std::lock_guard<std::mutex> guard{data_mutex_};
    return writes_;
  }

private:
  void post(std::function<void()> f) {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      queue_.push_back(std::move(f));
    }
    cv_.notify_one();
  }

  void loop() {
    std::unique_lock<std::mutex> lock{mutex_};
    for (;;) {
      cv_.wait(lock, [this] { return done_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;
      }
      auto f = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      f();
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool done_ = false;
  std::mutex data_mutex_;
  std::map<std::string, std::vector<std::string>> lists_;
  std::map<std::string, std::set<std::pair<int64_t, std::string>>> sorted_;
  std::map<std::pair<std::string, std::string>, runtime::snapshot> data_;
  bool fail_saves_ = false;
  bool hold_loads_ = false;
  std::vector<std::function<void()>> held_;
  std::string fail_kind_;
  int64_t writes_ = 0;
  std::thread worker_;
};

} // namespace lakoo::test
