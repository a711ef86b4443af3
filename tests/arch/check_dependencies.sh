#!/usr/bin/env bash
# The dependency rule of docs/architecture.md, checked on #include lines:
#   kiosk/core  includes no SDL, imgui, PC/SC, CUPS, curl, SQLite, cairo or
#               qrencode header, and nothing from ui/, drivers/, sync/, kiosk/main
#   ui/         includes nothing from drivers/ or sync/, nor their libraries
#   drivers/    includes nothing from ui/ or sync/, nor SDL (but for the
#               speech driver's audio sink)
#   sync/       includes nothing from ui/ or drivers/
# Usage: check_dependencies.sh ROOT. Prints every violation; exit 1 if any.
set -uo pipefail
root=${1:?usage: check_dependencies.sh ROOT}
status=0

check() {
  local dir=$1 pattern=$2 why=$3 spare=${4:-}
  [[ -d "$root/$dir" ]] || return 0
  local hits
  hits=$(grep -rnE --include='*.cpp' --include='*.hpp' --include='*.h' --include='*.c' ${spare:+--exclude="$spare"} \
    "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($pattern)" "$root/$dir")
  if [[ -n "$hits" ]]; then
    while IFS= read -r line; do
      echo "${line#"$root"/}: $why"
    done <<<"$hits"
    status=1
  fi
}

libraries='SDL|imgui|winscard|PCSC/|pcsclite|cups/|curl/|sqlite3|cairo|qrencode'
check kiosk/core "$libraries|ui/|drivers/|sync/|kiosk/main/" "kiosk/core is pure C++: no device, display, network or database header"
check ui "drivers/|sync/|sqlite3|cups/|curl/|winscard|PCSC/|cairo" "ui/ reads the session and emits intents; it never reaches a driver or the store"
check drivers "ui/|sync/|imgui" "drivers/ implement ports; they do not know the UI or the store"
# SDL is the kiosk's loudspeaker as well as its display: the speech driver's
# audio sink, and only that file, may use its audio part.
check drivers "SDL" "drivers/ implement ports; they do not know the UI (SDL audio: drivers/speech/sdl_audio_sink.cpp only)" \
  sdl_audio_sink.cpp
check sync "ui/|drivers/|SDL|imgui" "sync/ implements ports; it does not know the UI or the drivers"
# A relative include that climbs ("../sync/...") would slip past the rules
# above: includes name their module from the repository root instead.
for module in kiosk ui drivers sync provisioning; do
  check "$module" '\.\./' "include from the repository root (\"sync/...\"), not by climbing (\"../\")"
done

[[ $status -eq 0 ]] && echo "dependency rule: no violation under $root"
exit $status
