#!/usr/bin/env bash
# A real full disk, not a mock: the kiosk's data folder is a tmpfs that
# holds the outbox as it is right after opening, plus one page (4 KB) --
# less than a dossier needs. "Confirmer" must then fail in plain words, keep
# every answer on screen, and save nothing. Runs in a private mount
# namespace; skipped (77) where mounting is not permitted.
# Usage: disk_full.sh KIOSK SCENARIO WORKDIR
set -euo pipefail
kiosk=$1 scenario=$2 work=$3

if [[ "${GUICHET_IN_NAMESPACE:-}" != 1 ]]; then
  if ! unshare -m true 2>/dev/null; then
    echo "skipped: no private mount namespace here (needs root or user namespaces)"
    exit 77
  fi
  rm -rf "$work"
  mkdir -p "$work/disk" "$work/screenshots"
  GUICHET_IN_NAMESPACE=1 exec unshare -m "$0" "$@"
fi

disk=$work/disk
# 1. What the outbox occupies once opened: start the kiosk, let it open
#    the outbox, kill -9 it (so nothing is checkpointed away), measure.
mount -t tmpfs -o size=4m tmpfs "$disk"
identity=$(cd "$(dirname "$0")/../.." && pwd)/tests/fixtures/sync/identity.json
"$kiosk" --headless --data "$disk/data" --identity "$identity" --printer "pdf:$work/receipts" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do [[ -f "$disk/data/kiosk.db-shm" ]] && break; sleep 0.05; done
sleep 0.3
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
opened_kb=$(du -k -s "$disk" | cut -f1)
umount "$disk"
echo "the outbox takes ${opened_kb} KB once opened"

# 2. A disk with one page more than that.
mount -t tmpfs -o size=$((opened_kb + 4))k tmpfs "$disk"
set +e
"$kiosk" --headless --scenario "$scenario" --screenshots "$work/screenshots" \
  --data "$disk/data" --identity "$identity" --printer "pdf:$work/receipts" >"$work/stdout" 2>"$work/stderr"
status=$?
set -e
cat "$work/stdout"
[[ $status -eq 0 ]] || { cat "$work/stderr" >&2; exit 1; }
grep -q "store: dossier not saved: store.disk_full" "$work/stderr" \
  || { echo "the log does not say the disk was full" >&2; exit 1; }
saved=$(sqlite3 "$disk/data/kiosk.db" "SELECT COUNT(*) FROM outbox")
[[ "$saved" == 0 ]] || { echo "the outbox holds $saved dossier(s), expected none" >&2; exit 1; }
echo "check: disk full at confirmation, nothing saved, the resident told and the answers kept"
