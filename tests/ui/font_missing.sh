#!/usr/bin/env bash
# The kiosk started where its fonts are missing must say which and exit 2,
# not abort inside ImGui. Usage: font_missing.sh KIOSK WORKDIR
set -uo pipefail
kiosk=$1 work=$2
rm -rf "$work"
out=$("$kiosk" --headless --font-root /nonexistent --exit-after-first-frame \
  --data "$work/data" --printer "pdf:$work/receipts" 2>&1)
status=$?
echo "$out"
[[ $status -eq 2 ]] || { echo "exit status $status, expected 2" >&2; exit 1; }
grep -q "ui.font_missing font not found or unreadable: /nonexistent/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf" <<<"$out" \
  || { echo "no ui.font_missing line naming the font" >&2; exit 1; }
echo "check: missing font reported, exit 2"
