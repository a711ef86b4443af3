#!/usr/bin/env bash
# Builds the fuzzers with clang (libFuzzer, ASan, UBSan) in BUILD_DIR/fuzz,
# seeds one of them and runs it for SECONDS:
#   catalogue (the default)  catalogue_fuzz, seeded with the real catalogue files
#   card                     card_fuzz (APDUs, TLV, secure messaging, MRZ, the
#                            eMRTD read), seeded with what it writes itself from
#                            the simulated chip, and tests/fuzz/card-regressions
# Exits non-zero if it found a crash, a hang or a blow-up in memory; the input
# is kept in BUILD_DIR/fuzz/crashes (catalogue) or crashes-card. Replay one with
#   BUILD_DIR/fuzz/catalogue_fuzz BUILD_DIR/fuzz/crashes/crash-...
#   BUILD_DIR/fuzz/card_fuzz BUILD_DIR/fuzz/crashes-card/crash-...
# Usage: run_fuzz.sh BUILD_DIR SECONDS [catalogue|card] (docs/testing.md).
set -euo pipefail

fail() {
  echo "run_fuzz: $*" >&2
  exit 1
}

[[ ($# -eq 2 || $# -eq 3) && $2 =~ ^[0-9]+$ ]] || fail "usage: run_fuzz.sh BUILD_DIR SECONDS [catalogue|card]"
seconds=$2
target=${3:-catalogue}
[[ $target == catalogue || $target == card ]] || fail "no fuzz target '$target': catalogue or card"
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1/fuzz"
fuzz=$(cd "$1/fuzz" && pwd)

# Debian 12's clang 14 cannot compile libstdc++ 12's C++20 ranges
# (std::ranges::subrange, as returned by std::ranges::equal_range: LLVM
# issues 52696 and 59697), which kiosk_core uses. Debian 12's clang 16 can.
# Its bin directory goes first on PATH, so that clang, clang++ and the
# llvm-symbolizer that puts file and line in a crash's stack are all 16.
llvm_bin=/usr/lib/llvm-16/bin

# No clang or no fuzzer runtime is a failure, not a skip: CI installs both
# (scripts/install-deps.sh), and a tier that skips itself passes forever.
[[ -x "$llvm_bin/clang++" ]] || fail "clang 16 not found: run scripts/install-deps.sh (Debian packages clang-16, libclang-rt-16-dev, llvm-16)"
export PATH="$llvm_bin:$PATH"
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' >"$probe_dir/probe.cpp"
if ! clang++ -fsanitize=fuzzer,address,undefined "$probe_dir/probe.cpp" -o "$probe_dir/probe" 2>"$probe_dir/probe.log"; then
  cat "$probe_dir/probe.log" >&2
  fail "clang++ cannot link a libFuzzer target: run scripts/install-deps.sh (Debian package libclang-rt-16-dev)"
fi

# The build. ccache, when present, is picked up by the top-level
# CMakeLists.txt. CMake never changes the compiler of a configured tree, so a
# tree configured with another one (clang 14, before) is configured afresh.
started=$(date +%s)
if [[ -f "$fuzz/CMakeCache.txt" ]] && ! grep -q "^CMAKE_CXX_COMPILER:[A-Z]*=$llvm_bin/clang++\$" "$fuzz/CMakeCache.txt"; then
  rm -rf "$fuzz/CMakeCache.txt" "$fuzz/CMakeFiles"
fi
CC="$llvm_bin/clang" CXX="$llvm_bin/clang++" cmake -S "$root" -B "$fuzz" -G Ninja -DGUICHET_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$fuzz"
echo "run_fuzz: fuzz build ready in $(($(date +%s) - started)) s"

# Where each target keeps its inputs. The catalogue's are the names they had
# before there was a second target, so that a learnt corpus is kept.
if [[ $target == catalogue ]]; then
  suffix=
else
  suffix=-$target
fi
binary="$fuzz/${target}_fuzz"
seeds_dir="$fuzz/seeds$suffix"
corpus="$fuzz/corpus$suffix"
crashes="$fuzz/crashes$suffix"
log="$fuzz/fuzz$suffix.log"
inputs=("$corpus" "$seeds_dir")

# Seeds, rebuilt each run so that a renamed or deleted file stops seeding;
# what the fuzzer learns goes to corpus/, which is kept between runs.
rm -rf "$seeds_dir"
mkdir -p "$seeds_dir" "$corpus" "$crashes"
if [[ $target == catalogue ]]; then
  # Every catalogue file the project has, and pairs of them split by the
  # target's separator byte (0x1e) for the two-file catalogue.
  seeds=()
  while IFS= read -r -d '' file; do
    seeds+=("$file")
  done < <(
    find "$root/kiosk/catalogue" -maxdepth 1 -name '*.json' -print0
    [[ -d "$root/tests/kiosk/core/catalogues" ]] && find "$root/tests/kiosk/core/catalogues" -name '*.json' -print0
  )
  [[ ${#seeds[@]} -gt 0 ]] || fail "no catalogue file to seed from under kiosk/catalogue"
  for i in "${!seeds[@]}"; do
    relative=${seeds[$i]#"$root"/}
    cp "${seeds[$i]}" "$seeds_dir/${relative//\//_}"
    if ((i > 0)); then
      { cat "${seeds[$((i - 1))]}"; printf '\x1e'; cat "${seeds[$i]}"; } >"$seeds_dir/pair-$i.json"
    fi
  done
else
  # The card target writes its own (card_fuzz.cpp: the simulated chip's
  # files and answers, the specimens' MRZs); inputs that once found a bug
  # are kept in the source tree and replayed first on every run.
  GUICHET_CARD_FUZZ_SEEDS="$seeds_dir" "$binary" >/dev/null 2>&1 || fail "$binary could not write its seeds"
  [[ -d "$root/tests/fuzz/card-regressions" ]] && inputs+=("$root/tests/fuzz/card-regressions")
fi
echo "run_fuzz: $target: $(find "$seeds_dir" -type f | wc -l) seed files, corpus in $corpus"

# The first directory receives new inputs; the seeds are only read. UB stops
# the run (-fno-sanitize-recover at build time) with its stack printed.
marker="$fuzz/.run-started$suffix"
touch "$marker"
status=0
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  "$binary" \
  -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
  -dict="$root/tests/fuzz/$target.dict" \
  -artifact_prefix="$crashes/" \
  -print_final_stats=1 \
  "${inputs[@]}" 2>&1 | tee "$log" || status=$?

# The figures, from libFuzzer's last status line and final stats.
last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
rate=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$log")
echo "run_fuzz: $target: ${rate:-?} exec/s; last status: ${last:-none}"

found=$(find "$crashes" -type f -newer "$marker" | sort)
if [[ $status -ne 0 || -n "$found" ]]; then
  echo "run_fuzz: the fuzzer stopped on a failure (exit $status); inputs kept:" >&2
  echo "${found:-  none: see the output above}" | sed 's/^\//  \//' >&2
  echo "run_fuzz: replay one with: $binary FILE" >&2
  exit 1
fi
echo "run_fuzz: $target: no crash in $seconds s"
