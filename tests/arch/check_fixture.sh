#!/usr/bin/env bash
# The check must catch each violation planted in the fixture tree, or it
# could be passing by checking nothing.
set -uo pipefail
here=$(dirname "$0")
out=$("$here/check_dependencies.sh" "$here/fixtures/violations")
status=$?
echo "$out"
[[ $status -ne 0 ]] || { echo "the check passed a tree with violations" >&2; exit 1; }
for expected in "kiosk/core/leaky.hpp:3" "kiosk/core/leaky.hpp:4" "ui/leaky_screen.hpp:3" "ui/leaky_screen.hpp:4"; do
  grep -q "$expected" <<<"$out" || { echo "violation $expected not reported" >&2; exit 1; }
done
echo "the check reports all 4 planted violations"
