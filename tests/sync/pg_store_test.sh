#!/usr/bin/env bash
# The hub's store tests on PostgreSQL: a private server (tests/lib/pg-stack.sh)
# started in WORKDIR/stack for the run, then HUB_TESTS --gtest_filter='Postgres/*'
# with PG_STACK_URL and PG_STACK_DIR exported (one test stops and starts the
# server), and the server stopped whatever happens. Fails unless at least one
# test passed and none was skipped: here a skip would mean the server was not
# reached, never a pass. The output is kept in WORKDIR/hub_tests.log.
# Usage: pg_store_test.sh HUB_TESTS WORKDIR
set -euo pipefail
[[ $# -eq 2 ]] || { sed -n '2,8p' "$0" | sed 's/^# //' >&2; exit 2; }
hub_tests=$(realpath -- "$1")
work=$(realpath -m -- "$2")
stack=$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)/pg-stack.sh
dir=$work/stack

elapsed() {  # elapsed T0 (an $EPOCHREALTIME): "1.23s"
    local now=$EPOCHREALTIME us
    us=$((10#${now//[.,]/} - 10#${1//[.,]/}))
    printf '%d.%02ds' $((us / 1000000)) $((us % 1000000 / 10000))
}

# A server left by a run that was killed (a trap does not run on SIGKILL)
# is ended first; then a fresh cluster (pg-stack.sh copies a cached initdb).
"$stack" stop "$dir"
rm -rf "$dir"
mkdir -p "$work"
trap '"$stack" stop "$dir"' EXIT
trap 'exit 1' INT TERM HUP    # so that the EXIT trap runs on ctest's timeout too

t0=$EPOCHREALTIME
"$stack" start "$dir" >/dev/null
echo "pg_store_test: server started in $(elapsed "$t0")"

# The caller's PG* variables (PGPORT, PGOPTIONS ...) would reach libpq in
# the tests, and PGPORT would override the URL's (default) port.
for v in $(compgen -e); do
    if [[ $v == PG* && $v != PG_STACK_* ]]; then unset "$v"; fi
done
# shellcheck source=/dev/null
source "$dir/env"    # PG_STACK_URL, PG_STACK_DIR, ... (exported)

t1=$EPOCHREALTIME
set +e
"$hub_tests" --gtest_filter='Postgres/*' --gtest_color=no 2>&1 | tee "$work/hub_tests.log"
status=${PIPESTATUS[0]}
set -e
echo "pg_store_test: tests ran in $(elapsed "$t1")"

passed=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) tests\{0,1\}\..*/\1/p' "$work/hub_tests.log")
if ((status != 0)); then
    echo "pg_store_test: hub_tests failed (exit $status); the server's log: $dir/log/postgres.log" >&2
    exit 1
fi
if [[ -z $passed || $passed -eq 0 ]]; then
    echo "pg_store_test: no Postgres test passed (none ran, or all were skipped)" >&2
    exit 1
fi
if grep -q '^\[  SKIPPED \]' "$work/hub_tests.log"; then
    echo "pg_store_test: some Postgres tests were skipped (listed above): the server was not reached" >&2
    exit 1
fi
echo "pg_store_test: $passed Postgres tests passed; total $(elapsed "$t0")"
