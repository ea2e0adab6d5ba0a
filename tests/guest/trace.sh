#!/usr/bin/env bash
# trace.sh - the system-call tracer (trace=). Boots:
#  1-2. smoke.exe with trace=NtEchoArguments,NtTerminateProcess on both entries: one line per
#       call after it returns (pid.tid, @TSC, arguments by type, NTSTATUS name, +ticks), an enter
#       line ending in ` ...' for NtTerminateProcess (it never returns), untraced services quiet;
#  3.   fileio.exe from the disk with trace=NtCreateFile,NtReadFile,NtWriteFile,NtClose: decoded
#       OBJECT_ATTRIBUTES strings, access masks and flags by name, out-values (handle, I/O status
#       block, bytes read) after a successful call and the bare pointer after a failed one;
#  4.   fileio.exe with trace=pid:8+fail: only failing calls, of process 8;
#  5.   smoke.exe with trace=pid:9+all: nothing of process 8 (filters combine with `+').
# The programs must pass under tracing each time.
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
absent() {  # absent LOG DESCRIPTION GREP-PATTERN
    if grep -aq -- "$3" "$1"; then
        echo "[FAIL] $2: a line matches '$3' (log $1)"; fail=$((fail + 1))
    else
        echo "[OK] $2"; pass=$((pass + 1))
    fi
}
P='trace: [0-9]*\.[0-9]* @[0-9]* '         # pid.tid @tsc
for path in sysenter int2e; do
    extra=''
    [[ $path == int2e ]] && extra='syscall=int2e'
    log=$DIR/$path.log
    "$RUNNER" --no-kvm --kernel "$KERNEL" --timeout 60 --append "$extra trace=NtEchoArguments,NtTerminateProcess" \
        --module "$BUILD/user/smoke.exe" --init smoke.exe > "$log" 2>&1 || true
    check "$log" "$path: arguments decoded, result by name" \
        "${P}NtEchoArguments(0x7fef[0-9a-f]*, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16) = STATUS_SUCCESS +[0-9]*\$"
    check "$log" "$path: enter line of a call that does not return" \
        "${P}NtTerminateProcess(NtCurrentProcess(), STATUS_SUCCESS) \\.\\.\\.\$"
    check "$log" "$path: program unaffected" '^4 passed, 0 failed' 'init exited with status 0x00000000'
    absent "$log" "$path: untraced services quiet" 'NtDisplayString('
done

# 3. file services: strings, flags, out-values, status names
if [[ -n ${NANONT_DISK:-} ]]; then
    cp "$NANONT_DISK" "$DIR/fileio-fail.img"
    log=$DIR/fileio.log
    "$RUNNER" --no-kvm --kernel "$KERNEL" --timeout 90 --disk "$NANONT_DISK" \
        --append "trace=NtCreateFile,NtReadFile,NtWriteFile,NtClose" \
        --init '\SystemRoot\system32\fileio.exe' > "$log" 2>&1 || true
    check "$log" "fileio: OBJECT_ATTRIBUTES decoded" \
        "${P}NtCreateFile(&0x[0-9a-f]*, GENERIC_READ|GENERIC_WRITE, {\"\\\\??\\\\C:\\\\fileio\\\\a.txt\", OBJ_CASE_INSENSITIVE}, "
    check "$log" "fileio: access masks and flags by name" \
        "NtCreateFile(&0x[0-9a-f]*, FILE_READ_DATA|SYNCHRONIZE, {\"\\\\??\\\\C:\\\\fileio\", OBJ_CASE_INSENSITIVE}, {STATUS_SUCCESS, FILE_CREATED}, NULL, 0, FILE_SHARE_READ, FILE_CREATE, FILE_DIRECTORY_FILE, NULL, 0) = STATUS_SUCCESS" \
        'FILE_SHARE_READ|FILE_SHARE_WRITE|FILE_SHARE_DELETE, FILE_OPEN, 0, NULL, 0) = STATUS_SUCCESS' \
        'FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0) = STATUS_SUCCESS'
    check "$log" "fileio: out-values after the call (I/O status, bytes read)" \
        '{STATUS_SUCCESS, FILE_OPENED}' '{STATUS_SUCCESS, FILE_OVERWRITTEN}' \
        "${P}NtReadFile(0x[0-9a-f]*, NULL, NULL, NULL, {STATUS_SUCCESS, 4}, \"disk\", 32, {7}, NULL) = STATUS_SUCCESS"
    check "$log" "fileio: written buffer and LARGE_INTEGER offset" \
        "${P}NtWriteFile(0x[0-9a-f]*, NULL, NULL, NULL, {STATUS_SUCCESS, 11}, \"hello, disk\", 11, {0}, NULL) = STATUS_SUCCESS"
    check "$log" "fileio: failures by name, out pointers left undecoded" \
        "${P}NtCreateFile(0x7fef[0-9a-f]*, GENERIC_READ, {\"\\\\??\\\\C:\\\\fileio\\\\a.txt\", OBJ_CASE_INSENSITIVE}, 0x[0-9a-f]*, NULL, 0, 0, FILE_CREATE, 0, NULL, 0) = STATUS_OBJECT_NAME_COLLISION" \
        'NtClose(0x[0-9a-f]*) = STATUS_INVALID_HANDLE' '= STATUS_END_OF_FILE +'
    check "$log" "fileio: passes under tracing" '^[0-9]* passed, 0 failed' 'init exited with status 0x00000000'

    # 4. trace=pid:8+fail
    log=$DIR/fileio-fail.log
    "$RUNNER" --no-kvm --kernel "$KERNEL" --timeout 90 --disk "$DIR/fileio-fail.img" --append "trace=pid:8+fail" \
        --init '\SystemRoot\system32\fileio.exe' > "$log" 2>&1 || true
    check "$log" "fail: failing calls traced" "trace: 8\\.[0-9]* @[0-9]* NtCreateFile(.*) = STATUS_OBJECT_NAME_NOT_FOUND" \
        'NtReadFile(.*) = STATUS_END_OF_FILE'
    absent "$log" "fail: successful calls not traced" '^trace: .* = STATUS_SUCCESS'
    check "$log" "fail: passes under tracing" '^[0-9]* passed, 0 failed' 'init exited with status 0x00000000'
    rm -f "$DIR/fileio-fail.img"
else
    echo "[FAIL] no disk (NANONT_DISK): the file-service checks need disk=yes"; fail=$((fail + 1))
fi

# 5. trace=pid:9+all while process 8 runs
log=$DIR/pid.log
"$RUNNER" --no-kvm --kernel "$KERNEL" --timeout 60 --append "trace=pid:9+all" \
    --module "$BUILD/user/smoke.exe" --init smoke.exe > "$log" 2>&1 || true
check "$log" "pid: tracer on, program passes" 'tracing system calls (pid:9+all)' '^4 passed, 0 failed'
absent "$log" "pid: other processes quiet" '^trace: 8\.'
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
