#include "read_models/log.hpp"

#include "actors/runtime/log.hpp"

namespace lakoo::read_models {

spdlog::logger& log() {
  static auto& instance = runtime::component_log("read_models");
  return instance;
}

} // namespace lakoo::read_models
