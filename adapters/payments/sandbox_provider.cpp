#include "adapters/payments/sandbox_provider.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "actors/runtime/ids.hpp"
#include "actors/runtime/log.hpp"
#include "adapters/payments/webhook_signature.hpp"

namespace lakoo::payments {

namespace {

/// The payment adapters' logger ("payments").
spdlog::logger& log() {
  static auto& instance = runtime::component_log("payments");
  return instance;
}

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using clock_type = std::chrono::steady_clock;

constexpr auto first_backoff = std::chrono::milliseconds(200);
constexpr auto max_backoff = std::chrono::seconds(10);
constexpr auto give_up_after = std::chrono::hours(1);

struct delivery {
  std::string event_id;
  std::string body;
  std::string signature;
  clock_type::time_point first;
  clock_type::time_point next;
  std::chrono::milliseconds backoff = first_backoff;
  int attempts = 0;
};

/// One POST; returns the status (0: no answer).
int post(const std::string& host, uint16_t port, const delivery& d) {
  try {
    net::io_context ioc;
    beast::tcp_stream stream{ioc};
    net::ip::tcp::resolver resolver{ioc};
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(resolver.resolve(host, std::to_string(port)));
    http::request<http::string_body> req{http::verb::post, "/v1/webhooks/payments", 11};
    req.set(http::field::host, host);
    req.set(http::field::content_type, "application/json");
    req.set(http::field::user_agent, "lakoo-sandbox-provider");
    req.set("X-Signature", d.signature);
    req.body() = d.body;
    req.prepare_payload();
    // tcp_stream's timeout covers async operations: run them on this private io_context.
    int status = 0;
    http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        return;
      }
      auto buffer = std::make_shared<beast::flat_buffer>();
      auto res = std::make_shared<http::response<http::string_body>>();
      stream.expires_after(std::chrono::seconds(10));
      http::async_read(stream, *buffer, *res, [&, buffer, res](beast::error_code rec, std::size_t) {
        if (!rec) {
          status = static_cast<int>(res->result_int());
        }
      });
    });
    ioc.run();
    beast::error_code ignored;
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    return status;
  } catch (const std::exception&) {
    return 0;
  }
}

} // namespace

struct sandbox_provider::impl {
  std::string host;
  uint16_t port = 0;
  std::string secret;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::function<void()>> calls; ///< provider call answers, in order
  std::vector<delivery> pending;
  bool stopping = false;
  std::thread worker;

  void run() {
    for (;;) {
      std::function<void()> call;
      std::vector<delivery> due;
      {
        std::unique_lock<std::mutex> guard{mu};
        auto next = clock_type::now() + std::chrono::seconds(1);
        for (const auto& d : pending) {
          next = std::min(next, d.next);
        }
        cv.wait_until(guard, next, [&] {
          return stopping || !calls.empty()
                 || std::any_of(pending.begin(), pending.end(),
                                [](const delivery& d) { return d.next <= clock_type::now(); });
        });
        if (stopping) {
          return;
        }
        if (!calls.empty()) {
          call = std::move(calls.front());
          calls.pop_front();
        }
        auto now = clock_type::now();
        for (auto it = pending.begin(); it != pending.end();) {
          if (it->next <= now) {
            due.push_back(std::move(*it));
            it = pending.erase(it);
          } else {
            ++it;
          }
        }
      }
      if (call) {
        call();
      }
      for (auto& d : due) {
        attempt(std::move(d));
      }
    }
  }

  void attempt(delivery d) {
    ++d.attempts;
    auto status = post(host, port, d);
    if (status >= 200 && status < 300) {
      log().info("[sandbox] webhook {} delivered (attempt {})", d.event_id, d.attempts);
      return;
    }
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
      log().error("[sandbox] webhook {} refused with {}: not retried", d.event_id, status);
      return;
    }
    if (clock_type::now() - d.first > give_up_after) {
      log().error("[sandbox] webhook {} given up after {} attempts", d.event_id, d.attempts);
      return;
    }
    log().warn("[sandbox] webhook {} attempt {} got {}; retrying in {} ms", d.event_id, d.attempts,
               status, d.backoff.count());
    d.next = clock_type::now() + d.backoff;
    d.backoff = std::min<std::chrono::milliseconds>(d.backoff * 2, max_backoff);
    std::lock_guard<std::mutex> guard{mu};
    pending.push_back(std::move(d));
  }

  void post_call(std::function<void()> f) {
    {
      std::lock_guard<std::mutex> guard{mu};
      if (stopping) {
        return;
      }
      calls.push_back(std::move(f));
    }
    cv.notify_all();
  }
};

sandbox_provider::sandbox_provider(std::string host, uint16_t port, std::string secret)
    : impl_(std::make_unique<impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->secret = std::move(secret);
  impl_->worker = std::thread{[this] { impl_->run(); }};
}

sandbox_provider::~sandbox_provider() {
  stop();
}

void sandbox_provider::stop() {
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

void sandbox_provider::open(const std::string&, int64_t, const std::string&, int64_t,
                            std::function<void(bool)> done) {
  impl_->post_call([done = std::move(done)] { done(true); }); // nothing to set up in the sandbox
}

void sandbox_provider::refund(const std::string& payment_id, int64_t amount, const std::string&,
                              std::function<void(bool)> done) {
  impl_->post_call([payment_id, amount, done = std::move(done)] {
    log().info("[sandbox] refunded {} of payment {}", amount, payment_id);
    done(true);
  });
}

std::optional<std::string> sandbox_provider::simulate(const std::string& payment_id, int64_t amount,
                                                      const std::string& outcome) {
  delivery d;
  d.event_id = runtime::new_id("evt");
  d.body = nlohmann::json{
    {"event_id", d.event_id},
    {"type", "payment." + outcome},
    {"payment_id", payment_id},
    {"amount",
     amount}}.dump();
  d.signature = sign_webhook(impl_->secret, d.body);
  d.first = d.next = clock_type::now();
  auto id = d.event_id;
  {
    std::lock_guard<std::mutex> guard{impl_->mu};
    impl_->pending.push_back(std::move(d));
  }
  impl_->cv.notify_all();
  return id;
}

} // namespace lakoo::payments
