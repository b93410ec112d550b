#pragma once

#include <string>

#include <spdlog/logger.h>

namespace lakoo::runtime {

/// The runtime's logger ("runtime").
spdlog::logger& log();

/// The logger of a component, by name (made on first use from the default logger, so it takes
/// the global pattern and `SPDLOG_LEVEL=<name>=debug`). Cache the reference: it looks up a
/// registry under a lock.
spdlog::logger& component_log(const std::string& name);

/// Names the calling thread as `top -H`, `perf` and gdb show it (cut to 15 characters).
void name_this_thread(const std::string& name);

} // namespace lakoo::runtime
