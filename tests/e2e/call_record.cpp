// Records every HTTP call the end-to-end tests make (method, path, status) in
// `<work dir>/http-calls.log`, with a `# case <name>` line when each test case starts. The
// route-coverage check (`route_coverage.cpp`) reads it after the whole e2e suite has run.

#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include "tests/support/http_client.hpp"
#include "tests/support/test_cluster.hpp"

namespace {

struct call_record_listener : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;

  void testRunStarting(Catch::TestRunInfo const& info) override {
    lakoo::test::record_calls_to(lakoo::test::call_log_path());
    TestEventListenerBase::testRunStarting(info);
  }

  void testCaseStarting(Catch::TestCaseInfo const& info) override {
    lakoo::test::record_call_line("# case " + info.name);
    TestEventListenerBase::testCaseStarting(info);
  }
};

} // namespace

CATCH_REGISTER_LISTENER(call_record_listener)
