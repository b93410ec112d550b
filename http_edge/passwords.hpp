#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace lakoo::edge {

/// Password hashing off the io and CAF threads: argon2id (libsodium `crypto_pwhash_str_alg`,
/// opslimit 2, memlimit 19 MiB: OWASP's minimum recommendation; ~19 MiB of RAM per hash in
/// progress) on `threads` dedicated threads.
///
/// Back-pressure: at most `max_queue` jobs wait; beyond that `done` is called at once (on the
/// caller's thread) with nullopt / false, and `lakoo_password_rejected_total` is counted. The
/// edge should then answer 503 `unavailable` rather than queue unbounded CPU work.
///
/// `done` runs on a pool thread (or on the caller's on rejection, or on the thread calling
/// `stop()` for jobs still queued, which fail) and must not block. Lifecycle: threads start in
/// the constructor; `stop()` (idempotent, also in the destructor) fails the queued jobs, lets
/// running ones finish and joins.
class password_pool {
public:
  explicit password_pool(int threads = 2, std::size_t max_queue = 1024);
  ~password_pool();
  password_pool(const password_pool&) = delete;
  password_pool& operator=(const password_pool&) = delete;

  /// An encoded argon2id hash (`$argon2id$v=19$...`) of `password`; nullopt if rejected or out
  /// of memory.
  void hash(std::string password, std::function<void(std::optional<std::string>)> done);

  /// Whether `password` matches `stored_hash`. An empty `stored_hash` is checked against a fixed
  /// dummy hash and yields false, so an unknown email costs as much as a wrong password.
  void verify(std::string stored_hash, std::string password, std::function<void(bool)> done);

  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace lakoo::edge
