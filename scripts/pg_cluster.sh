#!/usr/bin/env bash
# A private PostgreSQL 15 cluster in a folder of ours, reachable only over a Unix socket.
#   pg_cluster.sh start <dir> [--fresh]
#                               initdb if needed, start, create database "lakoo"; prints the DSN.
#                               --fresh drops "lakoo" first (the test fixture: every run starts
#                               from an empty database, never from what earlier runs left)
#   pg_cluster.sh stop <dir>    fast shutdown
#   pg_cluster.sh dsn <dir>     prints the DSN
# Runs the server as the `postgres` system user when started as root (initdb refuses root).
set -euo pipefail

cmd=${1:?usage: pg_cluster.sh start|stop|dsn <dir> [--fresh]}
dir=${2:?usage: pg_cluster.sh start|stop|dsn <dir> [--fresh]}
fresh=0
case ${3:-} in
  "") ;;
  --fresh) fresh=1 ;;
  *) echo "pg_cluster.sh: unknown option ${3}" >&2; exit 2 ;;
esac
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"
sock="$dir/run"
log="$dir/postgres.log"

pgbin=""
for candidate in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/15/bin; do
  if [ -n "$candidate" ] && [ -x "$candidate/initdb" ]; then pgbin=$candidate; break; fi
done
[ -n "$pgbin" ] || { echo "pg_cluster.sh: PostgreSQL 15 server binaries not found" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
dsn() { echo "host=$sock port=5432 dbname=lakoo user=postgres"; }

case "$cmd" in
  start)
    mkdir -p "$sock"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir" "$sock"; fi
    if [ ! -s "$data/PG_VERSION" ]; then
      mkdir -p "$data"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
      chmod 700 "$data"
      as_owner "$pgbin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
      cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
port = 5432
fsync = on
synchronous_commit = on
max_connections = 200
shared_buffers = 256MB
CONF
    fi
    if ! as_owner "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      touch "$log"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$log"
      as_owner "$pgbin/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null \
        || { tail -20 "$log" >&2; exit 1; }
    fi
    for _ in $(seq 1 100); do
      "$pgbin/pg_isready" -h "$sock" -p 5432 -q && break
      sleep 0.1
    done
    if [ "$fresh" = 1 ]; then
      psql -h "$sock" -p 5432 -U postgres -d postgres -qc "drop database if exists lakoo with (force)" >/dev/null
    fi
    if ! psql -h "$sock" -p 5432 -U postgres -d postgres -tAc "select 1 from pg_database where datname='lakoo'" | grep -q 1; then
      psql -h "$sock" -p 5432 -U postgres -d postgres -qc "create database lakoo" >/dev/null
    fi
    dsn
    ;;
  stop)
    if [ -s "$data/PG_VERSION" ] && as_owner "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$pgbin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
    fi
    ;;
  dsn) dsn ;;
  *) echo "usage: pg_cluster.sh start|stop|dsn <dir>" >&2; exit 2 ;;
esac
