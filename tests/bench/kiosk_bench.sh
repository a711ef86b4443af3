#!/usr/bin/env bash
# Prints the kiosk's figures (docs/benchmarks.md): the démarche engine, the
# identity card read, the receipt, the hub, launch to first frame, peak RSS,
# idle CPU, mean frame time; then the same screen in Chromium beside the
# kiosk (docs/performance.md). Under Xvfb where there is no display.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"; [[ -n "${xvfb:-}" ]] && kill $xvfb 2>/dev/null || true' EXIT
if [[ -z "${DISPLAY:-}" ]]; then
  Xvfb :98 -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb=$!
  export DISPLAY=:98
  for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
fi
"$build/tests/bench/catalogue_bench" "$PWD"
"$build/tests/bench/card_bench" "$PWD"
"$build/tests/bench/print_bench" "$PWD"
# The hub: ingest, one kiosk's backlog, a fleet's heartbeats (20 s windows
# here; the bench's default is the full minute).
"$build/tests/bench/hub_bench" "$build/sync/hub/kiosk-hub" "$PWD" --heartbeat-seconds 20
"$build/tests/bench/help_bench"
"$build/tests/bench/kiosk_bench" "$build/kiosk/main/kiosk" tests/bench/scenarios "$work"
# The same screen in Debian's Chromium in kiosk mode, beside the kiosk
# (docs/performance.md); about 2.5 minutes.
"$build/tests/bench/chromium_bench" "$build/kiosk/main/kiosk" /usr/bin/chromium tests/bench/home/index.html "$work/chromium"
