#include "http_edge/log.hpp"

#include <spdlog/spdlog.h>

namespace lakoo::edge {

spdlog::logger& log() {
  static const auto instance = [] {
    auto lg = spdlog::default_logger()->clone("edge");
    spdlog::initialize_logger(lg); // registers; applies global pattern + SPDLOG_LEVEL
    return lg;
  }();
  return *instance;
}

} // namespace lakoo::edge
