#!/usr/bin/env bash
# kioskctl as a technician uses it at a kiosk, against real daemons: a hub on
# loopback (kiosk-hub serve), pcscd with vsmartcard's virtual reader
# (tests/card/card-stack.sh), a private cupsd with a cups-pdf queue
# (tests/print/cups-stack.sh), and the real kiosk driven by a scenario.
#   - --help on every command;
#   - config: values checked, layers (image, kiosk), a broken file refused,
#     and the kiosk itself taking a setting (the site's name on its receipt);
#   - selftest: each check passes on the real daemons and fails with the
#     technician's French sentence when its device is missing. The screen,
#     the touchscreen and the sound card are read from a prepared /sys and
#     /proc tree (--system-root): a CI machine has none of them;
#   - status, before and after enrollment;
#   - diag: the bundle holds what support needs and none of what the
#     resident typed, the tracking code, the enrollment code or the kiosk's
#     secret key (each searched for in every file of the bundle; the search
#     itself is shown to find them where they are: the receipt);
#   - factory-reset: refuses without a terminal or a confirmation, then
#     wipes the data and identity and keeps the software.
# Usage: technician_test.sh KIOSK KIOSKCTL KIOSK_HUB SOURCE_DIR WORKDIR
set -uo pipefail
source "$(dirname "$0")/../lib/hub.sh"
kiosk=$1 kioskctl=$2 hub=$3 source_dir=$4 work=$5
rm -rf "$work"
mkdir -p "$work/hub" "$work/receipts"
work=$(cd "$work" && pwd)
data=$work/data
export KIOSK_HUB_DATA=$work/hub
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
check() { echo "check: $*"; }
hub_pid=""
cleanup() {
  [[ -n $hub_pid ]] && kill "$hub_pid" 2>/dev/null
  "$source_dir/tests/card/card-stack.sh" stop "$work/card" >/dev/null 2>&1
  "$source_dir/tests/print/cups-stack.sh" stop "$work/cups" >/dev/null 2>&1
  wait 2>/dev/null
}
trap cleanup EXIT

# Runs kioskctl; leaves its exit status in $status, its output in $out and
# its errors in $err.
run() {
  "$kioskctl" "$@" >"$work/out" 2>"$work/err"
  status=$?
  out=$(cat "$work/out")
  err=$(cat "$work/err")
}
expect() { # expect STATUS WHAT: the last run's exit status
  [[ $status -eq $1 ]] || fail "$2: exit status $status, expected $1 (stdout: $out) (stderr: $err)"
}
json() { python3 -c "import json,sys; v=json.load(sys.stdin); print($1)"; }
selftest_field() { # selftest_field CHECK FIELD [kioskctl selftest arguments]
  local name=$1 field=$2
  shift 2
  run selftest "$name" --json --data "$data" --system-config "$work/system.json" "$@"
  echo "$out" | NAME=$name json "[c for c in v['checks'] if c['check'] == __import__('os').environ['NAME']][0]['$field']" 2>/dev/null
}

# --help everywhere.
for command in status config selftest diag factory-reset enroll sync printer card catalogue; do
  run "$command" --help
  [[ $status -eq 0 && $out == *Usage* ]] || fail "kioskctl $command --help: exit $status"
done
run selftest nothing
expect 2 "an unknown check"
check "--help on every command; an unknown check is a usage error"

# The daemons.
"$source_dir/tests/card/card-stack.sh" start "$work/card" >/dev/null 2>"$work/card.log" || { cat "$work/card.log"; exit 1; }
"$source_dir/tests/print/cups-stack.sh" start "$work/cups" >/dev/null 2>"$work/cups.log" || { cat "$work/cups.log"; exit 1; }
source "$work/card/env"
source "$work/cups/env"
"$hub" init >/dev/null
"$hub" dev-ca --out "$work/hub/tls" >/dev/null
"$hub" site add essai "Maison France Services d'Essai" >/dev/null
start_hub "$hub" "$work"
url=https://localhost:$hub_port

# Settings: the image's layer, then the kiosk's.
echo '{"printer": "cups:'"$CUPS_STACK_PDF_QUEUE"'", "speech": "none"}' >"$work/system.json"
run config set card "pcsc:$CARD_STACK_READER" --data "$data"
expect 0 "config set card"
run config set idle_end 2 --data "$data"
expect 1 "config set idle_end 2"
[[ $err == *"idle_end : un nombre de secondes, de 5 à 600."* ]] || fail "no sentence for a refused value: $err"
run config set volume 11 --data "$data"
expect 2 "config set of an unknown key"
run config get --json --data "$data" --system-config "$work/system.json"
expect 0 "config get"
[[ $(echo "$out" | json 'v["settings"]["printer"]["source"], v["settings"]["card"]["source"], v["settings"]["desk_letter"]["source"]') \
    == "system kiosk default" ]] || fail "config get sources: $out"
[[ $(python3 -c 'import json,sys; print(sorted(json.load(open(sys.argv[1]))))' "$data/config.json") == "['card']" ]] \
  || fail "config.json holds more than what was set: $(cat "$data/config.json")"
cp "$data/config.json" "$work/config.good"
echo '{"card": "nfc"' >"$data/config.json"
run config get --data "$data"
expect 1 "config get with a broken file"
run config set site X --data "$data"
expect 1 "config set over a broken file"
[[ $(cat "$data/config.json") == '{"card": "nfc"' ]] || fail "a broken config.json was overwritten"
# The kiosk runs on the other layers and says why.
"$kiosk" --headless --exit-after-first-frame --data "$data" --speech none >/dev/null 2>"$work/broken.log" \
  || fail "the kiosk does not start with a broken config.json: $(tail -3 "$work/broken.log")"
grep -q "config: config.malformed: $data/config.json: .*; the file is ignored" "$work/broken.log" \
  || fail "the kiosk does not say its config.json is ignored: $(grep config "$work/broken.log")"
cp "$work/config.good" "$data/config.json"
check "config: values checked with a sentence, sources told, a broken file neither used nor overwritten"

# Self-test on the real daemons, not enrolled yet.
[[ $(selftest_field reader status) == pass ]] || fail "reader on vpcd: $out"
[[ $(selftest_field reader message) == *"$CARD_STACK_READER"* ]] || fail "the reader's name is not said: $out"
[[ $(selftest_field printer status) == pass ]] || fail "printer on the cups-pdf queue: $out"
[[ $(selftest_field speech status) == skip ]] || fail "speech none is not skipped: $out"
[[ $(selftest_field hub message) == "La borne n'est pas enrôlée"* ]] || fail "hub, not enrolled: $out"
# With nothing there, each says what to do.
[[ $(PCSCLITE_CSOCK_NAME=$work/nowhere selftest_field reader message) == *"pcscd) ne répond pas"* ]] \
  || fail "reader without pcscd: $out"
run config set card pcsc --data "$data"
[[ $(selftest_field reader message) == "Aucun lecteur détecté : vérifiez le câble USB du lecteur de cartes." ]] \
  || fail "reader with only a virtual reader (never chosen unless named): $out"
run config set card "pcsc:ACS ACR39U" --data "$data"
[[ $(selftest_field reader message) == "Aucun lecteur ne correspond à « ACS ACR39U »"* ]] || fail "reader not matching: $out"
cp "$work/config.good" "$data/config.json"
[[ $(CUPS_SERVER=$work/nowhere.sock selftest_field printer message) == *"(cupsd) ne répond pas"* ]] \
  || fail "printer without cupsd: $out"
run config set printer cups:absente --data "$data"
[[ $(selftest_field printer message) == *"n'existe pas"* ]] || fail "printer, a queue that does not exist: $out"
run selftest printer --data "$data"
expect 1 "selftest with a failed check"
run config unset printer --data "$data"
check "selftest: reader and printer pass on pcscd+vpcd and cupsd, each fails with what to do"

# The screen, touchscreen and sound card from prepared trees (a CI machine
# has none of them): the same files as the kernel writes.
root=$work/root
mkdir -p "$root/sys/class/drm/card0-HDMI-A-1" "$root/sys/class/drm/card0-DP-1" "$root/proc/bus/input" "$root/proc/asound"
echo connected >"$root/sys/class/drm/card0-HDMI-A-1/status"
echo disconnected >"$root/sys/class/drm/card0-DP-1/status"
cat >"$root/proc/bus/input/devices" <<'DEVICES'
I: Bus=0003 Vendor=0eef Product=0001 Version=0111
N: Name="eGalax Inc. USB TouchController"
H: Handlers=mouse0 event3
B: PROP=2
B: EV=b
B: KEY=400 0 0 0 0 0
B: ABS=260800000000003

I: Bus=0011 Vendor=0001 Product=0001 Version=ab41
N: Name="AT Translated Set 2 keyboard"
H: Handlers=sysrq kbd event0
B: PROP=0
B: EV=120013

DEVICES
echo "00-00: ALC887-VD Analog : ALC887-VD Analog : playback 1 : capture 1" >"$root/proc/asound/pcm"
[[ $(selftest_field display message --system-root "$root") \
    == "Écran HDMI-A-1 et dalle tactile « eGalax Inc. USB TouchController » détectés." ]] || fail "display: $out"
sed -i 's/^B: PROP=2$/B: PROP=0/' "$root/proc/bus/input/devices"
[[ $(selftest_field display status --system-root "$root") == warn ]] || fail "a mouse is not a touchscreen: $out"
sed -i '/eGalax/,/^$/d' "$root/proc/bus/input/devices"
[[ $(selftest_field display message --system-root "$root") == *"aucune dalle tactile : vérifiez le câble USB"* ]] \
  || fail "display without a touchscreen: $out"
echo disconnected >"$root/sys/class/drm/card0-HDMI-A-1/status"
[[ $(selftest_field display message --system-root "$root") == "Aucun écran détecté"* ]] || fail "no screen: $out"
run config set speech sdl --data "$data"
[[ $(selftest_field speech status --system-root "$root") == pass ]] || fail "speech with a sound card: $out"
rm "$root/proc/asound/pcm"
[[ $(selftest_field speech message --system-root "$root") == "Aucune sortie son détectée"* ]] || fail "speech, no card: $out"
run config unset speech --data "$data"
check "selftest display and speech (prepared /sys and /proc trees): touchscreen, mouse, nothing; a sound card or none"

# Enrolled: status and the hub's checks.
run status --json --data "$data"
expect 1 "status, not enrolled"
[[ $(echo "$out" | json 'v["enrolled"]') == False ]] || fail "status says enrolled: $out"
code=$("$hub" enroll-code --site essai 2>/dev/null)
run enroll --hub "$url" --code "$code" --ca "$work/hub/tls/ca.pem" --data "$data"
expect 0 "enroll"
kiosk_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kiosk_id"])' "$data/identity.json")
secret=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["signing_secret_key"])' "$data/identity.json")
[[ $(selftest_field hub status) == pass && $(selftest_field clock status) == pass ]] || fail "hub and clock: $out"
run selftest --data "$data" --system-config "$work/system.json"
[[ $out == *"Lecteur de cartes  OK"*"Hub                OK"* ]] || fail "selftest's lines: $out"
check "enrolled as $kiosk_id: selftest hub and clock pass"

# The kiosk takes its settings: a site name set here is on its receipt.
run config set site "Mairie de Testville" --data "$data"
"$kiosk" --headless --scenario "$source_dir/tests/ui/scenarios/demarche_acte.scn" --data "$data" \
  --printer "pdf:$work/receipts" --card none --speech none --system-config "$work/system.json" \
  >"$work/kiosk.out" 2>"$work/kiosk.log"
[[ $? -eq 0 ]] || fail "the scenario failed: $(tail -5 "$work/kiosk.log")"
receipt=$(ls "$work/receipts"/*.pdf 2>/dev/null | head -1)
pdftotext -layout "$receipt" "$work/receipt.txt" 2>/dev/null
grep -q "Mairie de Testville" "$work/receipt.txt" || fail "the receipt does not carry the site set by kioskctl config"
tracking=$(grep -oE '[0-9A-Z]{4}-[0-9A-Z]{4}(-[0-9A-Z]{2,4})?' "$work/receipt.txt" | head -1)
[[ -n $tracking ]] || fail "no tracking code on the receipt"
check "the kiosk read its settings: « Mairie de Testville » on receipt $tracking"

run status --json --data "$data" --system-config "$work/system.json"
expect 0 "status, enrolled"
[[ $(echo "$out" | json 'v["kiosk_id"], v["site"]["id"], v["hub"]["status"], v["versions"]["guichet"] != ""') \
    == "$kiosk_id essai pass True" ]] || fail "status: $out"
[[ $(echo "$out" | json 'v["peripherals"]["reader"]["status"], v["peripherals"]["printer"]["status"]') \
    == "pass pass" ]] || fail "status's devices: $out"
[[ $(echo "$out" | json 'isinstance(v["outbox_depth"], int)') == True ]] || fail "status without the outbox: $out"
run status --data "$data"
[[ $out == *"Borne          $kiosk_id"* && $out == *"Hub            Le hub"* ]] || fail "status for a person: $out"
check "status: identity, versions, devices, outbox and hub"

# The diagnostics bundle: nothing personal in it.
run diag --out "$work/diag.tar.gz" --data "$data" --log "$work/kiosk.log"
expect 0 "diag"
[[ $(stat -c %a "$work/diag.tar.gz") == 600 ]] || fail "the bundle is readable by others"
mkdir -p "$work/bundle"
tar -xzf "$work/diag.tar.gz" -C "$work/bundle"
bundle=$(ls -d "$work/bundle"/guichet-diag-"$kiosk_id"-*)
for file in README.txt versions.txt settings.json status.json selftest.json data-files.txt disk.txt devices.txt logs/kiosk.log; do
  [[ -s $bundle/$file ]] || fail "the bundle lacks $file"
done
grep -q "Mairie de Testville" "$bundle/settings.json" || fail "the bundle's settings are not the kiosk's"
grep -q "kiosk.db" "$bundle/data-files.txt" || fail "the data files are not listed"
grep -q "catalogue" "$work/kiosk.log" || fail "the kiosk's log is empty"
personal=("DURAND" "Marie Louise" "LEROY" "05/03/1985" "05031985" "$tracking" "${tracking//-/}" "$code" "$secret")
for needle in "${personal[@]}"; do
  [[ -n $needle ]] || continue
  if grep -rqaF -- "$needle" "$bundle"; then
    fail "the bundle holds \"$needle\": $(grep -rlaF -- "$needle" "$bundle" | tr '\n' ' ')"
  fi
done
# The search finds them where they are.
# (the receipt carries the code, the scenario what the resident typed).
grep -qF "$tracking" "$work/receipt.txt" || fail "the receipt lacks the code searched for"
for needle in "DURAND" "Marie Louise" "LEROY" "05031985"; do
  grep -qF "$needle" "$source_dir/tests/ui/scenarios/demarche_acte.scn" || fail "the scenario does not type $needle"
done
grep -qF "$secret" "$data/identity.json" || fail "the identity lacks the secret searched for"
check "diag: $(find "$bundle" -type f | wc -l) files, 0600, none holds the resident's answers, the code, the enrollment code or the key"

# Factory reset: never without a confirmation.
run factory-reset --data "$data" </dev/null
expect 2 "factory-reset without a terminal nor --yes"
[[ -f $data/identity.json ]] || fail "factory-reset wiped without a confirmation"
printf 'non\n' | script -qec "$kioskctl factory-reset --data $data" /dev/null >"$work/reset.out" 2>&1
[[ -f $data/identity.json ]] || fail "factory-reset wiped after 'non'"
grep -q "Rien n'a été effacé." "$work/reset.out" || fail "no word after 'non': $(cat "$work/reset.out")"
printf 'EFFACER\n' | script -qec "$kioskctl factory-reset --data $data" /dev/null >"$work/reset.out" 2>&1
grep -q "Borne remise à zéro" "$work/reset.out" || fail "factory-reset: $(cat "$work/reset.out")"
[[ -d $data && -z $(ls -A "$data") ]] || fail "factory-reset left: $(ls -A "$data")"
[[ -x $kioskctl && -x $kiosk ]] || fail "factory-reset took the software"
[[ $(selftest_field hub message) == "La borne n'est pas enrôlée"* ]] || fail "after factory-reset: $out"
run config get card --data "$data"
[[ $out == sim ]] || fail "a setting survived factory-reset: $out"
check "factory-reset: refused without a terminal or on 'non', wipes on EFFACER; the software stays"

exit $((failures > 0))
