#include "actors/runtime/gateway.hpp"

#include <caf/all.hpp>

namespace lakoo::runtime {

namespace {

/// How often a bridge fires expired deadlines: the worst-case overshoot of a timeout.
constexpr auto sweep_interval = std::chrono::milliseconds(100);

struct bridge_state {
  static inline const char* name = "lakoo.bridge";
  gateway::expiry_queue expiries;
};

caf::behavior bridge_impl(caf::stateful_actor<bridge_state>* self) {
  // A failed request is answered through its own error callback; nothing may kill a bridge.
  self->set_error_handler([](caf::error&) {});
  self->delayed_send(self, sweep_interval, protocol::tick_atom::value);
  return {
    [self](gateway::job& j) { j.run(self, self->state.expiries); },
    [self](protocol::tick_atom) {
      auto now = caf::make_timestamp();
      auto& items = self->state.expiries.items;
      while (!items.empty() && items.front().first <= now) {
        auto fire = std::move(items.front().second);
        items.pop_front();
        fire();
      }
      self->delayed_send(self, sweep_interval, protocol::tick_atom::value);
    },
  };
}

} // namespace

gateway::gateway(caf::actor_system& sys, caf::actor router, std::chrono::milliseconds timeout,
                 size_t bridges)
    : sys_(&sys),
      router_(std::move(router)),
      timeout_(timeout) {
  for (size_t i = 0; i < std::max<size_t>(bridges, 1); ++i) {
    bridges_.push_back(sys.spawn(bridge_impl));
  }
}

gateway::~gateway() {
  for (auto& b : bridges_) {
    caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
  }
}

void gateway::post(job j) {
  auto i = next_.fetch_add(1, std::memory_order_relaxed) % bridges_.size();
  caf::anon_send(bridges_[i], std::move(j));
}

} // namespace lakoo::runtime
