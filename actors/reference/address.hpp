#pragma once

#include "actors/protocol/messages.hpp"
#include "actors/reference/reference.hpp"

namespace lakoo::reference {

/// Checks an address's `province_id` and `city_id` (see `check_place`) and, when they are valid,
/// names its province and city from them (a city alone brings its province): the ids decide, so
/// names and ids never disagree. Returns the check; `field` is empty when the address is valid,
/// and the address is unchanged when it is not.
place_check settle_place(protocol::address& a);

} // namespace lakoo::reference
