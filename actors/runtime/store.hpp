#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lakoo::runtime {

/// An item of a durable list (a buyer's or a seller's orders): written with the snapshot that
/// carries it, in the same transaction, and never rewritten. Lists are read newest first (highest
/// `sort`, then highest `item`).
struct list_entry {
  std::string list; ///< e.g. `orders:<user id>`
  int64_t sort = 0;
  std::string item;
};

/// One entity's durable state: the latest msgpack body under (kind, id).
struct snapshot {
  std::string kind;
  std::string id;
  int32_t shard = 0;
  int64_t version = 0; ///< only grows; a write with a version <= the stored one is refused
  int64_t epoch = 0;   ///< the writer's shard epoch; a write from an older epoch is refused
  std::string body;    ///< msgpack bytes
  /// Durable timer: when (unix ms) the entity wants to be woken even if nothing else happens to
  /// it (a payment deadline, an unfinished saga step); 0 for never. Written with the body.
  int64_t wake_at_ms = 0;
  /// List items this write adds (kept if the snapshot is committed, even when a later version
  /// of the same entity in the same group commit supersedes it).
  std::vector<list_entry> list_entries{};
};

/// What became of a load or a save.
enum class store_status {
  ok,
  stale,  ///< refused: the stored version is not older, or the stored epoch is newer
  failed, ///< the database is unreachable or the statement failed
};

/// Where entity actors keep their snapshots. Implemented by `persistence::pg_store`.
///
/// Both calls return at once; the callbacks run later on one of the store's own threads (never
/// on a CAF scheduler thread), so they must only hand the result on (e.g. `caf::anon_send`).
class snapshot_store {
public:
  virtual ~snapshot_store() = default;

  using save_callback = std::function<void(store_status)>;
  using load_callback = std::function<void(store_status, std::optional<snapshot>)>;

  /// Queues `s` for the next group commit; `done(ok)` runs once it is committed (fsync'd).
  virtual void save(snapshot s, save_callback done) = 0;

  /// Reads the latest snapshot of (kind, id); `done(ok, nullopt)` when there is none.
  virtual void load(std::string kind, std::string id, load_callback done) = 0;
};

/// One page of a durable list, newest first; `more` when older entries follow.
struct list_page {
  std::vector<list_entry> entries;
  bool more = false;
};

/// Reads the durable lists. Implemented by `persistence::pg_store`; the callback runs on one of
/// its threads.
class list_reader {
public:
  virtual ~list_reader() = default;
  using page_callback = std::function<void(store_status, list_page)>;
  /// Up to `limit` entries of `list` that come after (`after_sort`, `after_item`) in newest-first
  /// order; from the newest when `after_item` is empty.
  virtual void read_list(std::string list, int64_t after_sort, std::string after_item, size_t limit,
                         page_callback done)
    = 0;
};

} // namespace lakoo::runtime
