#!/usr/bin/env bash
# tools/test.sh HOSTTEST... - run the host unit tests, then the in-guest tests of
# tests/guest/MANIFEST (two at a time), and end with one line "N passed, N failed".
#
# Host tests: each binary's own closing "N passed, N failed" is added to the totals (a binary
# that crashes, has no closing line or exits non-zero with "0 failed" counts one failure more).
# Guest tests: each MANIFEST line boots the kernel through tools/run.sh (always software
# emulation) and counts one pass or failure for the boot; the program's own closing line, when
# it prints one, is added too. Logs go to build/test-logs/. Exit 1 if anything failed or if no
# test ran at all. Format of MANIFEST and how to add a test: docs/runner.md.
# Environment: NANONT_BUILD (default build), NANONT_KERNEL (default build/nanont.elf),
# NANONT_MANIFEST (default tests/guest/MANIFEST), NANONT_TEST_TIMEOUT (default 60 s per boot),
# NANONT_TEST_JOBS (default 2), NANONT_TESTS ("name ..." runs only those guest tests),
# NANONT_SCRIPT_TIMEOUT (seconds a script= test may take; default 5 times its boot timeout).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# host test paths are relative to where we were called from; make them absolute before cd
host_tests=()
for t in "$@"; do host_tests+=("$(realpath -m -- "$t")"); done
cd "$ROOT"

export NANONT_BUILD=${NANONT_BUILD:-$ROOT/build}
BUILD=$NANONT_BUILD
KERNEL=${NANONT_KERNEL:-$BUILD/nanont.elf}
MANIFEST=${NANONT_MANIFEST:-tests/guest/MANIFEST}
DEFAULT_TIMEOUT=${NANONT_TEST_TIMEOUT:-60}
JOBS=${NANONT_TEST_JOBS:-2}
RUNNER=$ROOT/tools/run.sh
LOGDIR=$BUILD/test-logs
readonly TAIL_LINES=30
readonly HOST_TIMEOUT=300

passed=0 failed=0

# closing_line FILE - print "P F" from the last "N passed, N failed" line of FILE (CRs ignored),
# or nothing.
closing_line() {
    tr -d '\r' <"$1" | sed -nE 's/^[[:space:]]*([0-9]+) passed, ([0-9]+) failed[[:space:]]*$/\1 \2/p' |
        tail -n1
}

# show_tail FILE - the last lines of a log, marked so they cannot pass for our own lines.
show_tail() {
    tr -d '\r' <"$1" | tail -n "$TAIL_LINES" | sed 's/^/  | /'
}

rm -rf "$LOGDIR"
mkdir -p "$LOGDIR"

# ---------------------------------------------------------------- host tests
# run_host_test BIN - run one host test binary from the repo root and add its figures.
run_host_test() {
    local bin=$1 name log rc=0 p f line
    name=$(basename "$bin")
    log=$LOGDIR/host-$name.log
    echo "[RUN] $name"
    if [[ ! -x $bin ]]; then
        echo "[FAIL] $name: no such test binary $bin"
        failed=$(( failed + 1 )); return
    fi
    # (the braces keep the shell's "Segmentation fault" notice out of our output)
    { timeout -k 5 "$HOST_TIMEOUT" "$bin" </dev/null >"$log" 2>&1 || rc=$?; } 2>/dev/null
    line=$(closing_line "$log")
    if [[ -z $line ]]; then
        local how="exit $rc"
        [[ $rc -eq 124 ]] && how="timed out after $HOST_TIMEOUT s"
        [[ $rc -gt 128 && $rc -ne 137 ]] && how="killed by SIG$(kill -l $(( rc - 128 )))"
        echo "[FAIL] $name: no closing 'N passed, N failed' line, $how (log: $log)"
        show_tail "$log"
        failed=$(( failed + 1 )); return
    fi
    read -r p f <<<"$line"
    passed=$(( passed + p )); failed=$(( failed + f ))
    if [[ $f -gt 0 ]]; then
        echo "[FAIL] $name: $f of $(( p + f )) failed (log: $log)"
        grep -a '^\[FAIL\]' "$log" | sed 's/^/  | /' || true
    elif [[ $rc -ne 0 ]]; then
        echo "[FAIL] $name: exit status $rc with 0 failed (log: $log)"
        show_tail "$log"
        failed=$(( failed + 1 ))
    else
        echo "[OK] $name ($p passed)"
    fi
}

for t in "${host_tests[@]}"; do run_host_test "$t"; done

# ---------------------------------------------------------------- guest tests
# One MANIFEST line:  NAME  EXPECT  [key=value ...]  [-- extra kernel command-line words]

# guest_test LINE - run the test LINE describes (in a background job) and write
# "PASSED FAILED WHY" to $LOGDIR/NAME.result. Never fails itself.
guest_test() {
    local -a w words=() modules=() args
    read -ra w <<<"$1"
    local name=${w[0]} expect=${w[1]:-} init='' iargs='' tmo=$DEFAULT_TIMEOUT disk=no script='' i kv cpus=1
    local log=$LOGDIR/$name.log result=$LOGDIR/$name.result img='' rc=0 why='' p=0 f=0 line
    local progdir=$BUILD/user
    finish() { echo "$1 $2 $3" >"$result"; }
    : >"$log"
    for (( i = 2; i < ${#w[@]}; i++ )); do
        kv=${w[i]}
        case $kv in
        --)         words=("${w[@]:i+1}"); break ;;
        init=*)     init=${kv#init=} ;;
        args=*)     iargs=${kv#args=} ;;
        timeout=*)  tmo=${kv#timeout=} ;;
        disk=yes)   disk=yes ;;
        disk=no)    disk=no ;;
        module=*)   kv=${kv#module=}; [[ $kv == */* ]] || kv=$BUILD/user/$kv; modules+=("$kv") ;;
        format=pe)  progdir=$BUILD/user ;;
        format=elf) progdir=$BUILD/elf ;;
        script=*)   script=${kv#script=} ;;
        cpus=*)     cpus=${kv#cpus=} ;;
        *)          finish 0 1 "bad MANIFEST key '$kv'"; return ;;
        esac
    done
    [[ $tmo =~ ^[0-9]+$ ]] || { finish 0 1 "bad timeout '$tmo'"; return; }
    [[ $cpus =~ ^[1-8]$ ]] || { finish 0 1 "bad cpus '$cpus'"; return; }
    if [[ ! $expect =~ ^(pass|bugcheck|bugcheck=0x[0-9A-Fa-f]{1,8}|status=0x[0-9A-Fa-f]{1,8})$ ]]; then
        finish 0 1 "bad EXPECT '$expect' (pass, status=0x..., bugcheck[=0x...])"; return
    fi
    [[ -z $script || $expect == pass ]] || { finish 0 1 "script= tests expect 'pass'"; return; }
    [[ -f $KERNEL ]] || { finish 0 1 "no kernel $KERNEL"; return; }

    init=${init:-$name.exe}
    [[ -n $iargs ]] && init="$init ${iargs//,/ }"
    # a \SystemRoot path is read from the disk; any other init travels as a module
    if [[ -z $script && $init != *\\* ]]; then modules=("$progdir/${init%% *}" "${modules[@]}"); fi
    for m in "${modules[@]}"; do
        [[ -f ${m%% *} ]] || { finish 0 1 "no program ${m%% *} (is it built?)"; return; }
    done
    if [[ $disk == yes ]]; then
        img=$("$ROOT/tools/mkdisk.sh" --fresh "$BUILD/disk.img" "$LOGDIR/$name.img" 2>>"$log") ||
            { finish 0 1 "no disk image $BUILD/disk.img"; return; }
    fi

    # TERM from the harness (Ctrl-C) reaches the runner too
    local child=''
    trap '[[ -n $child ]] && kill -TERM "$child" 2>/dev/null; exit 143' TERM
    if [[ -n $script ]]; then
        NANONT_KERNEL=$KERNEL NANONT_TEST_NAME=$name NANONT_TIMEOUT=$tmo NANONT_DISK=$img \
        NANONT_LOGDIR=$LOGDIR NANONT_CMDLINE="${words[*]}" NANONT_CPUS=$cpus \
            timeout -k 5 "${NANONT_SCRIPT_TIMEOUT:-$(( tmo * 5 ))}" bash "$script" "$RUNNER" </dev/null >>"$log" 2>&1 &
        child=$!
        wait "$child" || rc=$?
        if [[ $rc -eq 0 ]]; then finish 1 0 ""; else finish 0 1 "script $script exited $rc"; fi
        [[ $rc -ne 0 || -z $img ]] || rm -f "$img"
        return
    fi

    args=(--no-kvm --verbose --kernel "$KERNEL" --timeout "$tmo" --cpus "$cpus" --init "$init")
    for m in "${modules[@]}"; do args+=(--module "$m"); done
    [[ -n $img ]] && args+=(--disk "$img")
    [[ ${#words[@]} -gt 0 ]] && args+=(--append "${words[*]}")
    "$RUNNER" "${args[@]}" </dev/null >>"$log" 2>&1 &
    child=$!
    wait "$child" || rc=$?

    line=$(closing_line "$log")
    [[ -n $line ]] && read -r p f <<<"$line"
    local names=([0]=pass [1]=fail [2]=bugcheck [3]=timeout [4]="QEMU error" [6]=killed)
    local got="runner: ${names[rc]:-exit $rc}"
    case $expect in
    pass)
        if [[ $rc -ne 0 ]]; then why="$got, expected pass"
        elif [[ -n $line && $f -gt 0 ]]; then why="$f sub-test(s) failed"
        elif [[ -n $line && $p -eq 0 ]]; then why="program ran no sub-tests"
        fi ;;
    status=0x*)
        local want=${expect#status=} status_line
        status_line=$(tr -d '\r' <"$log" | grep -ioE "init exited with status 0x[0-9a-f]{8}" | tail -n1 || true)
        local want_rc=1
        (( 16#${want#0x} == 0 )) && want_rc=0
        if [[ $rc -eq 2 ]]; then why="$got, expected status $want"
        elif [[ -z $status_line ]]; then why="no 'init exited with status' line ($got), expected $want"
        elif (( 16#${status_line##*0x} != 16#${want#0x} )); then why="${status_line#init exited with }, expected $want"
        elif [[ $rc -ne $want_rc ]]; then why="$got, expected exit $want_rc for status $want"
        fi ;;
    bugcheck*)
        local code=${expect#bugcheck}; code=${code#=}
        if [[ $rc -ne 2 ]]; then why="$got, expected bugcheck"
        elif [[ -n $code ]] && ! tr -d '\r' <"$log" | grep -iqE "\*\*\* STOP: 0x0*${code#0x}[^0-9a-f]"; then
            why="wrong bugcheck code, expected STOP $code"
        fi ;;
    esac
    if [[ -z $why ]]; then
        finish $(( p + 1 )) "$f" ""
        [[ -z $img ]] || rm -f "$img"
    else
        finish "$p" $(( f + 1 )) "$why"
    fi
}

# read the MANIFEST (comments and blank lines skipped); NANONT_TESTS picks by name
declare -A seen=()
tests=()
if [[ -f $MANIFEST ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
        line=${line%%$'\r'}
        [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
        read -r name _ <<<"$line"
        if [[ ! $name =~ ^[A-Za-z0-9_.-]+$ || -n ${seen[$name]:-} ]]; then
            echo "[FAIL] MANIFEST: bad or repeated test name in: $line"
            failed=$(( failed + 1 )); continue
        fi
        seen[$name]=1
        if [[ -n ${NANONT_TESTS:-} && " $NANONT_TESTS " != *" $name "* ]]; then continue; fi
        tests+=("$line")
    done <"$MANIFEST"
fi

# report NAME - print the outcome of a finished guest test and add its figures.
report() {
    local name=$1 result=$LOGDIR/$1.result log=$LOGDIR/$1.log p=0 f=1 why="harness error (no result)"
    [[ -f $result ]] && read -r p f why <"$result"
    passed=$(( passed + p )); failed=$(( failed + f ))
    if [[ -z $why ]]; then
        if [[ $p -gt 1 ]]; then echo "[OK] $name ($(( p - 1 )) sub-tests)"; else echo "[OK] $name"; fi
    else
        echo "[FAIL] $name: $why (log: $log)"
        show_tail "$log"
    fi
}

declare -A running=()    # pid -> test name
# stop_all - on Ctrl-C or TERM, end the tests still running (each forwards it to its runner).
stop_all() {
    local pid
    for pid in "${!running[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait || true
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM

# reap_one - wait for any running test to finish and report it.
reap_one() {
    local pid=''
    wait -n -p pid "${!running[@]}" || true
    [[ -n $pid && -n ${running[$pid]:-} ]] || return 0
    report "${running[$pid]}"
    unset "running[$pid]"
}

for line in "${tests[@]}"; do
    while [[ ${#running[@]} -ge $JOBS ]]; do reap_one; done
    read -r name _ <<<"$line"
    echo "[RUN] $name"
    guest_test "$line" &
    running[$!]=$name
done
while [[ ${#running[@]} -gt 0 ]]; do reap_one; done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $(( passed + failed )) -gt 0 ]]
