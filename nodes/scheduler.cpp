#include "nodes/scheduler.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/asio/defer.hpp>
#include <boost/asio/io_context.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/detail/set_thread_name.hpp>
#include <caf/detail/thread_safe_actor_clock.hpp>
#include <caf/policy/work_sharing.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/scheduler/coordinator.hpp>

#include "nodes/log.hpp"

namespace lakoo::node {

namespace {

/// CAF's simple clock (one ordered schedule of timers and delayed messages) made thread-safe by
/// a lock instead of a queue, and driven by its own thread that sleeps until the first due
/// timer. It derives from `thread_safe_actor_clock` only because CAF's coordinator declares its
/// clock with that type; none of that class's queue is used.
class quiet_clock final : public caf::detail::thread_safe_actor_clock {
public:
  using simple = caf::detail::simple_actor_clock;

  void set_ordinary_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                            uint64_t id) override {
    add(t, [&] { simple::set_ordinary_timeout(t, self, type, id); });
  }

  void set_request_timeout(time_point t, caf::abstract_actor* self, caf::message_id id) override {
    add(t, [&] { simple::set_request_timeout(t, self, id); });
  }

  void set_multi_timeout(time_point t, caf::abstract_actor* self, caf::atom_value type,
                         uint64_t id) override {
    add(t, [&] { simple::set_multi_timeout(t, self, type, id); });
  }

  void schedule_message(time_point t, caf::strong_actor_ptr receiver,
                        caf::mailbox_element_ptr content) override {
    add(t, [&] { simple::schedule_message(t, std::move(receiver), std::move(content)); });
  }

  void schedule_message(time_point t, caf::group target, caf::strong_actor_ptr sender,
                        caf::message content) override {
    add(t, [&] {
      simple::schedule_message(t, std::move(target), std::move(sender), std::move(content));
    });
  }

  // A cancellation never makes the thread wake earlier, so it never wakes it.
  void cancel_ordinary_timeout(caf::abstract_actor* self, caf::atom_value type) override {
    std::lock_guard<std::recursive_mutex> guard{mu_};
    simple::cancel_ordinary_timeout(self, type);
  }

  void cancel_request_timeout(caf::abstract_actor* self, caf::message_id id) override {
    std::lock_guard<std::recursive_mutex> guard{mu_};
    simple::cancel_request_timeout(self, id);
  }

  void cancel_timeouts(caf::abstract_actor* self) override {
    std::lock_guard<std::recursive_mutex> guard{mu_};
    simple::cancel_timeouts(self);
  }

  void cancel_all() override {
    std::lock_guard<std::recursive_mutex> guard{mu_};
    simple::cancel_all();
  }

  /// Fires every timer when it is due until `stop()`.
  void run() {
    std::unique_lock<std::recursive_mutex> guard{mu_};
    while (!stopping_) {
      if (schedule().empty()) {
        waiting_until_ = time_point::max();
        cv_.wait(guard);
        continue;
      }
      waiting_until_ = schedule().begin()->first;
      if (waiting_until_ > now()) {
        cv_.wait_until(guard, waiting_until_);
      }
      waiting_until_ = time_point::min(); // busy: anything added is seen before the next wait
      trigger_expired_timeouts();
    }
    simple::cancel_all();
  }

  void stop() {
    std::lock_guard<std::recursive_mutex> guard{mu_};
    stopping_ = true;
    cv_.notify_all();
  }

private:
  template <class F>
  void add(time_point t, F&& f) {
    std::lock_guard<std::recursive_mutex> guard{mu_};
    f();
    if (t < waiting_until_) {
      waiting_until_ = t;
      cv_.notify_all();
    }
  }

  // Recursive: releasing the last reference to an actor inside a timer operation may run code
  // that cancels timers on this thread.
  std::recursive_mutex mu_;
  std::condition_variable_any cv_;
  time_point waiting_until_ = time_point::max();
  bool stopping_ = false;
};

/// CAF's coordinator with `quiet_clock`. CAF's own clock thread still starts (its coordinator
/// starts it) but never gets any work.
template <class Policy>
class coordinator final : public caf::scheduler::coordinator<Policy> {
public:
  using super = caf::scheduler::coordinator<Policy>;

  explicit coordinator(caf::actor_system& sys) : super(sys) {}

  quiet_clock& clock() noexcept override { return clock_; }

protected:
  void start() override {
    timer_ = std::thread{[this] {
      caf::detail::set_thread_name("caf.timers");
      this->system().thread_started();
      clock_.run();
      this->system().thread_terminates();
    }};
    super::start();
  }

  void stop() override {
    super::stop();
    clock_.stop();
    timer_.join();
  }

private:
  quiet_clock clock_;
  std::thread timer_;
};

/// Runs actors on the threads of an io_context instead of worker threads of its own. An actor
/// made runnable (a message arrived, or it yielded after `max_throughput` messages) becomes one
/// handler of the context, `defer`red: on an io thread (an actor sending to another, the edge
/// handing a request to its bridge) it joins that thread's private queue, so the next hop runs
/// on the same thread without waking another; from elsewhere (PostgreSQL writers, timers,
/// the cluster's network thread) it is posted and wakes an io thread.
class io_coordinator final : public caf::scheduler::abstract_coordinator {
public:
  io_coordinator(caf::actor_system& sys, boost::asio::io_context& ioc)
      : abstract_coordinator(sys),
        ioc_(ioc),
        unit_(this) {}

  quiet_clock& clock() noexcept override { return clock_; }

  void enqueue(caf::resumable* job) override {
    queued_.fetch_add(1); // before the check: stop() waits for every job counted here
    if (stopped_.load()) {
      queued_.fetch_sub(1);
      cleanup_and_release(job);
      return;
    }
    schedule(job);
  }

protected:
  void start() override {
    timer_ = std::thread{[this] {
      caf::detail::set_thread_name("caf.timers");
      system().thread_started();
      clock_.run();
      system().thread_terminates();
    }};
    abstract_coordinator::start();
  }

  /// Runs on the thread destroying the actor system, after it awaited its actors; the io threads
  /// still run. Waits until the jobs queued on the context have run, then refuses new ones.
  void stop() override {
    stop_actors();
    drain();
    stopped_.store(true);
    drain();
    clock_.stop();
    timer_.join();
  }

private:
  struct unit final : caf::execution_unit {
    explicit unit(io_coordinator* c) : execution_unit(&c->system()), owner(c) {}
    void exec_later(caf::resumable* job) override { owner->enqueue(job); }
    io_coordinator* owner;
  };

  void schedule(caf::resumable* job) {
    boost::asio::defer(ioc_, [this, job] { run(job); });
  }

  void run(caf::resumable* job) {
    switch (job->resume(&unit_, max_throughput_)) {
      case caf::resumable::resume_later:
        return schedule(job); // still queued
      case caf::resumable::done:
      case caf::resumable::awaiting_message:
        intrusive_ptr_release(job); // the reference its scheduling took
        break;
      case caf::resumable::shutdown_execution_unit:
        break;
    }
    queued_.fetch_sub(1);
  }

  /// Waits (up to five seconds) until no job is queued.
  void drain() {
    for (int i = 0; i < 5000 && queued_.load() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (auto left = queued_.load(); left > 0) {
      log().warn("[node] {} actor jobs still queued at shutdown", left);
    }
  }

  boost::asio::io_context& ioc_;
  unit unit_;
  quiet_clock clock_;
  std::thread timer_;
  std::atomic<long> queued_{0};
  std::atomic<bool> stopped_{false};
};

} // namespace

void load_scheduler(caf::actor_system_config& cfg, const std::string& policy,
                    boost::asio::io_context* io) {
  if (policy == "io") {
    if (io == nullptr) {
      throw std::invalid_argument("CAF scheduler 'io' needs the node's io_context");
    }
    cfg.module_factories.push_back([io](caf::actor_system& sys) -> caf::actor_system::module* {
      return new io_coordinator(sys, *io);
    });
  } else if (policy == "sharing") {
    cfg.module_factories.push_back([](caf::actor_system& sys) -> caf::actor_system::module* {
      return new coordinator<caf::policy::work_sharing>(sys);
    });
  } else if (policy == "stealing") {
    cfg.module_factories.push_back([](caf::actor_system& sys) -> caf::actor_system::module* {
      return new coordinator<caf::policy::work_stealing>(sys);
    });
  } else {
    throw std::invalid_argument("unknown CAF scheduler policy '" + policy + "'");
  }
}

} // namespace lakoo::node
