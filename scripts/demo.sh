#!/usr/bin/env bash
# Runs the kiosk as a resident would meet it: 1920x1080, simulated printer
# writing PDFs to var/receipts, outbox in var/data. Where there is no
# display, the kiosk runs in Xvfb, first plays a guided tour (screenshots in
# var/demo), then stays up for you to look at with any X client.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
kiosk=("$build/kiosk/main/kiosk" --data var/data --printer pdf:var/receipts)
mkdir -p var/receipts var/data var/demo

if [[ -z "${DISPLAY:-}" ]]; then
  display=:${GUICHET_DISPLAY:-99}
  echo "demo: no display, starting Xvfb on $display (1920x1080)"
  Xvfb "$display" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb=$!
  trap 'kill $xvfb 2>/dev/null || true' EXIT
  export DISPLAY=$display
  for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
  echo "demo: guided tour (tests/ui/scenarios/happy_path.scn), screenshots in var/demo/"
  "${kiosk[@]}" --scenario tests/ui/scenarios/happy_path.scn --screenshots var/demo
  echo "demo: the identity from the ID card (tests/ui/scenarios/card_listes.scn), screenshots in var/demo/card/"
  "${kiosk[@]}" --scenario tests/ui/scenarios/card_listes.scn --screenshots var/demo/card
  echo "demo: receipts printed so far:"; ls -1 var/receipts
fi
echo "demo: kiosk running on $DISPLAY; close the window or press Ctrl-C to stop"
# Not exec: the trap must stop Xvfb after the kiosk has closed its window.
"${kiosk[@]}"
