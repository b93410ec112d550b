#include "http_edge/log.hpp"

#include "actors/runtime/log.hpp"

namespace lakoo::edge {

spdlog::logger& log() {
  static auto& instance = runtime::component_log("edge");
  return instance;
}

} // namespace lakoo::edge
