#include <caf/actor_system_config.hpp>

#include "actors/protocol/messages.hpp"

namespace lakoo::protocol {

const char* to_code(errc x) {
  switch (x) {
    case errc::invalid_request:
      return "invalid_request";
    case errc::unauthorized:
      return "unauthorized";
    case errc::forbidden:
      return "forbidden";
    case errc::not_found:
      return "not_found";
    case errc::conflict:
      return "conflict";
    case errc::out_of_stock:
      return "out_of_stock";
    case errc::unavailable:
      return "unavailable";
    case errc::internal:
      return "internal";
    case errc::stale_version:
      return "unavailable";
    case errc::rate_limited:
      return "rate_limited";
  }
  return "internal";
}

void add_message_types(caf::actor_system_config& cfg) {
#undef LAKOO_KIND
#undef LAKOO_VERB
#undef LAKOO_MESSAGE
#define LAKOO_KIND(...)
#define LAKOO_VERB(...)
#define LAKOO_MESSAGE(...) /* the first argument is the name */                                    \
  cfg.add_message_type<LAKOO_DETAIL_FIRST(__VA_ARGS__)>(                                           \
    "lakoo::" LAKOO_DETAIL_STR(LAKOO_DETAIL_FIRST(__VA_ARGS__)));
#include "actors/protocol/all_messages.def"
}

const std::vector<std::string>& registered_type_names() {
  static const std::vector<std::string> names = {
#undef LAKOO_MESSAGE
#define LAKOO_MESSAGE(...) "lakoo::" LAKOO_DETAIL_STR(LAKOO_DETAIL_FIRST(__VA_ARGS__)),
#include "actors/protocol/all_messages.def"
  };
  return names;
}

} // namespace lakoo::protocol
