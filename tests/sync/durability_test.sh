#!/usr/bin/env bash
# The durability test of docs/sync.md: a kiosk process (tests/sync/sync_soak:
# the kiosk's own outbox and uplink, without the screen) confirms 1,000
# dossiers while it is killed with SIGKILL at random moments and restarted,
# and the hub (the real kiosk-hub, over HTTPS on loopback) is killed and
# restarted too. In the end the hub must hold exactly the 1,000: the codes
# of serials 0..999 under the kiosk's key, each once, each opening with the
# hub's key and saying its own serial.
# With STORE "postgres", the hub keeps its data in a private PostgreSQL
# (tests/lib/pg-stack.sh), which is not killed: the hub's process is.
# Usage: durability_test.sh KIOSK_HUB KIOSKCTL SYNC_SOAK WORKDIR [COUNT [STORE]]
set -euo pipefail
hub_bin=$1 kioskctl=$2 soak=$3 work=$4 count=${5:-1000} store=${6:-sqlite}
pg_stack=$(cd "$(dirname "$0")/../lib" && pwd)/pg-stack.sh
[[ -d "$work/pg" ]] && "$pg_stack" stop "$work/pg" >/dev/null 2>&1 || true
rm -rf "$work"
mkdir -p "$work"
export KIOSK_HUB_DATA=$work/hub
fail() { echo "durability: $*" >&2; exit 1; }

hub_pid=""
soak_pid=""
cleanup() {
    [[ -n "$soak_pid" ]] && kill -9 "$soak_pid" 2>/dev/null || true
    [[ -n "$hub_pid" ]] && kill -9 "$hub_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    [[ "$store" == postgres ]] && "$pg_stack" stop "$work/pg" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

store_args=()
if [[ "$store" == postgres ]]; then
    "$pg_stack" start "$work/pg" >/dev/null
    # shellcheck source=/dev/null
    source "$work/pg/env"
    store_args=(--store "$PG_STACK_URL")
fi
hub() { "$hub_bin" "$@" "${store_args[@]}"; }

hub init >/dev/null
"$hub_bin" dev-ca --out "$work/hub/tls" >/dev/null
hub site add soak "Site d'endurance" >/dev/null

start_hub() {
    local listen=${1:-127.0.0.1:0}
    rm -f "$work/port"
    # The binary itself in the background (not through hub(), which would
    # put a shell between this script and the process it kills).
    "$hub_bin" serve --listen "$listen" --port-file "$work/port" "${store_args[@]}" >>"$work/hub.log" 2>&1 &
    hub_pid=$!
    for _ in $(seq 100); do [[ -s "$work/port" ]] && return 0; sleep 0.05; done
    fail "the hub did not start: $(tail -3 "$work/hub.log")"
}
start_hub
port=$(cat "$work/port")
code=$(hub enroll-code --site soak 2>/dev/null)
"$kioskctl" enroll --hub "https://localhost:$port" --code "$code" --ca "$work/hub/tls/ca.pem" --data "$work/kiosk" >/dev/null

kills=0 hub_kills=0 round=0
while :; do
    round=$((round + 1))
    "$soak" --data "$work/kiosk" --target "$count" --drain-timeout 60 >"$work/soak.out" 2>>"$work/soak.log" &
    soak_pid=$!
    # Let it run 0.2 to 1.5 s, then kill it, unless it finished.
    sleep "0.$((RANDOM % 13 + 2))"
    if ! kill -0 "$soak_pid" 2>/dev/null; then
        wait "$soak_pid" || fail "the kiosk process failed: $(tail -3 "$work/soak.log")"
        soak_pid=""
        grep -q "drained $count" "$work/soak.out" && break
        continue
    fi
    serial=$(sqlite3 "$work/kiosk/kiosk.db" "SELECT value FROM kiosk_state WHERE key = 'next_serial'" 2>/dev/null || echo "?")
    if [[ "$serial" != "?" && "$serial" -ge "$count" ]]; then
        # Everything is confirmed: let the outbox drain to the end.
        wait "$soak_pid" || fail "the kiosk process failed: $(tail -3 "$work/soak.log")"
        soak_pid=""
        grep -q "drained $count" "$work/soak.out" && break
        continue
    fi
    kill -9 "$soak_pid"; wait "$soak_pid" 2>/dev/null || true; soak_pid=""
    kills=$((kills + 1))
    # Every third round, the hub dies too and comes back on the same port.
    if ((round % 3 == 0)); then
        kill -9 "$hub_pid"; wait "$hub_pid" 2>/dev/null || true
        hub_kills=$((hub_kills + 1))
        start_hub "127.0.0.1:$port"
    fi
    ((round < 2000)) || fail "no end after $round rounds"
done
echo "the kiosk was killed $kills time(s), the hub $hub_kills time(s), over $round round(s)"

# The hub's view, after one more restart for good measure.
kill -9 "$hub_pid"; wait "$hub_pid" 2>/dev/null || true; hub_pid=""
held=$(hub dossiers --json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
codes = [row["tracking_code"] for row in rows]
print(len(rows), len(set(codes)))')
read -r rows distinct <<<"$held"
[[ "$rows" == "$count" ]] || fail "the hub holds $rows dossier(s), expected $count"
[[ "$distinct" == "$count" ]] || fail "the hub holds $((rows - distinct)) duplicate code(s)"
[[ $(sqlite3 "$work/kiosk/kiosk.db" "SELECT COUNT(*) FROM outbox") == 0 ]] || fail "the kiosk's outbox is not empty"

# Each serial exactly once, read from the opened dossiers themselves.
hub export --out "$work/export.jsonl" 2>/dev/null
python3 - "$work/export.jsonl" "$count" <<'PY'
import json, sys
numbers = sorted(int(json.loads(line)["dossier"]["answers"]["numero"]) for line in open(sys.argv[1]))
want = list(range(int(sys.argv[2])))
if numbers != want:
    missing = sorted(set(want) - set(numbers))[:10]
    print(f"durability: serials missing {missing}, {len(numbers)} exported", file=sys.stderr)
    sys.exit(1)
PY
echo "check: the hub holds exactly the $count dossiers, each once, each opened and in order of serials"
