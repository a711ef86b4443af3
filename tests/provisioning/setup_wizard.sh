#!/usr/bin/env bash
# The first-boot wizard end to end: a kiosk with no identity, the real hub
# on loopback (kiosk-hub serve, its development CA given as the image would:
# --hub-ca), and a technician played by a scenario on the touchscreen
# (written here, since the hub's port and its one-time code are drawn now).
# The hub's address is typed on the on-screen keyboard, a wrong code is
# refused with the technician's sentence, the right one enrolls, the
# self-test shows every check's result, and "Ouvrir la borne aux habitants"
# ends it. Then the kiosk, started again, serves residents, and the hub
# knows it. Later, a technician of the site (kiosk-hub agent add
# --technician) reopens the technician screens with a 5-second press on the
# welcome screen's top left corner and their PIN; a desk agent's PIN does
# not open them. Screenshots in WORKDIR/screenshots.
# Usage: setup_wizard.sh KIOSK KIOSK_HUB KIOSKCTL WORKDIR
set -euo pipefail
source "$(dirname "$0")/../lib/hub.sh"
kiosk=$1 hub=$2 kioskctl=$3 work=$4
rm -rf "$work"
mkdir -p "$work/hub" "$work/screenshots"
work=$(cd "$work" && pwd)
export KIOSK_HUB_DATA=$work/hub
fail() { echo "FAIL: $*" >&2; exit 1; }
check() { echo "check: $*"; }
hub_pid=""
trap '[[ -n $hub_pid ]] && kill "$hub_pid" 2>/dev/null; wait 2>/dev/null || true' EXIT

"$hub" init >/dev/null
"$hub" dev-ca --out "$work/hub/tls" >/dev/null
"$hub" site add essai "Maison France Services d'Essai" >/dev/null
start_hub "$hub" "$work"
port=$hub_port
code=$("$hub" enroll-code --site essai 2>/dev/null)
[[ -n $code ]] || fail "no enrollment code"

# The technician's hands.
cat >"$work/setup.scn" <<SCENARIO
expect-screen setup
expect "Bienvenue. Mettons cette borne en service."
expect "Commencer" within 10s
screenshot 01-network
tap "Commencer"
expect "L'adresse du hub"
tap "Continuer"
expect "Tapez l'adresse du hub, par exemple https://hub.mairie.fr."
type "localhost:$port"
screenshot 02-hub-address
tap "Continuer"
expect "Le code d'enrôlement"
type "ZZZZZZZZZZZZ"
tap "Enrôler la borne"
expect "Ce code d'enrôlement est inconnu du hub : vérifiez-le, ou demandez-en un nouveau." within 30s
screenshot 03-code-refused
type "⌫⌫⌫⌫⌫⌫⌫⌫⌫⌫⌫⌫"
type "${code//-/}"
tap "Enrôler la borne"
expect "Les appareils de la borne" within 30s
expect "Relancer les tests" within 60s
expect "Le hub https://localhost:$port répond et accepte la borne."
expect "L'imprimante est simulée"
screenshot 04-checks
tap "Continuer"
expect "La borne est prête"
screenshot 05-done
tap "Ouvrir la borne aux habitants"
SCENARIO
"$kiosk" --headless --scenario "$work/setup.scn" --screenshots "$work/screenshots" --data "$work/data" \
  --hub-ca "$work/hub/tls/ca.pem" --printer "pdf:$work/receipts" --card sim --speech none \
  >"$work/kiosk.out" 2>"$work/kiosk.log" || fail "the wizard's scenario failed: $(tail -20 "$work/kiosk.log")"
grep -q "setup: enrollment failed" "$work/kiosk.log" || fail "the wrong code was not logged as refused"
grep -q "setup: done: the kiosk starts in service" "$work/kiosk.log" || fail "the wizard did not end"
if grep -qF "$code" "$work/kiosk.log" || grep -qF "${code//-/}" "$work/kiosk.log"; then
  fail "the enrollment code is in the kiosk's log"
fi
check "the wizard: address typed, a wrong code refused, the right one enrolled, the self-test shown, done"

[[ -f $work/data/identity.json && -f $work/data/hub-ca.pem ]] || fail "no identity or CA kept"
[[ $(stat -c %a "$work/data/identity.json") == 600 ]] || fail "identity.json is readable by others"
"$kioskctl" status --json --data "$work/data" >"$work/status.json" || fail "status after the wizard: $(cat "$work/status.json")"
kiosk_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kiosk_id"])' "$work/status.json")
token=$("$hub" admin-token)
curl -sS --cacert "$work/hub/tls/ca.pem" -H "Authorization: Bearer $token" "https://localhost:$port/admin/v1/kiosks" \
  | grep -q "$kiosk_id" || fail "the hub does not list $kiosk_id"
check "enrolled as $kiosk_id: identity 0600 and the hub's CA kept, the hub lists the kiosk"

# Started again, the kiosk serves residents.
cat >"$work/serve.scn" <<'SCENARIO'
expect-screen attract
tap "Touchez l'écran pour commencer"
expect "Que voulez-vous faire ?"
expect-not "Cette borne ne peut pas enregistrer de démarche pour le moment."
screenshot 06-home-after-setup
SCENARIO
"$kiosk" --headless --scenario "$work/serve.scn" --screenshots "$work/screenshots" --data "$work/data" \
  --printer "pdf:$work/receipts" --card sim --speech none >>"$work/kiosk.out" 2>"$work/kiosk2.log" \
  || fail "the kiosk does not serve after the wizard: $(tail -20 "$work/kiosk2.log")"
check "started again, the kiosk opens on its attract screen and offers démarches"

# The site's technician, and a desk agent, for the technician screens below.
echo 97531 | "$hub" agent add tech.nord --site essai --name "Technicien Nord" --technician --pin-stdin >/dev/null
echo 2468 | "$hub" agent add lea.martin --site essai --name "Léa Martin" --pin-stdin >/dev/null

# The end that scenarios cannot show: after "Ouvrir la borne aux habitants"
# the kiosk starts itself again (re-exec), enrolled, under the same name.
# A second kiosk in a window of its own X server (Xvfb), driven as a
# technician with a keyboard and a mouse would (xdotool): Enter through the
# stages, the code typed, a click on the last button.
code=$("$hub" enroll-code --site essai 2>/dev/null)
exec {display_fd}<> <(:)
Xvfb -displayfd "$display_fd" -screen 0 1920x1080x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
trap '[[ -n $hub_pid ]] && kill "$hub_pid" 2>/dev/null; kill "$xvfb_pid" ${kiosk_pid:-} 2>/dev/null; wait 2>/dev/null || true' EXIT
display=""
for _ in $(seq 100); do read -r -t 0.1 display <&"$display_fd" && break; done
[[ -n $display ]] || fail "Xvfb did not start: $(cat "$work/xvfb.log")"
export DISPLAY=:$display
"$kiosk" --data "$work/data2" --hub-ca "$work/hub/tls/ca.pem" --hub-url "https://localhost:$port" \
  --printer "pdf:$work/receipts2" --card sim --speech none --renderer software >"$work/kiosk3.out" 2>"$work/kiosk3.log" &
kiosk_pid=$!
wait_log() { # wait_log PATTERN COUNT: the kiosk's log holds PATTERN COUNT times
  for _ in $(seq 300); do
    [[ $(grep -c -- "$1" "$work/kiosk3.log") -ge $2 ]] && return 0
    sleep 0.1
  done
  fail "the kiosk never logged '$1' $2 time(s): $(tail -5 "$work/kiosk3.log")"
}
wait_log "setup: network" 1
xdotool key Return && sleep 0.3 && xdotool key Return && sleep 0.3
xdotool type --delay 20 "${code//-/}" && xdotool key Return
wait_log "setup: self-test clock" 1
xdotool key Return && sleep 0.5
xdotool mousemove 960 785 click 1 # "Ouvrir la borne aux habitants"
wait_log "kiosk: ready" 2
grep -q "enrolled: starting again in service" "$work/kiosk3.log" || fail "no restart logged"
kill -0 "$kiosk_pid" 2>/dev/null || fail "the kiosk did not survive its restart: $(tail -5 "$work/kiosk3.log")"
[[ $(cat "/proc/$kiosk_pid/comm") == kiosk ]] || fail "the restarted kiosk is named $(cat "/proc/$kiosk_pid/comm")"
grep -q "sync: kiosk k-" "$work/kiosk3.log" || fail "the restarted kiosk did not find its identity"
check "the real end: the kiosk started itself again (same pid, same name), enrolled, and is ready"

# The technician's hidden entry, with a mouse held down as a finger would
# be (real SDL events, real time): 5.5 s on the top left corner of the
# welcome screen, then the PIN on the pad, then "Fermer".
wait_log "1 desk agent(s) and 1 technician(s) from the hub" 1
pad_key() { # pad_key DIGIT|ok: a click on the PIN pad's key
  local i
  case $1 in ok) i=11 ;; 0) i=10 ;; *) i=$(($1 - 1)) ;; esac
  xdotool mousemove $((640 + (i % 3) * 220 + 100)) $((420 + (i / 3) * 130 + 55)) click 1
  sleep 0.2
}
sleep 0.5
xdotool mousemove 40 40 mousedown 1 && sleep 5.5 && xdotool mouseup 1
wait_log "the technician's PIN pad opens" 1
for key in 9 7 5 3 1 ok; do pad_key "$key"; done
wait_log "technician screens opened by tech.nord" 1
wait_log "setup: network" 2
sleep 1 # past the touch guard of a screen that just opened
xdotool mousemove 1782 75 click 1 # "Fermer", at the top right
wait_log "technician screens closed: closed by the technician" 1
kill -0 "$kiosk_pid" 2>/dev/null || fail "the kiosk died in the technician screens: $(tail -5 "$work/kiosk3.log")"
if grep -q "97531" "$work/kiosk3.log"; then fail "the technician's PIN is in the kiosk's log"; fi
check "the technician's entry: a 5.5 s press on the corner, the PIN on the pad, the technician screens, closed"
kill "$kiosk_pid" && wait "$kiosk_pid" 2>/dev/null || true
kiosk_pid=""

# The same, seen: a scenario on the kiosk's data, with the list of agents
# it kept. A short press opens nothing (and its release starts a visit, as
# any touch); a desk agent's PIN is refused; the technician's opens the
# screens, whose self-test runs; "Fermer" goes back to the welcome screen.
[[ -f $work/data2/agents.json ]] || fail "the kiosk did not keep the site's agents"
cat >"$work/technician.scn" <<'SCENARIO'
expect-screen attract
hold-corner 2s
expect-not "Accès technicien"
expect-screen home
wait 3min
expect-screen attract
hold-corner 5s
expect "Accès technicien"
expect "Tapez votre code de technicien."
tap #agent:key:2
tap #agent:key:4
tap #agent:key:6
tap #agent:key:8
tap "Valider"
expect "Code faux. Encore 4 essais." within 10s
tap #agent:key:9
tap #agent:key:7
tap #agent:key:5
tap #agent:key:3
tap #agent:key:1
screenshot 07-technician-pin
tap "Valider"
expect "Bonjour Technicien Nord." within 10s
expect "Maintenance de la borne"
expect "Dossiers en attente"
expect "Vérifier à nouveau" within 10s
expect "Guichet 0.1.0"
screenshot 08-technician-overview
tap "Tester les appareils"
expect "Les appareils de la borne"
expect "enrôlée pour « Maison France Services d'Essai »."
expect "Relancer les tests" within 60s
expect "L'imprimante est simulée"
screenshot 09-technician-checks
tap "Retour"
expect "Bonjour Technicien Nord."
tap "Fermer"
expect-screen attract
SCENARIO
"$kiosk" --headless --scenario "$work/technician.scn" --screenshots "$work/screenshots" --data "$work/data2" \
  --printer "pdf:$work/receipts2" --card sim --speech none >>"$work/kiosk.out" 2>"$work/kiosk4.log" \
  || fail "the technician's scenario failed: $(tail -20 "$work/kiosk4.log")"
grep -q "technician screens opened by tech.nord" "$work/kiosk4.log" || fail "the technician's entry was not logged"
check "the technician screens: a short press opens nothing, a desk agent's PIN is refused, the technician's opens them"
