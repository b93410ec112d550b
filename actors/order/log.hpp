#pragma once

#include "actors/runtime/log.hpp"

namespace lakoo::order {

/// The order component's logger ("order"): `SPDLOG_LEVEL=order=debug` turns on its debug lines.
inline spdlog::logger& log() {
  static auto& instance = runtime::component_log("order");
  return instance;
}

} // namespace lakoo::order
