#!/usr/bin/env bash
# LAKOO HTTP load benchmarks with wrk, loopback only. See bench/README.md.
#
#   bench/run.sh [scenario ...]      default: every scenario, in the order below
#
# Scenarios: floor health health-3 me me-3 login login-3 register register-3 write write-3
#            product product-3 cart cart-3 cart-open checkout list list-3 search search-3
#   <name>    one wrk process against the first node of cluster.conf (n1)
#   <name>-3  three wrk processes at once, one per node (n1, n2, n3), connections split 21/21/22;
#             req/s is their sum, p50/p99 the worst of the three
#   floor     plain Beast server (build/bench/lakoo-floor-server), no CAF: the ceiling to compare with
#   cart-open cart adds at a fixed rate (build/bench/lakoo-open-loop): BENCH_RATE per second, by
#             default half of what `cart` reached earlier in the same run; latency from due times
#   checkout  completed purchases (build/bench/lakoo-checkout-bench) on n1, BENCH_USERS buyers
#             (default 48) on keep-alive connections; req/s is purchases/s
#
# Environment: BENCH_DURATION (seconds, default 10), BENCH_CONNECTIONS (default 64),
# BENCH_PRODUCTS (size of the listing/search catalog, default 100000), LAKOO_CONFIG (another
# cluster.conf, as for ./lakoo).
# list/search run over a catalog of BENCH_PRODUCTS active products in the database lakoo_bench
# (filled once by build/bench/lakoo-catalog-fill): they start their own cluster on it, so stop
# a running one first (./lakoo stop).
# Uses the cluster of `./lakoo run --detach` when n1 answers /health; otherwise starts one with
# `./lakoo run --detach` and stops it (`./lakoo stop`) at the end.
set -euo pipefail

caller_pwd=$PWD
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
cd "$root"

readonly all_scenarios=(floor health health-3 me me-3 login login-3 register register-3 write write-3
  product product-3 cart cart-3 cart-open checkout list list-3 search search-3)
duration=${BENCH_DURATION:-10}
duration=${duration%s}
conns=${BENCH_CONNECTIONS:-64}
[[ $duration =~ ^[0-9]+$ && $duration -gt 0 ]] || { echo "BENCH_DURATION: seconds, e.g. 10" >&2; exit 2; }
[[ $conns =~ ^[0-9]+$ && $conns -ge 3 ]] || { echo "BENCH_CONNECTIONS: a number >= 3" >&2; exit 2; }

readonly bench_email=bench-user@bench.lakoo.local
readonly bench_password=bench-password-1
out_dir=var/bench/$(date +%Y%m%d-%H%M%S)
mkdir -p "$out_dir"
results=$out_dir/results.md

say() { printf '==> %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}
curl_local() { curl --noproxy '*' -s --max-time 30 "$@"; }
http_code() { curl --noproxy '*' -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true; }

# -- scenarios to run -----------------------------------------------------------------------------
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=("${all_scenarios[@]}")
for s in "${scenarios[@]}"; do
  [[ " ${all_scenarios[*]} " == *" $s "* ]] || die "unknown scenario '$s' (known: ${all_scenarios[*]})"
done
command -v wrk >/dev/null || die "wrk is not installed (./lakoo run installs it)"

# -- the nodes: the first three of cluster.conf, loopback only ------------------------------------
conf=cluster.conf
if [ -n "${LAKOO_CONFIG:-}" ]; then
  case $LAKOO_CONFIG in /*) conf=$LAKOO_CONFIG ;; *) conf=$caller_pwd/$LAKOO_CONFIG ;; esac
fi
urls=()
while read -r id host http _; do
  [ -n "$id" ] || continue
  [ "$host" = 127.0.0.1 ] || die "bench/run.sh only loads 127.0.0.1; node $id is on $host"
  urls+=("http://127.0.0.1:$http")
done < <(
  if [ -n "${LAKOO_NODE+x}" ]; then
    tr ';' '\n' <<<"$LAKOO_NODE"
  else
    awk '{ sub(/#.*/, "") } /^[ \t]*node[ \t]*=/ { sub(/^[^=]*=[ \t]*/, ""); print }' "$conf"
  fi
)
[ ${#urls[@]} -ge 1 ] || die "no node lines in $conf"

needs_cluster=0 needs_three=0 needs_catalog=0
for s in "${scenarios[@]}"; do
  [ "$s" = floor ] || needs_cluster=1
  [[ $s != *-3 ]] || needs_three=1
  [[ $s != list* && $s != search* ]] || needs_catalog=1
done
bench_products=${BENCH_PRODUCTS:-100000}
[ "$needs_three" = 0 ] || [ ${#urls[@]} -ge 3 ] || die "the *-3 scenarios need three nodes in $conf"

started_cluster=0
floor_pid=""
cleanup() {
  if [ -n "$floor_pid" ] && kill -0 "$floor_pid" 2>/dev/null; then
    kill -TERM "$floor_pid" 2>/dev/null || true
    wait "$floor_pid" 2>/dev/null || true
  fi
  if [ "$started_cluster" = 1 ]; then
    say "stopping the cluster this run started"
    ./lakoo stop >&2 || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# fill_bench_catalog: BENCH_PRODUCTS active products in database lakoo_bench (idempotent), and
# LAKOO_DATABASE pointing the cluster this run starts at it.
fill_bench_catalog() {
  local fill=build/bench/lakoo-catalog-fill
  if [ "$(http_code "${urls[0]}/health")" = 200 ]; then
    die "list/search start their own cluster over the bench catalog: stop the running one first (./lakoo stop)"
  fi
  if [ ! -x "$fill" ]; then
    [ -f build/CMakeCache.txt ] || die "$fill is missing and build/ is not configured: run ./lakoo run --detach once first"
    say "building $fill"
    cmake --build build -j2 --target lakoo-catalog-fill >&2
  fi
  scripts/pg_cluster.sh start var/pg >/dev/null || die "PostgreSQL under var/pg did not start: run ./lakoo run --detach once first"
  say "filling the bench catalog: $bench_products products in database lakoo_bench"
  "$fill" "host=$root/var/pg/run port=5432 dbname=lakoo_bench user=postgres" "$bench_products" >&2
  export LAKOO_DATABASE="host=var/pg/run port=5432 dbname=lakoo_bench user=postgres"
}

# wait_catalog_index: until every node's catalog index holds the bench catalog (bounded).
wait_catalog_index() {
  local u n
  for u in "${urls[@]:0:3}"; do
    for _ in $(seq 1 240); do
      n=$(curl_local "$u/metrics" | sed -n 's/^lakoo_catalog_index_products //p')
      [ "${n:-0}" -lt "$bench_products" ] || continue 2
      sleep 0.5
    done
    die "$u's catalog index holds ${n:-0} products, not $bench_products"
  done
}

[ "$needs_catalog" = 0 ] || fill_bench_catalog

if [ "$needs_cluster" = 1 ]; then
  if [ "$(http_code "${urls[0]}/health")" != 200 ]; then
    say "no cluster answers ${urls[0]}/health: starting one with ./lakoo run --detach"
    started_cluster=1
    ./lakoo run --detach >&2
  fi
  for u in "${urls[@]:0:3}"; do
    [ "$(http_code "$u/health")" = 200 ] || die "$u/health does not answer 200"
  done
fi

# -- the bench user -------------------------------------------------------------------------------
access_token=""
ensure_bench_user() {
  local body code
  body=$(printf '{"email":"%s","password":"%s","name":"Bench User"}' "$bench_email" "$bench_password")
  code=$(curl_local -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "$body" "${urls[0]}/v1/auth/register" || true)
  case $code in 201 | 409) ;; *) die "registering the bench user answered $code" ;; esac
}
login_bench_user() {
  local body
  body=$(printf '{"email":"%s","password":"%s"}' "$bench_email" "$bench_password")
  access_token=$(curl_local -H 'Content-Type: application/json' --data-binary "$body" \
    "${urls[0]}/v1/auth/login" | jq -r '.access_token // empty')
  [ -n "$access_token" ] || die "could not log the bench user in"
}

# prepare_writers: registers (once) and logs in `writer_count` users; their access tokens go to
# $out_dir/writer-tokens.txt for patch.lua. Eight at a time: argon2id bounds this step.
readonly writer_count=256
prepare_writers() {
  local tokens=$out_dir/writer-tokens.txt
  [ -s "$tokens" ] && return 0
  say "preparing $writer_count writer accounts"
  # shellcheck disable=SC2016 # expanded by the inner shell
  seq 1 "$writer_count" | xargs -P 8 -I{} bash -c '
    set -- "$2" "$1" # -> $1 index, $2 password ($0 is the node url)
    body=$(printf "{\"email\":\"bench-writer-%s@bench.lakoo.local\",\"password\":\"%s\",\"name\":\"Writer %s\"}" "$1" "$2" "$1")
    for _ in 1 2 3 4 5; do
      out=$(curl --noproxy "*" -s --max-time 30 -H "Content-Type: application/json" --data-binary "$body" "$0/v1/auth/register")
      token=$(jq -r ".access_token // empty" <<<"$out")
      if [ -z "$token" ]; then
        out=$(curl --noproxy "*" -s --max-time 30 -H "Content-Type: application/json" --data-binary "$body" "$0/v1/auth/login")
        token=$(jq -r ".access_token // empty" <<<"$out")
      fi
      [ -n "$token" ] && { echo "$token"; exit 0; }
      sleep 0.5
    done' "${urls[0]}" "$bench_password" {} >"$tokens"
  [ "$(wc -l <"$tokens")" -eq "$writer_count" ] || die "only $(wc -l <"$tokens") of $writer_count writers logged in"
}

# prepare_catalog: an active product with one sku of practically endless stock, sold by a bench
# seller the admin approved; sets bench_product and bench_sku.
bench_product="" bench_sku=""
prepare_catalog() {
  [ -n "$bench_product" ] && return 0
  local admin_password admin seller_token seller body out
  admin_password=${LAKOO_ADMIN_PASSWORD:-$(sed -n 's/^admin_password[[:space:]]*=[[:space:]]*//p' "$conf" | tail -n 1)}
  admin=$(curl_local -H 'Content-Type: application/json' \
    --data-binary "{\"email\":\"admin@lakoo.local\",\"password\":\"$admin_password\"}" \
    "${urls[0]}/v1/auth/login" | jq -r '.access_token // empty')
  [ -n "$admin" ] || die "could not log the admin in (admin_password in $conf)"
  ensure_bench_user
  login_bench_user
  seller_token=$access_token
  seller=$(curl_local -H "Authorization: Bearer $seller_token" "${urls[0]}/v1/me" | jq -r '.seller_id // empty')
  if [ -z "$seller" ]; then
    seller=$(curl_local -H "Authorization: Bearer $seller_token" -H 'Content-Type: application/json' \
      --data-binary '{"brand_name":"Bench Store"}' "${urls[0]}/v1/sellers" | jq -r '.id // empty')
  fi
  [ -n "$seller" ] || die "could not open the bench seller account"
  curl_local -o /dev/null -X POST -H "Authorization: Bearer $admin" "${urls[0]}/v1/admin/sellers/$seller/approve"
  bench_sku="BENCH-$run_id"
  body=$(jq -cn --arg sku "$bench_sku" '{title:"Bench Kopi Gayo",category:"makanan_minuman.kopi",description:"benchmark item",
    variants:[{sku:$sku,price:75000,stock:1000000000,options:{isi:"200g"}}]}')
  out=$(curl_local -H "Authorization: Bearer $seller_token" -H 'Content-Type: application/json' \
    --data-binary "$body" "${urls[0]}/v1/sellers/$seller/products")
  bench_product=$(jq -r '.id // empty' <<<"$out")
  [ -n "$bench_product" ] || die "could not create the bench product: $out"
  curl_local -o /dev/null -X POST -H "Authorization: Bearer $seller_token" "${urls[0]}/v1/products/$bench_product/submit"
  curl_local -o /dev/null -X POST -H "Authorization: Bearer $admin" "${urls[0]}/v1/admin/products/$bench_product/approve"
  [ "$(http_code "${urls[0]}/v1/products/$bench_product")" = 200 ] || die "the bench product is not active"
}

# -- wrk ----------------------------------------------------------------------------------------
# script_args_for <script> <tag>: what goes after wrk's `--` for that script.
script_args_for() {
  case $1 in
    login.lua) printf '%s\n' "$bench_email" "$bench_password" ;;
    register.lua) printf '%s\n' "$run_id-$2" ;; # emails unique per run, scenario and process
    patch.lua) printf '%s\n' "$out_dir/writer-tokens.txt" ;;
    cart.lua) printf '%s\n' "$out_dir/writer-tokens.txt" "$bench_sku" ;;
  esac
}

# wrk_one <out file> <connections> <url> <script> [wrk args ...]
wrk_one() {
  local out=$1 c=$2 url=$3 script=$4
  shift 4
  local args=()
  mapfile -t args < <(script_args_for "$script" "$(basename "$out" .txt)")
  wrk -t1 -c"$c" -d"${duration}s" --timeout 10s --latency -s "bench/$script" "$@" "$url" \
    -- "${args[@]}" >"$out" 2>&1
}

field() { # file key -> value from the LAKOO_RESULT line
  sed -n "s/.*LAKOO_RESULT.* $2=\([^ ]*\).*/\1/p" "$1" | tail -n 1
}

# report <scenario> <nodes> <conns> <out file ...>: one markdown row.
report() {
  local name=$1 nodes=$2 c=$3
  shift 3
  local f rps=0 p50=0 p99=0 non2xx=0 sockerr=0 statuses="" v
  for f in "$@"; do
    if ! grep -q LAKOO_RESULT "$f"; then
      say "wrk gave no result for $name; its output:"
      cat "$f" >&2
      printf '| %s | %s | %s | failed | - | - | - |\n' "$name" "$nodes" "$c" | tee -a "$results"
      return 0
    fi
    rps=$(awk -v a="$rps" -v r="$(field "$f" requests)" -v d="$(field "$f" duration_us)" \
      'BEGIN { printf "%.1f", a + (d > 0 ? r * 1e6 / d : 0) }')
    v=$(field "$f" p50_us)
    [ "$v" -le "$p50" ] || p50=$v
    v=$(field "$f" p99_us)
    [ "$v" -le "$p99" ] || p99=$v
    non2xx=$((non2xx + $(field "$f" non2xx)))
    sockerr=$((sockerr + $(field "$f" socket_errors) + $(field "$f" timeouts)))
    statuses="$statuses $(field "$f" statuses)"
  done
  local bad=$non2xx
  [ "$sockerr" = 0 ] || bad="$non2xx (+$sockerr socket errors/timeouts)"
  awk -v n="$name" -v nodes="$nodes" -v c="$c" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v bad="$bad" \
    'BEGIN { printf "| %s | %s | %s | %.0f | %.2f | %.2f | %s |\n", n, nodes, c, rps, p50 / 1000, p99 / 1000, bad }' \
    | tee -a "$results"
  say "$name statuses:$statuses (raw wrk output: $*)"
}

# run_scenario <name> <path> <script> [wrk args ...]: on n1, or on n1..n3 for a -3 name.
run_scenario() {
  local name=$1 path=$2 script=$3
  shift 3
  if [[ $name != *-3 ]]; then
    wrk_one "$out_dir/$name.txt" "$conns" "${urls[0]}$path" "$script" "$@"
    report "$name" 1 "$conns" "$out_dir/$name.txt"
    return
  fi
  local third=$((conns / 3)) i c pids=() files=() f
  for i in 1 2 3; do
    c=$third
    [ "$i" != 3 ] || c=$((conns - 2 * third))
    f=$out_dir/$name.n$i.txt
    wrk_one "$f" "$c" "${urls[$((i - 1))]}$path" "$script" "$@" &
    pids+=($!)
    files+=("$f")
  done
  for i in "${pids[@]}"; do wait "$i" || true; done
  report "$name" 3 "$conns" "${files[@]}"
}

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 20000))
    # shellcheck disable=SC2016 # expanded by the inner shell
    timeout 1 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$p" 2>/dev/null || { echo "$p"; return; }
  done
  die "no free port found"
}

# bench_bin <target>: the path of build/bench/<target>, built when missing.
bench_bin() {
  local bin=build/bench/$1
  if [ ! -x "$bin" ]; then
    [ -f build/CMakeCache.txt ] || die "$bin is missing and build/ is not configured: run ./lakoo run --detach first"
    say "building $bin"
    cmake --build build -j2 --target "$1" >&2
  fi
  echo "$bin"
}

run_floor() {
  local bin port
  bin=$(bench_bin lakoo-floor-server)
  port=$(free_port)
  "$bin" "$port" >"$out_dir/floor-server.log" 2>&1 &
  floor_pid=$!
  for _ in $(seq 1 100); do
    [ "$(http_code "http://127.0.0.1:$port/")" = 000 ] || break
    sleep 0.05
  done
  [ "$(http_code "http://127.0.0.1:$port/")" = 200 ] || die "the floor server on port $port does not answer 200 (see $out_dir/floor-server.log)"
  wrk_one "$out_dir/floor.txt" "$conns" "http://127.0.0.1:$port/" get.lua
  report floor - "$conns" "$out_dir/floor.txt"
  kill -TERM "$floor_pid" 2>/dev/null || true
  wait "$floor_pid" 2>/dev/null || true
  floor_pid=""
}

# run_cart_open: cart adds at a fixed rate on n1, latency from each request's due time.
cart_rps=""
run_cart_open() {
  local bin rate port
  bin=$(bench_bin lakoo-open-loop)
  rate=${BENCH_RATE:-}
  if [ -z "$rate" ]; then
    [ -n "$cart_rps" ] || die "cart-open needs BENCH_RATE, or the cart scenario earlier in the same run"
    rate=$(awk -v r="$cart_rps" 'BEGIN { printf "%d", r / 2 }')
  fi
  port=${urls[0]##*:}
  say "cart-open at $rate requests/s"
  "$bin" "$port" "$rate" "$duration" "$conns" cart "$out_dir/writer-tokens.txt" "$bench_sku" \
    >"$out_dir/cart-open.txt" 2>&1 || true
  report "cart-open@$rate/s" 1 "$conns" "$out_dir/cart-open.txt"
  grep -E '^(open loop|latency)' "$out_dir/cart-open.txt" >&2 || true
}

# run_checkout: completed purchases per second on n1 (keep-alive buyers), checked by the ledger.
run_checkout() {
  local bin port users=${BENCH_USERS:-48} admin_password secret f=$out_dir/checkout.txt rps
  bin=$(bench_bin lakoo-checkout-bench)
  port=${urls[0]##*:}
  admin_password=${LAKOO_ADMIN_PASSWORD:-$(sed -n 's/^admin_password[[:space:]]*=[[:space:]]*//p' "$conf" | tail -n 1)}
  secret=${LAKOO_WEBHOOK_SECRET:-$(sed -n 's/^webhook_secret[[:space:]]*=[[:space:]]*//p' "$conf" | tail -n 1)}
  "$bin" "$port" "$admin_password" "$secret" "$users" "$duration" >"$f" 2>&1 || say "checkout bench failed: see $f"
  rps=$(sed -n 's/.*checkouts completed (\([0-9.]*\)\/s).*/\1/p' "$f")
  printf '| checkout (purchases/s) | 1 | %s | %s | - | - | %s |\n' "$users" "${rps:-failed}" \
    "$(sed -n 's/.*, \([0-9]*\) failed$/\1/p' "$f")" | tee -a "$results"
  grep -E '^\|' "$f" >&2 || true
  grep -E '^ledger' "$f" >&2 || true
}

# -- run ----------------------------------------------------------------------------------------
run_id="$(date +%s)-$RANDOM"
{
  echo "LAKOO bench $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, wrk -t1 per process, ${duration} s, $conns connections"
  echo
  echo "| scenario | nodes | conns | req/s | p50 ms | p99 ms | non-2xx |"
  echo "|---|---|---|---|---|---|---|"
} | tee "$results"

for s in "${scenarios[@]}"; do
  case $s in
    floor) run_floor ;;
    health | health-3) run_scenario "$s" /health get.lua ;;
    me | me-3)
      ensure_bench_user
      login_bench_user
      run_scenario "$s" /v1/me get.lua -H "Authorization: Bearer $access_token"
      ;;
    login | login-3)
      ensure_bench_user
      run_scenario "$s" /v1/auth/login login.lua
      ;;
    register | register-3) run_scenario "$s" /v1/auth/register register.lua ;;
    write | write-3)
      prepare_writers
      run_scenario "$s" /v1/me patch.lua
      ;;
    product | product-3)
      prepare_catalog
      run_scenario "$s" "/v1/products/$bench_product" get.lua
      ;;
    cart | cart-3)
      prepare_catalog
      prepare_writers
      run_scenario "$s" /v1/cart/items cart.lua
      [ "$s" != cart ] || cart_rps=$(awk -v r="$(field "$out_dir/cart.txt" requests)" \
        -v d="$(field "$out_dir/cart.txt" duration_us)" 'BEGIN { printf "%d", (d > 0 ? r * 1e6 / d : 0) }')
      ;;
    cart-open)
      prepare_catalog
      prepare_writers
      run_cart_open
      ;;
    checkout) run_checkout ;;
    list | list-3)
      wait_catalog_index
      run_scenario "$s" / list.lua
      ;;
    search | search-3)
      wait_catalog_index
      run_scenario "$s" / search.lua
      ;;
  esac
done
say "results: $results (raw wrk output beside it)"
