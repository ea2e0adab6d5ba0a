#!/usr/bin/env bash
# kdebug.sh - kernel-mode #DBs caused by user breakpoints are dismissed (selftest=kdebug, see
# ex/selftest.c): a data breakpoint hit by the kernel resumes with DR7 clear, and instruction
# breakpoints on the first instructions of KiFastCallEntry and KiSystemService (where a mov ss /
# pop ss shadow delivers a held user #DB on hardware) let every call go on: the system-call ABI
# test (TF, hostile registers, both entries; sysenter or int 2Eh as the default) passes, no STOP.
# The kernel reports a dismissal kind at the next slow return to user mode after its first one.
set -euo pipefail
RUNNER=$1
BUILD=${NANONT_BUILD:-build}
KERNEL=${NANONT_KERNEL:-$BUILD/nanont.elf}
DIR=${NANONT_LOGDIR:-$BUILD/test-logs}/kdebug
mkdir -p "$DIR"
pass=0 fail=0
check() {  # check LOG DESCRIPTION GREP-PATTERN...
    local log=$1 what=$2; shift 2
    for pattern in "$@"; do
        if ! grep -aq -- "$pattern" "$log"; then
            echo "[FAIL] $what: no line matching '$pattern' (log $log)"; fail=$((fail + 1)); return
        fi
    done
    echo "[OK] $what"; pass=$((pass + 1))
}
prog=sysabi
for entry in sysenter int2e; do
    log=$DIR/$entry.log
    extra=''
    [[ $entry == int2e ]] && extra='syscall=int2e'
    "$RUNNER" --no-kvm --kernel "$KERNEL" --timeout 60 --append "$extra selftest=kdebug callcounts" \
        --module "$BUILD/user/$prog.exe" --init $prog.exe > "$log" 2>&1 || true
    check "$log" "$entry: kernel data breakpoint dismissed" '^\[OK\] kernel_debug_trap'
    check "$log" "$entry: held #DB on KiFastCallEntry dismissed" '^\[OK\] held_debug_trap_KiFastCallEntry'
    check "$log" "$entry: held #DB on KiSystemService dismissed" '^\[OK\] held_debug_trap_KiSystemService'
    check "$log" "$entry: program passes" '^[1-9][0-9]* passed, 0 failed' 'init exited with status 0x00000000'
    if grep -aq '\*\*\* STOP' "$log"; then
        echo "[FAIL] $entry: STOP"; fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
