#pragma once

#include <string>

namespace caf {
class actor_system_config;
} // namespace caf

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace lakoo::node {

/// Loads the node's CAF scheduler into `cfg`. With `policy` `sharing` or `stealing` (as CAF's
/// `scheduler.policy`): CAF's own coordinator and its worker threads, with one change, its timer
/// clock. With `io`: no worker threads; actors run on the threads of `io` (the edge's io
/// threads), so a request's hops from socket to actor and back stay on one thread, without a
/// wake-up of another thread at each hand-off.
///
/// CAF 0.17's clock hands every timer operation to its thread through a queue and wakes that
/// thread for each one. Every request with a timeout sets a timer and its answer cancels it, so
/// an ask between two actors cost two wake-ups of the clock thread (12% of a node's CPU under a
/// cart-add load). This clock keeps the timers in CAF's own schedule under a lock, and wakes its
/// thread only when a new timer is due before the one it is waiting for: request timeouts (five
/// seconds out) and their cancellations then cost a map insertion and removal, no wake-up.
///
/// The `io` context must run until the actor system is destroyed: the scheduler's stop waits
/// for the jobs still queued there. Throws std::invalid_argument for an unknown policy, or
/// `io` without a context.
void load_scheduler(caf::actor_system_config& cfg, const std::string& policy,
                    boost::asio::io_context* io = nullptr);

} // namespace lakoo::node
