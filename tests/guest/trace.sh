#!/usr/bin/env bash
# trace.sh - the system-call tracer (trace=): boots smoke.exe with trace=NtEchoArguments,... on
# both entries and checks that each traced call is printed with its arguments and its result,
# that untraced services stay quiet, and that the program still passes under tracing.
set -euo pipefail
RUNNER=$1
BUILD=${NANONT_BUILD:-build}
KERNEL=${NANONT_KERNEL:-$BUILD/nanont.elf}
DIR=${NANONT_LOGDIR:-$BUILD/test-logs}/trace
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
for path in sysenter int2e; do
    extra=''
    [[ $path == int2e ]] && extra='syscall=int2e'
    log=$DIR/$path.log
    "$RUNNER" --no-kvm --kernel "$KERNEL" --timeout 60 --append "$extra trace=NtEchoArguments,NtTerminateProcess" \
        --module "$BUILD/user/smoke.exe" --init smoke.exe > "$log" 2>&1 || true
    check "$log" "$path: arguments traced" \
        'trace: [0-9]*\.[0-9]* NtEchoArguments([0-9a-f]\{8\}, 00000002, 00000003, 00000004' \
        ', 0000000f, 00000010)'
    check "$log" "$path: results traced" 'trace: [0-9]*\.[0-9]* NtEchoArguments -> 00000000' \
        'trace: [0-9]*\.[0-9]* NtTerminateProcess(ffffffff, 00000000)'
    check "$log" "$path: program unaffected" '^3 passed, 0 failed' 'init exited with status 0x00000000'
    if grep -aq 'NtDisplayString(' "$log"; then
        echo "[FAIL] $path: an untraced service was printed"; fail=$((fail + 1))
    else
        echo "[OK] $path: untraced services quiet"; pass=$((pass + 1))
    fi
done
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
