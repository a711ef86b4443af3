#!/usr/bin/env bash
# Remote help end to end without a browser: a real hub (kiosk-hub serve, its
# own data and development CA), a kiosk enrolled with it and driven by the
# scenario tests/ui/scenarios/remote_help.scn, and a mediator played here
# through the console's HTTP API as its page calls it (curl with the
# cookie), or with --browser by the console's page itself in Debian's
# Chromium (tests/e2e/mediator.mjs, playwright-core). Then the hub's audit
# log must hold what happened, in order, and the dossier the resident
# confirmed must reach the hub with the help recorded in it.
# With --a11y, every screen the kiosk opens is also measured in the six
# languages and judged by $A11Y_CHECK (the a11y tier, docs/languages.md).
# Usage: remote_help.sh KIOSK KIOSK_HUB KIOSKCTL WORKDIR [--browser | --a11y]
set -euo pipefail
source "$(dirname "$0")/../lib/hub.sh"
kiosk=$1 hub=$2 kioskctl=$3 work=$4 browser=${5:-}
a11y=()
if [[ $browser == --a11y ]]; then
  browser=""
  a11y=(--a11y-report "$work/a11y.jsonl")
fi
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work"
mkdir -p "$work/hub" "$work/data" "$work/receipts" "$work/screenshots"
export KIOSK_HUB_DATA=$work/hub
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

"$hub" init >/dev/null
"$hub" dev-ca --out "$work/hub/tls" >/dev/null
"$hub" site add demo "Maison France Services de test" >/dev/null
"$hub" catalogue publish "$source_dir/kiosk/catalogue" >/dev/null
echo "marie-password-123" | "$hub" mediator add marie --name "Marie, médiatrice" --password-stdin >/dev/null
start_hub "$hub" "$work"
pids+=("$hub_pid")
port=$hub_port
url=https://localhost:$port
code=$("$hub" enroll-code --site demo 2>/dev/null)
"$kioskctl" enroll --hub "$url" --code "$code" --ca "$work/hub/tls/ca.pem" --data "$work/data" >/dev/null

# The mediator.
curl_console() { curl -sS --cacert "$work/hub/tls/ca.pem" -b "$work/jar" -c "$work/jar" -H 'X-Guichet-Console: 1' "$@"; }
# A call that must succeed: curl fails on an HTTP error.
post_ok() { curl_console -f -o /dev/null "$@"; }
json() { python3 -c "import json,sys; v=json.load(sys.stdin); print($1)"; }
# The id of the widget labelled $1 once the kiosk's streamed screen shows it.
widget() {
  local found=""
  for _ in $(seq 100); do
    found=$(curl_console "$url/console/api/help/$id?after=0" | LABEL=$1 json \
      'next((w["id"] for w in v["screen"].get("widgets", []) if w["label"] == __import__("os").environ["LABEL"]), "")')
    [[ -n $found ]] && { echo "$found"; return 0; }
    sleep 0.1
  done
  echo "mediator: the kiosk's screen never showed \"$1\"" >&2
  return 1
}
act() { post_ok -H 'Content-Type: application/json' -d "$1" "$url/console/api/help/$id/action"; }
mediator() {
  curl_console -H 'Content-Type: application/json' -d '{"login":"marie","password":"marie-password-123"}' \
    "$url/console/login" >/dev/null
  local view tile control
  id=""
  for _ in $(seq 300); do
    id=$(curl_console "$url/console/api/queue" | json 'v["waiting"][0]["help_id"] if v["waiting"] else ""')
    [[ -n $id ]] && break
    sleep 0.1
  done
  [[ -n $id ]] || { echo "mediator: no request came"; return 1; }
  post_ok -X POST "$url/console/api/help/$id/accept"
  sleep 1
  # With a word in Arabic: the kiosk's screen is in French, so its font
  # atlas lacks those letters until a text needs them (checked below).
  post_ok -H 'Content-Type: application/json' \
    -d '{"text":"Bonjour, je suis Marie. Je vais vous aider à signaler le problème. مرحبا"}' \
    "$url/console/api/help/$id/message"
  # What the kiosk shows, as the console draws it: find the tile to point at.
  for _ in $(seq 100); do
    tile=$(curl_console "$url/console/api/help/$id?after=0" \
      | json '[w["id"] for w in v["screen"].get("widgets", []) if w["label"] == "Éclairage"][0] if any(w["label"] == "Éclairage" for w in v["screen"].get("widgets", [])) else ""')
    [[ -n $tile ]] && break
    sleep 0.1
  done
  [[ -n $tile ]] || { echo "mediator: the kiosk's screen never showed the tile"; return 1; }
  post_ok -H 'Content-Type: application/json' -d "{\"widget\":\"$tile\"}" "$url/console/api/help/$id/point"
  # Control: refused first, then asked again and granted.
  for round in refused granted; do
    sleep 1
    post_ok -X POST "$url/console/api/help/$id/control"
    for _ in $(seq 200); do
      control=$(curl_console "$url/console/api/help/$id?after=0" | json 'v["control"]')
      [[ $control == "$round" ]] && break
      sleep 0.1
    done
    [[ $control == "$round" ]] || { echo "mediator: control is $control, not $round"; return 1; }
    if [[ $round == refused ]]; then
      # Refused: the hub refuses the action too (409), and the kiosk never sees it.
      status=$(curl_console -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        -d "{\"kind\":\"tap\",\"widget\":\"$tile\"}" "$url/console/api/help/$id/action")
      [[ $status == 409 ]] || { echo "mediator: an action without control got $status"; return 1; }
    fi
  done
  # She fills in the report up to the place, which she types.
  sleep 1
  act '{"kind":"tap","widget":"'"$tile"'"}'
  act '{"kind":"tap","widget":"next"}'
  act '{"kind":"tap","widget":"'"$(widget 'Lampadaire éteint')"'"}'
  act '{"kind":"tap","widget":"next"}'
  act '{"kind":"tap","widget":"'"$(widget 'Non')"'"}'
  act '{"kind":"tap","widget":"next"}'
  widget 'Où est le problème ?' >/dev/null
  act '{"kind":"type","text":"8 avenue Victor Hugo"}'
  for _ in $(seq 200); do
    control=$(curl_console "$url/console/api/help/$id?after=0" | json 'v["control"]')
    [[ $control == refused ]] && break
    sleep 0.1
  done
  sleep 1
  post_ok -X POST "$url/console/api/help/$id/end"
}
if [[ $browser == --browser ]]; then
  e2e=$source_dir/tests/e2e
  [[ -d $e2e/node_modules/playwright-core ]] \
    || { echo "FAIL: playwright-core is not installed: scripts/install-deps.sh runs npm ci in tests/e2e"; exit 1; }
  node "$e2e/mediator.mjs" "$url" "$work/screenshots" >"$work/mediator.log" 2>&1 &
else
  mediator >"$work/mediator.log" 2>&1 &
fi
mediator_pid=$!

set +e
"$kiosk" --headless --scenario "$source_dir/tests/ui/scenarios/remote_help.scn" --screenshots "$work/screenshots" \
  --data "$work/data" --printer "pdf:$work/receipts" "${a11y[@]}" >"$work/stdout" 2>"$work/stderr"
status=$?
wait $mediator_pid
mediator_status=$?
set -e
cat "$work/stdout"
if [[ $status != 0 ]]; then
  echo "FAIL: the scenario failed (exit $status); the kiosk's log:"; tail -30 "$work/stderr"
  echo "the mediator:"; cat "$work/mediator.log"
  exit 1
fi
[[ $mediator_status == 0 ]] || { echo "FAIL: the mediator's side failed:"; cat "$work/mediator.log"; exit 1; }

# The hub's audit log (one help session here): every step, in order. The
# API mediator also tries to act without control (refused, and written
# down); the page does not let the mediator try.
actions=$("$hub" audit | python3 -c '
import json, sys
print(" ".join(json.loads(line)["action"] for line in sys.stdin))')
refused_try=" action_refused"
[[ $browser == --browser ]] && refused_try=""
expected="requested accepted message point control_requested control_refused$refused_try control_requested control_granted action action action action action action action control_revoked ended"
if [[ $actions != "$expected" ]]; then
  echo "FAIL: the audit log says"; echo "  $actions"; echo "expected"; echo "  $expected"; exit 1
fi
echo "audit log: $actions"

# The dossier the resident confirmed reaches the hub with the help in it:
# who helped, under which request, with control given, and how many of her
# actions were applied (her six taps and the place she typed).
"$kioskctl" sync push --data "$work/data" --timeout 30 >/dev/null \
  || { echo "FAIL: the dossier did not leave the kiosk: $("$kioskctl" sync push --data "$work/data" --timeout 1)"; exit 1; }
help_id=$("$hub" audit | python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["help_id"])')
dossier_id=$("$hub" dossiers --json | json 'v[0]["id"] if len(v) == 1 else ""')
[[ -n $dossier_id ]] || { echo "FAIL: the hub does not hold exactly one dossier"; "$hub" dossiers; exit 1; }
"$hub" dossier "$dossier_id" >"$work/dossier.json"
HELP_ID=$help_id python3 - "$work/dossier.json" <<'CHECK' || exit 1
import json, os, sys
dossier = json.load(open(sys.argv[1]))
problems = []
if dossier["answers"].get("lieu") != "8 avenue Victor Hugo":
    problems.append("the place she typed is not in the answers")
remote = dossier.get("assistance", {}).get("remote", [])
want = {"help_id": os.environ["HELP_ID"], "mediator": "Marie, médiatrice", "control_granted": True,
        "personal_shared": False, "actions": 7}
if len(remote) != 1:
    problems.append("%d remote helps recorded, not 1" % len(remote))
else:
    problems += ["assistance.remote[0].%s is %r, not %r" % (k, remote[0].get(k), v)
                 for k, v in want.items() if remote[0].get(k) != v]
    if not isinstance(remote[0].get("accepted_at"), int) or remote[0]["accepted_at"] <= 0:
        problems.append("no time of acceptance")
if problems:
    print("FAIL: the dossier at the hub: " + "; ".join(problems))
    print(json.dumps(dossier, ensure_ascii=False, indent=2))
    sys.exit(1)
print("dossier at the hub: help %s by %s, control granted, %d actions" % (
    remote[0]["help_id"][:8], remote[0]["mediator"], remote[0]["actions"]))
CHECK
# The visit's anonymous usage events went with the dossier (sync push sends
# both) and the hub's usage page tells the visit in words: the démarche,
# its steps, the remote help and how it ended; and nothing the resident
# typed.
push_json=$("$kioskctl" sync push --data "$work/data" --timeout 30 --json)
[[ $(json 'v["usage_left"]' <<<"$push_json") == 0 ]] || { echo "FAIL: usage events left the kiosk: $push_json"; exit 1; }
curl -sS --cacert "$work/hub/tls/ca.pem" -u "admin:$(cat "$work/hub/admin-token")" "$url/usage" >"$work/usage.html"
for said in "Signaler un problème sur la voie publique" ">Le problème<" ">Le lieu<" ">Vérification<" \
  "conseiller à distance" "à distance : aidée<" ">1 (100 %)<"; do
  grep -qF -- "$said" "$work/usage.html" \
    || { echo "FAIL: the hub's usage page does not say \"$said\" (page: $work/usage.html)"; exit 1; }
done
for personal in "Victor Hugo" "depuis lundi" "$help_id"; do
  if grep -qF -- "$personal" "$work/usage.html"; then
    echo "FAIL: the usage page shows \"$personal\""; exit 1
  fi
done
echo "usage at the hub: the visit's funnel and its remote help, named, nothing personal"

# The Arabic word of the API mediator's message had its letters baked then:
# the French screen's atlas lacked them (the a11y probe bakes every glyph
# first, and the page's mediator writes French only).
if [[ ${#a11y[@]} -eq 0 && $browser != --browser ]]; then
  atlases=$(grep -o 'ui: font atlas.*' "$work/stderr" | tr '\n' ';')
  [[ $atlases == *"x"[0-9]*", arabic ("* ]] \
    || { echo "FAIL: no Arabic glyphs baked for the mediator's message; atlases: $atlases"; exit 1; }
  echo "font atlases: $atlases"
fi
if [[ ${#a11y[@]} -gt 0 ]]; then
  "${A11Y_CHECK:?A11Y_CHECK must name tests/ui/a11y_check}" "$work/a11y.jsonl" "$work/a11y-speech" \
    || { echo "FAIL: accessibility problems (above)"; exit 1; }
fi
echo "PASS: remote help, kiosk and hub (screenshots in $work/screenshots)"
