#!/usr/bin/env bash
# How long an acknowledged approval or price change takes to show in GET /v1/products on every
# node (the catalog index follows committed snapshots every `catalog_feed_ms`).
#
#   bench/freshness.sh [rounds, default 20]
#
# Needs a running cluster with the demo admin (./lakoo run --detach). Each round creates a
# product, submits it, approves it through n2, then polls the seller's listing on n1, n2 and n3
# until it is there; then changes its price through n1 and polls for the new price. Prints the
# delay per node from the approval's (price change's) 200 to the first listing that shows it.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
cd "$(dirname "$here")"
rounds=${1:-20}
urls=(http://127.0.0.1:8081 http://127.0.0.1:8082 http://127.0.0.1:8083)
c() { curl --noproxy '*' -s --max-time 10 "$@"; }
json_post() { c -H 'Content-Type: application/json' "$@"; }
admin_password=${LAKOO_ADMIN_PASSWORD:-$(sed -n 's/^admin_password[[:space:]]*=[[:space:]]*//p' cluster.conf | tail -n 1)}
admin=$(json_post --data-binary "{\"email\":\"admin@lakoo.local\",\"password\":\"$admin_password\"}" \
  "${urls[0]}/v1/auth/login" | jq -r '.access_token // empty')
[ -n "$admin" ] || { echo "admin login failed: is ./lakoo run --detach up?" >&2; exit 1; }
email="fresh-$(date +%s)-$RANDOM@bench.lakoo.local"
user=$(json_post --data-binary "{\"email\":\"$email\",\"password\":\"bench-password-1\",\"name\":\"Fresh\"}" \
  "${urls[0]}/v1/auth/register" | jq -r '.access_token')
seller=$(json_post -H "Authorization: Bearer $user" --data-binary '{"brand_name":"Fresh Bench"}' \
  "${urls[0]}/v1/sellers" | jq -r '.id')
c -o /dev/null -X POST -H "Authorization: Bearer $admin" "${urls[1]}/v1/admin/sellers/$seller/approve"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# wait_for <node url> <jq test on the first item> <t0>: prints the delay in ms
wait_for() {
  local deadline=$(($(now_ms) + 10000))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    if c "$1/v1/products?seller_id=$seller&limit=1" | jq -e ".items[0] | $2" >/dev/null 2>&1; then
      echo $(($(now_ms) - $3))
      return
    fi
  done
  echo timeout
}
approvals=() prices=()
for r in $(seq 1 "$rounds"); do
  sku="FRESH-$seller-$r"
  id=$(json_post -H "Authorization: Bearer $user" --data-binary \
    "{\"title\":\"Fresh $r\",\"category\":\"food\",\"variants\":[{\"sku\":\"$sku\",\"price\":1000,\"stock\":5}]}" \
    "${urls[0]}/v1/sellers/$seller/products" | jq -r '.id')
  c -o /dev/null -X POST -H "Authorization: Bearer $user" "${urls[0]}/v1/products/$id/submit"
  c -o /dev/null -X POST -H "Authorization: Bearer $admin" "${urls[1]}/v1/admin/products/$id/approve"
  t0=$(now_ms)
  for u in "${urls[@]}"; do approvals+=("$(wait_for "$u" ".id == \"$id\"" "$t0")"); done
  json_post -o /dev/null -X PATCH -H "Authorization: Bearer $user" --data-binary '{"price":2000}' \
    "${urls[0]}/v1/products/$id/variants/$sku"
  t0=$(now_ms)
  for u in "${urls[@]}"; do prices+=("$(wait_for "$u" ".variants[0].price == 2000" "$t0")"); done
done
summary() {
  printf '%s\n' "${@:2}" | sort -n | awk -v what="$1" '{ v[NR] = $1 } END {
    printf "%s: %d polls, p50 %d ms, p90 %d ms, max %d ms\n", what, NR, v[int(NR * 0.5) + 1], v[int(NR * 0.9)], v[NR] }'
}
summary "approval -> listed (n1,n2,n3)" "${approvals[@]}"
summary "price change -> listed (n1,n2,n3)" "${prices[@]}"
