#include "nodes/scheduler.hpp"

#include <chrono>
#include <set>
#include <string>

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <pthread.h>

#include "nodes/io_pool.hpp"

using namespace std::chrono_literals;

namespace {

std::string thread_name() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof(name));
  return name;
}

/// Answers an int with the next one and the name of the thread it ran on.
caf::behavior counter(caf::event_based_actor*) {
  return {[](int n) { return caf::make_message(n + 1, thread_name()); }};
}

/// Asks `next` for n + 1 and answers with what it said: two actors, one reply each way.
caf::behavior relay(caf::event_based_actor* self, caf::actor next) {
  return {[self, next](int n) {
    auto rp = self->make_response_promise<int, std::string>();
    self->request(next, caf::infinite, n).then([rp](int m, std::string name) mutable {
      rp.deliver(m, std::move(name));
    });
    return rp;
  }};
}

/// Never answers.
caf::behavior silent(caf::event_based_actor*) {
  return {[](int) -> caf::result<int> { return caf::delegated<int>{}; }};
}

} // namespace

TEST_CASE("the io scheduler runs actors on the io pool's threads and stops cleanly",
          "[nodes][scheduler]") {
  lakoo::node::io_pool io{2};
  io.start();
  {
    caf::actor_system_config cfg;
    lakoo::node::load_scheduler(cfg, "io", &io.context());
    caf::actor_system sys{cfg};
    auto last = sys.spawn(counter);
    auto first = sys.spawn(relay, last);
    caf::scoped_actor self{sys};
    int x = 0;
    std::set<std::string> threads;
    for (int i = 0; i < 2000; ++i) {
      self->request(first, caf::infinite, x)
        .receive(
          [&](int next, const std::string& name) {
            x = next;
            threads.insert(name);
          },
          [&](caf::error& e) { FAIL(caf::to_string(e)); });
    }
    CHECK(x == 2000); // every request answered, in order
    CHECK(threads == std::set<std::string>{"lakoo.io"});

    // Timers run on the scheduler's clock: a request to an actor that never answers times out.
    auto quiet = sys.spawn(silent);
    auto t0 = std::chrono::steady_clock::now();
    bool timed_out = false;
    self->request(quiet, 50ms, 1)
      .receive([](int) {}, [&](caf::error& e) { timed_out = e == caf::sec::request_timeout; });
    CHECK(timed_out);
    CHECK(std::chrono::steady_clock::now() - t0 >= 50ms);
    self->send_exit(quiet, caf::exit_reason::user_shutdown);
    self->send_exit(first, caf::exit_reason::user_shutdown);
    self->send_exit(last, caf::exit_reason::user_shutdown);
  } // ~actor_system: awaits the actors, then the scheduler's stop drains its queued jobs
  io.stop();
}

TEST_CASE("the io scheduler needs an io context and unknown policies are refused",
          "[nodes][scheduler]") {
  caf::actor_system_config cfg;
  CHECK_THROWS_AS(lakoo::node::load_scheduler(cfg, "io", nullptr), std::invalid_argument);
  CHECK_THROWS_AS(lakoo::node::load_scheduler(cfg, "fifo"), std::invalid_argument);
}
