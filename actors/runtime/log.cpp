#include "actors/runtime/log.hpp"

#include <spdlog/spdlog.h>

namespace lakoo::runtime {

spdlog::logger& log() {
  static const auto instance = [] {
    auto lg = spdlog::default_logger()->clone("runtime");
    spdlog::initialize_logger(lg);
    return lg;
  }();
  return *instance;
}

} // namespace lakoo::runtime
