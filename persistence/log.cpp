#include "persistence/log.hpp"

#include "actors/runtime/log.hpp"

namespace lakoo::persistence {

spdlog::logger& log() {
  static auto& instance = runtime::component_log("persistence");
  return instance;
}

} // namespace lakoo::persistence
