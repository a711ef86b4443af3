#!/usr/bin/env bash
# `kioskctl catalogue check` as a catalogue author uses it: the shipped
# catalogue is sound (exit 0), every file of the broken corpus
# (tests/kiosk/core/catalogues/broken) is refused with exactly the lines of
# its .expected file after its own name (exit 1), a missing path is an error
# (exit 1), a wrong command line is a usage error (exit 2), and --help helps
# (exit 0). Every mismatch is reported; the script fails if there was any.
#
# Usage: kioskctl_test.sh KIOSKCTL SOURCE_DIR
set -uo pipefail

kioskctl=${1:?the kioskctl binary}
root=${2:?the source tree}
corpus=$root/tests/kiosk/core/catalogues
good_orientation=$corpus/good/orientation.json
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# Runs kioskctl with the given arguments; leaves its exit status in $status,
# its standard output in $scratch/out and its standard error in $scratch/err.
run() {
  "$kioskctl" "$@" >"$scratch/out" 2>"$scratch/err"
  status=$?
}

expect_status() {
  local want=$1 what=$2
  if [[ $status -ne $want ]]; then
    fail "$what: exit status $status, expected $want"
    sed 's/^/    stdout: /' "$scratch/out" >&2
    sed 's/^/    stderr: /' "$scratch/err" >&2
  fi
}

# The exact lines `FILE: $.path: reason` a file must produce, from its
# .expected file.
expected_lines() {
  local file=$1
  sed "s|^|$file: |" "${file%.json}.expected"
}

# [SECTION] Sound catalogues

run catalogue check "$root/kiosk/catalogue"
expect_status 0 "the shipped catalogue"
shipped=$(find "$root/kiosk/catalogue" -maxdepth 1 -name '*.json' ! -name orientation.json | wc -l)
summary="$shipped démarche(s) sound, 0 error(s);"
if [[ $(wc -l <"$scratch/out") -ne 1 ]] || ! grep -qF "$summary" "$scratch/out"; then
  fail "the shipped catalogue: expected only the summary '$summary…', got:"
  sed 's/^/    /' "$scratch/out" >&2
fi

run catalogue check --quiet "$root/kiosk/catalogue"
expect_status 0 "the shipped catalogue, --quiet"
[[ -s $scratch/out ]] && fail "the shipped catalogue, --quiet: printed $(cat "$scratch/out")"

run catalogue check "$corpus/good"
expect_status 0 "the good corpus"
grep -qF "2 démarche(s) sound, 0 error(s); 2 theme(s), 1 life situation(s)." "$scratch/out" \
  || fail "the good corpus: unexpected summary $(cat "$scratch/out")"

# [SECTION] Languages

# The shipped catalogue has every text in the six languages.
run catalogue check --strict "$root/kiosk/catalogue"
expect_status 0 "the shipped catalogue, --strict"

# The good corpus is French only: it loads, and says how many texts show in
# French; strict, each of them is an error naming the missing languages.
run catalogue check "$corpus/good"
texts=$(sed -n 's/^\([0-9]*\) text(s) lack a translation and show in French.*/\1/p' "$scratch/out")
[[ ${texts:-0} -gt 10 ]] || fail "the good corpus: no count of untranslated texts in $(cat "$scratch/out")"
run catalogue check --strict "$corpus/good"
expect_status 1 "the good corpus, --strict"
gaps=$(grep -c ': no translation in en, es, ar, pt, tr (strict: every text in fr, en, es, ar, pt and tr)$' "$scratch/out")
# The orientation's texts stop the démarches from being checked at all.
[[ $gaps -gt 0 ]] || fail "the good corpus, --strict: no missing translation reported: $(cat "$scratch/out")"
grep -qF "0 démarche(s) sound" "$scratch/out" || fail "the good corpus, --strict: a démarche was loaded"

# One démarche file, checked against the orientation beside it.
run catalogue check "$root/kiosk/catalogue/signalement-voie-publique.json"
expect_status 0 "one shipped démarche file"

# [SECTION] The broken corpus, file by file

checked=0
for file in "$corpus"/broken/*.json; do
  name=$(basename "$file")
  if [[ $name == orientation-* ]]; then
    # A broken orientation: no démarche can be checked against it.
    run catalogue check --quiet --orientation "$file" "$corpus/good/acte-naissance.json"
    want=$( (expected_lines "$file"; echo "$file: \$: no démarche can be checked without a sound orientation file: none is loaded"))
  else
    run catalogue check --quiet --orientation "$good_orientation" "$file"
    want=$(expected_lines "$file")
  fi
  expect_status 1 "$name"
  if [[ $(cat "$scratch/out") != "$want" ]]; then
    fail "$name: the printed errors differ from ${name%.json}.expected (- expected, + printed):"
    diff <(echo "$want") "$scratch/out" | grep '^[<>]' | sed 's/^</    -/; s/^>/    +/' >&2
  fi
  checked=$((checked + 1))
done
[[ $checked -ge 25 ]] || fail "only $checked broken files in $corpus/broken"

# The whole broken folder at once: every démarche's errors are printed.
run catalogue check --orientation "$good_orientation" "$corpus/broken"
expect_status 1 "the broken folder"
for file in "$corpus"/broken/*.json; do
  [[ $(basename "$file") == orientation-* ]] && continue
  while IFS= read -r line; do
    grep -qxF -- "$line" "$scratch/out" || fail "the broken folder: missing the line: $line"
  done < <(expected_lines "$file")
done
grep -qF "0 démarche(s) sound" "$scratch/out" || fail "the broken folder: a broken démarche was found sound"

# [SECTION] Folders that are wrong as a whole

# Two files with the same id: the second is reported, the first is loaded.
mkdir "$scratch/twice"
cp "$good_orientation" "$scratch/twice/orientation.json"
cp "$corpus/good/inscription-cantine.json" "$scratch/twice/a-cantine.json"
cp "$corpus/good/inscription-cantine.json" "$scratch/twice/b-cantine.json"
run catalogue check "$scratch/twice"
expect_status 1 "two files with the same id"
want="$scratch/twice/b-cantine.json: \$.id: another file already defines the démarche 'inscription-cantine'
1 démarche(s) sound, 1 error(s); 2 theme(s), 1 life situation(s)."
# (The corpus is French only: a third line counts its texts.)
[[ $(head -2 "$scratch/out") == "$want" ]] || fail "two files with the same id: printed $(cat "$scratch/out")"

# A folder without its orientation file.
mkdir "$scratch/alone"
cp "$corpus/good/acte-naissance.json" "$scratch/alone/"
run catalogue check --quiet "$scratch/alone"
expect_status 1 "a folder without orientation.json"
grep -qxF "$scratch/alone/orientation.json: \$: cannot be read" "$scratch/out" \
  || fail "a folder without orientation.json: printed $(cat "$scratch/out")"

# [SECTION] Missing paths, usage and help

run catalogue check "$scratch/no-such-folder"
expect_status 1 "a missing path"
grep -qF "no-such-folder: no such file or folder" "$scratch/err" || fail "a missing path: said $(cat "$scratch/err")"

usage_errors=(
  ""
  "catalogue"
  "catalogue check"
  "catalogue check $root/kiosk/catalogue $corpus/good"
  "catalogue check --strictly $root/kiosk/catalogue"
  "catalogue check $root/kiosk/catalogue --orientation"
  "catalogue verify $root/kiosk/catalogue"
  "catalog check $root/kiosk/catalogue"
)
for arguments in "${usage_errors[@]}"; do
  # Word splitting on purpose: each entry is a command line.
  # shellcheck disable=SC2086
  run $arguments
  expect_status 2 "kioskctl $arguments"
  grep -qF "Usage:" "$scratch/err" || fail "kioskctl $arguments: no usage on stderr"
  [[ -s $scratch/out ]] && fail "kioskctl $arguments: printed on stdout: $(cat "$scratch/out")"
done

for arguments in "--help" "-h" "catalogue --help" "catalogue check --help"; do
  # shellcheck disable=SC2086
  run $arguments
  expect_status 0 "kioskctl $arguments"
  grep -qF "kioskctl catalogue check PATH" "$scratch/out" || fail "kioskctl $arguments: no usage on stdout"
done

if [[ $failures -ne 0 ]]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "kioskctl catalogue check: shipped catalogue sound, $checked broken files refused as expected, usage and help as documented"
