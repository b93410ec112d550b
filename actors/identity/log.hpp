#pragma once

#include "actors/runtime/log.hpp"

namespace lakoo::identity {

/// The identity component's logger ("identity"): `SPDLOG_LEVEL=identity=debug` turns on its debug
/// lines.
inline spdlog::logger& log() {
  static auto& instance = runtime::component_log("identity");
  return instance;
}

} // namespace lakoo::identity
