// lakoo-open-loop: a fixed-rate (open-loop) HTTP load generator, for latency below saturation.
//
// A closed-loop tool such as wrk sends the next request only when an answer came back, so a slow
// answer also delays the requests that should have been sent meanwhile, and their wait is never
// measured ("coordinated omission"; giltene/wrk2). Here request i is due at start + i / rate,
// whatever happened before; its latency runs from that due time to its answer, so time spent
// waiting for a free connection counts too.
//
//   lakoo-open-loop <port> <rate/s> <seconds> <connections> get <path> [bearer token]
//   lakoo-open-loop <port> <rate/s> <seconds> <connections> cart <token file> <sku>
//
// `cart` is POST /v1/cart/items {"sku","quantity":1} for the users of the token file in turn
// (one token a line), after emptying each user's cart once (DELETE /v1/cart, not measured).
// One thread, one keep-alive connection per slot, one request in flight per connection.
// Prints a LAKOO_RESULT line (as bench/report.lua does) plus the percentiles.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

struct request_maker {
  std::string method = "GET";
  std::string path;
  std::string body;
  std::vector<std::string> tokens;
  size_t next = 0;

  /// The next request's bytes (HTTP/1.1, keep-alive).
  std::string make() {
    std::string bearer = tokens.empty() ? "" : tokens[next++ % tokens.size()];
    return render(method, path, body, bearer);
  }

  static std::string render(const std::string& method, const std::string& path,
                            const std::string& body, const std::string& bearer) {
    std::string out = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!bearer.empty()) {
      out += "Authorization: Bearer " + bearer + "\r\n";
    }
    if (!body.empty()) {
      out += "Content-Type: application/json\r\n";
    }
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return out;
  }
};

struct results {
  std::vector<uint32_t> latency_us;
  std::map<unsigned, uint64_t> statuses;
  uint64_t errors = 0;
};

class load;

/// One keep-alive connection with at most one request in flight.
class connection : public std::enable_shared_from_this<connection> {
public:
  connection(net::io_context& io, tcp::endpoint at, load& owner)
      : socket_(io),
        at_(at),
        owner_(owner) {}

  void open(std::function<void(bool)> done) {
    socket_.async_connect(at_, [self = shared_from_this(), done](boost::system::error_code ec) {
      if (!ec) {
        self->socket_.set_option(tcp::no_delay(true));
      }
      done(!ec);
    });
  }

  bool idle() const { return !busy_ && !dead_; }

  bool busy() const { return busy_; }

  void send(std::string bytes, clock_type::time_point due);

  void close() { dead_ = true; }

private:
  void read();

  tcp::socket socket_;
  tcp::endpoint at_;
  load& owner_;
  bool busy_ = false;
  bool dead_ = false; ///< failed once: closed and never used again (counted as an error)
  std::string out_;
  boost::beast::flat_buffer buffer_;
  std::unique_ptr<http::response_parser<http::string_body>> parser_;
  clock_type::time_point due_;
};

class load {
public:
  load(net::io_context& io, tcp::endpoint at, size_t connections, double rate,
       clock_type::duration length, request_maker maker)
      : io_(io),
        timer_(io),
        rate_(rate),
        length_(length),
        maker_(std::move(maker)) {
    for (size_t i = 0; i < connections; ++i) {
      conns_.push_back(std::make_shared<connection>(io, at, *this));
    }
  }

  /// Opens every connection, then starts the clock.
  void start() {
    auto left = std::make_shared<size_t>(conns_.size());
    for (auto& c : conns_) {
      c->open([this, c, left](bool ok) {
        if (!ok) {
          ++res_.errors;
          c->close();
        }
        if (--*left == 0) {
          start_ = clock_type::now();
          tick();
        }
      });
    }
  }

  /// A connection finished its request (`status` 0: it failed and is closed).
  void done(connection& c, unsigned status, clock_type::time_point due) {
    auto now = clock_type::now();
    if (status == 0) {
      ++res_.errors;
    } else {
      ++res_.statuses[status];
      res_.latency_us.push_back(static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(now - due).count()));
    }
    (void)c;
    dispatch();
    finish_if_done();
  }

  const results& result() const { return res_; }

  double elapsed_s() const { return std::chrono::duration<double>(end_ - start_).count(); }

  uint64_t sent() const { return sent_; }

  size_t max_backlog() const { return max_backlog_; }

private:
  /// Queues every request due by now, hands them to idle connections, re-arms the timer.
  void tick() {
    auto now = clock_type::now();
    auto horizon = std::min(now, start_ + length_);
    auto due_count
      = static_cast<uint64_t>(std::chrono::duration<double>(horizon - start_).count() * rate_);
    while (scheduled_ < due_count) {
      auto due = start_
                 + std::chrono::duration_cast<clock_type::duration>(
                   std::chrono::duration<double>(static_cast<double>(scheduled_) / rate_));
      backlog_.push_back(due);
      ++scheduled_;
    }
    max_backlog_ = std::max(max_backlog_, backlog_.size());
    dispatch();
    if (now >= start_ + length_) {
      ticking_ = false;
      finish_if_done();
      return;
    }
    timer_.expires_after(std::chrono::microseconds(200));
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) {
        tick();
      }
    });
  }

  void dispatch() {
    for (auto& c : conns_) {
      if (backlog_.empty()) {
        return;
      }
      if (c->idle()) {
        auto due = backlog_.front();
        backlog_.pop_front();
        ++sent_;
        c->send(maker_.make(), due);
      }
    }
  }

  void finish_if_done() {
    bool any_open = false;
    for (auto& c : conns_) {
      if (c->busy()) {
        return;
      }
      any_open = any_open || c->idle();
    }
    if (ticking_ || (!backlog_.empty() && any_open)) {
      return;
    }
    end_ = clock_type::now();
    io_.stop();
  }

  net::io_context& io_;
  net::steady_timer timer_;
  double rate_;
  clock_type::duration length_;
  request_maker maker_;
  std::vector<std::shared_ptr<connection>> conns_;
  std::deque<clock_type::time_point> backlog_;
  uint64_t scheduled_ = 0;
  uint64_t sent_ = 0;
  size_t max_backlog_ = 0;
  bool ticking_ = true;
  clock_type::time_point start_{};
  clock_type::time_point end_{};
  results res_;
};

void connection::send(std::string bytes, clock_type::time_point due) {
  busy_ = true;
  due_ = due;
  out_ = std::move(bytes);
  net::async_write(socket_, net::buffer(out_),
                   [self = shared_from_this()](boost::system::error_code ec, size_t) {
                     if (ec) {
                       self->busy_ = false;
                       self->dead_ = true;
                       self->owner_.done(*self, 0, self->due_);
                       return;
                     }
                     self->read();
                   });
}

void connection::read() {
  parser_ = std::make_unique<http::response_parser<http::string_body>>();
  parser_->body_limit(16u << 20);
  http::async_read(
    socket_, buffer_, *parser_, [self = shared_from_this()](boost::system::error_code ec, size_t) {
      self->busy_ = false;
      self->dead_ = self->dead_ || ec || !self->parser_->get().keep_alive();
      self->owner_.done(*self, ec ? 0u : self->parser_->get().result_int(), self->due_);
    });
}

uint32_t percentile(const std::vector<uint32_t>& sorted, double p) {
  if (sorted.empty()) {
    return 0;
  }
  auto i = static_cast<size_t>(p * static_cast<double>(sorted.size()));
  return sorted[std::min(sorted.size() - 1, i)];
}

/// Empties each user's cart before a cart run, on one connection (not measured).
bool empty_carts(net::io_context& io, tcp::endpoint at, const std::vector<std::string>& tokens) {
  tcp::socket s{io};
  boost::system::error_code ec;
  s.connect(at, ec);
  if (ec) {
    return false;
  }
  boost::beast::flat_buffer buffer;
  for (const auto& t : tokens) {
    net::write(s, net::buffer(request_maker::render("DELETE", "/v1/cart", "", t)), ec);
    http::response<http::string_body> res;
    if (!ec) {
      http::read(s, buffer, res, ec);
    }
    if (ec || res.result_int() / 100 != 2) {
      std::fprintf(stderr, "emptying a cart failed (%s, status %u)\n", ec.message().c_str(),
                   ec ? 0u : res.result_int());
      return false;
    }
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(stderr,
                 "usage: lakoo-open-loop <port> <rate/s> <seconds> <connections> get <path> "
                 "[bearer]\n"
                 "       lakoo-open-loop <port> <rate/s> <seconds> <connections> cart "
                 "<token file> <sku>\n");
    return 2;
  }
  auto port = static_cast<unsigned short>(std::stoi(argv[1]));
  double rate = std::stod(argv[2]);
  int seconds = std::stoi(argv[3]);
  auto conns = static_cast<size_t>(std::stoul(argv[4]));
  std::string mode = argv[5];
  if (rate <= 0 || seconds <= 0 || conns == 0) {
    std::fprintf(stderr, "rate, seconds and connections must be positive\n");
    return 2;
  }
  tcp::endpoint at{net::ip::make_address("127.0.0.1"), port};
  net::io_context io{1};
  request_maker maker;
  if (mode == "get") {
    maker.path = argv[6];
    if (argc > 7) {
      maker.tokens.push_back(argv[7]);
    }
  } else if (mode == "cart" && argc > 7) {
    std::ifstream in{argv[6]};
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) {
        maker.tokens.push_back(line);
      }
    }
    if (maker.tokens.empty()) {
      std::fprintf(stderr, "no tokens in %s\n", argv[6]);
      return 2;
    }
    maker.method = "POST";
    maker.path = "/v1/cart/items";
    maker.body = std::string{"{\"sku\":\""} + argv[7] + "\",\"quantity\":1}";
    if (!empty_carts(io, at, maker.tokens)) {
      return 1;
    }
  } else {
    std::fprintf(stderr, "unknown mode '%s'\n", mode.c_str());
    return 2;
  }

  load run{io, at, conns, rate, std::chrono::seconds(seconds), std::move(maker)};
  run.start();
  io.run();

  auto res = run.result();
  auto lat = res.latency_us;
  std::sort(lat.begin(), lat.end());
  uint64_t non2xx = 0;
  std::string statuses;
  for (const auto& [status, count] : res.statuses) {
    if (status / 100 != 2) {
      non2xx += count;
    }
    statuses
      += (statuses.empty() ? "" : ",") + std::to_string(status) + ":" + std::to_string(count);
  }
  auto elapsed = run.elapsed_s();
  std::printf("open loop: %.0f req/s asked, %.0f answered/s, %zu connections, %.1f s; "
              "largest backlog %zu\n",
              rate, static_cast<double>(lat.size()) / elapsed, conns, elapsed, run.max_backlog());
  std::printf("latency from the due time: p50 %.2f ms, p90 %.2f, p99 %.2f, p99.9 %.2f, max %.2f\n",
              percentile(lat, 0.5) / 1e3, percentile(lat, 0.9) / 1e3, percentile(lat, 0.99) / 1e3,
              percentile(lat, 0.999) / 1e3, lat.empty() ? 0.0 : lat.back() / 1e3);
  std::printf("LAKOO_RESULT requests=%zu duration_us=%lld p50_us=%u p99_us=%u non2xx=%llu "
              "socket_errors=%llu timeouts=0 statuses=%s\n",
              lat.size(), static_cast<long long>(elapsed * 1e6), percentile(lat, 0.5),
              percentile(lat, 0.99), static_cast<unsigned long long>(non2xx),
              static_cast<unsigned long long>(res.errors), statuses.c_str());
  return 0;
}
