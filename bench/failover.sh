#!/usr/bin/env bash
# Failover figures: runs the chaos scenario of tests/e2e/chaos_e2e_test.cpp (3 nodes, a bounded
# load of checkouts, likes and cart writes; kill -9 one node, SIGSTOP another past its lease,
# restart both; every invariant checked) RUNS times and prints each run's report line: time to
# takeover after the kill and after the pause, and what the load client saw (2xx, 503, 409,
# refused or timed out). Needs a build with tests (`./lakoo test` makes one). Not part of the
# test run's pass/fail figures: the same scenario is one test there.
#
#   bench/failover.sh [RUNS]        (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
build=${LAKOO_BUILD_DIR:-build}
report=$build/e2e-logs/chaos-report.txt
[ -x "$build/tests/e2e/lakoo_e2e_tests" ] || { echo "no test build in $build: run ./lakoo test first" >&2; exit 1; }
mkdir -p "$(dirname "$report")"
before=$(wc -l <"$report" 2>/dev/null || echo 0)
ctest --test-dir "$build" -R "chaos under load" --repeat until-fail:"$runs" --output-on-failure >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
tail -n +"$((before + 1))" "$report"
