#!/usr/bin/env bash
# tools/run.sh - boot a NanoNT kernel in QEMU and tell how the run ended (docs/spec.md §1, docs/runner.md).
#
# Boots KERNEL (Multiboot ELF) with qemu-system-i386, optional Multiboot modules (user programs),
# an optional raw IDE disk and a kernel command line. COM1 goes to stdout as it comes (and to
# --log FILE). The exit status tells the outcome apart:
#   0 pass      guest wrote 0 to port 0xf4 (QEMU exit 1)
#   1 fail      guest wrote 1 (QEMU exit 3)
#   2 bugcheck  guest wrote 2 (QEMU exit 5), or "*** STOP:" appeared on the console
#   3 timeout   the guest was still running after --timeout seconds
#   4 error     QEMU could not start, crashed, or exited by itself (triple fault with -no-reboot)
#   5 stopped   QEMU quit without a verdict and --quit-expected said a quit was asked for
#   6 killed    --kill-at-random fired and SIGKILLed QEMU
# Software emulation (TCG) by default; KVM with --kvm, or when no --kvm/--no-kvm is given and a
# probe boot (cached in build/.kvm-probe) shows that KVM runs a paged guest correctly.
# Environment: QEMU (binary, default qemu-system-i386), NANONT_BUILD (default <repo>/build),
# NANONT_RANDOM_SEED (makes --kill-at-random repeatable).
# shellcheck disable=SC2054  # commas inside QEMU option values, not array separators
# shellcheck disable=SC2317  # trap handlers are reached through trap
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${NANONT_BUILD:-$ROOT/build}
QEMU=${QEMU:-qemu-system-i386}
ME=run.sh

readonly ST_PASS=0 ST_FAIL=1 ST_BUGCHECK=2 ST_TIMEOUT=3 ST_ERROR=4 ST_STOPPED=5 ST_KILLED=6
readonly KILL_GRACE_S=5        # after SIGTERM at the timeout, SIGKILL this much later
readonly POLL_S=0.05           # how often the watcher looks at QEMU
readonly STOP_GRACE_S=3        # a kernel that printed STOP gets this long to power off
readonly PAGING_LINE='NanoNT: paging on'

usage() {
    cat <<'EOF'
usage: tools/run.sh [options]
  --kernel FILE          kernel image (default build/nanont.elf)
  --init PROG            put init=PROG last on the command line (PROG may carry args)
  --append "WORDS"       extra kernel command-line words (placed before init=)
  --module "FILE [ARGS]" Multiboot module, repeatable (default: build/user/PROG for --init PROG)
  --disk IMG             attach IMG as raw IDE disk 0 (cache=writethrough)
  --disk-if-present      attach build/disk.img when it exists
  --write-log FILE       with --disk: record every write and flush the guest sends to the disk
                         in FILE (QEMU's blklogwrites driver, dm-log-writes format, 512-byte log
                         sectors; the drive then has a volatile write cache, cache=writeback);
                         tests/host/crashreplay.c replays it
  --timeout SECONDS      stop the guest after this long (default 60; 0 = never)
  --log FILE             also save the serial output in FILE
  --gdb                  start halted with a gdb stub on :1234 and print the gdb command
  --gdb-port PORT        start halted with a gdb stub on 127.0.0.1:PORT; without --gdb the run
                         stays non-interactive, with its timeout (scripts drive gdb -batch)
  --cdrom ISO            boot from ISO (-cdrom, -boot d) instead of -kernel: the ISO's GRUB
                         loads the kernel; --init/--append/--module do not apply
  --interactive          serial (and QEMU monitor, Ctrl-A c) on the terminal, no timeout
  --icount               -icount shift=0: one TSC tick is one instruction (implies TCG)
  --kvm | --no-kvm       force KVM / force software emulation (default: probe, see docs)
  --kvm-probe-only       only run the KVM probe: exit 0 when KVM works here, 1 otherwise
  --kill-at-random MIN_MS MAX_MS   SIGKILL QEMU at a random time in the window (exit 6)
  --qemu-arg ARG         pass ARG to QEMU, repeatable
  --monitor-pipe PATH    also a QEMU monitor on the FIFOs PATH.in / PATH.out (made if missing):
                         `echo 'screendump shot.ppm' > PATH.in` (tools/screendump.sh uses it)
  --quit-expected        the caller will quit QEMU (e.g. through --monitor-pipe): a stop without
                         a guest verdict is reported as asked for (exit 5), not as an error
  --memory MB            guest memory (default 128)
  --cpus N               N processors (-smp N; default 1); NanoNT starts the others from the
                         ACPI MADT (docs/smp.md)
  --com2 FILE            COM2 into FILE, raw (the event timeline, timeline=1; tools/nttrace reads it)
  --serial-input FILE    COM1 reads FILE as if typed (non-interactive runs; the guest's console
                         device takes it line by line, e.g. nsh.exe's commands)
  -v | --verbose         print the QEMU command line
exit: 0 pass, 1 fail, 2 bugcheck, 3 timeout, 4 error, 5 stopped as asked, 6 killed at random
EOF
}

die() { echo "$ME: $*" >&2; exit "$ST_ERROR"; }
say() { echo "$ME: $*" >&2; }

# qemu_escape STR - double commas so STR survives QEMU's comma-separated option parsing.
qemu_escape() { printf '%s' "${1//,/,,}"; }

# now_ms - wall-clock milliseconds (bash's EPOCHREALTIME, no fork).
now_ms() { local us=${EPOCHREALTIME//[!0-9]/}; echo $(( us / 1000 )); }

# ---------------------------------------------------------------- options
kernel=$BUILD/nanont.elf
write_log='' init='' append='' disk='' disk_if_present=0 timeout_s=60 log='' gdb=0 interactive=0 icount=0
gdb_port='' cdrom=''
quit_expected=0
kvm=auto memory=128 cpus=1 verbose=0 kill_min='' kill_max='' monitor_pipe=''
com2='' serial_input=''
modules=() extra_qemu=()

need() { [[ $# -ge 2 ]] || die "option $1 needs a value"; }
while [[ $# -gt 0 ]]; do
    case $1 in
    --kernel)          need "$@"; kernel=$2; shift 2 ;;
    --init)            need "$@"; init=$2; shift 2 ;;
    --append)          need "$@"; append=${append:+$append }$2; shift 2 ;;
    --module)          need "$@"; modules+=("$2"); shift 2 ;;
    --disk)            need "$@"; disk=$2; shift 2 ;;
    --disk-if-present) disk_if_present=1; shift ;;
    --write-log)       need "$@"; write_log=$2; shift 2 ;;
    --timeout)         need "$@"; timeout_s=$2; shift 2 ;;
    --log)             need "$@"; log=$2; shift 2 ;;
    --quit-expected)   quit_expected=1; shift ;;
    --gdb)             gdb=1; shift ;;
    --gdb-port)        need "$@"; gdb_port=$2; shift 2 ;;
    --cdrom)           need "$@"; cdrom=$2; shift 2 ;;
    --interactive)     interactive=1; shift ;;
    --icount)          icount=1; shift ;;
    --kvm)             kvm=yes; shift ;;
    --kvm-probe-only)  probe_only=1; shift ;;
    --no-kvm)          kvm=no; shift ;;
    --kill-at-random)  [[ $# -ge 3 ]] || die "--kill-at-random needs MIN_MS MAX_MS"
                       kill_min=$2; kill_max=$3; shift 3 ;;
    --qemu-arg)        need "$@"; extra_qemu+=("$2"); shift 2 ;;
    --memory)          need "$@"; memory=$2; shift 2 ;;
    --cpus)            need "$@"; cpus=$2; shift 2 ;;
    --com2)            need "$@"; com2=$2; shift 2 ;;
    --serial-input)    need "$@"; serial_input=$2; shift 2 ;;
    --monitor-pipe)    need "$@"; monitor_pipe=$2; shift 2 ;;
    -v|--verbose)      verbose=1; shift ;;
    -h|--help)         usage; exit 0 ;;
    *)                 usage >&2; die "unknown option: $1" ;;
    esac
done

[[ $timeout_s =~ ^[0-9]+$ ]] || die "--timeout wants whole seconds, got '$timeout_s'"
[[ $memory =~ ^[0-9]+$ ]] || die "--memory wants megabytes, got '$memory'"
[[ $cpus =~ ^[1-8]$ ]] || die "--cpus wants 1 to 8, got '$cpus'"
if [[ -n $kill_min ]]; then
    [[ $kill_min =~ ^[0-9]+$ && $kill_max =~ ^[0-9]+$ && $kill_min -le $kill_max ]] ||
        die "--kill-at-random wants MIN_MS <= MAX_MS, got '$kill_min' '$kill_max'"
fi
[[ -z $gdb_port || $gdb_port =~ ^[0-9]+$ ]] || die "--gdb-port wants a port number, got '$gdb_port'"
if [[ -n $cdrom ]]; then
    [[ -f $cdrom ]] || die "no ISO image at $cdrom (build it with make iso)"
    [[ -z $init && -z $append && ${#modules[@]} -eq 0 ]] ||
        die "--cdrom boots what the ISO's GRUB menu says: no --init, --append or --module"
else
    [[ -f $kernel ]] || die "no kernel image at $kernel (build it with make)"
fi
[[ $icount == 1 && $kvm == yes ]] && die "--icount needs software emulation; drop --kvm"
# A person is at the keyboard in these modes: no timeout.
[[ $gdb == 1 || $interactive == 1 ]] && timeout_s=0

# --init PROG with no --module: bring build/user/PROG along (docs/spec.md §1: the module is enough to run).
init_prog=${init%% *}
if [[ -n $init && ${#modules[@]} -eq 0 && $init_prog != *\\* && -f $BUILD/user/$init_prog ]]; then
    modules+=("$BUILD/user/$init_prog")
fi
for m in "${modules[@]}"; do
    [[ -f ${m%% *} ]] || die "no module file ${m%% *}"
done
[[ -z $disk && $disk_if_present == 1 && -f $BUILD/disk.img ]] && disk=$BUILD/disk.img
[[ -z $disk || -f $disk ]] || die "no disk image $disk"
[[ -z $write_log || -n $disk ]] || die "--write-log needs --disk"
[[ -z $serial_input || -r $serial_input ]] || die "cannot read --serial-input $serial_input"
[[ -n $serial_input && ( $interactive == 1 || $gdb == 1 ) ]] && die "--serial-input is for non-interactive runs"

cmdline=$append
[[ -n $init ]] && cmdline=${cmdline:+$cmdline }init=$init

# ---------------------------------------------------------------- temp files and cleanup
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nanont-run.XXXXXX")
qpid=''
# stop_qemu - end the QEMU we started (by its pid), politely first.
stop_qemu() {
    [[ -n $qpid ]] && kill -0 "$qpid" 2>/dev/null || return 0
    kill -TERM "$qpid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$qpid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$qpid" 2>/dev/null || true
}
on_exit() { stop_qemu; rm -rf "$tmp"; }
trap on_exit EXIT
trap 'stop_qemu; exit 130' INT
trap 'stop_qemu; exit 143' TERM
trap 'stop_qemu; exit 129' HUP

# ---------------------------------------------------------------- running QEMU
deathsig=()
command -v setpriv >/dev/null && deathsig=(setpriv --pdeathsig KILL)

# Outcome of the last run_qemu: QEMU's exit code and what the watcher did.
QEMU_RC=0 TIMED_OUT=0 KILLED=0 KILLED_AT_MS=0 SAW_AT_MS=-1 WATCH_STOPPED=0

# run_qemu CAPTURE TIMEOUT_S KILL_MS WATCH_RE -- QEMU-ARGS...
# Runs QEMU in the background (stdin /dev/null or the --serial-input file, stdout = our stdout, stderr into $tmp/qemu.err)
# and watches it every POLL_S: SIGTERM at TIMEOUT_S (0 = never) then SIGKILL KILL_GRACE_S later;
# SIGKILL at KILL_MS (empty = never); SIGTERM STOP_GRACE_S after a "*** STOP:" line when the
# kernel fails to power off by itself; with WATCH_RE, stops QEMU one second after CAPTURE first
# matches it (the KVM probe). Sets QEMU_RC, TIMED_OUT, KILLED, KILLED_AT_MS, SAW_AT_MS and
# WATCH_STOPPED.
run_qemu() {
    local capture=$1 tmo=$2 kill_ms=$3 watch_re=$4; shift 5
    local start now el term_at=-1 polls=0 stop_at=-1
    QEMU_RC=0 TIMED_OUT=0 KILLED=0 KILLED_AT_MS=0 SAW_AT_MS=-1 WATCH_STOPPED=0
    start=$(now_ms)
    # the console's CR LF line ends become LF on our stdout: what we print is clean text
    rm -f "$tmp/console"; mkfifo "$tmp/console" || die "cannot make FIFO $tmp/console"
    tr -d '\r' <"$tmp/console" &
    local trpid=$!
    # setpriv --pdeathsig: should this script itself be SIGKILLed, QEMU dies with it
    "${deathsig[@]}" "$@" <"${serial_input:-/dev/null}" 2>"$tmp/qemu.err" >"$tmp/console" &
    qpid=$!
    while kill -0 "$qpid" 2>/dev/null; do
        now=$(now_ms); el=$(( now - start ))
        if [[ -n $kill_ms && $KILLED == 0 && $el -ge $kill_ms ]]; then
            kill -KILL "$qpid" 2>/dev/null && { KILLED=1; KILLED_AT_MS=$el; }
            break           # reap at once, below, where the shell's "Killed" notice is muted
        fi
        if [[ $tmo -gt 0 && $TIMED_OUT == 0 && $el -ge $(( tmo * 1000 )) ]]; then
            TIMED_OUT=1; term_at=$el
            kill -TERM "$qpid" 2>/dev/null || true
        fi
        if [[ $term_at -ge 0 && $el -ge $(( term_at + KILL_GRACE_S * 1000 )) ]]; then
            kill -KILL "$qpid" 2>/dev/null || true
            break
        fi
        # a bugchecked kernel should power off; if it hangs instead, do not wait for the timeout
        if (( ++polls % 20 == 0 )) && [[ $stop_at -lt 0 ]] && grep -q '\*\*\* STOP:' "$capture" 2>/dev/null; then
            stop_at=$el
        fi
        if [[ $stop_at -ge 0 && $term_at -lt 0 && $el -ge $(( stop_at + STOP_GRACE_S * 1000 )) ]]; then
            say "guest still running ${STOP_GRACE_S} s after STOP; stopping it"
            term_at=$el; kill -TERM "$qpid" 2>/dev/null || true
        fi
        if [[ -n $watch_re ]]; then
            if [[ $SAW_AT_MS -lt 0 ]] && grep -qE "$watch_re" "$capture" 2>/dev/null; then
                SAW_AT_MS=$el
            elif [[ $SAW_AT_MS -ge 0 && $term_at -lt 0 && $el -ge $(( SAW_AT_MS + 1000 )) ]]; then
                WATCH_STOPPED=1 term_at=$el; kill -TERM "$qpid" 2>/dev/null || true
            fi
        fi
        sleep "$POLL_S"
    done
    { wait "$qpid" || QEMU_RC=$?; } 2>/dev/null     # no "Killed" job notice
    qpid=''
    wait "$trpid" 2>/dev/null || true               # the console's last line is out before ours
    # the saved copy of the console is clean text too
    [[ -f $capture ]] && sed -i 's/\r//g' "$capture"
    # the guest may have printed WATCH_RE and powered off between two looks
    if [[ -n $watch_re && $SAW_AT_MS -lt 0 ]] && grep -qE "$watch_re" "$capture" 2>/dev/null; then
        SAW_AT_MS=$(( $(now_ms) - start ))
    fi
    # QEMU's own messages (warnings, errors) come after the console output.
    [[ -s $tmp/qemu.err ]] && cat "$tmp/qemu.err" >&2
    return 0
}

# qemu_complained - true when QEMU printed an error (not a warning) on stderr: then its exit
# code 1 means "could not start", not "the guest wrote 0".
qemu_complained() {
    grep -E '^qemu(-system-[a-z0-9_]+)?: ' "$tmp/qemu.err" 2>/dev/null |
        grep -vqE 'warning:|terminating on signal'
}

# outcome CAPTURE - map QEMU_RC and the watcher's flags to this script's exit status.
outcome() {
    local capture=$1
    if grep -q '\*\*\* STOP:' "$capture" 2>/dev/null; then echo "$ST_BUGCHECK"; return; fi
    case $QEMU_RC in
    1) if qemu_complained; then echo "$ST_ERROR"; else echo "$ST_PASS"; fi; return ;;
    3) echo "$ST_FAIL"; return ;;
    5) echo "$ST_BUGCHECK"; return ;;
    esac
    if [[ $KILLED == 1 && $QEMU_RC == 137 ]]; then echo "$ST_KILLED"
    elif [[ $TIMED_OUT == 1 ]]; then echo "$ST_TIMEOUT"
    elif [[ $quit_expected == 1 && $QEMU_RC == 0 ]]; then echo "$ST_STOPPED"
    else echo "$ST_ERROR"; fi
}

# Common QEMU arguments. qemu32 has SEP (sysenter/sysexit), PSE, PGE, TSC, CX8 under TCG and KVM.
base_args=(-cpu qemu32 -m "$memory" -smp "$cpus" -no-reboot -parallel none
           -device isa-debug-exit,iobase=0xf4,iosize=0x04)

# ---------------------------------------------------------------- KVM probe
# kvm_probe - true when KVM runs a paged 32-bit guest here. /dev/kvm must be usable, and a boot
# of KERNEL with "kvmprobe" must print PAGING_LINE, then either power off with 0/1 or keep
# running for a second, with no STOP, no triple fault (QEMU exit 0) and no QEMU error.
# The verdict is a property of the host: it is cached in build/.kvm-probe per QEMU version and
# host kernel release (rm the file, or make clean, to probe again).
kvm_probe() {
    local cache=$BUILD/.kvm-probe key verdict='' why
    if [[ ! -r /dev/kvm || ! -w /dev/kvm ]]; then
        say "KVM probe: no (/dev/kvm not accessible), using software emulation"
        return 1
    fi
    key="$("$QEMU" --version | head -n1 | tr -s ' ' '_') host=$(uname -r)"
    if [[ -f $cache ]] && read -r verdict _ < <(grep -F " $key" "$cache" | tail -n1); then
        [[ $verdict == yes ]]; return
    fi
    say "KVM probe: booting $kernel under KVM (10 s at most)..."
    run_qemu "$tmp/probe.log" 10 "" "$PAGING_LINE" -- \
        "$QEMU" "${base_args[@]}" -accel kvm -display none -monitor none \
        -chardev "file,id=com1,path=$(qemu_escape "$tmp/probe.log")" -serial chardev:com1 \
        -kernel "$kernel" -append kvmprobe >/dev/null
    verdict=no
    if [[ $SAW_AT_MS -lt 0 ]]; then
        why="no '$PAGING_LINE' line; QEMU exit $QEMU_RC"
        [[ $TIMED_OUT == 1 ]] && why+=", timed out"
    elif grep -q '\*\*\* STOP:' "$tmp/probe.log"; then why="bugcheck after paging"
    elif qemu_complained; then why="QEMU reported an error"
    elif [[ $QEMU_RC == 1 || $QEMU_RC == 3 ]]; then verdict=yes why="guest powered off"
    elif [[ $WATCH_STOPPED == 1 ]]; then verdict=yes why="guest kept running"
    else why="QEMU exited with $QEMU_RC (triple fault?)"
    fi
    mkdir -p "$(dirname "$cache")"
    echo "$verdict $key" >>"$cache"
    say "KVM probe: $verdict ($why); cached in $cache"
    [[ $verdict == yes ]]
}

if [[ ${probe_only:-0} == 1 ]]; then
    if kvm_probe; then exit 0; else exit 1; fi
fi

accel=tcg
case $kvm in
yes) accel=kvm ;;
auto) if [[ $icount == 0 && $gdb == 0 && -z $gdb_port ]] && kvm_probe; then accel=kvm; fi ;;
esac

# ---------------------------------------------------------------- the run
capture=${log:-$tmp/serial.log}
[[ -n $log ]] && mkdir -p "$(dirname "$log")"
if [[ -n $cdrom ]]; then
    args=("$QEMU" "${base_args[@]}" -accel "$accel" -cdrom "$cdrom" -boot d)
else
    args=("$QEMU" "${base_args[@]}" -accel "$accel" -kernel "$kernel" -append "$cmdline")
fi
if [[ ${#modules[@]} -gt 0 ]]; then
    initrd=''
    for m in "${modules[@]}"; do initrd=${initrd:+$initrd,}$(qemu_escape "$m"); done
    args+=(-initrd "$initrd")
fi
if [[ -n $write_log ]]; then
    # the same raw disk under blklogwrites: each guest write and flush is appended to the log.
    # cache=writeback: the guest sees a volatile write cache, so only its own flushes are
    # logged as flushes (writethrough would add one after every write)
    : > "$write_log" || die "cannot create $write_log"
    args+=(-drive "driver=blklogwrites,file.driver=file,file.filename=$(qemu_escape "$disk"),log.driver=file,log.filename=$(qemu_escape "$write_log"),log-sector-size=512,log-append=off,if=ide,index=0,cache=writeback")
elif [[ -n $disk ]]; then
    args+=(-drive "file=$(qemu_escape "$disk"),format=raw,if=ide,index=0,cache=writethrough")
fi
[[ $icount == 1 ]] && args+=(-icount shift=0)
if [[ $interactive == 1 || $gdb == 1 ]]; then
    # serial and monitor share the terminal (Ctrl-A c switches, Ctrl-A x quits)
    args+=(-chardev "stdio,id=com1,mux=on,logfile=$(qemu_escape "$capture")"
           -serial chardev:com1 -mon chardev=com1,mode=readline)
    [[ -n ${DISPLAY:-} ]] || args+=(-display none)
else
    args+=(-chardev "stdio,id=com1,logfile=$(qemu_escape "$capture")" -serial chardev:com1
           -display none -monitor none)
fi
if [[ -n $gdb_port ]]; then
    args+=(-gdb "tcp:127.0.0.1:$gdb_port" -S)
elif [[ $gdb == 1 ]]; then
    args+=(-s -S)
fi
if [[ -n $monitor_pipe ]]; then
    for f in "$monitor_pipe.in" "$monitor_pipe.out"; do [[ -p $f ]] || mkfifo "$f" || die "cannot make FIFO $f"; done
    args+=(-monitor "pipe:$(qemu_escape "$monitor_pipe")")
fi
if [[ -n $com2 ]]; then
    mkdir -p "$(dirname "$com2")"
    args+=(-chardev "file,id=com2,path=$(qemu_escape "$com2")" -serial chardev:com2)
fi
args+=("${extra_qemu[@]}")

# show_cmd WORDS... - the command as one line a person can paste into a shell.
show_cmd() {
    local w out=
    for w in "$@"; do
        if [[ $w =~ ^[A-Za-z0-9_./:=,+@%-]+$ ]]; then out+="$w "; else out+="$(printf '%q' "$w") "; fi
    done
    echo "${out% }"
}
if [[ $verbose == 1 ]]; then say "$(show_cmd "${args[@]}")"; fi
if [[ $gdb == 1 || -n $gdb_port ]]; then
    port=${gdb_port:-1234}
    say "QEMU waits for gdb on :$port; in another terminal run:"
    # tools/gdb/nanont.py adds the kx-* commands (docs/debugging.md)
    echo "gdb -ex 'file $kernel' -x $ROOT/tools/gdb/nanont.py -ex 'target remote :$port'" >&2
fi

if [[ $interactive == 1 || $gdb == 1 ]]; then
    # foreground, on the terminal: QEMU reads our stdin
    QEMU_RC=0
    "${args[@]}" 2>"$tmp/qemu.err" || QEMU_RC=$?
    [[ -s $tmp/qemu.err ]] && cat "$tmp/qemu.err" >&2
else
    kill_ms=''
    if [[ -n $kill_min ]]; then
        [[ -n ${NANONT_RANDOM_SEED:-} ]] && RANDOM=$NANONT_RANDOM_SEED
        kill_ms=$(( kill_min + ( (RANDOM << 15 | RANDOM) % (kill_max - kill_min + 1) ) ))
        say "will SIGKILL QEMU at $kill_ms ms"
    fi
    run_qemu "$capture" "$timeout_s" "$kill_ms" "" -- "${args[@]}"
fi

status=$(outcome "$capture")
case $status in
"$ST_PASS")     say "pass" ;;
"$ST_FAIL")     say "FAIL (guest reported failure)" ;;
"$ST_BUGCHECK") say "BUGCHECK" ;;
"$ST_TIMEOUT")  say "TIMEOUT after $timeout_s s" ;;
"$ST_KILLED")   say "killed at $KILLED_AT_MS ms (--kill-at-random)" ;;
"$ST_STOPPED")  say "stopped: QEMU quit as the caller asked (--quit-expected)" ;;
*)  if [[ $QEMU_RC == 0 ]]; then
        say "ERROR: QEMU stopped without a guest verdict (triple fault, or quit from the monitor)"
    else
        say "ERROR: QEMU exited with $QEMU_RC without a guest verdict"
    fi ;;
esac
exit "$status"
