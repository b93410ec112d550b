#include "actors/runtime/gateway.hpp"

#include <array>
#include <atomic>
#include <functional>

#include <caf/all.hpp>

#include "actors/runtime/metrics.hpp"
#include "actors/runtime/node_status.hpp"

namespace lakoo::runtime {

/// Lock-free admission counts: one node-wide counter and per-entity counters striped by the key's
/// hash (keys sharing a stripe share its bound, which only makes that bound stricter for them).
struct gateway::admission {
  static constexpr size_t stripes = 4096;
  std::atomic<int64_t> total{0};
  std::atomic<int64_t> max_total{INT64_MAX};
  std::atomic<int64_t> max_per_key{INT64_MAX};
  std::array<std::atomic<int32_t>, stripes> per_key{};

  static size_t stripe(const std::string& key) { return std::hash<std::string>{}(key) % stripes; }
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
  limits_->max_total = static_cast<int64_t>(std::max<size_t>(per_node, 1));
  limits_->max_per_key = static_cast<int64_t>(std::max<size_t>(per_entity, 1));
}

int64_t gateway::in_flight() const {
  return limits_->total.load(std::memory_order_relaxed);
}

std::optional<caf::error> gateway::admit(const std::string& key) {
  static auto& node_busy
    = metrics::global().counter_of("lakoo_gateway_refused_total", "reason=\"node\"");
  static auto& entity_busy
    = metrics::global().counter_of("lakoo_gateway_refused_total", "reason=\"entity\"");
  auto& adm = *limits_;
  if (adm.total.fetch_add(1, std::memory_order_relaxed) >= adm.max_total.load()) {
    adm.total.fetch_sub(1, std::memory_order_relaxed);
    node_busy.add();
    return caf::make_error(protocol::errc::unavailable, "this node is busy, retry shortly");
  }
  auto& n = adm.per_key[admission::stripe(key)];
  if (n.fetch_add(1, std::memory_order_relaxed) >= adm.max_per_key.load()) {
    n.fetch_sub(1, std::memory_order_relaxed);
    adm.total.fetch_sub(1, std::memory_order_relaxed);
    entity_busy.add();
    return caf::make_error(protocol::errc::rate_limited,
                           "too many requests for this resource at once, retry shortly");
  }
  node_status::global().add_in_flight(1);
  return std::nullopt;
}

void gateway::release(admission& adm, const std::string& key) {
  adm.per_key[admission::stripe(key)].fetch_sub(1, std::memory_order_relaxed);
  adm.total.fetch_sub(1, std::memory_order_relaxed);
  node_status::global().add_in_flight(-1);
}

void gateway::post(job j) {
  auto i = next_.fetch_add(1, std::memory_order_relaxed) % bridges_.size();
  caf::anon_send(bridges_[i], std::move(j));
}

} // namespace lakoo::runtime
