#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on a loopback port, its URL in TIX_BENCH_PG (for
# the benchmarks), unless TIX_BENCH_PG already names one:  scripts/with-postgres.sh node bench/x.js
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -z "${TIX_BENCH_PG:-}" ]; then
  cluster=$(mktemp -d -u "/tmp/tix-bench-pg.XXXXXX")
  port=$((20000 + RANDOM % 20000))
  # a cache as a server of a 10M-value store would be given (a quarter of a small machine's memory), and
  # room for a bulk load's WAL between checkpoints, as PostgreSQL's guide to populating a database advises
  TIX_BENCH_PG=$(TIX_PG_SHARED_BUFFERS=${TIX_PG_SHARED_BUFFERS:-2GB} TIX_PG_MAX_WAL_SIZE=${TIX_PG_MAX_WAL_SIZE:-8GB} scripts/pg-cluster.sh start "$cluster" "$port") || exit 2
  export TIX_BENCH_PG
  trap 'scripts/pg-cluster.sh stop "$cluster"' EXIT
fi
"$@"
