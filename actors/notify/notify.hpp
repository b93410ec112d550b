#pragma once

#include <string>

#include <caf/fwd.hpp>

#include "actors/protocol/messages.hpp"
#include "actors/runtime/entity_env.hpp"

namespace lakoo::notify {

/// `inbox:<user id>`: a user's notifications (the notification hub; issue 5 adds the live
/// WebSocket sessions it pushes to).
inline constexpr const char* inbox_kind = protocol::inbox_kind::name.data();

/// The newest notifications an inbox keeps in its snapshot (the first page of the app). Older
/// ones move to the durable list `notifications:<user id>` (append-only, written in the same
/// transaction as the snapshot that lets them go), so a notification costs a small write however
/// many a busy seller has.
inline constexpr size_t inbox_window = 32;

/// Sender keys an inbox remembers (as 64-bit hashes) to add a retried notification once.
inline constexpr size_t max_inbox_keys = 512;

/// Archived notifications marked read one by one that an inbox remembers (the newest marks);
/// "mark all" covers any number.
inline constexpr size_t max_read_archived = 1024;

void register_kinds(runtime::entity_kinds& kinds);

} // namespace lakoo::notify
