#include "persistence/snapshot_feed.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "persistence/pg_link.hpp"

namespace lakoo::persistence {

struct snapshot_feed::impl {
  pg_settings cfg;
  std::vector<std::string> kinds;
  std::chrono::milliseconds interval;
  batch_handler on_batch;
  std::function<void()> on_caught_up;
  std::string watermark = "0"; ///< xid8 as text
  bool caught_up = false;

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::thread worker;

  void run() noexcept;
  void poll(db_link& link, const std::string& sql);
};

void snapshot_feed::impl::run() noexcept {
  try {
    db_link link{"feed", cfg, nullptr};
    std::string sql = "SELECT kind, id, shard, version, epoch, body FROM snapshots WHERE kind IN (";
    for (size_t i = 0; i < kinds.size(); ++i) {
      sql += (i == 0 ? "" : ",") + ("'" + kinds[i] + "'"); // our own constants, never input
    }
    sql += ") AND txid >= $1::xid8";
    for (;;) {
      try {
        poll(link, sql);
      } catch (const unreachable&) {
        // logged by the link; retried after its delay
      } catch (const std::exception& e) {
        log().error("[feed] poll failed: {}", one_line(e));
        link.reset(e);
      }
      std::unique_lock<std::mutex> guard{mu};
      if (cv.wait_for(guard, interval, [this] { return stopping; })) {
        break;
      }
    }
    log().debug("[feed] stopped");
  } catch (const std::exception& e) {
    log().critical("[feed] died: {}", one_line(e));
  } catch (...) {
    log().critical("[feed] died on a non-exception");
  }
}

void snapshot_feed::impl::poll(db_link& link, const std::string& sql) {
  auto& conn = link.get();
  std::vector<runtime::snapshot> batch;
  std::string next;
  {
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> txn{conn, "feed"};
    next = txn.exec1("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")[0].c_str();
    auto res = txn.exec_params(sql, watermark);
    txn.commit();
    batch.reserve(res.size());
    for (const auto& row : res) {
      batch.push_back(runtime::snapshot{row[0].c_str(), row[1].c_str(), row[2].as<int32_t>(),
                                        row[3].as<int64_t>(), row[4].as<int64_t>(),
                                        pqxx::binarystring{row[5]}.str()});
    }
  }
  if (!batch.empty()) {
    on_batch(batch);
  }
  watermark = std::move(next);
  if (!caught_up) {
    caught_up = true;
    log().info("[feed] caught up: {} snapshots", batch.size());
    if (on_caught_up) {
      on_caught_up();
    }
  }
}

snapshot_feed::snapshot_feed(pg_settings settings, std::vector<std::string> kinds,
                             std::chrono::milliseconds interval, batch_handler on_batch,
                             std::function<void()> on_caught_up)
    : impl_(std::make_unique<impl>()) {
  impl_->cfg = std::move(settings);
  impl_->kinds = std::move(kinds);
  impl_->interval = interval;
  impl_->on_batch = std::move(on_batch);
  impl_->on_caught_up = std::move(on_caught_up);
  impl_->worker = std::thread{[this] { impl_->run(); }};
}

snapshot_feed::~snapshot_feed() {
  stop();
}

void snapshot_feed::stop() {
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
