#!/usr/bin/env bash
# The alternative design for listing and search, measured on the same catalog: PostgreSQL
# full-text search (GIN over a 'simple' tsvector, btree for newest-first), queried with pgbench.
# These figures are the SQL alone (no HTTP edge, no rendering), so they bound a PostgreSQL-backed
# listing from below. See BENCHMARKS.md "Listing and search: design".
#
#   bench/pg_fts_compare.sh [node url, default http://127.0.0.1:8081]
#
# Needs a running cluster over the bench catalog (bench/run.sh list prepares one) and the private
# PostgreSQL of ./lakoo under var/pg. Copies the catalog out through GET /v1/products into the
# table bench_fts_products of database lakoo_bench (recreated each run).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(dirname "$here")
cd "$root"
url=${1:-http://127.0.0.1:8081}
sock=$root/var/pg/run
psql_bench() { psql -h "$sock" -p 5432 -U postgres -d lakoo_bench -v ON_ERROR_STOP=1 -q "$@"; }
pgbench_bin=$(ls /usr/lib/postgresql/*/bin/pgbench | tail -n 1)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "==> copying the catalog out of $url" >&2
cursor="" pages=0
: >"$out/rows.tsv"
while :; do
  page=$(curl --noproxy '*' -s --max-time 30 "$url/v1/products?limit=100${cursor:+&cursor=$cursor}")
  jq -r '.items[] | [.id, (.category | ascii_downcase), .seller_id, .created_at, .title, .description]
    | map(gsub("[\t\n\\\\]"; " ")) | @tsv' <<<"$page" >>"$out/rows.tsv"
  cursor=$(jq -r '.next_cursor // empty' <<<"$page")
  pages=$((pages + 1))
  [ -n "$cursor" ] || break
done
echo "==> $(wc -l <"$out/rows.tsv") products in $pages pages; building the table and indexes" >&2
psql_bench <<SQL
DROP TABLE IF EXISTS bench_fts_products;
CREATE TABLE bench_fts_products (id text PRIMARY KEY, category text, seller_id text,
  created_at timestamptz, title text, description text, doc tsvector);
\copy bench_fts_products (id, category, seller_id, created_at, title, description) FROM '$out/rows.tsv'
UPDATE bench_fts_products SET doc = to_tsvector('simple', title || ' ' || description);
CREATE INDEX ON bench_fts_products USING gin (doc);
CREATE INDEX ON bench_fts_products (created_at DESC, id DESC);
CREATE INDEX ON bench_fts_products (category, created_at DESC, id DESC);
VACUUM ANALYZE bench_fts_products;
SQL

cat >"$out/list.sql" <<'SQL'
\set c random(1, 4)
SELECT id, title FROM bench_fts_products
 WHERE category = (ARRAY['fashion','beauty','home','food'])[:c]
 ORDER BY created_at DESC, id DESC LIMIT 21;
SQL
cat >"$out/search.sql" <<'SQL'
\set a random(1, 6)
\set b random(1, 6)
SELECT id, title FROM bench_fts_products
 WHERE doc @@ plainto_tsquery('simple', (ARRAY['kaos','batik','tas','serum','kopi','sambal'])[:a]
   || ' ' || (ARRAY['hitam','polos','premium','lokal','bali','motif'])[:b])
 ORDER BY ts_rank(doc, plainto_tsquery('simple', (ARRAY['kaos','batik','tas','serum','kopi','sambal'])[:a]
   || ' ' || (ARRAY['hitam','polos','premium','lokal','bali','motif'])[:b])) DESC,
   created_at DESC, id DESC LIMIT 21;
SQL
for s in list search; do
  echo "==> pgbench $s: 64 clients, 10 s" >&2
  (cd "$out" && "$pgbench_bin" -h "$sock" -p 5432 -U postgres -n -c 64 -j 2 -T 10 -l \
    --log-prefix="$s" -f "$s.sql" lakoo_bench 2>&1) | grep -E "^tps" | sed "s/^/$s: /"
  cat "$out/$s".[0-9]* | awk '{ print $3 }' | sort -n | awk -v s="$s" '
    { v[NR] = $1 } END { printf "%s: p50 %.2f ms, p99 %.2f ms (%d queries)\n", s,
      v[int(NR * 0.5)] / 1000, v[int(NR * 0.99)] / 1000, NR }'
done
