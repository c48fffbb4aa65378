#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on a loopback port:
#   Tests/postgres.sh start   initdb and start it; prints its URL
#   Tests/postgres.sh stop    stop it and remove it
# As root, the server runs as the 'postgres' user that Debian's package makes.
set -euo pipefail
dir="${TMPDIR:-/tmp}/policyscore-test-postgres"
port="${POLICYSCORE_TEST_POSTGRES_PORT:-54329}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-}" in
  start)
    [ -n "$bin" ] && [ -x "$bin/initdb" ] || { echo "no PostgreSQL server installed" >&2; exit 1; }
    "$0" stop
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U policyscore --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >/dev/null
    echo "postgres://policyscore@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    # The cluster is this script's own folder.
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 64 ;;
esac
