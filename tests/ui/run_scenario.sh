#!/usr/bin/env bash
# Runs one scenario against the real kiosk, headless, in a fresh data folder,
# then checks what the scenario cannot see on screen:
#   --outbox N              the outbox holds exactly N dossiers
#   --answer FIELD=VALUE    the (single) dossier has this answer
#   --dossier POINTER=VALUE the (single) dossier has VALUE at the JSON POINTER
#   --agents                the site's desk agents are known (tests/fixtures/sync/agents.json)
#   --receipt               a receipt PDF was printed and bears the dossier's code
#   --receipts N            exactly N receipt PDFs were printed
#   --desk-ticket NUMBER    the desk ticket NUMBER ("A 001") was printed
#   --no-personal-in-log    no answer of any dossier, nor its code, appears in the log
#   --catalogue DIR         run with this catalogue instead of the shipped one
#   --date YYYY-MM-DD       the scenario's day (appointments, ages), instead of today
#   --broken-catalogue      run with the shipped catalogue plus a malformed file
#   --broken-printer        print into a folder that cannot be created
#   --printer SPEC          the kiosk's --printer (cups:QUEUE), instead of a PDF folder
#   --broken-data           keep the outbox in a folder that cannot be created
#   --a11y                  every screen measured in the six languages
#                           (--a11y-report) and judged by $A11Y_CHECK
#   --speech-wavs N         the kiosk speaks into WAV files (--speech wav:DIR):
#                           at least N sentences were said, each a sound WAV
#                           of a plausible length (otherwise --speech none)
#   --atlases "A B ..."     the font atlas was built these times, in order, each
#                           one of: latin (the small one), arabic, large,
#                           arabic+large
# Usage: run_scenario.sh KIOSK SCENARIO WORKDIR [checks...]
set -euo pipefail
kiosk=$1 scenario=$2 work=$3
shift 3
rm -rf "$work"
mkdir -p "$work/data" "$work/receipts" "$work/screenshots"
source_dir=$(cd "$(dirname "$0")/../.." && pwd)

extra=()
printer="pdf:$work/receipts"
data="$work/data"
card=none
speech=none
checks=("$@")
for ((i = 0; i < ${#checks[@]}; i++)); do
  case ${checks[i]} in
    --catalogue) extra+=(--catalogue "${checks[i + 1]}") ;;
    --date) extra+=(--scenario-date "${checks[i + 1]}") ;;
    --broken-catalogue)
      mkdir -p "$work/catalogue"
      cp "$source_dir"/kiosk/catalogue/*.json "$work/catalogue/"
      printf '{ "format": 1, "id": "cassee", "pages": [ { "id": "p" ' > "$work/catalogue/zz-cassee.json"
      extra+=(--catalogue "$work/catalogue") ;;
    --broken-printer) printer="pdf:/dev/null/receipts" ;;
    # Another printer than the PDF folder: cups:QUEUE (tests/print).
    --printer) printer=${checks[i + 1]} ;;
    # A kiosk with the simulated card reader (`card insert NAME` in the
    # scenario), and a document scanner that types the MRZ.
    --card-reader) card=sim ;;
    --mrz-scanner) extra+=(--mrz-scanner) ;;
    --broken-data) data=/dev/null/data ;;
    --speech-wavs) speech="wav:$work/speech" ;;
    --a11y) extra+=(--a11y-report "$work/a11y.jsonl") probing=1 ;;
    # The site's desk agents as the hub sent them (tests/fixtures/sync/README.md).
    --agents) cp "$source_dir/tests/fixtures/sync/agents.json" "$data/agents.json" && chmod 600 "$data/agents.json" ;;
  esac
done

# An enrolled kiosk whose hub is nowhere (tests/fixtures/sync): dossiers are
# sealed to the test hub's key and stay in the outbox, where outbox_dump
# ($OUTBOX_DUMP, set by ctest) opens them.
fixtures=$source_dir/tests/fixtures/sync
dump=${OUTBOX_DUMP:?OUTBOX_DUMP must name tests/sync/outbox_dump}

set +e
"$kiosk" --headless --scenario "$scenario" --screenshots "$work/screenshots" \
  --data "$data" --identity "$fixtures/identity.json" --printer "$printer" --card "$card" --speech "$speech" "${extra[@]}" \
  >"$work/stdout" 2>"$work/stderr"
status=$?
set -e
cat "$work/stdout"
if [[ $status -ne 0 ]]; then
  cat "$work/stderr" >&2
  exit 1
fi

fail() { echo "check failed: $*" >&2; exit 1; }
db="$work/data/kiosk.db"

for ((i = 0; i < ${#checks[@]}; i++)); do
  case ${checks[i]} in
    --outbox)
      want=${checks[i + 1]}
      got=$(sqlite3 "$db" "SELECT COUNT(*) FROM outbox")
      [[ "$got" == "$want" ]] || fail "outbox holds $got dossier(s), expected $want"
      echo "check: outbox holds $got dossier(s)" ;;
    --answer)
      pair=${checks[i + 1]}
      field=${pair%%=*} value=${pair#*=}
      pointer=${field//[/.}
      pointer=${pointer//]/}
      got=$("$dump" "$db" "$fixtures/hub" --field "/answers/${pointer//.//}")
      [[ "$got" == "$value" ]] || fail "answer $field is '$got', expected '$value'"
      echo "check: answer $field = $value" ;;
    --dossier)
      pair=${checks[i + 1]}
      pointer=${pair%%=*} value=${pair#*=}
      got=$("$dump" "$db" "$fixtures/hub" --field "$pointer")
      [[ "$got" == "$value" ]] || fail "the dossier's $pointer is '$got', expected '$value'"
      echo "check: dossier $pointer = $value" ;;
    --receipt)
      code=$(sqlite3 "$db" "SELECT tracking_code FROM outbox")
      [[ -n "$code" ]] || fail "no dossier, so no code to find on a receipt"
      pdf="$work/receipts/$code.pdf"
      [[ -f "$pdf" ]] || fail "no receipt $code.pdf in $work/receipts: $(ls "$work/receipts")"
      text=$(pdftotext "$pdf" - | tr -d ' \n-')
      [[ "$text" == *"$code"* ]] || fail "receipt does not bear the code $code"
      echo "check: receipt $code.pdf bears its code" ;;
    --receipts)
      # Exactly this many receipt files: a receipt held while the printer
      # was out prints once, not once per retry.
      want=${checks[i + 1]}
      got=$(find "$work/receipts" -name '*.pdf' | wc -l)
      [[ "$got" == "$want" ]] || fail "$got receipt file(s), expected $want: $(ls "$work/receipts")"
      echo "check: $got receipt file(s)" ;;
    --desk-ticket)
      number=${checks[i + 1]}
      pdf="$work/receipts/accueil-${number// /}.pdf"
      [[ -f "$pdf" ]] || fail "no desk ticket $(basename "$pdf") in $work/receipts: $(ls "$work/receipts")"
      text=$(pdftotext "$pdf" - | tr "\n" " ")
      [[ "$text" == *"$number"* && "$text" == *"Votre numéro pour l'accueil"* ]] \
        || fail "the desk ticket does not bear its number $number: $text"
      echo "check: desk ticket $number printed" ;;
    --qr-on-screen)
      # The QR code on the receipt screen, decoded as a phone would.
      shot=$work/screenshots/${checks[i + 1]}.png
      code=$(sqlite3 "$db" "SELECT tracking_code FROM outbox")
      url=$(zbarimg -q --raw "$shot" 2>/dev/null | head -n 1)
      [[ "$url" == *"/$code" ]] || fail "QR code on screen reads '$url', expected the follow URL of $code"
      echo "check: on-screen QR code opens $url" ;;
    --atlases)
      # What the kiosk baked when: Arabic and large text only once asked
      # for, the small atlas back for the next resident.
      # (Not under --a11y: its probe bakes every glyph on the first screen.)
      [[ -z ${probing:-} ]] || continue
      want=${checks[i + 1]}
      got=$(sed -n 's/.*ui: font atlas [0-9]*x[0-9]*\(.*\) ([0-9]* ms)$/\1/p' "$work/stderr" \
        | sed 's/^$/latin/; s/^, arabic, large text$/arabic+large/; s/^, arabic$/arabic/; s/^, large text$/large/' \
        | tr '\n' ' ' | sed 's/ $//')
      [[ "$got" == "$want" ]] || fail "font atlases built: '$got', expected '$want'"
      echo "check: font atlases $got" ;;
    --no-personal-in-log)
      secrets=$("$dump" "$db" "$fixtures/hub" --secrets)
      [[ -n "$secrets" ]] || fail "no dossier to look for in the log"
      while IFS= read -r secret; do
        [[ ${#secret} -ge 4 ]] || continue # too short to mean anything
        if grep -qiF -- "$secret" "$work/stderr" "$work/stdout"; then
          fail "the log contains a personal value or a tracking code"
        fi
      done <<<"$secrets"
      echo "check: nothing personal in the log" ;;
    --speech-wavs)
      # espeak-ng at 22050 Hz, 16-bit mono: a sentence of 0.5 to 60 seconds
      # holds 22 kB to 2.6 MB after the 44-byte header. The voice cuts a
      # sentence when the screen changes: a cut one is kept, shorter, so
      # only whole ones are counted; every file must be a WAV all the same.
      want=${checks[i + 1]}
      got=0
      for wav in "$work/speech"/*.wav; do
        [[ -f $wav ]] || continue
        size=$(stat -c %s "$wav")
        [[ $(head -c 4 "$wav") == RIFF && $size -ge 44 ]] || fail "$(basename "$wav") is not a WAV file"
        ((size < 44 + 2 * 22050 * 60)) || fail "$(basename "$wav"): $size bytes, longer than a minute"
        ((size > 44 + 22050)) && got=$((got + 1))
      done
      ((got >= want)) || fail "the voice said $got whole sentence(s), expected at least $want: $(ls "$work/speech")"
      echo "check: the voice said $got whole sentence(s), each a WAV" ;;
    --a11y)
      "${A11Y_CHECK:?A11Y_CHECK must name tests/ui/a11y_check}" "$work/a11y.jsonl" "$work/a11y-speech" \
        || fail "accessibility problems (above)" ;;
    --catalogue-error)
      grep -q "${checks[i + 1]}" "$work/stderr" || fail "no catalogue error '${checks[i + 1]}' in the log"
      echo "check: the log names the catalogue error" ;;
  esac
done
