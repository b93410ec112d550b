#pragma once

#include "actors/runtime/log.hpp"

namespace lakoo::social {

/// The social component's logger ("social"): `SPDLOG_LEVEL=social=debug` turns on its debug lines.
inline spdlog::logger& log() {
  static auto& instance = runtime::component_log("social");
  return instance;
}

} // namespace lakoo::social
