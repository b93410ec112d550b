#pragma once

/// Posts, reactions, comments, the follow graph, feeds, collections and live pushes. Part of
/// messages.hpp (include that); its messages are declared in `social_messages.def`.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>

#include "actors/protocol/declare.hpp"

namespace lakoo::protocol {

/// Inbox -> a node's push relay: `(push_atom, user id, notification_view)` for live sockets.
using push_atom = caf::atom_constant<caf::atom("push")>;
/// Edge -> its push relay: `(watch_atom, user id, bool on)` when a user's sockets come and go.
using watch_atom = caf::atom_constant<caf::atom("watch")>;

#include "actors/protocol/social_messages.def"

} // namespace lakoo::protocol
