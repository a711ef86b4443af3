#!/usr/bin/env bash
# The kiosk, headless, printing its receipts through a real cupsd
# (cups-stack.sh: a private cupsd with a cups-pdf queue and a
# fault-injecting queue). What a resident would notice:
#
#  1. happy path on the cups-pdf queue: the printed PDF bears the tracking
#     code shown on screen (the outbox's), and its page is 80 mm wide;
#  2. the roll is empty (the fault backend stops the queue on media-empty):
#     the receipt screen says so and keeps the code, the home screen warns
#     the next resident, kioskctl names the fault; paper back and the queue
#     re-enabled, the receipt prints exactly once, even though the kiosk
#     that sent it has exited since.
#
# Usage: kiosk_cups_test.sh KIOSK KIOSKCTL WORKDIR
set -euo pipefail
kiosk=$1 kioskctl=$2 work=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
stack=$here/cups-stack.sh

rm -rf "$work"
mkdir -p "$work"
export CUPS_STACK_TIMEOUT=${CUPS_STACK_TIMEOUT:-20}
cleanup() { "$stack" stop "$work/cups" >/dev/null 2>&1 || true; }
trap cleanup EXIT
"$stack" start "$work/cups"
# shellcheck disable=SC1091
source "$work/cups/env"

fail() { echo "check failed: $*" >&2; exit 1; }
pass() { echo "check: $*"; }

# until SECONDS COMMAND...: retries every 0.1 s.
until_true() {
  local deadline=$((SECONDS + $1))
  shift
  while ! "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

code_of() { sqlite3 "$1/data/kiosk.db" "SELECT tracking_code FROM outbox"; }
squeezed_text() { pdftotext "$1" - | tr -d ' \n-'; }

# --- 1. a receipt on the cups-pdf queue --------------------------------------
"$source_dir/tests/ui/run_scenario.sh" "$kiosk" "$source_dir/tests/ui/scenarios/happy_path.scn" "$work/happy" \
  --printer "cups:$CUPS_STACK_PDF_QUEUE" --outbox 1 --no-personal-in-log --qr-on-screen 07-receipt >/dev/null
code=$(code_of "$work/happy")
[[ -n "$code" ]] || fail "no dossier in the outbox"
job=$(grep -o 'job [0-9]* accepted by' "$work/happy/stderr" | head -n 1 | cut -d' ' -f2)
[[ -n "$job" ]] || fail "the kiosk's log names no accepted job: $(grep print "$work/happy/stderr")"
pdfs=("$CUPS_STACK_PDF_DIR"/*-job_"$job".pdf)
[[ -f "${pdfs[0]}" ]] || fail "cups-pdf wrote no *-job_$job.pdf in $CUPS_STACK_PDF_DIR: $(ls "$CUPS_STACK_PDF_DIR")"
[[ $(squeezed_text "${pdfs[0]}") == *"$code"* ]] || fail "the printed receipt does not bear the code $code"
pass "job $job printed by cups-pdf bears the code shown on screen (its QR code decoded from the screenshot)"
size=$(pdfinfo "${pdfs[0]}" | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1 \2/p')
width=${size%% *}
# 80 mm = 226.77 pt; cups-pdf writes two decimals.
awk -v w="$width" 'BEGIN { exit !(w > 226.3 && w < 227.2) }' || fail "the page is $width pt wide, not 80 mm"
pass "the printed page is $width pt wide (80 mm), ${size##* } pt long"
# The kiosk's log holds the job number, never the code.
grep -qF "$code" "$work/happy/stderr" && fail "the kiosk's log holds the tracking code"

# kioskctl's test receipt: its code on stdout is the one on paper.
test_json=$("$kioskctl" printer test --printer "$CUPS_STACK_PDF_QUEUE" --json) || fail "kioskctl printer test: $test_json"
test_code=$(sed -n 's/.*"code":"\([A-Z-]*\)".*/\1/p' <<<"$test_json")
test_job=$(sed -n 's/.*"job":\([0-9]*\).*/\1/p' <<<"$test_json")
[[ -n "$test_code" && -n "$test_job" ]] || fail "kioskctl printer test printed no code or job: $test_json"
pdfs=("$CUPS_STACK_PDF_DIR"/*-job_"$test_job".pdf)
[[ $(squeezed_text "${pdfs[0]}") == *"${test_code//-/}"* ]] || fail "the test receipt does not bear $test_code"
[[ $(pdftotext "${pdfs[0]}" -) == *"Reçu de test"* ]] || fail "the test receipt does not say it is a test"
pass "kioskctl printer test: job $test_job completed, the paper bears $test_code"

# --- 2. out of paper ---------------------------------------------------------
"$stack" fault "$work/cups" media-empty
"$source_dir/tests/ui/run_scenario.sh" "$kiosk" "$here/scenarios/out_of_paper.scn" "$work/empty" \
  --printer "cups:$CUPS_STACK_FAULT_QUEUE" --outbox 1 --no-personal-in-log >/dev/null
code=$(code_of "$work/empty")
pass "out of paper: the code stays on screen with the way forward, the home screen warns"
grep -q "printer out_of_service (out_of_paper" "$work/empty/stderr" || fail "the kiosk did not log the empty roll"

set +e
status_text=$("$kioskctl" printer status --printer "$CUPS_STACK_FAULT_QUEUE")
status=$?
set -e
[[ $status -eq 1 && "$status_text" == *"out_of_paper"* && "$status_text" == *"remettez un rouleau"* ]] \
  || fail "kioskctl printer status: exit $status, '$status_text'"
pass "kioskctl printer status says: $(sed -n 2p <<<"$status_text")"

# The job waits in CUPS, not printed.
[[ -n $(lpstat -o "$CUPS_STACK_FAULT_QUEUE") ]] || fail "no job waits in the stopped queue"
shopt -s nullglob
out=("$CUPS_STACK_FAULT_OUT"/*)
((${#out[@]} == 0)) || fail "something printed while the roll was empty: ${out[*]}"

# A technician loads paper and re-enables the queue.
"$stack" fault "$work/cups" ok
cupsenable "$CUPS_STACK_FAULT_QUEUE"
printed() { out=("$CUPS_STACK_FAULT_OUT"/*); ((${#out[@]} > 0)) && [[ -z $(lpstat -o "$CUPS_STACK_FAULT_QUEUE") ]]; }
until_true 20 printed || fail "the waiting receipt did not print once paper was back"
sleep 2 # anything printed twice would show by now
out=("$CUPS_STACK_FAULT_OUT"/*)
((${#out[@]} == 1)) || fail "${#out[@]} receipts printed, expected exactly 1: ${out[*]}"
[[ $(squeezed_text "${out[0]}") == *"$code"* ]] || fail "the receipt printed late does not bear the code $code"
pass "paper back: the receipt printed exactly once, with its code"
"$kioskctl" printer status --printer "$CUPS_STACK_FAULT_QUEUE" >/dev/null || fail "kioskctl still sees a fault"
pass "kioskctl printer status: ready again"
