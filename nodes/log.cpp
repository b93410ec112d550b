#include "nodes/log.hpp"

#include "actors/runtime/log.hpp"

namespace lakoo::node {

spdlog::logger& log() {
  static auto& instance = runtime::component_log("node");
  return instance;
}

} // namespace lakoo::node
