#pragma once

// An in-memory `runtime::lease_store` for the lease keeper's unit tests: the lease tables of one
// cluster in a `memory_leases` that the stores of several members share, with the same rules as
// the SQL of `persistence::pg_lease_store` (expiry by the steady clock instead of `now()`), and
// switches that make it fail the way a database does.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "actors/runtime/lease_store.hpp"

namespace lakoo::test {

/// The tables: members, one lease per shard, operator moves. Every member is a thread; all
/// access is under `mu`.
class memory_leases {
public:
  using clock = std::chrono::steady_clock;

  struct member {
    int64_t incarnation = 0;
    std::string state;
    std::string address;
    clock::time_point expires_at;
  };
  struct lease {
    std::string node; ///< "" when released
    int64_t incarnation = 0;
    int64_t epoch = 0;
  };

  /// Makes the membership of `node` expire now, as a pause longer than its lease would.
  void expire_member(const std::string& node) {
    std::lock_guard<std::mutex> guard{mu_};
    members_.at(node).expires_at = clock::now() - std::chrono::milliseconds(1);
  }
  /// While on, every call throws `lease_store::unreachable` (the database is away).
  void set_down(bool on) {
    std::lock_guard<std::mutex> guard{mu_};
    down_ = on;
  }
  /// While on, `join` throws (a statement fails; the connection is then reset).
  void set_failing_joins(bool on) {
    std::lock_guard<std::mutex> guard{mu_};
    failing_joins_ = on;
  }
  /// Acquisitions of `shards` lose the race (another node was faster, or a lock was held).
  void set_lost_races(std::set<int32_t> shards) {
    std::lock_guard<std::mutex> guard{mu_};
    lost_races_ = std::move(shards);
  }

  lease lease_of(int32_t shard) const {
    std::lock_guard<std::mutex> guard{mu_};
    return leases_.at(static_cast<size_t>(shard));
  }
  std::optional<member> member_of(const std::string& node) const {
    std::lock_guard<std::mutex> guard{mu_};
    auto it = members_.find(node);
    return it == members_.end() ? std::nullopt : std::optional<member>{it->second};
  }
  bool is_live(const std::string& node) const {
    std::lock_guard<std::mutex> guard{mu_};
    auto it = members_.find(node);
    return it != members_.end() && live(node, it->second.incarnation);
  }
  std::map<int32_t, std::string> moves() const {
    std::lock_guard<std::mutex> guard{mu_};
    return moves_;
  }
  /// (node, shard) of every acquisition, in order.
  std::vector<std::pair<std::string, int32_t>> acquisitions() const {
    std::lock_guard<std::mutex> guard{mu_};
    return acquisitions_;
  }
  /// The shards of every `release` call that released any, in order.
  std::vector<std::vector<int32_t>> releases() const {
    std::lock_guard<std::mutex> guard{mu_};
    return releases_;
  }
  int resets() const {
    std::lock_guard<std::mutex> guard{mu_};
    return resets_;
  }

private:
  friend class memory_lease_store;

  /// Throws like a database that is away (or refuses a join), after a pause as a real one
  /// would (a connect attempt, the retry delay), so that the keeper does not spin meanwhile.
  void gate(bool joining) const {
    bool down = false;
    bool refuse = false;
    {
      std::lock_guard<std::mutex> guard{mu_};
      down = down_;
      refuse = joining && failing_joins_;
    }
    if (down || refuse) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (down) {
      throw runtime::lease_store::unreachable{"memory_leases is down"};
    }
    if (refuse) {
      throw std::runtime_error("join refused by the test");
    }
  }
  bool live(const std::string& node, int64_t incarnation) const {
    auto it = members_.find(node);
    return it != members_.end() && it->second.incarnation == incarnation
           && it->second.expires_at > clock::now();
  }

  mutable std::mutex mu_;
  bool down_ = false;
  bool failing_joins_ = false;
  std::set<int32_t> lost_races_;
  int64_t next_incarnation_ = 1;
  std::map<std::string, member> members_; // by node id, as `ORDER BY node`
  std::vector<lease> leases_;
  std::map<int32_t, std::string> moves_;
  std::vector<std::pair<std::string, int32_t>> acquisitions_;
  std::vector<std::vector<int32_t>> releases_;
  int resets_ = 0;
};

/// One member's view of a `memory_leases`.
class memory_lease_store final : public runtime::lease_store {
public:
  memory_lease_store(std::shared_ptr<memory_leases> db, std::string node_id)
      : db_(std::move(db)),
        node_(std::move(node_id)) {}

  int64_t join(const std::string& address, std::chrono::milliseconds lease,
               int32_t shard_count) override {
    db_->gate(true);
    std::lock_guard<std::mutex> guard{db_->mu_};
    auto inc = db_->next_incarnation_++;
    auto& m = db_->members_[node_];
    m.state = m.state == "draining" ? "draining" : "active";
    m.incarnation = inc;
    m.address = address;
    m.expires_at = memory_leases::clock::now() + lease;
    if (db_->leases_.size() < static_cast<size_t>(shard_count)) {
      db_->leases_.resize(static_cast<size_t>(shard_count));
    }
    return inc;
  }

  std::optional<runtime::lease_snapshot> renew(int64_t incarnation, bool leaving,
                                               std::chrono::milliseconds lease) override {
    db_->gate(false);
    std::lock_guard<std::mutex> guard{db_->mu_};
    if (!db_->live(node_, incarnation)) {
      return std::nullopt;
    }
    auto& me = db_->members_.at(node_);
    me.expires_at = memory_leases::clock::now() + lease;
    me.state = leaving ? "leaving" : me.state;
    runtime::lease_snapshot out;
    out.state = me.state;
    for (const auto& [node, m] : db_->members_) {
      out.members.push_back(
        {node, m.incarnation, m.state, db_->live(node, m.incarnation), m.address, 0});
    }
    for (size_t s = 0; s < db_->leases_.size(); ++s) {
      const auto& l = db_->leases_[s];
      out.leases.emplace_back(
        static_cast<int32_t>(s),
        runtime::lease_row{l.node, l.incarnation, l.epoch, db_->live(l.node, l.incarnation)});
    }
    out.moves.assign(db_->moves_.begin(), db_->moves_.end());
    return out;
  }

  std::optional<int64_t> acquire(int32_t shard, int64_t incarnation, int64_t expected_epoch,
                                 std::chrono::milliseconds) override {
    db_->gate(false);
    std::lock_guard<std::mutex> guard{db_->mu_};
    auto& l = db_->leases_.at(static_cast<size_t>(shard));
    if (db_->lost_races_.count(shard) > 0 || l.epoch != expected_epoch
        || db_->live(l.node, l.incarnation)) {
      return std::nullopt;
    }
    l = {node_, incarnation, l.epoch + 1};
    db_->acquisitions_.emplace_back(node_, shard);
    return l.epoch;
  }

  std::vector<std::pair<int32_t, int64_t>> release(int64_t incarnation,
                                                   const std::vector<int32_t>& shards) override {
    db_->gate(false);
    std::lock_guard<std::mutex> guard{db_->mu_};
    std::vector<std::pair<int32_t, int64_t>> out;
    std::vector<int32_t> released;
    for (auto s : shards) {
      auto& l = db_->leases_.at(static_cast<size_t>(s));
      if (l.node == node_ && l.incarnation == incarnation) {
        l.node.clear();
        l.incarnation = 0;
        out.emplace_back(s, l.epoch);
        released.push_back(s);
      }
    }
    if (!released.empty()) {
      db_->releases_.push_back(std::move(released));
    }
    return out;
  }

  void expire(int64_t incarnation) override {
    db_->gate(false);
    std::lock_guard<std::mutex> guard{db_->mu_};
    auto it = db_->members_.find(node_);
    if (it != db_->members_.end() && it->second.incarnation == incarnation) {
      it->second.expires_at = memory_leases::clock::now() - std::chrono::milliseconds(1);
    }
  }

  bool set_state(const std::string& node, const std::string& state) override {
    db_->gate(false);
    std::lock_guard<std::mutex> guard{db_->mu_};
    auto it = db_->members_.find(node);
    if (it == db_->members_.end()) {
      return false;
    }
    it->second.state = state;
    return true;
  }

  void move_shard(int32_t shard, const std::string& node, bool home) override {
    db_->gate(false);
    std::lock_guard<std::mutex> guard{db_->mu_};
    if (home) {
      db_->moves_.erase(shard);
    } else {
      db_->moves_[shard] = node;
    }
  }

  void reset(const std::exception&) override {
    std::lock_guard<std::mutex> guard{db_->mu_};
    ++db_->resets_;
  }

private:
  std::shared_ptr<memory_leases> db_;
  std::string node_;
};

} // namespace lakoo::test
