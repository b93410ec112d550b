#include "persistence/snapshot_feed.hpp"

#include <optional>

#include "persistence/poll_thread.hpp"

namespace lakoo::persistence {

struct snapshot_feed::impl {
  std::string sql;
  batch_handler on_batch;
  std::function<void()> on_caught_up;
  std::string watermark = "0"; ///< xid8 as text
  bool caught_up = false;
  std::optional<poll_thread> thread; ///< last: stopped first

  void poll(db_link& link);
};

void snapshot_feed::impl::poll(db_link& link) {
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
  impl_->sql = "SELECT kind, id, shard, version, epoch, body FROM snapshots WHERE kind IN (";
  for (size_t i = 0; i < kinds.size(); ++i) {
    impl_->sql += (i == 0 ? "'" : ",'") + kinds[i] + "'"; // our own constants, never input
  }
  impl_->sql += ") AND txid >= $1::xid8";
  impl_->on_batch = std::move(on_batch);
  impl_->on_caught_up = std::move(on_caught_up);
  impl_->thread.emplace("feed", std::move(settings), interval, nullptr,
                        [this](db_link& link) { impl_->poll(link); });
}

snapshot_feed::~snapshot_feed() {
  stop();
}

void snapshot_feed::stop() {
  impl_->thread->stop();
}

} // namespace lakoo::persistence
