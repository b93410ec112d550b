#pragma once

#include <spdlog/logger.h>

namespace lakoo::edge {

/// The HTTP edge's logger ("edge"): `SPDLOG_LEVEL=edge=debug` shows one line per request.
spdlog::logger& log();

} // namespace lakoo::edge
