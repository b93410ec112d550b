#include "actors/runtime/gateway.hpp"

#include <mutex>
#include <unordered_map>

#include <caf/all.hpp>

#include "actors/runtime/metrics.hpp"
#include "actors/runtime/node_status.hpp"

namespace lakoo::runtime {

struct gateway::admission {
  std::mutex mu;
  std::unordered_map<std::string, size_t> per_key;
  size_t total = 0;
  size_t max_total = SIZE_MAX;
  size_t max_per_key = SIZE_MAX;
};

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
    : limits_(std::make_shared<admission>()),
      sys_(&sys),
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

void gateway::set_limits(size_t per_node, size_t per_entity) {
  std::lock_guard<std::mutex> guard{limits_->mu};
  limits_->max_total = std::max<size_t>(per_node, 1);
  limits_->max_per_key = std::max<size_t>(per_entity, 1);
}

int64_t gateway::in_flight() const {
  std::lock_guard<std::mutex> guard{limits_->mu};
  return static_cast<int64_t>(limits_->total);
}

std::optional<caf::error> gateway::admit(const std::string& key) {
  static auto& node_busy
    = metrics::global().counter_of("lakoo_gateway_refused_total", "reason=\"node\"");
  static auto& entity_busy
    = metrics::global().counter_of("lakoo_gateway_refused_total", "reason=\"entity\"");
  std::lock_guard<std::mutex> guard{limits_->mu};
  auto& adm = *limits_;
  if (adm.total >= adm.max_total) {
    node_busy.add();
    return caf::make_error(protocol::errc::unavailable, "this node is busy, retry shortly");
  }
  auto& n = adm.per_key[key];
  if (n >= adm.max_per_key) {
    entity_busy.add();
    return caf::make_error(protocol::errc::rate_limited,
                           "too many requests for this resource at once, retry shortly");
  }
  ++n;
  ++adm.total;
  node_status::global().add_in_flight(1);
  return std::nullopt;
}

void gateway::release(admission& adm, const std::string& key) {
  std::lock_guard<std::mutex> guard{adm.mu};
  auto i = adm.per_key.find(key);
  if (i != adm.per_key.end() && --i->second == 0) {
    adm.per_key.erase(i);
  }
  --adm.total;
  node_status::global().add_in_flight(-1);
}

void gateway::post(job j) {
  auto i = next_.fetch_add(1, std::memory_order_relaxed) % bridges_.size();
  caf::anon_send(bridges_[i], std::move(j));
}

} // namespace lakoo::runtime
