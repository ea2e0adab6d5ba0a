#!/usr/bin/env bash
# benchlines.sh - what `make bench` prints for machines is clean text: runs tools/bench.sh for
# the sysenter boot only and checks that every `bench NAME VALUE UNIT` line, in bench.sh's output
# and in the console log run.sh saved, has exactly four fields and no control character (a CR
# copied from the serial console would end `awk '$4 == "instructions"'` matches).
set -euo pipefail
ROOT=$(cd "$(dirname "$1")/.." && pwd)
BUILD=${NANONT_BUILD:-build}
DIR=${NANONT_LOGDIR:-$BUILD/test-logs}/benchlines
rm -rf "$DIR"; mkdir -p "$DIR"
pass=0 fail=0
ok() { echo "[OK] $1"; pass=$((pass + 1)); }
bad() { echo "[FAIL] $1"; fail=$((fail + 1)); }

# check_lines FILE WHAT - the bench lines of FILE: some, all clean, all four fields
check_lines() {
    local file=$1 what=$2 n dirty
    n=$(grep -ac '^bench ' "$file" || true)
    dirty=$(grep -a '^bench ' "$file" | grep -acP '[\x00-\x1f\x7f]' || true)
    if [[ $n -eq 0 ]]; then bad "$what: no bench lines"
    elif [[ $dirty -ne 0 ]]; then bad "$what: $dirty of $n bench lines hold a control character"
    elif grep -a '^bench ' "$file" | awk 'NF != 4 || $3 !~ /^-?[0-9.]+$/ { bad = 1 } END { exit !bad }'; then
        bad "$what: a bench line is not 'bench NAME VALUE UNIT'"
    else ok "$what: $n bench lines, clean"; fi
}

if NANONT_BUILD=$BUILD NANONT_BENCH_LOGDIR=$DIR NANONT_BENCH_ONLY=sys-sysenter \
        "$ROOT/tools/bench.sh" >"$DIR/bench.out" 2>"$DIR/bench.err"; then
    ok "bench.sh ran the sysenter boot"
else
    bad "bench.sh failed"; tail -n 20 "$DIR/bench.err"
fi
check_lines "$DIR/bench.out" "bench.sh output"
check_lines "$DIR/sys-sysenter.log" "run.sh console output"
if awk '$1 == "bench" && $4 == "instructions" { found = 1 } END { exit !found }' "$DIR/bench.out"; then
    ok "awk '\$4 == \"instructions\"' matches"
else
    bad "awk '\$4 == \"instructions\"' matches nothing"
fi
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
