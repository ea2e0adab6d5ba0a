#!/usr/bin/env bash
# nsh.sh - the native shell driven through the serial console: a scripted session fed to COM1
# (tools/run.sh --serial-input) runs programs and reports their exit statuses by name, lists
# processes and threads, works with files (mkdir, copy, dir, type, del), prints the service
# counts and memory, and ends with shutdown. Each command's output is checked in the transcript.
set -euo pipefail
RUNNER=$1
BUILD=${NANONT_BUILD:-build}
KERNEL=${NANONT_KERNEL:-$BUILD/nanont.elf}
DISK=${NANONT_DISK:?nsh needs disk=yes}
DIR=${NANONT_LOGDIR:-$BUILD/test-logs}/nsh
mkdir -p "$DIR"
pass=0 fail=0
# the first line is empty: a byte that reaches the UART before the boot turns its FIFO on is lost
cat >"$DIR/input.txt" <<'IN'

help
ps
threads
hello.exe one two
run faults.exe div0
mkdir nshdir
copy system32\hello.exe nshdir\h.exe
dir nshdir
del nshdir\h.exe
dir nshdir
type nosuch.txt
svc
mem
nosuchcommand
shutdown
IN
"$RUNNER" --no-kvm --kernel "$KERNEL" --timeout "${NANONT_TIMEOUT:-60}" --disk "$DISK" \
    --serial-input "$DIR/input.txt" --init nsh.exe >"$DIR/session.log" 2>&1 || true
log=$DIR/session.log
check() {  # check DESCRIPTION PATTERN... (grep -E, each must match a line)
    local what=$1; shift
    for pattern in "$@"; do
        if ! grep -aqE -- "$pattern" "$log"; then
            echo "[FAIL] $what: no line matching '$pattern' (log $log)"; fail=$((fail + 1)); return
        fi
    done
    echo "[OK] $what"; pass=$((pass + 1))
}
check "commands are echoed after the prompt" '^nsh> help$' '^nsh> shutdown$'
check "help" '^commands: run PROG'
check "ps (SystemProcessInformation)" '^  PID  THREADS  HANDLES' '^ +[0-9]+ +1 +[0-9]+ +[0-9]+  nsh\.exe$'
check "threads" '^ +[0-9]+ +[0-9]+ +[0-9]+  running +nsh\.exe$'
check "a program with arguments, exit status by name" '^  argv\[2\] = two$' \
    '^hello\.exe \(process [0-9]+\) exited with 0x00000000 \(STATUS_SUCCESS\)$'
check "a failing program's status by name" \
    '^faults\.exe \(process [0-9]+\) exited with 0xc0000094 \(STATUS_INTEGER_DIVIDE_BY_ZERO\)$'
check "mkdir, copy, dir" '^        1 file\(s\) copied, [0-9]+ bytes$' '^ +[0-9]+   h\.exe$' '^  1 entries$'
check "del" '^  0 entries$'
check "type of a missing file" '^nsh: nosuch\.txt: 0xc0000034 \(STATUS_OBJECT_NAME_NOT_FOUND\)$'
check "svc" '^  TABLE INDEX      CALLS$' '^  [0-9]+ calls in all$'
check "mem" '^  physical memory: [0-9]+ pages' '^  pool: [0-9]+ bytes'
check "an unknown command" '^nsh: unknown command or missing argument: nosuchcommand'
check "shutdown ends the shell and the boot" '^nsh: goodbye$' '^init exited with status 0x00000000$'
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
