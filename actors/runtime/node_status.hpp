#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace spdlog::sinks {
class sink;
}

namespace lakoo::runtime {

/// Process-wide facts the operator console shows that no single actor owns: this process's
/// incarnation, the deepest entity mailbox per kind, checkout sagas in memory per stage, and the
/// node's recent warnings and errors. Thread-safe; cheap enough for every entity message.
class node_status {
public:
  static node_status& global();

  void set_incarnation(int64_t n);
  int64_t incarnation() const;

  /// The deepest-mailbox cell of `kind` (created on first use, lives as long as the process):
  /// entities cache it and raise it with `observe_mailbox`.
  std::atomic<int64_t>& mailbox_peak(const std::string& kind);
  /// An entity of `kind` saw `depth` messages in its mailbox (lock-free after the first call per
  /// kind and thread).
  void observe_mailbox(const char* kind, int64_t depth);
  /// The deepest mailbox per kind since the previous call (and resets it).
  std::map<std::string, int64_t> take_mailbox_peaks();

  /// A saga in memory moved from stage `from` to `to` ("" = none: activated / stopped).
  void saga_moved(const std::string& from, const std::string& to);
  std::map<std::string, int64_t> sagas() const;

  /// Edge requests waiting on entities (the gateway's back-pressure count).
  void add_in_flight(int64_t delta);
  int64_t in_flight() const;

  /// A spdlog sink that keeps the newest warn+ lines for `recent_errors()`; add it to the
  /// default logger before components clone it.
  std::shared_ptr<spdlog::sinks::sink> error_sink(size_t keep);
  std::vector<std::string> recent_errors() const;

private:
  node_status();
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace lakoo::runtime
