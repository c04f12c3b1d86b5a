#!/usr/bin/env bash
# npm test: every suite on the embedded SQLite store, then the suites that
# take their store from test/helpers/stores.ts again on PostgreSQL. A
# throwaway PostgreSQL server is started on a loopback port for the run
# (unless TIX_TEST_PG already names one) and removed afterwards.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -z "${TIX_TEST_PG:-}" ]; then
  cluster=$(mktemp -d -u "/tmp/tix-test-pg.XXXXXX")
  port=$((20000 + RANDOM % 20000))
  TIX_TEST_PG=$(scripts/pg-cluster.sh start "$cluster" "$port") || exit 2
  export TIX_TEST_PG
  trap 'scripts/pg-cluster.sh stop "$cluster"' EXIT
fi
mapfile -t files < <(find src test -name '*.test.ts' | sort)
mapfile -t on_both < <(grep -l -E 'freshStore\(|openApiWorld\(|openAccessMatrix\(|openWorld\(' "${files[@]}")
status=0
echo "# every suite, on the embedded store (SQLite)"
node --import tsx --test --test-reporter=spec "${files[@]}" || status=1
echo "# the store's suites again, on PostgreSQL (${#on_both[@]} files)"
TIX_TEST_STORE=postgres node --import tsx --test --test-reporter=spec "${on_both[@]}" || status=1
exit $status
