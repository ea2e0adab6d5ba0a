#!/usr/bin/env bash
# smp.sh - two processors: each one prints its boot line (the boot processor with the count from
# the MADT, the other when its own code runs), smpinfo.exe sees NumberOfProcessors 2; and a
# bugcheck on processor 1 (selftest=mpcrash, ke/mp.c) stops processor 0, which spins with
# interrupts disabled (the freeze is an NMI), and the STOP line names processor 1; a kernel page
# unmapped on processor 0 stays readable on processor 1 through its TLB until KeFlushSingleTb
# (selftest=mptlb), after which processor 1's read faults.
set -euo pipefail
RUNNER=$1
BUILD=${NANONT_BUILD:-build}
KERNEL=${NANONT_KERNEL:-$BUILD/nanont.elf}
T=${NANONT_TIMEOUT:-60}
DIR=${NANONT_LOGDIR:-$BUILD/test-logs}/smp
mkdir -p "$DIR"
pass=0 fail=0
check() {  # check LOG DESCRIPTION WANT-RC GOT-RC GREP-PATTERN...
    local log=$1 what=$2 want=$3 got=$4; shift 4
    if [[ $got -ne $want ]]; then
        echo "[FAIL] $what: runner exit $got, expected $want (log $log)"; fail=$((fail + 1)); return
    fi
    for pattern in "$@"; do
        if ! tr -d '\r' <"$log" | grep -aqE -- "$pattern"; then
            echo "[FAIL] $what: no line matching '$pattern' (log $log)"; fail=$((fail + 1)); return
        fi
    done
    echo "[OK] $what"; pass=$((pass + 1))
}
boot() {  # boot LOG INIT [runner args...] -> runner status in $rc
    local log=$1 init=$2; shift 2
    rc=0
    "$RUNNER" --no-kvm --kernel "$KERNEL" --timeout "$T" --cpus 2 --module "$BUILD/user/${init%% *}" \
        --init "$init" "$@" >"$log" 2>&1 || rc=$?
}

boot "$DIR/boot.log" "smpinfo.exe 2"
check "$DIR/boot.log" "two processors boot, NumberOfProcessors is 2" 0 "$rc" \
    '^NanoNT: processor 0 is the boot processor \(APIC id [0-9]+\), 2 processor\(s\) found$' \
    '^NanoNT: processor 1 started \(APIC id [0-9]+\)' '^1 passed, 0 failed$'

boot "$DIR/numproc.log" "smpinfo.exe 1" --append numproc=1
check "$DIR/numproc.log" "numproc=1 runs one processor of two" 0 "$rc" '^1 passed, 0 failed$'
if grep -aq 'processor 1 started' "$DIR/numproc.log"; then
    echo "[FAIL] numproc=1 started processor 1"; fail=$((fail + 1))
fi

boot "$DIR/crash.log" hello.exe --append selftest=mpcrash
check "$DIR/crash.log" "a bugcheck on processor 1 stops processor 0 and names processor 1" 2 "$rc" \
    '^\*\*\* STOP: 0x000000E2 \(.*\) on processor 1$' \
    '^Processors stopped by the bugcheck on processor 1: 0 \(eip [0-9a-f]{8}\)$'

boot "$DIR/tlb.log" hello.exe --append selftest=mptlb
va=$(tr -d '\r' <"$DIR/tlb.log" | sed -nE 's/^selftest=mptlb: processor 1 read aaaa at ([0-9A-F]{8}), and aaaa after the unmap.*/\1/p')
check "$DIR/tlb.log" "processor 1 reads a page through a stale TLB entry until KeFlushSingleTb" 2 "$rc" \
    'and aaaa after the unmap without a shootdown' \
    "^\*\*\* STOP: 0x00000050 \(0x${va:-none},.*\) on processor 1\$"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
