#!/usr/bin/env bash
# A private, throw-away PostgreSQL 15 cluster for the tests: initdb in a temp directory, listening on a free
# loopback port only, no durability settings (fsync off) because nothing in it outlives the run.
#
#   eval "$(.ci/postgres.sh start)"   # exports PORTAL_TEST_PG (connection string) and PORTAL_TEST_PG_DIR
#   .ci/postgres.sh stop "$PORTAL_TEST_PG_DIR"
#
# Runs the server as the `postgres` user when started as root (PostgreSQL refuses to run as root), else as the
# current user. Installs postgresql with apt when the binaries are missing.
set -euo pipefail

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && { echo "$dir"; return; }; done
  return 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bin root port
  if ! bin=$(pg_bin); then
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    bin=$(pg_bin)
  fi
  root=$(mktemp -d /tmp/portal-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$root"
  port=${PORTAL_TEST_PG_PORT:-55432}
  while ss -ltnH "sport = :$port" | grep -q .; do port=$((port + 1)); done
  as_owner "$bin/initdb" -D "$root/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1 ||
    { cat "$root/initdb.log" >&2; return 1; }
  # Every test factory gets a database of its own, and each keeps a small connection pool: allow plenty.
  as_owner "$bin/pg_ctl" -D "$root/data" -l "$root/log" -w -o "-c listen_addresses=127.0.0.1 -p $port -k $root \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c shared_buffers=64MB" start >&2 ||
    { cat "$root/log" >&2; return 1; }
  echo "export PORTAL_TEST_PG='Host=127.0.0.1;Port=$port;Username=postgres' PORTAL_TEST_PG_DIR='$root'"
}

stop() {
  local root=${1:?usage: postgres.sh stop DIR} bin
  bin=$(pg_bin) || return 0
  [ -d "$root/data" ] && as_owner "$bin/pg_ctl" -D "$root/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$root"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
