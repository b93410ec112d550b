#include "persistence/wake_poller.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "persistence/pg_link.hpp"

namespace lakoo::persistence {

using clock_type = std::chrono::steady_clock;

struct wake_poller::impl {
  pg_settings cfg;
  std::string shard_list; ///< `{1,2,3}`
  std::chrono::milliseconds interval;
  std::chrono::milliseconds quiet;
  due_handler on_due;
  std::map<std::pair<std::string, std::string>, clock_type::time_point> fired;

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::thread worker;

  void run() noexcept {
    try {
      db_link link{"wake", cfg, [](pqxx::connection& conn) {
                     conn.prepare("due_wakes",
                                  "SELECT kind, id FROM snapshots WHERE wake_at IS NOT NULL"
                                  " AND wake_at <= $1 AND shard = ANY($2::int[]) LIMIT 5000");
                   }};
      for (;;) {
        try {
          poll(link);
        } catch (const unreachable&) {
          // logged by the link
        } catch (const std::exception& e) {
          log().error("[wake] poll failed: {}", one_line(e));
          link.reset(e);
        }
        std::unique_lock<std::mutex> guard{mu};
        if (cv.wait_for(guard, interval, [this] { return stopping; })) {
          break;
        }
      }
    } catch (const std::exception& e) {
      log().critical("[wake] died: {}", one_line(e));
    } catch (...) {
      log().critical("[wake] died on a non-exception");
    }
  }

  void poll(db_link& link) {
    auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    auto& conn = link.get();
    pqxx::nontransaction txn{conn, "wake"};
    auto res = txn.exec_prepared("due_wakes", now_ms, shard_list);
    auto now = clock_type::now();
    std::map<std::pair<std::string, std::string>, clock_type::time_point> still_due;
    for (const auto& row : res) {
      std::pair<std::string, std::string> key{row[0].c_str(), row[1].c_str()};
      auto it = fired.find(key);
      if (it != fired.end() && now - it->second < quiet) {
        still_due.emplace(key, it->second);
        continue;
      }
      still_due.emplace(key, now);
      log().debug("[wake {}:{}] due", key.first, key.second);
      on_due(key.first, key.second);
    }
    fired.swap(still_due); // keys no longer due are forgotten
  }
};

wake_poller::wake_poller(pg_settings settings, std::vector<int32_t> shards,
                         std::chrono::milliseconds interval, std::chrono::milliseconds quiet,
                         due_handler on_due)
    : impl_(std::make_unique<impl>()) {
  impl_->cfg = std::move(settings);
  impl_->shard_list = "{";
  for (size_t i = 0; i < shards.size(); ++i) {
    impl_->shard_list += (i == 0 ? "" : ",") + std::to_string(shards[i]);
  }
  impl_->shard_list += "}";
  impl_->interval = interval;
  impl_->quiet = quiet;
  impl_->on_due = std::move(on_due);
  impl_->worker = std::thread{[this] { impl_->run(); }};
}

wake_poller::~wake_poller() {
  stop();
}

void wake_poller::stop() {
  {
    std::lock_guard<std::mutex> guard{impl_->mu};
    if (impl_->stopping) {
      return;
    }
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->worker.joinable()) {
    impl_->worker.join();
  }
}

} // namespace lakoo::persistence
