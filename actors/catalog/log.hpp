#pragma once

#include "actors/runtime/log.hpp"

namespace lakoo::catalog {

/// The catalog component's logger ("catalog"): `SPDLOG_LEVEL=catalog=debug` turns on its debug
/// lines.
inline spdlog::logger& log() {
  static auto& instance = runtime::component_log("catalog");
  return instance;
}

} // namespace lakoo::catalog
