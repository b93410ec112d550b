#include "actors/runtime/entity.hpp"

namespace lakoo::runtime::detail {

histogram& mailbox_depth(const char* kind) {
  // One lookup per kind and thread; series are never removed, so the reference stays valid.
  thread_local std::map<const char*, histogram*> cache;
  auto& slot = cache[kind];
  if (!slot) {
    slot = &metrics::global().histogram_of(
      "lakoo_entity_mailbox_depth", std::string{"kind=\""} + kind + "\"", histogram::size_bounds());
  }
  return *slot;
}

counter& activations(const char* kind) {
  return metrics::global().counter_of("lakoo_entity_activations_total",
                                      std::string{"kind=\""} + kind + "\"");
}

caf::result<caf::message> reject_unexpected(caf::scheduled_actor*, caf::message_view&) {
  return caf::make_error(protocol::errc::invalid_request, "unexpected message");
}

} // namespace lakoo::runtime::detail
