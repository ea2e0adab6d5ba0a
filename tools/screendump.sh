#!/usr/bin/env bash
# tools/screendump.sh - take a screenshot of a NanoNT boot (docs/gui.md).
#
#   tools/screendump.sh --when REGEX --out FILE.png|FILE.ppm [--log FILE] -- RUN.SH-ARGS...
#
# Boots through tools/run.sh RUN.SH-ARGS with a QEMU monitor on FIFOs (--monitor-pipe), waits
# until the serial console matches REGEX (grep -E), takes QEMU's `screendump` (PPM), quits QEMU
# and, for a .png name, converts with netpbm's pnmtopng. The serial output is printed.
# Exit: 0 screenshot taken; 1 the run ended (or timed out, see run.sh --timeout) before REGEX
# appeared, or the guest bugchecked; 2 usage.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

when='' out='' log=''
while [[ $# -gt 0 ]]; do
    case $1 in
    --when) when=$2; shift 2 ;;
    --out)  out=$2; shift 2 ;;
    --log)  log=$2; shift 2 ;;
    --)     shift; break ;;
    *)      echo "usage: tools/screendump.sh --when REGEX --out FILE.png|.ppm [--log FILE] -- RUN.SH-ARGS..." >&2
            exit 2 ;;
    esac
done
[[ -n $when && -n $out ]] || { echo "screendump.sh: --when and --out are required" >&2; exit 2; }
out=$(realpath -m -- "$out")
case $out in
*.png) command -v pnmtopng >/dev/null || { echo "screendump.sh: no pnmtopng (apt-get install netpbm; tools/setup.sh)" >&2; exit 2; } ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nanont-shot.XXXXXX")
rpid='' cpid=''
cleanup() {
    if [[ -n $rpid ]]; then kill -TERM "$rpid" 2>/dev/null || true; fi
    if [[ -n $cpid ]]; then kill "$cpid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
log=${log:-$tmp/serial.log}
mkdir -p "$(dirname "$log")"
: >"$log"
mkfifo "$tmp/mon.in" "$tmp/mon.out"
cat "$tmp/mon.out" >"$tmp/monitor.log" 2>/dev/null &     # drain the monitor's replies
cpid=$!
"$ROOT/tools/run.sh" --monitor-pipe "$tmp/mon" --quit-expected --log "$log" "$@" >"$tmp/run.out" 2>&1 &
rpid=$!

seen=0
while kill -0 "$rpid" 2>/dev/null; do
    if grep -qE "$when" "$log" 2>/dev/null; then seen=1; break; fi
    sleep 0.05
done
ppm=$out
[[ $out == *.png ]] && ppm=$tmp/shot.ppm
if [[ $seen == 1 ]]; then
    # the monitor runs commands in order: the dump is complete before QEMU quits
    timeout 10 bash -c 'printf "screendump %s\nquit\n" "$2" >"$1"' _ "$tmp/mon.in" "$ppm" || true
fi
wait "$rpid" 2>/dev/null || true
rpid=''
cat "$tmp/run.out"
if [[ $seen == 0 ]]; then
    echo "screendump.sh: the run ended before the console showed '$when'" >&2
    exit 1
fi
if grep -q '\*\*\* STOP:' "$log"; then
    echo "screendump.sh: the guest bugchecked" >&2
    exit 1
fi
if [[ ! -s $ppm ]]; then
    echo "screendump.sh: QEMU wrote no screendump" >&2
    exit 1
fi
if [[ $out == *.png ]]; then
    pnmtopng -quiet "$ppm" >"$out.tmp" && mv "$out.tmp" "$out" ||
        { rm -f "$out.tmp"; echo "screendump.sh: pnmtopng could not convert $ppm" >&2; exit 1; }
fi
echo "screendump.sh: screenshot in $out"
