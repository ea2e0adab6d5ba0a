#!/usr/bin/env bash
# nsh.sh - the native shell driven through the serial console. Boot 1, a scripted session fed
# to COM1 (tools/run.sh --serial-input): runs programs and reports their exit statuses by name,
# lists processes, threads and handles, starts a process in the background and kills it by id,
# works with files (mkdir, copy, dir, type, del), turns the tracer on and off for one service,
# records and recovers its own thread context, prints the service counts by name and memory,
# and powers the machine off with shutdown. Boot 2: reboot resets the machine (QEMU told to
# reset rather than exit) and a second boot comes up to its shell. Each command's output is
# checked in the transcripts.
set -euo pipefail
RUNNER=$1
BUILD=${NANONT_BUILD:-build}
KERNEL=${NANONT_KERNEL:-$BUILD/nanont.elf}
DISK=${NANONT_DISK:?nsh needs disk=yes}
DIR=${NANONT_LOGDIR:-$BUILD/test-logs}/nsh
TIMEOUT=${NANONT_TIMEOUT:-60}
mkdir -p "$DIR"
pass=0 fail=0
# the first line is empty: a byte that reaches the UART before the boot turns its FIFO on is lost
cat >"$DIR/input.txt" <<'IN'

help
ps
threads
handles
start sleep.exe 120
handles $!
ps
kill $!
ps
kill 9999
hello.exe one two
run faults.exe div0
mkdir nshdir
copy system32\hello.exe nshdir\h.exe
trace on NtClose
dir nshdir
trace off NtClose
del nshdir\h.exe
dir nshdir
type nosuch.txt
record
recover
svc
mem
nosuchcommand
shutdown
IN
status=0
# callcounts: `svc` lists the per-service counters, kept only with that boot option
"$RUNNER" --no-kvm --kernel "$KERNEL" --timeout "$TIMEOUT" --disk "$DISK" --append callcounts \
    --serial-input "$DIR/input.txt" --init nsh.exe >"$DIR/session.log" 2>&1 || status=$?
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
verdict() {  # verdict DESCRIPTION COMMAND... (the command's exit status decides)
    local what=$1; shift
    if "$@"; then echo "[OK] $what"; pass=$((pass + 1))
    else echo "[FAIL] $what (log $log)"; fail=$((fail + 1)); fi
}
check "commands are echoed after the prompt" '^nsh> help$' '^nsh> shutdown$'
check "help" '^commands: run PROG'
check "ps (SystemProcessInformation)" '^  PID  THREADS  HANDLES' '^ +[0-9]+ +1 +[0-9]+ +[0-9]+  nsh\.exe$'
check "threads" '^ +[0-9]+ +[0-9]+ +[0-9]+  running +nsh\.exe$'
check "handles of the shell itself: its console file" '^  PID  HANDLE  TYPE        ACCESS$' \
    '^ +[0-9]+  0x0004  File        0x[0-9a-f]{8}$' '^  1 handles \([0-9]+ in the system\)$'
check "start in the background, \$! is its id" '^sleep\.exe started \(process [0-9]+\)$'
pid=$(sed -n 's/^sleep\.exe started (process \([0-9]*\))$/\1/p' "$log" | head -1)
verdict "handles \$! (SystemHandleInformation): the child's event" \
    grep -aqE "^ +${pid:-X}  0x0004  Event       0x001f0003$" "$log"
verdict "kill \$!: NtOpenProcess by id, NtTerminateProcess" grep -aqE "^process ${pid:-X} terminated$" "$log"
verdict "ps lists the child once, before the kill only" \
    test "$(grep -acE "^ +${pid:-X} +1 +1 +[0-9]+  sleep\.exe$" "$log")" = 1
check "kill of no such process" '^nsh: NtOpenProcess: 0xc000000b \(STATUS_INVALID_CID\)$'
check "a program with arguments, exit status by name" '^  argv\[2\] = two$' \
    '^hello\.exe \(process [0-9]+\) exited with 0x00000000 \(STATUS_SUCCESS\)$'
check "a failing program's status by name" \
    '^faults\.exe \(process [0-9]+\) exited with 0xc0000094 \(STATUS_INTEGER_DIVIDE_BY_ZERO\)$'
check "mkdir, copy, dir" '^        1 file\(s\) copied, [0-9]+ bytes$' '^ +[0-9]+   h\.exe$' '^  1 entries$'
check "trace on NtClose: the tracer's filter set at run time" '^NanoNT: tracing system calls \(NtClose\)$' \
    '^trace on NtClose$'
verdict "NtClose traced while on" bash -c "[[ \$(awk '/^nsh> trace on NtClose\$/ { on = 1 } /^nsh> trace off NtClose\$/ { on = 0 } on' '$log' | grep -acE '^trace: [0-9]+\.[0-9]+ @[0-9]+ NtClose\(0x[0-9a-f]+\) = STATUS_[A-Z_]+ \+[0-9]+\$') -ge 1 ]]"
verdict "nothing traced after trace off" bash -c "! awk '/^nsh> trace off NtClose\$/ { on = 1 } on' '$log' | grep -aq '^trace: '"
check "trace off" '^NanoNT: system calls no longer traced$' '^trace off NtClose$'
check "del" '^  0 entries$'
check "type of a missing file" '^nsh: nosuch\.txt: 0xc0000034 \(STATUS_OBJECT_NAME_NOT_FOUND\)$'
check "record: the shell's thread context in \\SystemRoot\\TrapFrame" \
    "^record: command [0-9]+'s thread context is in \\\\SystemRoot\\\\TrapFrame"
check "recover: resumed at the record with the recorded registers" \
    "^recover: command [0-9]+ resumed at command [0-9]+'s record .*, registers all back$"
check "svc with names" '^  TABLE INDEX      CALLS  SERVICE$' '^ +0 0x01b +[0-9]+  NtClose$' \
    '^ +0 0x080 +[0-9]+  NtOpenProcess$' '^ +0 0x0f9 +[0-9]+  NtSetSystemInformation$' '^  [0-9]+ calls in all$'
check "mem" '^  physical memory: [0-9]+ pages' '^  pool: [0-9]+ bytes'
check "an unknown command" '^nsh: unknown command or missing argument: nosuchcommand'
check "shutdown: NtShutdownSystem(ShutdownPowerOff) flushes and powers off" '^nsh: powering off$' \
    '^NanoNT: power off \(NtShutdownSystem from process [0-9]+, disk flush 0x00000000\)$'
verdict "shutdown: the runner's verdict is pass (exit 0, got $status)" test "$status" = 0

# Boot 2: reboot, with QEMU told to reset the machine (-action reboot=reset overrides the
# runner's -no-reboot). COM1's input does not survive the reset, so the second boot is judged by
# its shell's banner and prompt; the script then stops the runner (SIGTERM stops QEMU).
log=$DIR/reboot.log
printf '\nhandles\nreboot\n' >"$DIR/reboot.txt"
: >"$log"
"$RUNNER" --no-kvm --kernel "$KERNEL" --timeout "$TIMEOUT" --disk "$DISK" --serial-input "$DIR/reboot.txt" \
    --qemu-arg -action --qemu-arg reboot=reset --init nsh.exe >"$log" 2>&1 &
runner=$!
for ((i = 0; i < TIMEOUT * 5; i++)); do
    [[ $(grep -ac '^NanoNT native shell' "$log" || true) -ge 2 ]] && break
    kill -0 "$runner" 2>/dev/null || break
    sleep 0.2
done
sleep 0.5
kill -TERM "$runner" 2>/dev/null || true
wait "$runner" 2>/dev/null || true
check "reboot: NtShutdownSystem(ShutdownReboot) flushes and resets" '^nsh> reboot$' '^nsh: rebooting$' \
    '^NanoNT: reboot \(NtShutdownSystem from process [0-9]+, disk flush 0x00000000\)$'
verdict "reboot: a second boot follows, up to its shell" \
    test "$(grep -ac '^NanoNT: paging on' "$log")-$(grep -ac '^NanoNT native shell' "$log")" = 2-2
verdict "no bugcheck across the reboot" bash -c "! grep -aq 'STOP:' '$log'"
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
