#pragma once

#include <spdlog/logger.h>

namespace lakoo::node {

/// The node component's logger ("node").
spdlog::logger& log();

} // namespace lakoo::node
