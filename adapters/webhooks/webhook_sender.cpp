#include "adapters/webhooks/webhook_sender.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "actors/runtime/log.hpp"
#include "adapters/webhooks/webhook_signature.hpp"

namespace lakoo::webhooks {

namespace {

/// The sandboxes' logger ("adapters").
spdlog::logger& log() {
  static auto& instance = runtime::component_log("adapters");
  return instance;
}

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using clock_type = std::chrono::steady_clock;

constexpr auto max_backoff = std::chrono::seconds(10);
constexpr auto give_up_after = std::chrono::hours(1);

struct delivery {
  std::string event_id;
  std::string body;
  std::string signature;
  clock_type::time_point first;
  clock_type::time_point next;
  std::chrono::milliseconds backoff{0};
  int attempts = 0;
};

/// One POST; returns the status (0: no answer).
int post(const webhook_sender::settings& s, const delivery& d) {
  try {
    net::io_context ioc;
    beast::tcp_stream stream{ioc};
    net::ip::tcp::resolver resolver{ioc};
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(resolver.resolve(s.host, std::to_string(s.port)));
    http::request<http::string_body> req{http::verb::post, s.path, 11};
    req.set(http::field::host, s.host);
    req.set(http::field::content_type, "application/json");
    req.set(http::field::user_agent, s.user_agent);
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

struct webhook_sender::impl {
  settings s;
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
    auto status = post(s, d);
    if (status >= 200 && status < 300) {
      log().info("[{}] webhook {} delivered (attempt {})", s.user_agent, d.event_id, d.attempts);
      return;
    }
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
      log().error("[{}] webhook {} refused with {}: not retried", s.user_agent, d.event_id, status);
      return;
    }
    if (clock_type::now() - d.first > give_up_after) {
      log().error("[{}] webhook {} given up after {} attempts", s.user_agent, d.event_id,
                  d.attempts);
      return;
    }
    log().warn("[{}] webhook {} attempt {} got {}; retrying in {} ms", s.user_agent, d.event_id,
               d.attempts, status, d.backoff.count());
    d.next = clock_type::now() + d.backoff;
    d.backoff = std::min<std::chrono::milliseconds>(d.backoff * 2, max_backoff);
    std::lock_guard<std::mutex> guard{mu};
    pending.push_back(std::move(d));
  }
};

webhook_sender::webhook_sender(settings s) : impl_(std::make_unique<impl>()) {
  impl_->s = std::move(s);
  impl_->worker = std::thread{[this] {
    runtime::name_this_thread("webhooks");
    impl_->run();
  }};
}

webhook_sender::~webhook_sender() {
  stop();
}

void webhook_sender::stop() {
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

void webhook_sender::send(std::string event_id, std::string body, std::chrono::milliseconds delay) {
  delivery d;
  d.event_id = std::move(event_id);
  d.signature = sign_webhook(impl_->s.secret, body);
  d.body = std::move(body);
  d.first = clock_type::now();
  d.next = d.first + delay;
  d.backoff = impl_->s.first_backoff;
  {
    std::lock_guard<std::mutex> guard{impl_->mu};
    if (impl_->stopping) {
      return;
    }
    impl_->pending.push_back(std::move(d));
  }
  impl_->cv.notify_all();
}

void webhook_sender::call(std::function<void()> f) {
  {
    std::lock_guard<std::mutex> guard{impl_->mu};
    if (impl_->stopping) {
      return;
    }
    impl_->calls.push_back(std::move(f));
  }
  impl_->cv.notify_all();
}

} // namespace lakoo::webhooks
