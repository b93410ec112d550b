#!/usr/bin/env bash
# LAKOO social benchmarks: feed reads (cold and warm), fan-out rate and notification push latency
# over a large graph, on a 3-node cluster of this machine. Not part of the tests.
#
#   bench/social.sh            (stop a running cluster first: ./lakoo stop)
#
# Environment: BENCH_USERS (default 100000), BENCH_POSTS (default 1000000), BENCH_CREATORS
# (default 5000), BENCH_DURATION (seconds of warm feed reads, default 10), BENCH_THREADS (client
# threads, default 32). The graph goes into the database lakoo_social_<users>_<posts>_<creators> once
# (build/bench/lakoo-social-fill, deterministic); the cluster started here uses it and is stopped
# at the end. Results: var/bench/social-<time>.txt.
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
cd "$root"

users=${BENCH_USERS:-100000}
posts=${BENCH_POSTS:-1000000}
creators=${BENCH_CREATORS:-5000}
duration=${BENCH_DURATION:-10}
threads=${BENCH_THREADS:-32}
say() { printf '==> %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

[ -f build/CMakeCache.txt ] || die "build/ is not configured: run ./lakoo run --detach once first"
if curl --noproxy '*' -s -o /dev/null --max-time 2 http://127.0.0.1:8081/health; then
  die "a cluster is running: stop it first (./lakoo stop); this script starts its own"
fi
cmake --build build -j2 --target lakoo-social-fill lakoo-social-bench lakoo-node >&2
scripts/pg_cluster.sh start var/pg >/dev/null || die "PostgreSQL under var/pg did not start: run ./lakoo run --detach once first"
# One database per graph size: the fill is deterministic and never overwrites (same versions).
db="lakoo_social_${users}_${posts}_${creators}"
dsn="host=$root/var/pg/run port=5432 dbname=$db user=postgres"
say "filling the social graph: $users users, $posts posts ($creators creators)"
build/bench/lakoo-social-fill "$dsn" "$users" "$posts" "$creators" >&2

export LAKOO_DATABASE="host=var/pg/run port=5432 dbname=$db user=postgres"
./lakoo run --detach >&2
trap './lakoo stop >/dev/null 2>&1 || true' EXIT
say "waiting for every node's post index"
for port in 8081 8082 8083; do
  for _ in $(seq 1 600); do
    code=$(curl --noproxy '*' -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/v1/trending?limit=1" || true)
    [ "$code" = 200 ] && break
    sleep 0.5
  done
done
secret=$(sed -n 's/^token_secret *= *//p' cluster.conf)
mkdir -p var/bench
out=var/bench/social-$(date +%Y%m%d-%H%M%S).txt
{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $users users, $posts posts, $creators creators"
  build/bench/lakoo-social-bench 8081,8082,8083 "$secret" "$users" "$duration" "$creators" "$threads"
  for port in 8081 8082 8083; do
    printf 'n%s RSS: ' "${port#808}"
    ps -o rss= -p "$(cat var/run/n${port#808}.pid)" | awk '{printf "%.0f MB\n", $1/1024}'
  done
} | tee "$out"
say "results: $out"
