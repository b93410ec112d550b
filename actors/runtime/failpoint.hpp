#pragma once

#include <string_view>

namespace lakoo::runtime {

struct entity_env;

/// Test-only crash points for the chaos tests. Point `name` fires on a node started with
/// `LAKOO_TEST_FAILPOINT=<name>` (nodes/ copies it into `env.failpoint`). With
/// `LAKOO_TEST_FAILPOINT_ONCE=<file>` as well (`env.failpoint_once`), it fires once in
/// the whole cluster: only the node that first creates `<file>` fires, so the node that takes
/// the work over after the crash does not crash on it again. Never armed in production.
bool failpoint_fires(const entity_env& env, std::string_view name);

} // namespace lakoo::runtime
