#include "persistence/wake_poller.hpp"

#include <map>
#include <optional>

#include "persistence/poll_thread.hpp"

namespace lakoo::persistence {

using clock_type = std::chrono::steady_clock;

struct wake_poller::impl {
  shard_source shards;
  std::chrono::milliseconds quiet;
  due_handler on_due;
  std::map<std::pair<std::string, std::string>, clock_type::time_point> fired;
  std::optional<poll_thread> thread;

  void poll(db_link& link) {
    auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    auto mine = shards();
    if (mine.empty()) {
      fired.clear();
      return;
    }
    std::string shard_list = "{";
    for (size_t i = 0; i < mine.size(); ++i) {
      shard_list += (i == 0 ? "" : ",") + std::to_string(mine[i]);
    }
    shard_list += "}";
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

wake_poller::wake_poller(pg_settings settings, shard_source shards,
                         std::chrono::milliseconds interval, std::chrono::milliseconds quiet,
                         due_handler on_due)
    : impl_(std::make_unique<impl>()) {
  impl_->shards = std::move(shards);
  impl_->quiet = quiet;
  impl_->on_due = std::move(on_due);
  impl_->thread.emplace(
    "wake", std::move(settings), interval,
    [](pqxx::connection& conn) {
      conn.prepare("due_wakes", "SELECT kind, id FROM snapshots WHERE wake_at IS NOT NULL"
                                " AND wake_at <= $1 AND shard = ANY($2::int[]) LIMIT 5000");
    },
    [this](db_link& link) { impl_->poll(link); });
}

wake_poller::~wake_poller() {
  stop();
}

void wake_poller::stop() {
  impl_->thread->stop();
}

} // namespace lakoo::persistence
