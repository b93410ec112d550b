#include "http_edge/passwords.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <sodium.h>

#include "actors/runtime/log.hpp"
#include "actors/runtime/metrics.hpp"
#include "http_edge/log.hpp"

namespace lakoo::edge {

namespace {

constexpr unsigned long long ops_limit = 2;
constexpr std::size_t mem_limit = 19u * 1024u * 1024u;

void init_sodium() {
  static const int rc = sodium_init(); // 0 first time, 1 if already done, -1 on failure
  if (rc < 0) {
    throw std::runtime_error("sodium_init failed");
  }
}

std::optional<std::string> argon2id(const std::string& password) {
  std::string out(crypto_pwhash_STRBYTES, '\0');
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), ops_limit, mem_limit,
                            crypto_pwhash_ALG_ARGON2ID13)
      != 0) {
    return std::nullopt; // out of memory
  }
  out.resize(out.find('\0'));
  return out;
}

/// A hash of a random password with the same parameters, so dummy checks cost the same.
const std::string& dummy_hash() {
  static const std::string h = [] {
    unsigned char raw[16];
    randombytes_buf(raw, sizeof(raw));
    return argon2id(std::string(reinterpret_cast<char*>(raw), sizeof(raw))).value_or("");
  }();
  return h;
}

} // namespace

struct password_pool::impl {
  using job = std::function<void(bool run)>; // run=false: fail fast (rejected or stopping)

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<job> queue;
  std::vector<std::thread> threads;
  std::size_t max_queue;
  bool stopping = false;
  runtime::counter& rejected
    = runtime::metrics::global().counter_of("lakoo_password_rejected_total");
  runtime::gauge& depth = runtime::metrics::global().gauge_of("lakoo_password_queue_depth");

  static void call(const job& j, bool run) {
    try {
      j(run);
    } catch (const std::exception& e) {
      log().error("password job threw: {}", e.what());
    } catch (...) {
      log().error("password job threw");
    }
  }

  void submit(job j) {
    {
      std::lock_guard<std::mutex> guard{mutex};
      if (!stopping && queue.size() < max_queue) {
        queue.push_back(std::move(j));
        depth.add(1);
        wake.notify_one();
        return;
      }
    }
    rejected.add();
    call(j, false);
  }

  void work() {
    for (;;) {
      job j;
      {
        std::unique_lock<std::mutex> lock{mutex};
        wake.wait(lock, [this] { return stopping || !queue.empty(); });
        if (stopping) {
          return; // queued jobs are failed by stop()
        }
        j = std::move(queue.front());
        queue.pop_front();
        depth.add(-1);
      }
      call(j, true);
    }
  }
};

password_pool::password_pool(int threads, std::size_t max_queue) : impl_(std::make_unique<impl>()) {
  init_sodium();
  impl_->max_queue = max_queue;
  runtime::metrics::global().describe("lakoo_password_rejected_total", "counter",
                                      "password hashes/checks refused because the queue was full");
  for (int i = 0; i < std::max(1, threads); ++i) {
    impl_->threads.emplace_back([st = impl_.get()] {
      runtime::name_this_thread("argon2");
      st->work();
    });
  }
}

password_pool::~password_pool() {
  stop();
}

void password_pool::hash(std::string password,
                         std::function<void(std::optional<std::string>)> done) {
  impl_->submit([password = std::move(password), done = std::move(done)](bool run) {
    done(run ? argon2id(password) : std::nullopt);
  });
}

void password_pool::verify(std::string stored_hash, std::string password,
                           std::function<void(bool)> done) {
  impl_->submit([stored = std::move(stored_hash), password = std::move(password),
                 done = std::move(done)](bool run) {
    if (!run) {
      return done(false);
    }
    if (stored.empty()) {
      const auto& dummy = dummy_hash();
      // Same cost as a real check; whatever the outcome, there is no such account.
      [[maybe_unused]] int rc
        = crypto_pwhash_str_verify(dummy.c_str(), password.data(), password.size());
      return done(false);
    }
    done(crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0);
  });
}

void password_pool::stop() {
  std::deque<impl::job> left;
  {
    std::lock_guard<std::mutex> guard{impl_->mutex};
    if (impl_->stopping) {
      return;
    }
    impl_->stopping = true;
    left.swap(impl_->queue);
    impl_->depth.add(-static_cast<int64_t>(left.size()));
  }
  impl_->wake.notify_all();
  for (auto& t : impl_->threads) {
    t.join();
  }
  for (auto& j : left) {
    impl::call(j, false);
  }
}

} // namespace lakoo::edge
