#pragma once

#include <exception>
#include <string>

#include <spdlog/logger.h>

namespace lakoo::runtime {

/// The runtime's logger ("runtime").
spdlog::logger& log();

/// The logger of a component, by name (made on first use from the default logger, so it takes
/// the global pattern and `SPDLOG_LEVEL=<name>=debug`). Cache the reference: it looks up a
/// registry under a lock.
spdlog::logger& component_log(const std::string& name);

/// `e.what()` on one line, for a log line: libpq messages span lines and end with a newline.
std::string one_line(const std::exception& e);

/// Names the calling thread as `top -H`, `perf` and gdb show it (cut to 15 characters).
void name_this_thread(const std::string& name);

} // namespace lakoo::runtime
