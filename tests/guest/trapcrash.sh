#!/usr/bin/env bash
# tests/guest/trapcrash.sh RUNNER - records survive power cuts (docs/trapfile.md, docs/fat.md), MANIFEST script=.
# With NANONT_DISK (a fresh copy of build/disk.img, disk=yes):
#   0. boot `traploop.exe loop 3`: a first record exists;
#   then KILLS times (default 12, NANONT_TRAP_KILLS):
#   1. boot `traploop.exe loop` (records for ever) and SIGKILL QEMU at a random time
#      (tools/run.sh --kill-at-random), which for the disk is a power cut between two commands;
#   2. on the host, before any repair: trapdump --image --expect-image finds a VALID record
#      (the old or the new one, never a torn one);
#   3. boot `traploop.exe check`: the mount-time repair runs, the record is recovered and resumes
#      with one consistent register set;
#   4. fsck.fat -n on the image is clean (no leaked clusters, FSInfo count, FAT copies).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scriptlib.sh"
script_setup trapcrash "$1"
KILLS=${NANONT_TRAP_KILLS:-12}
fail() { echo "trapcrash.sh: FAIL: $*"; tail -n 30 "$WORK"/*.log 2>/dev/null | sed 's/^/  | /'; exit 1; }
boot() {   # boot LOG INIT [runner args...]: prints nothing, returns the runner's status
    run_boot "$@" --disk "$IMG" --module "$BUILD/user/traploop.exe"
}

boot "$WORK/first.log" "traploop.exe loop 3" || fail "first boot failed"
repairs=0 gens=()
for (( k = 1; k <= KILLS; k++ )); do
    rc=0
    boot "$WORK/kill.log" "traploop.exe loop" --kill-at-random 700 2600 || rc=$?
    [[ $rc -eq 6 ]] || { cp "$WORK/kill.log" "$WORK/kill-$k.log"; fail "kill $k: runner exit $rc, expected 6 (killed)"; }
    n=$(tr -d '\r' <"$WORK/kill.log" | grep -c '^traploop: .* records$' || true)
    "$BUILD/tools/trapdump" --expect-image "$BUILD/user/traploop.exe" --image "$IMG" >"$WORK/dump.txt" 2>&1 ||
        { cat "$WORK/dump.txt"; fail "kill $k: no valid record in the image after the power cut"; }
    gen=$(sed -n 's/.*Generation *: *\(0x[0-9a-f]*\).*/\1/p' "$WORK/dump.txt" | head -n1)
    before=clean
    fsck.fat -n "$IMG" >/dev/null 2>&1 || before=unclean    # what the repair has to fix
    boot "$WORK/check.log" "traploop.exe check" || { cp "$WORK/check.log" "$WORK/check-$k.log"; fail "kill $k: check boot failed"; }
    line=$(tr -d '\r' <"$WORK/check.log" | grep '^traploop: resumed' || true)
    [[ $line == *consistent* ]] || fail "kill $k: check boot: '$line'"
    grep -q 'repair after an unclean stop' "$WORK/check.log" && repairs=$((repairs + 1))
    out=$(fsck.fat -n "$IMG" 2>&1) || fail "kill $k: fsck.fat -n after the repair: $out"
    if grep -qiE 'differ|error|free cluster summary|dirty|fix|invalid|reclaim' <<<"$out"; then
        fail "kill $k: fsck.fat -n reports: $out"
    fi
    step "kill $k: ~$((n * 25)) records in that boot; record generation $gen VALID; volume $before; ${line#traploop: }; fsck clean"
done
step "$KILLS power cuts: every record whole, every volume clean after the next mount ($repairs repaired something)"
