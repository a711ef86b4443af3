#!/usr/bin/env bash
# `make demo` as a new machine meets it, up to the end of its guided tour:
# scripts/demo.sh creates its hub and enrolls its kiosk (in a folder of
# this test, on a free port, in its own Xvfb), plays the two tours, and
# stops (GUICHET_DEMO_TOUR_ONLY). Then the tours' dossiers must be at the
# hub, and the visits' usage figures on its /usage page. The demo broke
# once without any test noticing: this is that test.
# Usage: demo_tour.sh BUILD_DIR WORKDIR
set -euo pipefail
build=$(cd "$1" && pwd) work=$2
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work"
mkdir -p "$work"
var=$work/var
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
display=""
for n in $(seq 150 199); do
  [[ -e /tmp/.X11-unix/X$n || -e /tmp/.X$n-lock ]] || { display=$n; break; }
done
[[ -n $display ]] || { echo "FAIL: no free X display number"; exit 1; }
fail() { echo "FAIL: $*"; exit 1; }

env -u DISPLAY GUICHET_DEMO_VAR="$var" GUICHET_HUB_PORT="$port" GUICHET_DISPLAY="$display" GUICHET_DEMO_TOUR_ONLY=1 \
  "$source_dir/scripts/demo.sh" "$build" >"$work/demo.log" 2>&1 \
  || { tail -40 "$work/demo.log"; fail "scripts/demo.sh failed (log: $work/demo.log)"; }
grep -q "demo: the tour is over" "$work/demo.log" || fail "the tour did not end: $(tail -5 "$work/demo.log")"
for shot in demo/01-attract.png demo/09-feedback-why.png demo/card/06-review.png; do
  [[ -s $var/$shot ]] || fail "the tour left no $shot"
done
echo "check: the tour ran to its end, screenshots in $var/demo"

hub=$build/sync/hub/kiosk-hub
export KIOSK_HUB_DATA=$var/hub
count=$("$hub" dossiers --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
[[ $count == 2 ]] || fail "the hub holds $count dossiers, not the tours' 2"
echo "check: both tours' dossiers reached the demo's hub"

# The last kiosk's events leave with a push, as they would within a minute.
"$hub" serve --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
serve=$!
trap 'kill $serve 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -s -o /dev/null --cacert "$var/hub/tls/ca.pem" "https://localhost:$port/metrics" && break
  sleep 0.1
done
push=$("$build/provisioning/kioskctl" sync push --data "$var/data" --timeout 30 --json)
[[ $(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["usage_left"])' "$push") == 0 ]] \
  || fail "usage events stayed on the kiosk: $push"
curl -sS --cacert "$var/hub/tls/ca.pem" -u "admin:$("$hub" admin-token)" "https://localhost:$port/usage" >"$work/usage.html"
for said in "Signaler un problème sur la voie publique" "Inscription sur les listes électorales" "C&#39;était facile" \
  "agent venu à la borne"; do
  grep -qF -- "$said" "$work/usage.html" || fail "the usage page does not say \"$said\" ($work/usage.html)"
done
echo "check: the tours' visits on the hub's usage page ($work/usage.html)"
echo "PASS: make demo's tour"
