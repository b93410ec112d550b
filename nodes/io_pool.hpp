#pragma once

#include <memory>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace lakoo::node {

/// The node's io_context and the threads that run it. The edge's sockets run here and, with
/// `caf_scheduler = io`, the actors too (see scheduler.hpp), so the pool is made before the
/// actor system and stopped after it: actors still run while the system shuts down.
class io_pool {
public:
  explicit io_pool(int threads);
  ~io_pool(); ///< stop()
  io_pool(const io_pool&) = delete;
  io_pool& operator=(const io_pool&) = delete;

  boost::asio::io_context& context();

  /// Starts the threads; they run until stop().
  void start();

  /// Lets go of the context's work, stops it and joins the threads. Idempotent. Handlers still
  /// queued are destroyed with the context.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace lakoo::node
