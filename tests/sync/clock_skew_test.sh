#!/usr/bin/env bash
# A kiosk whose clock is off by a day, the whole process (its signatures and
# its TLS checks alike), moved with libfaketime: its dossiers still reach
# the hub, once. The hub's certificate (kiosk-hub dev-ca) is valid from two
# days ago, as a real one should be issued with some margin; the kiosk signs
# with the hub's time once told its own is off (docs/sync.md).
# Usage: clock_skew_test.sh KIOSK_HUB KIOSKCTL SYNC_SOAK WORKDIR
set -euo pipefail
source "$(dirname "$0")/../lib/hub.sh"
hub_bin=$1 kioskctl=$2 soak=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
export KIOSK_HUB_DATA=$work/hub
fail() { echo "clock skew: $*" >&2; exit 1; }
command -v faketime >/dev/null || fail "faketime is not installed (scripts/install-deps.sh)"

"$hub_bin" init >/dev/null
"$hub_bin" dev-ca --out "$work/hub/tls" >/dev/null
"$hub_bin" site add skew "Site à l'heure" >/dev/null
trap 'kill "${hub_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
start_hub "$hub_bin" "$work"
port=$hub_port

total=0
for offset in -1d +1d; do
    data=$work/kiosk$offset
    code=$("$hub_bin" enroll-code --site skew 2>/dev/null)
    # Enrolled at the right time, as a technician would; then the clock drifts.
    "$kioskctl" enroll --hub "https://localhost:$port" --code "$code" --ca "$work/hub/tls/ca.pem" --data "$data" >/dev/null
    # The wall clock moves; the monotonic one (timeouts, backoff) does not.
    FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -m -f "$offset" date -u +"kiosk clock $offset: %Y-%m-%d %H:%M"
    FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -m -f "$offset" \
        "$soak" --data "$data" --target 5 --drain-timeout 30 >"$work/soak$offset.out" 2>"$work/soak$offset.log" \
        || fail "the kiosk at $offset did not drain: $(tail -5 "$work/soak$offset.log")"
    grep -q "drained 5" "$work/soak$offset.out" || fail "the kiosk at $offset did not drain"
    grep -q "clock is" "$work/soak$offset.log" || fail "the kiosk at $offset did not notice its clock"
    total=$((total + 5))
done
held=$("$hub_bin" dossiers | wc -l)
[[ "$held" == "$total" ]] || fail "the hub holds $held dossier(s), expected $total"
echo "check: kiosks a day behind and a day ahead each delivered their 5 dossiers, once"
grep -h "clock is" "$work"/soak*.log | sed 's/^/  /'
