#include "persistence/log.hpp"

#include <spdlog/spdlog.h>

namespace lakoo::persistence {

spdlog::logger& log() {
  static const auto instance = [] {
    auto lg = spdlog::default_logger()->clone("persistence");
    spdlog::initialize_logger(lg);
    return lg;
  }();
  return *instance;
}

} // namespace lakoo::persistence
