#!/usr/bin/env bash
# tools/profile.sh - `make profile`: where a boot's instructions go, per routine.
#
#   tools/profile.sh [--top N] [--baseline] [--log FILE] -- RUN.SH-ARGS...
#
# Boots through tools/run.sh RUN.SH-ARGS with QEMU translating one guest instruction per block
# (-singlestep) and logging every block it executes (-d exec,nochain): that is every guest
# instruction, in order. The log streams through a FIFO into a counter (nothing large is kept),
# each address is mapped to the routine holding it (nm of the kernel, ntdll and the --init
# program), and the N routines with the most instructions are printed with their share of the
# run. --baseline also boots hello.exe the same way and prints the difference, so the fixed cost
# of booting drops out and what remains is the program's own. Software emulation only: the
# counts are exact instructions, like the -icount benchmarks (docs/benchmarks.md).
# Environment: NANONT_BUILD (default build).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${NANONT_BUILD:-$ROOT/build}
top=25 baseline=0 keep=''
while [[ $# -gt 0 ]]; do
    case $1 in
    --top)      top=$2; shift 2 ;;
    --baseline) baseline=1; shift ;;
    --log)      keep=$2; shift 2 ;;
    --)         shift; break ;;
    *)          echo "usage: tools/profile.sh [--top N] [--baseline] [--log FILE] -- RUN.SH-ARGS..." >&2; exit 2 ;;
    esac
done
[[ $# -gt 0 ]] || set -- --init "benchsys.exe instructions" --append bench
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nanont-profile.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# program named by --init (first word), for its symbols
prog=''
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    if [[ ${args[i]} == --init ]]; then prog=${args[i + 1]%% *}; fi
done

# symbols: "address name" for every text symbol, sorted by address
{
    nm -n --defined-only "$BUILD/nanont.elf"
    nm -n --defined-only "$BUILD/ntdll.sym.elf"
    # the program: its unstripped PE build, COFF names without the underscore and stdcall @N
    if [[ -n $prog && -f $BUILD/userdbg/$prog ]]; then
        nm -n --defined-only "$BUILD/userdbg/$prog" | sed -E 's/ _([A-Za-z_][A-Za-z0-9_]*)(@[0-9]+)?$/ \1/'
    elif [[ -n $prog && -f $BUILD/user/$prog ]]; then
        nm -n --defined-only "$BUILD/user/$prog"
    fi
} | awk 'toupper($2) == "T" { print $1, $3 }' | sort -u > "$tmp/syms"

# profile_run OUT RUN.SH-ARGS... - per-address instruction counts of one boot into OUT
profile_run() {
    local out=$1; shift
    mkfifo "$tmp/exec.fifo"
    # "Trace N: host [cs_base/pc/flags/...]": field 3 after splitting on [ ] / is the pc
    LC_ALL=C awk -F'[][/]' '/^Trace/ { c[$3]++ } END { for (k in c) print k, c[k] }' \
        <"$tmp/exec.fifo" >"$out" &
    local apid=$!
    "$ROOT/tools/run.sh" --no-kvm --timeout 600 --qemu-arg -singlestep --qemu-arg -d \
        --qemu-arg exec,nochain --qemu-arg -D --qemu-arg "$tmp/exec.fifo" "$@" \
        >"$tmp/run.log" 2>&1 || true
    wait "$apid"
    rm -f "$tmp/exec.fifo"
}

# by_routine COUNTS - "instructions routine" per routine, from per-address counts
by_routine() {
    LC_ALL=C awk '
        function hex(s,   i, v) {
            v = 0; s = tolower(s)
            for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
            return v
        }
        NR == FNR { addr[n] = hex($1); name[n] = $2; n++; next }
        {
            a = hex($1); lo = 0; hi = n - 1; r = "?"
            if (n > 0 && a >= addr[0]) {
                while (lo < hi) { mid = int((lo + hi + 1) / 2); if (addr[mid] <= a) lo = mid; else hi = mid - 1 }
                r = name[lo]
            }
            if (a < 0x100000) r = "(firmware)"
            else if (r == "" || (a < 0x80000000 && r != "?" && addr[lo] >= 0x80000000)) r = "?"
            t[r] += $2
        }
        END { for (k in t) print t[k], k }' "$tmp/syms" "$1" | sort -k1,1nr
}

profile_run "$tmp/run.counts" "$@"
[[ -n $keep ]] && cp "$tmp/run.log" "$keep"
by_routine "$tmp/run.counts" >"$tmp/run.routines"
total=$(awk '{ s += $1 } END { print s + 0 }' "$tmp/run.routines")
echo "profile: $total instructions in the whole run ($*)"
printf '%14s %7s  %s\n' instructions share routine
head -n "$top" "$tmp/run.routines" | awk -v t="$total" '{ printf "%14d %6.2f%%  %s\n", $1, 100 * $1 / t, $2 }'

if [[ $baseline == 1 ]]; then
    profile_run "$tmp/base.counts" --init hello.exe
    by_routine "$tmp/base.counts" >"$tmp/base.routines"
    echo
    echo "profile: the run minus a boot of hello.exe (what the program itself costs)"
    printf '%14s  %s\n' instructions routine
    awk 'NR == FNR { b[$2] = $1; next } { d = $1 - b[$2]; if (d > 0) print d, $2 }' \
        "$tmp/base.routines" "$tmp/run.routines" | sort -k1,1nr | head -n "$top" |
        awk '{ printf "%14d  %s\n", $1, $2 }'
fi
