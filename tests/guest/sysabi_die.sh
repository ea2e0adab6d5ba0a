#!/bin/bash
# sysabi_die.sh - the hostile calls that must end the calling process, one boot each (MANIFEST
# script= test; usage: bash tests/guest/sysabi_die.sh tools/run.sh).
#
# A sysenter caller passes its stack pointer in EDX: the arguments are read at EDX+8 and sysexit
# returns with ESP = EDX. So an argument pointer at 0, in kernel space, straddling
# MmUserProbeAddress or wrapping past 0xFFFFFFFF means a bad stack as well: the service is
# refused (STATUS_ACCESS_VIOLATION in EAX), the return lands at KiFastSystemCallRet, whose `ret`
# faults on that stack, the exception records cannot be written there, and the process ends with
# STATUS_ACCESS_VIOLATION (as on NT). Likewise NtContinue to an ESP in kernel space, then a push.
# (The same argument pointers with a good stack are tested in sysabi.c through int 2Eh.)
#
# Each boot must show: the case's "[die]" line, the user-mode fault at the expected address, the
# process ending with 0xC0000005, no STOP, and no "survived".
set -u
runner=${1:-tools/run.sh}
build=${NANONT_BUILD:-build}
kernel=${NANONT_KERNEL:-$build/nanont.elf}
timeout=${NANONT_TIMEOUT:-30}
logdir=${NANONT_LOGDIR:-$build/test-logs}
name=${NANONT_TEST_NAME:-sysabi_die}
mkdir -p "$logdir"

# case  the faulting access the kernel reports
cases=(
    "args0      read address FFFFFFF8"
    "argskernel read address 7FFFFFF8"
    "argsprobe  read address 7FFEFFF0"
    "argswrap   read address FFFFFFF0"
    "kernelesp  write address 800FFFFC"
)
failed=0
for c in "${cases[@]}"; do
    read -r case fault <<<"$c"
    log=$logdir/$name.$case.log
    append=()
    [[ -n ${NANONT_CMDLINE:-} ]] && append=(--append "$NANONT_CMDLINE")
    "$runner" --no-kvm --kernel "$kernel" --timeout "$timeout" "${append[@]}" \
        --module "$build/user/sysabi.exe" --init "sysabi.exe die $case" >"$log" 2>&1
    rc=$?
    out=$(tr -d '\r' <"$log")
    why=''
    if grep -q '\*\*\* STOP:' <<<"$out"; then why="bugcheck"
    elif ! grep -q "^\[die\] $case:" <<<"$out"; then why="the case did not start"
    elif grep -q "survived" <<<"$out"; then why="the process survived"
    elif ! grep -q "unhandled exception 0xC0000005 at eip=[0-9A-F]* ($fault)" <<<"$out"; then
        why="no user-mode fault with '$fault'"
    elif ! grep -qi "init exited with status 0xC0000005" <<<"$out"; then why="exit status not 0xC0000005"
    elif [[ $rc -ne 1 ]]; then why="runner exit $rc, expected 1 (guest reported failure)"
    fi
    if [[ -n $why ]]; then
        echo "[FAIL] $case: $why (log: $log)"
        failed=$((failed + 1))
    else
        echo "[OK] $case: ended by a user-mode fault ($fault), kernel up"
    fi
done
echo "$(( ${#cases[@]} - failed )) passed, $failed failed"
exit $(( failed != 0 ))
