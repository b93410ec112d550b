#include "persistence/pg_store.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "actors/runtime/log.hpp"
#include "persistence/log.hpp"
#include "persistence/pg_link.hpp"
#include "persistence/store_metrics.hpp"

namespace lakoo::persistence {

using runtime::store_status;
using clock_type = std::chrono::steady_clock;

namespace {

// Keeps one statement far below PostgreSQL's 1 GB limit even with large bodies (hex doubles them).
constexpr size_t batch_byte_budget = 32u << 20;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

/// Runs a callback so that nothing it throws escapes the store's thread.
template <class F, class... Ts>
void answer(const std::string& kind, const std::string& id, F& done, Ts&&... xs) noexcept {
  try {
    if (done) {
      done(std::forward<Ts>(xs)...);
    }
  } catch (const std::exception& e) {
    log().error("[snapshot {}:{}] callback threw: {}", kind, id, one_line(e));
  } catch (...) {
    log().error("[snapshot {}:{}] callback threw a non-exception", kind, id);
  }
}

struct pending_save {
  runtime::snapshot snap;
  runtime::snapshot_store::save_callback done;
};

struct pending_load {
  std::string kind;
  std::string id;
  runtime::snapshot_store::load_callback done;
};

struct pending_list {
  std::string list;
  int64_t after_sort = 0;
  std::string after_item;
  size_t limit = 20;
  runtime::list_reader::page_callback done;
};

using key_type = std::pair<std::string, std::string>;

/// libpq cuts text at a NUL byte, so such a key would silently address another row.
bool is_valid_key(const std::string& kind, const std::string& id) {
  return kind.find('\0') == std::string::npos && id.find('\0') == std::string::npos;
}

} // namespace

struct pg_store::impl {
  pg_settings cfg;
  store_metrics& metrics = store_metrics::get();

  /// One writer's queue and thread.
  struct lane {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<pending_save> saves;
    bool stopping = false;
    std::thread thread;
  };
  std::vector<std::unique_ptr<lane>> lanes;

  std::mutex read_mu;
  std::condition_variable read_cv;
  std::deque<pending_load> loads;
  std::deque<pending_list> lists;
  bool read_stopping = false;

  std::mutex stop_mu; // serializes stop()
  bool stopped = false;
  std::vector<std::thread> readers;

  explicit impl(pg_settings settings) : cfg(std::move(settings)) {
    cfg.max_batch = std::max<size_t>(cfg.max_batch, 1);
    cfg.readers = std::max<size_t>(cfg.readers, 1);
    cfg.writers = std::max<size_t>(cfg.writers, 1);
    for (size_t n = 0; n < cfg.writers; ++n) {
      lanes.push_back(std::make_unique<lane>());
    }
  }

  lane& lane_of(const runtime::snapshot& s) {
    auto h = std::hash<std::string>{}(s.kind) * 31 + std::hash<std::string>{}(s.id);
    return *lanes[h % lanes.size()];
  }

  void run_writer(lane& q, size_t n) noexcept;
  std::vector<pending_save> take_batch(lane& q);
  void write_batch(db_link& link, std::vector<pending_save>& batch);
  std::set<key_type> upsert(db_link& link, const std::vector<pending_save>& batch,
                            std::vector<size_t>& rows);
  std::string batch_statement(pqxx::transaction_base& txn, const std::vector<pending_save>& batch,
                              std::vector<size_t>& rows);
  void run_reader(size_t n) noexcept;
  void serve_load(db_link& link, pending_load& req);
  void serve_list(db_link& link, pending_list& req);
};

// -- writer -------------------------------------------------------------------------------------

void pg_store::impl::run_writer(lane& q, size_t n) noexcept {
  runtime::name_this_thread(n == 0 ? "pg.writer" : "pg.writer" + std::to_string(n));
  try {
    auto idle = cfg.idle_txn_timeout.count();
    db_link link{n == 0 ? std::string{"writer"} : "writer " + std::to_string(n), cfg,
                 [idle](pqxx::connection& conn) {
                   if (idle > 0) {
                     pqxx::nontransaction txn{conn, "writer_setup"};
                     txn.exec0("SET idle_in_transaction_session_timeout = " + std::to_string(idle));
                   }
                 }};
    for (;;) {
      auto batch = take_batch(q);
      if (batch.empty()) {
        break;
      }
      write_batch(link, batch);
    }
    log().debug("[writer] stopped");
  } catch (const std::exception& e) {
    log().critical("[writer] died, saves will not be answered: {}", one_line(e));
  } catch (...) {
    log().critical("[writer] died on a non-exception, saves will not be answered");
  }
}

/// Waits for work; returns everything queued up to `max_batch`, or nothing once stopped and
/// drained.
std::vector<pending_save> pg_store::impl::take_batch(lane& q) {
  std::vector<pending_save> batch;
  std::unique_lock<std::mutex> guard{q.mu};
  q.cv.wait(guard, [&] { return q.stopping || !q.saves.empty(); });
  auto& saves = q.saves;
  size_t bytes = 0;
  while (!saves.empty() && batch.size() < cfg.max_batch
         && (batch.empty() || bytes + saves.front().snap.body.size() <= batch_byte_budget)) {
    bytes += saves.front().snap.body.size();
    batch.push_back(std::move(saves.front()));
    saves.pop_front();
  }
  metrics.queue_depth.add(-static_cast<int64_t>(batch.size()));
  return batch;
}

void pg_store::impl::write_batch(db_link& link, std::vector<pending_save>& batch) {
  metrics.batches.add();
  metrics.batch_size.observe(static_cast<double>(batch.size()));
  // Only the highest (version, epoch) of each key is written; the others ride on its result.
  std::map<key_type, size_t> winner_of;
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto& s = batch[i].snap;
    auto [it, fresh] = winner_of.emplace(key_type{s.kind, s.id}, i);
    const auto& best = batch[it->second].snap;
    if (!fresh && std::tie(s.version, s.epoch) > std::tie(best.version, best.epoch)) {
      it->second = i;
    }
  }
  std::vector<store_status> result(batch.size(), store_status::failed);
  std::vector<size_t> rows;
  for (const auto& entry : winner_of) {
    if (is_valid_key(entry.first.first, entry.first.second)) {
      rows.push_back(entry.second);
    } else {
      log().error("[writer] refusing a key with a NUL byte (kind of {} bytes)",
                  entry.first.first.size());
    }
  }
  try {
    auto applied = rows.empty() ? std::set<key_type>{} : upsert(link, batch, rows);
    for (auto i : rows) {
      bool hit = applied.count(key_type{batch[i].snap.kind, batch[i].snap.id}) > 0;
      result[i] = hit ? store_status::ok : store_status::stale;
    }
  } catch (const unreachable& e) {
    log().debug("[writer] batch of {} failed: {}", rows.size(), one_line(e));
  } catch (const std::exception& e) {
    log().error("[writer] batch of {} failed: {}", rows.size(), one_line(e));
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto& s = batch[i].snap;
    auto w = winner_of[key_type{s.kind, s.id}];
    if (w != i) {
      // Superseded by a higher version of the same batch; an equal version is a duplicate that
      // a serial execution would have refused.
      bool duplicate = s.version == batch[w].snap.version && result[w] == store_status::ok;
      result[i] = duplicate ? store_status::stale : result[w];
    }
    switch (result[i]) {
      case store_status::ok:
        metrics.ok.add();
        break;
      case store_status::stale:
        metrics.stale.add();
        log().debug("[snapshot {}:{}] version {} epoch {} is stale", s.kind, s.id, s.version,
                    s.epoch);
        break;
      case store_status::failed:
        metrics.failed.add();
        break;
    }
    answer(s.kind, s.id, batch[i].done, result[i]);
  }
}

/// Writes `rows` of `batch` with ONE autocommitted statement (one round trip, one transaction):
/// it share-locks the lease rows of the batch's shards (ascending, so concurrent batches and
/// takeovers never deadlock), upserts every row whose epoch is its shard's lease epoch, adds the
/// list entries of the keys it changed, and reports the rows it fenced. Returns the keys it
/// changed. Rows whose text cannot be sent are dropped from `rows` (their answer stays
/// `failed`). Throws on any database error (after dropping the connection unless only data was
/// at fault).
std::set<key_type> pg_store::impl::upsert(db_link& link, const std::vector<pending_save>& batch,
                                          std::vector<size_t>& rows) {
  try {
    auto& conn = link.get();
    auto t0 = clock_type::now();
    pqxx::nontransaction txn{conn, "snapshot_batch"};
    auto sql = batch_statement(txn, batch, rows);
    if (rows.empty()) {
      return {};
    }
    auto res = txn.exec(sql);
    std::set<key_type> applied;
    for (const auto& row : res) {
      if (row[0].as<bool>()) {
        applied.emplace(row[1].c_str(), row[2].c_str());
        continue;
      }
      metrics.fenced.add();
      log().warn("[snapshot {}:{}] refused: its epoch is not the lease epoch {} of its shard{}",
                 row[1].c_str(), row[2].c_str(), row[3].as<int64_t>(),
                 row[4].as<bool>() ? "" : " (released)");
    }
    metrics.commit_seconds.observe(seconds_since(t0));
    return applied;
  } catch (const pqxx::sql_error& e) {
    if (!is_row_error(e)) {
      link.reset(e);
    }
    throw;
  } catch (const std::exception& e) {
    link.reset(e); // broken connection, in-doubt commit, ...
    throw;
  }
}

/// The statement of `upsert`. Its result rows: (true, kind, id, 0, true) for each key changed,
/// (false, kind, id, lease epoch, lease held) for each row fenced.
std::string pg_store::impl::batch_statement(pqxx::transaction_base& txn,
                                            const std::vector<pending_save>& batch,
                                            std::vector<size_t>& rows) {
  size_t size = 1024;
  for (auto i : rows) {
    const auto& s = batch[i].snap;
    size += 2 * (s.body.size() + s.kind.size() + s.id.size()) + 96;
  }
  std::string sql;
  sql.reserve(size);
  sql += "WITH v(kind,id,shard,version,epoch,body,wake_at) AS (VALUES ";
  std::vector<size_t> sent;
  std::set<int32_t> shards;
  std::set<key_type> keys;
  for (auto i : rows) {
    const auto& s = batch[i].snap;
    std::string key;
    try {
      key = txn.quote(s.kind) + "::text," + txn.quote(s.id) + "::text";
    } catch (const std::exception& e) { // e.g. not valid in the connection's encoding (UTF-8)
      log().error("[writer] refusing a key: {}", one_line(e));
      continue;
    }
    sql += sent.empty() ? "(" : ",(";
    sql += key + ',' + std::to_string(s.shard) + "::int," + std::to_string(s.version) + "::bigint,"
           + std::to_string(s.epoch) + "::bigint," + txn.quote_raw(s.body) + "::bytea,"
           + (s.wake_at_ms > 0 ? std::to_string(s.wake_at_ms) : std::string{"NULL"}) + "::bigint)";
    sent.push_back(i);
    shards.insert(s.shard);
    keys.emplace(s.kind, s.id);
  }
  rows.swap(sent);
  sql += ')';
  bool fencing = !cfg.cluster.empty();
  if (fencing) {
    sql += ", lease AS MATERIALIZED (SELECT shard, epoch, node IS NOT NULL AS held"
           " FROM shard_leases WHERE cluster = "
           + txn.quote(cfg.cluster) + " AND shard IN (";
    bool first = true;
    for (auto s : shards) {
      sql += (first ? "" : ",") + std::to_string(s);
      first = false;
    }
    sql += ") ORDER BY shard FOR SHARE)"
           ", refused AS (SELECT v.kind, v.id, l.epoch, l.held FROM v JOIN lease l"
           " ON l.shard = v.shard WHERE l.epoch <> v.epoch OR NOT l.held)";
  }
  // Only the kinds a snapshot feed follows need the writing transaction in `txid`: keeping the
  // old value for the others keeps their updates HOT (no index entry changes).
  std::string txid = "pg_current_xact_id()";
  if (!cfg.followed_kinds.empty()) {
    txid = "CASE WHEN excluded.kind IN (";
    for (size_t k = 0; k < cfg.followed_kinds.size(); ++k) {
      txid += (k == 0 ? "" : ",") + txn.quote(cfg.followed_kinds[k]);
    }
    txid += ") THEN pg_current_xact_id() ELSE snapshots.txid END";
  }
  sql += ", up AS (INSERT INTO snapshots(kind,id,shard,version,epoch,body,wake_at,updated_at)"
         " SELECT v.kind, v.id, v.shard, v.version, v.epoch, v.body, v.wake_at, now() FROM v";
  if (fencing) {
    sql += " WHERE NOT EXISTS (SELECT 1 FROM refused r WHERE r.kind = v.kind AND r.id = v.id)";
  }
  sql += " ON CONFLICT (kind,id) DO UPDATE SET shard=excluded.shard, version=excluded.version,"
         " epoch=excluded.epoch, body=excluded.body, wake_at=excluded.wake_at, updated_at=now(),"
         " txid="
         + txid + " WHERE snapshots.version < excluded.version RETURNING kind, id)";
  // The list entries of every snapshot whose key is changed (superseded versions too: their
  // entries are part of the state the winner carries forward).
  std::string entries;
  for (const auto& p : batch) {
    if (p.snap.list_entries.empty() || keys.count(key_type{p.snap.kind, p.snap.id}) == 0) {
      continue;
    }
    for (const auto& e : p.snap.list_entries) {
      entries += entries.empty() ? "(" : ",(";
      entries += txn.quote(p.snap.kind) + "::text," + txn.quote(p.snap.id) + "::text,"
                 + txn.quote(e.list) + "::text," + std::to_string(e.sort) + "::bigint,"
                 + txn.quote(e.item) + "::text)";
    }
  }
  if (!entries.empty()) {
    sql += ", le AS (INSERT INTO list_entries(list, sort, item) SELECT x.list, x.sort, x.item"
           " FROM (VALUES "
           + entries
           + ") x(kind,id,list,sort,item) JOIN up ON up.kind = x.kind AND up.id = x.id"
             " ON CONFLICT DO NOTHING)";
  }
  sql += " SELECT true, kind, id, 0::bigint, true FROM up";
  if (fencing) {
    sql += " UNION ALL SELECT false, kind, id, epoch, held FROM refused";
  }
  return sql;
}

// -- readers ------------------------------------------------------------------------------------

void pg_store::impl::run_reader(size_t n) noexcept {
  auto ctx = "reader " + std::to_string(n);
  runtime::name_this_thread("pg.reader." + std::to_string(n));
  try {
    db_link link{ctx, cfg, [](pqxx::connection& conn) {
                   conn.prepare("load_snapshot", "SELECT shard, version, epoch, body FROM snapshots"
                                                 " WHERE kind=$1 AND id=$2");
                   conn.prepare("list_first", "SELECT sort, item FROM list_entries WHERE list=$1"
                                              " ORDER BY sort DESC, item DESC LIMIT $2");
                   conn.prepare("list_after",
                                "SELECT sort, item FROM list_entries WHERE list=$1"
                                " AND (sort, item) < ($2, $3) ORDER BY sort DESC, item DESC"
                                " LIMIT $4");
                 }};
    for (;;) {
      std::optional<pending_load> load;
      std::optional<pending_list> list;
      {
        std::unique_lock<std::mutex> guard{read_mu};
        read_cv.wait(guard, [&] { return read_stopping || !loads.empty() || !lists.empty(); });
        if (!loads.empty()) { // activations first: they hold up entities
          load = std::move(loads.front());
          loads.pop_front();
        } else if (!lists.empty()) {
          list = std::move(lists.front());
          lists.pop_front();
        } else {
          break;
        }
      }
      if (load) {
        serve_load(link, *load);
      } else {
        serve_list(link, *list);
      }
    }
    log().debug("[{}] stopped", ctx);
  } catch (const std::exception& e) {
    log().critical("[{}] died: {}", ctx, one_line(e));
  } catch (...) {
    log().critical("[{}] died on a non-exception", ctx);
  }
}

void pg_store::impl::serve_load(db_link& link, pending_load& req) {
  std::optional<runtime::snapshot> found;
  auto status = store_status::ok;
  if (!is_valid_key(req.kind, req.id)) {
    log().error("[reader] refusing to load a key with a NUL byte");
    answer(req.kind, req.id, req.done, store_status::failed, std::move(found));
    return;
  }
  try {
    auto& conn = link.get();
    auto t0 = clock_type::now();
    pqxx::nontransaction txn{conn, "snapshot_load"};
    auto res = txn.exec_prepared("load_snapshot", req.kind, req.id);
    metrics.load_seconds.observe(seconds_since(t0));
    if (!res.empty()) {
      const auto& row = res[0];
      found = runtime::snapshot{req.kind,
                                req.id,
                                row[0].as<int32_t>(),
                                row[1].as<int64_t>(),
                                row[2].as<int64_t>(),
                                pqxx::binarystring{row[3]}.str()};
    }
  } catch (const unreachable& e) {
    log().debug("[snapshot {}:{}] load failed: {}", req.kind, req.id, one_line(e));
    status = store_status::failed;
  } catch (const std::exception& e) {
    log().error("[snapshot {}:{}] load failed: {}", req.kind, req.id, one_line(e));
    auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
    if (sql == nullptr || !is_row_error(*sql)) {
      link.reset(e);
    }
    status = store_status::failed;
    found.reset();
  }
  answer(req.kind, req.id, req.done, status, std::move(found));
}

void pg_store::impl::serve_list(db_link& link, pending_list& req) {
  runtime::list_page page;
  auto status = store_status::ok;
  try {
    auto& conn = link.get();
    pqxx::nontransaction txn{conn, "list_page"};
    auto limit = static_cast<int64_t>(req.limit) + 1; // one more tells whether more follow
    auto res = req.after_item.empty()
                 ? txn.exec_prepared("list_first", req.list, limit)
                 : txn.exec_prepared("list_after", req.list, req.after_sort, req.after_item, limit);
    for (const auto& row : res) {
      if (page.entries.size() == req.limit) {
        page.more = true;
        break;
      }
      page.entries.push_back({req.list, row[0].as<int64_t>(), row[1].c_str()});
    }
  } catch (const unreachable& e) {
    log().debug("[list {}] read failed: {}", req.list, one_line(e));
    status = store_status::failed;
  } catch (const std::exception& e) {
    log().error("[list {}] read failed: {}", req.list, one_line(e));
    auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
    if (sql == nullptr || !is_row_error(*sql)) {
      link.reset(e);
    }
    status = store_status::failed;
    page = {};
  }
  try {
    req.done(status, std::move(page));
  } catch (const std::exception& e) {
    log().error("[list {}] callback threw: {}", req.list, e.what());
  }
}

// -- pg_store -----------------------------------------------------------------------------------

pg_store::pg_store(pg_settings settings) : impl_(std::make_unique<impl>(std::move(settings))) {
  for (size_t n = 0; n < impl_->lanes.size(); ++n) {
    auto& q = *impl_->lanes[n];
    q.thread = std::thread{[this, &q, n] { impl_->run_writer(q, n); }};
  }
  for (size_t n = 0; n < impl_->cfg.readers; ++n) {
    impl_->readers.emplace_back([this, n] { impl_->run_reader(n); });
  }
  log().info("[store] started: {} writers, {} readers, max batch {}", impl_->lanes.size(),
             impl_->cfg.readers, impl_->cfg.max_batch);
}

pg_store::~pg_store() {
  stop();
}

void pg_store::save(runtime::snapshot s, save_callback done) {
  {
    auto& q = impl_->lane_of(s);
    std::lock_guard<std::mutex> guard{q.mu};
    if (!q.stopping) {
      q.saves.push_back(pending_save{std::move(s), std::move(done)});
      impl_->metrics.queue_depth.add(1);
      q.cv.notify_one();
      return;
    }
  }
  log().warn("[snapshot {}:{}] save after stop", s.kind, s.id);
  impl_->metrics.failed.add();
  // Callbacks never run on the caller's thread, not even this one.
  std::thread{[s = std::move(s), done = std::move(done)]() mutable {
    answer(s.kind, s.id, done, store_status::failed);
  }}.detach();
}

void pg_store::load(std::string kind, std::string id, load_callback done) {
  {
    std::lock_guard<std::mutex> guard{impl_->read_mu};
    if (!impl_->read_stopping) {
      impl_->loads.push_back(pending_load{std::move(kind), std::move(id), std::move(done)});
      impl_->read_cv.notify_one();
      return;
    }
  }
  log().warn("[snapshot {}:{}] load after stop", kind, id);
  std::thread{[kind = std::move(kind), id = std::move(id), done = std::move(done)]() mutable {
    answer(kind, id, done, store_status::failed, std::optional<runtime::snapshot>{});
  }}.detach();
}

void pg_store::read_list(std::string list, int64_t after_sort, std::string after_item, size_t limit,
                         page_callback done) {
  {
    std::lock_guard<std::mutex> guard{impl_->read_mu};
    if (!impl_->read_stopping) {
      impl_->lists.push_back(pending_list{std::move(list), after_sort, std::move(after_item),
                                          std::max<size_t>(limit, 1), std::move(done)});
      impl_->read_cv.notify_one();
      return;
    }
  }
  std::thread{[done = std::move(done)] {
    done(store_status::failed, runtime::list_page{});
  }}.detach();
}

void pg_store::stop() {
  std::lock_guard<std::mutex> stop_guard{impl_->stop_mu};
  if (impl_->stopped) {
    return;
  }
  for (auto& q : impl_->lanes) {
    {
      std::lock_guard<std::mutex> guard{q->mu};
      q->stopping = true;
    }
    q->cv.notify_all();
  }
  {
    std::lock_guard<std::mutex> guard{impl_->read_mu};
    impl_->read_stopping = true;
  }
  impl_->read_cv.notify_all();
  for (auto& q : impl_->lanes) {
    q->thread.join();
  }
  for (auto& t : impl_->readers) {
    t.join();
  }
  impl_->stopped = true;
  log().info("[store] stopped");
}

} // namespace lakoo::persistence
