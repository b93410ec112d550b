#include "nodes/io_pool.hpp"

#include <algorithm>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "actors/runtime/log.hpp"
#include "nodes/log.hpp"

namespace lakoo::node {

namespace net = boost::asio;

struct io_pool::impl {
  explicit impl(int n) : threads(std::max(1, n)), ioc(threads) {}

  int threads;
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> running;
};

io_pool::io_pool(int threads) : impl_(std::make_unique<impl>(threads)) {}

io_pool::~io_pool() {
  stop();
}

net::io_context& io_pool::context() {
  return impl_->ioc;
}

void io_pool::start() {
  auto& p = *impl_;
  if (!p.running.empty()) {
    return;
  }
  p.work.emplace(p.ioc.get_executor());
  for (int i = 0; i < p.threads; ++i) {
    p.running.emplace_back([&p] {
      runtime::name_this_thread("lakoo.io");
      for (;;) {
        try {
          p.ioc.run();
          return;
        } catch (const std::exception& e) {
          log().error("[node] io thread caught: {}", e.what());
        } catch (...) {
          log().error("[node] io thread caught an unknown exception");
        }
      }
    });
  }
}

void io_pool::stop() {
  auto& p = *impl_;
  p.work.reset();
  p.ioc.stop();
  for (auto& t : p.running) {
    t.join();
  }
  p.running.clear();
}

} // namespace lakoo::node
