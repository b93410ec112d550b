#pragma once

#include <spdlog/logger.h>

namespace lakoo::read_models {

/// The read_models component's logger ("read_models").
spdlog::logger& log();

} // namespace lakoo::read_models
