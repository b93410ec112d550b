#pragma once

#include <string>

namespace caf {
class actor_system_config;
} // namespace caf

namespace lakoo::node {

/// Loads the node's CAF scheduler into `cfg`: CAF's own coordinator with the work policy
/// `policy` (`sharing` or `stealing`, as `scheduler.policy`), with one change: its timer clock.
///
/// CAF 0.17's clock hands every timer operation to its thread through a queue and wakes that
/// thread for each one. Every request with a timeout sets a timer and its answer cancels it, so
/// an ask between two actors cost two wake-ups of the clock thread (12% of a node's CPU under a
/// cart-add load). This clock keeps the timers in CAF's own schedule under a lock, and wakes its
/// thread only when a new timer is due before the one it is waiting for: request timeouts (five
/// seconds out) and their cancellations then cost a map insertion and removal, no wake-up.
/// Throws std::invalid_argument for an unknown policy.
void load_scheduler(caf::actor_system_config& cfg, const std::string& policy);

} // namespace lakoo::node
