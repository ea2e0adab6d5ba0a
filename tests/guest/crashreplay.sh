#!/usr/bin/env bash
# tests/guest/crashreplay.sh RUNNER - crash consistency at every disk write (docs/fat.md "Crash
# consistency, measured"), MANIFEST script=. With NANONT_DISK (a fresh copy of build/disk.img):
#   1. boot crashload.exe with QEMU recording every write and flush the guest sends to the disk
#      (tools/run.sh --write-log: blklogwrites, a volatile write cache);
#   2. build/host/crashreplay rebuilds crash states from the untouched copy and the log: every
#      prefix, and per flush interval 4 random losses/reorderings with fsck.fat -n on every 40th
#      state; with NANONT_CRASH_ALL=1 (`make crashtest`) every loss/reordering of an interval up
#      to 4096 states, else every state within two sectors of an in-order point, fsck.fat -n on
#      every prefix and every distinct metadata, on two processes. Each state is mounted and
#      repaired by the kernel's own FAT code built natively, then judged; counts per scenario.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scriptlib.sh"
script_setup crashreplay "$1"
cp "$IMG" "$WORK/base.img"
rc=0
run_boot "$WORK/run.log" crashload.exe --disk "$IMG" --write-log "$WORK/writes.log" || rc=$?
tr -d '\r' <"$WORK/run.log" | grep -E '^\[(OK|FAIL)\]|passed, .* failed' | sed 's/^/  | /'
[[ $rc -eq 0 ]] || fail "the recorded run failed (runner status $rc)"
step "recorded $(( $(stat -c %s "$WORK/writes.log") / 512 )) log sectors"
if [[ ${NANONT_CRASH_ALL:-0} == 1 ]]; then
    opts=(--all --jobs 2)
else
    opts=(--samples 4 --fsck-every 40)
fi
"$BUILD/host/crashreplay" "$WORK/base.img" "$WORK/writes.log" --mirror "$WORK/fsck.img" "${opts[@]}"
