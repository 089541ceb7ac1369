#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests (see ../shared/STACK.md).
#   scripts/pg-cluster.sh start DIR [PORT]   initialise and start; prints the database URL on stdout
#   scripts/pg-cluster.sh stop DIR           stop the cluster in DIR (only ever one this script started)
# initdb and postgres refuse to run as root, so as root they run as the "postgres" account.
set -euo pipefail

cmd=${1:?start|stop}
dir=${2:?directory}
port=${3:-55432}

pgbin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$d" ]; then
    d=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
  fi
  [ -x "$d/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install -y postgresql)" >&2; exit 1; }
  echo "$d"
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    bin=$(pgbin)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    psql -h 127.0.0.1 -p "$port" -U postgres -qAtc "create database opennrm_test" >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/opennrm_test"
    ;;
  stop)
    bin=$(pgbin)
    [ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
