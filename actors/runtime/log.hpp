#pragma once

#include <spdlog/logger.h>

namespace lakoo::runtime {

/// The runtime's logger ("runtime").
spdlog::logger& log();

} // namespace lakoo::runtime
