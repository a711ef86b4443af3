#!/usr/bin/env bash
# Runs the kiosk as a resident would meet it: 1920x1080, simulated printer
# writing PDFs to var/receipts, outbox in var/data, and a local hub
# (kiosk-hub on https://localhost:8443, data in var/hub, a development CA)
# to which the kiosk is enrolled, so that the whole loop shows: a confirmed
# dossier leaves the kiosk sealed, reaches the hub, and its status can be
# followed. Where there is no display, the kiosk runs in Xvfb, first plays
# a guided tour (screenshots in var/demo), then stays up for you to look at
# with any X client.
#
# GUICHET_DEMO_VAR=DIR keeps the demo's state there instead of var/;
# GUICHET_DEMO_TOUR_ONLY=1 stops after the tour (tests/demo_test.sh runs it
# so, to keep `make demo` working).
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
build=$(cd "$build" && pwd)
hub_bin=$build/sync/hub/kiosk-hub
kioskctl=$build/provisioning/kioskctl
port=${GUICHET_HUB_PORT:-8443}
var=${GUICHET_DEMO_VAR:-var}
export KIOSK_HUB_DATA="$var/hub"
kiosk=("$build/kiosk/main/kiosk" --data "$var/data" --printer "pdf:$var/receipts")
mkdir -p "$var/receipts" "$var/data" "$var/demo"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# 1. The hub: created once, then reused (its keys are what the kiosk trusts).
if [[ ! -f "$var/hub/hub-keys.json" ]]; then
  echo "demo: creating a local hub in $var/hub (keys, development CA, a site, the catalogue)"
  "$hub_bin" init >/dev/null
  "$hub_bin" dev-ca --out "$var/hub/tls" >/dev/null
  "$hub_bin" site add demo "Maison France Services de démonstration" >/dev/null
  "$hub_bin" site slots demo kiosk/data/creneaux.json >/dev/null
  "$hub_bin" catalogue publish kiosk/catalogue >/dev/null
fi
# A desk agent of the site, PIN 2468, for agent mode (the card tour below
# opens it: « Aide », « Un agent de l'accueil »).
if ! "$hub_bin" agent list 2>/dev/null | grep -q lea.moreau; then
  echo 2468 | "$hub_bin" agent add lea.moreau --site demo --name "Léa Moreau, agent d'accueil" --pin-stdin >/dev/null
fi
# A technician of the site, PIN 97531, for the technician screens (a
# 5-second press on the welcome screen's top left corner).
if ! "$hub_bin" agent list 2>/dev/null | grep -q tech.demo; then
  echo 97531 | "$hub_bin" agent add tech.demo --site demo --name "Technicien de démonstration" --technician \
    --pin-stdin >/dev/null
fi
# A mediator for the console (/console), its password drawn once and kept
# beside the hub's data for the demo to show.
if [[ ! -f "$var/hub/demo-mediator-password" ]]; then
  (umask 077; "$hub_bin" mediator add camille --name "Camille, médiatrice" 2>/dev/null >"$var/hub/demo-mediator-password")
fi
"$hub_bin" serve --listen "127.0.0.1:$port" --time-zone Europe/Paris >"$var/hub/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  curl -s -o /dev/null --cacert "$var/hub/tls/ca.pem" "https://localhost:$port/metrics" && break
  sleep 0.1
done
curl -s -o /dev/null --cacert "$var/hub/tls/ca.pem" "https://localhost:$port/metrics" \
  || { echo "demo: the hub did not start (port $port taken? set GUICHET_HUB_PORT); see $var/hub/serve.log" >&2; exit 1; }

# 2. The kiosk: enrolled once, with a one-time code, as a technician would.
if [[ ! -f "$var/data/identity.json" ]]; then
  code=$("$hub_bin" enroll-code --site demo 2>/dev/null)
  echo "demo: enrolling the kiosk with the hub (code $code)"
  "$kioskctl" enroll --hub "https://localhost:$port" --code "$code" --ca "$var/hub/tls/ca.pem" --data "$var/data"
fi
token=$("$hub_bin" admin-token)
echo "demo: the hub's fleet page: https://localhost:$port/fleet (user admin, password $token;"
echo "      the CA to trust is $var/hub/tls/ca.pem); dossiers: $hub_bin dossiers"
echo "demo: the mediators' console: https://localhost:$port/console (login camille, password"
echo "      $(cat "$var/hub/demo-mediator-password")); press « Aide » on the kiosk, then « Un conseiller à distance »"
echo "demo: agent mode: « Aide », « Un agent de l'accueil », PIN 2468; the technician screens: press the"
echo "      welcome screen's top left corner 5 seconds, PIN 97531"

if [[ -z "${DISPLAY:-}" ]]; then
  display=:${GUICHET_DISPLAY:-99}
  echo "demo: no display, starting Xvfb on $display (1920x1080)"
  Xvfb "$display" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
  pids+=($!)
  export DISPLAY=$display
  for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
  echo "demo: guided tour (tests/ui/scenarios/happy_path.scn), screenshots in $var/demo/"
  "${kiosk[@]}" --scenario tests/ui/scenarios/happy_path.scn --screenshots "$var/demo"
  # The card tour ends in agent mode: the site's agents must have come from
  # the hub (the kiosk pulls them as it starts).
  for _ in $(seq 100); do [[ -s "$var/data/agents.json" ]] && break; sleep 0.1; done
  echo "demo: the identity from the ID card (tests/ui/scenarios/card_listes.scn), screenshots in $var/demo/card/"
  "${kiosk[@]}" --scenario tests/ui/scenarios/card_listes.scn --screenshots "$var/demo/card"
  echo "demo: receipts printed so far:"; ls -1 "$var/receipts"
  echo "demo: dossiers the hub holds:"; "$hub_bin" dossiers | tail -5
fi
if [[ -n ${GUICHET_DEMO_TOUR_ONLY:-} ]]; then
  echo "demo: the tour is over (GUICHET_DEMO_TOUR_ONLY)"
  exit 0
fi
echo "demo: kiosk running on $DISPLAY; close the window or press Ctrl-C to stop"
# Not exec: the trap must stop Xvfb and the hub after the kiosk has closed.
"${kiosk[@]}"
