#pragma once

#include <spdlog/logger.h>

namespace lakoo::persistence {

/// The persistence component's logger ("persistence").
spdlog::logger& log();

} // namespace lakoo::persistence
