#!/usr/bin/env bash
# The hub as its administrators and technicians use it, with the real
# binaries and curl: kiosk-hub's CLI, the admin API (bearer token), the
# fleet page and /metrics; kioskctl enroll and sync status, including what
# a technician reads when the kiosk is revoked or the code is wrong.
# Usage: hub_admin_test.sh KIOSK_HUB KIOSKCTL SYNC_SOAK WORKDIR
set -euo pipefail
source "$(dirname "$0")/../lib/hub.sh"
hub_bin=$1 kioskctl=$2 soak=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
export KIOSK_HUB_DATA=$work/hub
fail() { echo "hub admin: $*" >&2; exit 1; }
check() { echo "check: $*"; }

"$hub_bin" init >/dev/null
"$hub_bin" dev-ca --out "$work/hub/tls" >/dev/null
"$hub_bin" site add chalons "Maison France Services de Châlons" >/dev/null
"$hub_bin" site add chalons "Encore" 2>/dev/null && fail "a site was added twice"
trap 'kill "${hub_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
start_hub "$hub_bin" "$work" --heartbeat-seconds 30 --time-zone Europe/Paris
url=https://localhost:$hub_port
token=$("$hub_bin" admin-token)
api() { curl -sS --cacert "$work/hub/tls/ca.pem" -H "Authorization: Bearer $token" "$@"; }

# The desk's agents: a PIN drawn and shown once (6 digits), or read from
# standard input; a badge in hex; no two agents of a site on one badge.
pin=$("$hub_bin" agent add paul.leroy --site chalons --name "Paul Leroy, agent d'accueil" --badge 04a1b2c3d4e5f6 2>/dev/null)
[[ $pin =~ ^[0-9]{6}$ ]] || fail "agent add did not print a 6-digit PIN: '$pin'"
echo 12 | "$hub_bin" agent add lea.martin --site chalons --name "Léa Martin" --pin-stdin 2>/dev/null \
  && fail "a 2-digit PIN was taken"
echo 2468 | "$hub_bin" agent add lea.martin --site chalons --name "Léa Martin" --pin-stdin >/dev/null
"$hub_bin" agent badge lea.martin 04A1B2C3D4E5F6 2>/dev/null && fail "two agents of a site got one badge"
"$hub_bin" agent add x --site nowhere --name X 2>/dev/null && fail "an agent was added to a site that does not exist"
"$hub_bin" agent disable lea.martin >/dev/null
listed=$("$hub_bin" agent list --site chalons)
[[ $listed == *"paul.leroy  chalons  badge"* && $listed == *"lea.martin  chalons  PIN alone  Léa Martin  (disabled)"* ]] \
  || fail "agent list says: $listed"
check "agents: PINs drawn or read, badges one holder a site, disabled kept"

# A technician: the PIN alone, never a badge; listed as such.
echo 97531 | "$hub_bin" agent add tech.nord --site chalons --name "Technicien Nord" --technician --pin-stdin \
  | grep -q "technician tech.nord added" || fail "agent add --technician did not add a technician"
"$hub_bin" agent add tech.sud --site chalons --name "Technicien Sud" --technician --badge 0A0B0C0D 2>/dev/null \
  && fail "a technician was given a badge"
"$hub_bin" agent badge tech.nord 0A0B0C0D 2>/dev/null && fail "a technician got a badge afterwards"
"$hub_bin" agent list --site chalons | grep -q "^tech.nord  chalons  technician  Technicien Nord$" \
  || fail "agent list does not show the technician: $("$hub_bin" agent list --site chalons)"
check "technicians: added with --technician, PIN alone, listed"

# Admin API without the token: refused.
status=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/hub/tls/ca.pem" "$url/admin/v1/kiosks")
[[ "$status" == 401 ]] || fail "the admin API answered $status without a token"
check "the admin API wants the token"

# A wrong code, then the right one typed without dashes in lower case.
"$kioskctl" enroll --hub "$url" --code ZZZZ-ZZZZ-ZZZZ --ca "$work/hub/tls/ca.pem" --data "$work/kiosk" \
    2>"$work/wrong.err" && fail "a wrong code enrolled"
grep -q "Ce code d'enrôlement est inconnu" "$work/wrong.err" || fail "no sentence for a wrong code: $(cat "$work/wrong.err")"
code=$(api -X POST -d '{"site_id":"chalons"}' "$url/admin/v1/enrollment-codes" | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')
typed=$(echo "$code" | tr -d '-' | tr 'A-Z' 'a-z')
"$kioskctl" enroll --hub "$url" --code "$typed" --ca "$work/hub/tls/ca.pem" --data "$work/kiosk" >"$work/enroll.out"
grep -q "Borne enrôlée" "$work/enroll.out" || fail "not enrolled: $(cat "$work/enroll.out")"
kiosk=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kiosk_id"])' "$work/kiosk/identity.json")
[[ $(stat -c %a "$work/kiosk/identity.json") == 600 ]] || fail "identity.json is readable by others"
check "enrolled as $kiosk with the code typed without dashes, identity 0600"

# Dossiers and a heartbeat through the kiosk's own outbox and uplink.
"$soak" --data "$work/kiosk" --target 3 --drain-timeout 20 >/dev/null 2>"$work/soak.log" || fail "no drain: $(tail -3 "$work/soak.log")"
"$kioskctl" sync status --data "$work/kiosk" >"$work/status.out" || fail "sync status failed: $(cat "$work/status.out")"
grep -q "Dossiers en attente d'envoi : 0" "$work/status.out" || fail "sync status: $(cat "$work/status.out")"
grep -q "Le hub répond et accepte la borne." "$work/status.out" || fail "sync status: $(cat "$work/status.out")"
check "kioskctl sync status: nothing waiting, the hub answers"

page=$(curl -sS --cacert "$work/hub/tls/ca.pem" -u "admin:$token" "$url/fleet")
[[ "$page" == *"$kiosk"* && "$page" == *"Maison France Services de Châlons"* && "$page" == *"en ligne"* ]] \
    || fail "the fleet page does not show the kiosk online"
metrics=$(api "$url/metrics")
grep -q '^guichet_hub_kiosks 1$' <<<"$metrics" || fail "metrics: no kiosk"
grep -q '^guichet_hub_dossiers 3$' <<<"$metrics" || fail "metrics: not 3 dossiers"
grep -q '^guichet_hub_kiosks_online 1$' <<<"$metrics" || fail "metrics: kiosk not online"
check "the fleet page shows the kiosk online; /metrics counts 1 kiosk, 3 dossiers"

# Usage figures: the page is the administrators'; the open data is public,
# and a day not over yet is not published.
status=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/hub/tls/ca.pem" "$url/usage")
[[ "$status" == 401 ]] || fail "the usage page answered $status without a token"
page=$(curl -sS --cacert "$work/hub/tls/ca.pem" -u "admin:$token" "$url/usage")
[[ "$page" == *"Usage des bornes"* && "$page" == *"Aucun événement sur cette période."* ]] || fail "usage page: $page"
csv=$(curl -sS --cacert "$work/hub/tls/ca.pem" "$url/open-data/usage.csv")
[[ "$(head -1 <<<"$csv")" == day,site_id,site_name,demarche,demarche_title,started,completed,* ]] || fail "open data CSV: $csv"
curl -sS --cacert "$work/hub/tls/ca.pem" "$url/open-data/usage.json" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["licence"].startswith("Licence Ouverte") and d["rows"]==[] and d["time_zone"]=="Europe/Paris", d' \
  || fail "open data JSON"
status=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/hub/tls/ca.pem" "$url/open-data/usage.csv?day=2999-01-01")
[[ "$status" == 400 ]] || fail "a day to come was published ($status)"
check "usage page for administrators, open data public, licensed, only for days that are over, in the town's time zone"
# The daily files, for a timer: the last two days that are over, both formats.
"$hub_bin" open-data --out "$work/open-data" --days 2 --time-zone Europe/Paris >"$work/open-data.list" \
  || fail "kiosk-hub open-data failed"
[[ $(wc -l <"$work/open-data.list") == 4 ]] || fail "open-data wrote: $(cat "$work/open-data.list")"
yesterday=$(TZ=Europe/Paris date -d yesterday +%F)
[[ -f "$work/open-data/guichet-usage-$yesterday.csv" && -f "$work/open-data/guichet-usage-$yesterday.json" ]] \
  || fail "no open data file for $yesterday: $(ls "$work/open-data")"
[[ "$(head -1 "$work/open-data/guichet-usage-$yesterday.csv")" == day,site_id,site_name,demarche,* ]] \
  || fail "open data file: $(head -1 "$work/open-data/guichet-usage-$yesterday.csv")"
"$hub_bin" open-data --out "$work/open-data" --time-zone Mars/Olympus 2>/dev/null && fail "an unknown time zone was taken"
check "daily open data files written by kiosk-hub open-data"

# The back office pulls, acknowledges, and nothing comes twice.
api "$url/admin/v1/export?limit=2" >"$work/batch1"
[[ $(wc -l <"$work/batch1") == 2 ]] || fail "the first batch is not 2 dossiers"
ids=$(python3 -c 'import json,sys; print(json.dumps({"ids":[json.loads(l)["id"] for l in open(sys.argv[1])]}))' "$work/batch1")
api "$url/admin/v1/export?limit=2" | cmp -s - "$work/batch1" || fail "an unacknowledged batch changed"
api -X POST -d "$ids" "$url/admin/v1/export/ack" >/dev/null
api "$url/admin/v1/export" >"$work/batch2"
[[ $(wc -l <"$work/batch2") == 1 ]] || fail "after the ack, not exactly the third dossier"
grep -q '"numero"' "$work/batch2" || fail "the exported dossier is not opened"
check "export: a batch stays until acknowledged, then the rest comes, opened"

# State changes, then revocation: the technician is told.
first=$(head -1 "$work/batch1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
api -X PUT -d '{"state":"accepted"}' "$url/admin/v1/dossiers/$first/state" >/dev/null
"$hub_bin" dossiers | grep -q "accepted" || fail "the state did not change"
api -X POST -d '' "$url/admin/v1/kiosks/$kiosk/revoke" >/dev/null
"$kioskctl" sync status --data "$work/kiosk" >"$work/revoked.out" && fail "sync status passed for a revoked kiosk"
grep -q "elle a été révoquée" "$work/revoked.out" || fail "no sentence for a revoked kiosk: $(cat "$work/revoked.out")"
page=$(curl -sS --cacert "$work/hub/tls/ca.pem" -u "admin:$token" "$url/fleet")
[[ "$page" == *"révoquée"* ]] || fail "the fleet page does not show the revocation"
check "a revoked kiosk is told so by kioskctl and shown so on the fleet page"
