#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a loopback port, for tests and benchmarks:
#   scripts/pg-cluster.sh start DIR PORT   (prints the connection URL)
#   scripts/pg-cluster.sh stop DIR
# Runs the server as the calling user, or as `postgres` when called as root
# (initdb refuses to run as root). fsync is off: the data is thrown away. TIX_PG_SHARED_BUFFERS sets
# the server's cache (default 128MB, PostgreSQL's own default), TIX_PG_MAX_WAL_SIZE the WAL written between
# checkpoints (default 1GB, PostgreSQL's own).
set -euo pipefail
action=${1:?start|stop}
dir=${2:?data directory}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  echo "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)" >&2
  exit 3
fi
as_owner() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi
}
case "$action" in
  start)
    port=${3:?port}
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    as_owner "'$bin/initdb' -D '$dir' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
    as_owner "'$bin/pg_ctl' -D '$dir' -l '$dir/server.log' -o \"-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=${TIX_PG_SHARED_BUFFERS:-128MB} -c max_wal_size=${TIX_PG_MAX_WAL_SIZE:-1GB}\" -w start" >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_owner "'$bin/pg_ctl' -D '$dir' -m fast stop" >/dev/null || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
