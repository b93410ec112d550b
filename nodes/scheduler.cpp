#include "nodes/scheduler.hpp"

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/detail/set_thread_name.hpp>
#include <caf/detail/thread_safe_actor_clock.hpp>
#include <caf/policy/work_sharing.hpp>
#include <caf/policy/work_stealing.hpp>
#include <caf/scheduler/coordinator.hpp>

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

} // namespace

void load_scheduler(caf::actor_system_config& cfg, const std::string& policy) {
  if (policy == "sharing") {
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
