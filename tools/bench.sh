#!/usr/bin/env bash
# tools/bench.sh - `make bench`: boot the benchmark programs and print their figures.
#
# Instructions are counted under software emulation with -icount shift=0 (one TSC tick = one
# instruction: exact and repeatable on any machine); where a probe shows that real KVM works, the
# same programs also run under KVM and report median cycles. Each program prints
# `bench NAME VALUE UNIT` lines; this script prints them as a table and then repeats every
# machine-readable line at the end. See docs/benchmarks.md.
# Environment: NANONT_BUILD (default build), NANONT_BENCH_LOGDIR (default build/bench-logs),
# NANONT_BENCH_ONLY ("sys-sysenter benchps ...": only these boots, by the names used below; the
# test of the output format, tests/guest/benchlines.sh, runs one).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD=${NANONT_BUILD:-build}
KERNEL=$BUILD/nanont.elf
LOG=${NANONT_BENCH_LOGDIR:-$BUILD/bench-logs}
mkdir -p "$LOG"
RESULTS=$LOG/results.txt
: > "$RESULTS"

# boot NAME UNIT RUNNER-ARGS...: run one program, keep its bench lines
boot() {
    local name=$1 unit=$2; shift 2
    local log=$LOG/$name.log
    if [[ -n ${NANONT_BENCH_ONLY:-} && " $NANONT_BENCH_ONLY " != *" $name "* ]]; then return 0; fi
    if ! tools/run.sh --kernel "$KERNEL" --timeout 300 "$@" > "$log" 2>&1; then
        echo "bench.sh: $name failed (log: $log)" >&2
        tail -n 20 "$log" >&2
        return 1
    fi
    # run.sh prints the console as clean text; the tr keeps a stray CR out of the results anyway
    tr -d '\r' <"$log" | grep -E '^bench [A-Za-z0-9_]+ -?[0-9.]+ ' | sed "s/\$/ [$unit]/" >> "$RESULTS" || true
}

status=0
# system-service path: sysenter and int 2Eh, with the calibration floors
boot sys-sysenter icount --icount --append "bench" --init "benchsys.exe instructions" || status=1
boot sys-int2e icount --icount --append "bench syscall=int2e" --init "benchsys.exe instructions" || status=1
# further benchmark programs, when they exist
for prog in benchps benchio benchtrap benchgui; do
    [[ -f $BUILD/user/$prog.exe ]] || continue
    disk=()
    if [[ $prog != benchps && $prog != benchgui && -f $BUILD/disk.img ]]; then   # benchgui: no disk
        cp "$BUILD/disk.img" "$LOG/$prog-disk.img"
        disk=(--disk "$LOG/$prog-disk.img")
    fi
    # benchps also times a PE process (ps_pe_process_create_exit): natnull.exe as a module
    if [[ $prog == benchps && -f $BUILD/user/natnull.exe ]]; then
        disk+=(--module "$BUILD/user/benchps.exe" --module "$BUILD/user/natnull.exe")
    fi
    boot "$prog" icount --icount "${disk[@]}" --append "bench" --init "$prog.exe instructions" || status=1
done
# real cycles, only where KVM proves it can run a paged 32-bit guest
if tools/run.sh --kernel "$KERNEL" --kvm-probe-only >/dev/null 2>&1; then
    boot sys-sysenter-kvm kvm --kvm --append "bench" --init "benchsys.exe cycles" || true
    boot sys-int2e-kvm kvm --kvm --append "bench syscall=int2e" --init "benchsys.exe cycles" || true
fi

echo
echo "NanoNT benchmarks ($(date -u +%Y-%m-%d), QEMU $(qemu-system-i386 --version | head -n1 | awk '{print $4}'))"
printf '%-36s %12s  %s\n' "figure" "value" "unit"
printf '%-36s %12s  %s\n' "------" "-----" "----"
while read -r _ name value unit _; do
    printf '%-36s %12s  %s\n' "$name" "$value" "$unit"
done < "$RESULTS"

# the targets of docs/benchmarks.md (at most 75 instructions with every step, 1 per argument dword), checked against this run
get() { awk -v n="$1" '$2 == n { print $3; exit }' "$RESULTS"; }
rt=$(get sysenter_null_roundtrip); pa=$(get sysenter_per_arg_dword)
if [[ -n $rt ]]; then
    echo
    echo "sysenter null round trip: $rt instructions (target <= 75; WRK's path is about 105)"
    echo "sysenter cost per argument dword: $pa instructions (target <= 1)"
fi
pe=$(get ps_pe_process_create_exit)
if [[ -n $pe ]]; then
    echo "PE process (imports only ntdll) create, run and exit: $pe instructions (target < 250,000)"
fi
# the performance targets of docs/benchmarks.md, each figure with its floor or peer and the ratio
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
# target LABEL VALUE LIMIT DIRECTION PEER-LABEL PEER: one line, "met" or "not met"
target() {
    local label=$1 value=$2 limit=$3 dir=$4 plabel=$5 peer=$6 verdict
    [[ -n $value ]] || return 0
    if awk -v v="$value" -v l="$limit" -v d="$dir" 'BEGIN { exit !(d == "<=" ? v <= l : v >= l) }'; then
        verdict=met; else verdict="not met"; fi
    printf '%-40s %10s  target %s %-8s %-8s %s %s (x%s)\n' "$label" "$value" "$dir" "$limit" "$verdict" \
        "$plabel" "${peer:--}" "$(ratio "$value" "${peer:-0}")"
}
null=$(get trap_null_roundtrip); sysnull=$(get native_null_call)
[[ -n $sysnull ]] || sysnull=$rt
echo
echo "targets (docs/benchmarks.md), with the floor or peer each figure is set beside:"
target "sysenter null round trip" "$rt" 75 "<=" "WRK's path" 105
target "trap record, kernel part" "$(get trap_record_kernel)" 2000 "<=" "null service" "$null"
target "trap recover, kernel part" "$(get trap_recover_kernel)" 1500 "<=" "null service" "$null"
sw=$(get ps_thread_switch_roundtrip)
[[ -n $sw && -n $sysnull ]] && four=$((4 * sysnull)) || four=''
target "thread switch round trip (events)" "$sw" 1200 "<=" "4 null services" "$four"
apc=$(get ps_user_apc_roundtrip)
[[ -n $apc && -n $sysnull ]] && three=$((3 * sysnull + 2 * 179)) || three=''
target "user APC round trip" "$apc" 2000 "<=" "3 null services + 2 CONTEXT copies" "$three"
target "process create + exit" "$(get ps_process_create_exit)" 100000 "<=" "zeroing 80 pages" 81920
w=$(get io_file_seq_write_16MiB_throughput); rw=$(get io_raw_disk_write_4MiB_throughput)
r=$(get io_file_seq_read_16MiB_throughput); rr=$(get io_raw_disk_read_16MiB_throughput)
[[ -n $w && -n $rw ]] && target "file write, % of raw disk write" "$(awk -v a="$w" -v b="$rw" 'BEGIN { printf "%d", 100 * a / b }')" 85 ">=" "raw disk (%)" 100
[[ -n $r && -n $rr ]] && target "file read, % of raw disk read" "$(awk -v a="$r" -v b="$rr" 'BEGIN { printf "%d", 100 * a / b }')" 85 ">=" "raw disk (%)" 100
b100=$(get gui_setpixel_batched_100); s100=$(get gui_setpixel_syscalls_100)
[[ -n $b100 ]] && target "GDI batch, per pixel at N=100" "$((b100 / 100))" 40 "<=" "system call per pixel" "$((s100 / 100))"
for n in 2 10; do
    b=$(get gui_setpixel_batched_$n); sc=$(get gui_setpixel_syscalls_$n)
    [[ -n $b ]] && target "GDI batch of $n vs $n system calls" "$b" "$sc" "<=" "system calls" "$sc"
done

echo
cut -d' ' -f1-4 "$RESULTS"
exit $status
