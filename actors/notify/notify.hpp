#pragma once

#include <string>

#include <caf/fwd.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/entity_env.hpp"

namespace lakoo::notify {

/// `inbox:<user id>`: a user's notifications (the notification hub; issue 5 adds the live
/// WebSocket sessions it pushes to).
inline constexpr const char* inbox_kind = protocol::inbox_kind::name.data();

/// Notifications an inbox keeps: the newest ones (older ones fall off, as in most apps).
inline constexpr size_t max_inbox = 500;

void register_kinds(runtime::entity_kinds& kinds);

} // namespace lakoo::notify
