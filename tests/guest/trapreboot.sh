#!/usr/bin/env bash
# tests/guest/trapreboot.sh RUNNER - a record survives a reboot (docs/trapfile.md), MANIFEST script=.
# With NANONT_DISK (a fresh copy of build/disk.img, disk=yes):
#   1. boot trapdemo.exe (as a module): no record yet, so it records and exits;
#   2. the host tool judges the record inside the image as the kernel would (trapdump --image,
#      --expect-image trapdemo.exe: VALID), and fsck.fat -n is clean;
#   3. a new boot starts the same image from the disk (\SystemRoot\system32\trapdemo.exe): it
#      resumes at the recorded point with the registers boot 1 printed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scriptlib.sh"
script_setup trapreboot "$1"
boot() {   # boot LOG INIT [runner args...]
    local rc=0
    run_boot "$@" --disk "$IMG" || rc=$?
    tr -d '\r' <"$1" | sed 's/^/  | /'
    return $rc
}

boot "$WORK/1.log" trapdemo.exe --module "$BUILD/user/trapdemo.exe" || fail "boot 1 failed"
rec=$(tr -d '\r' <"$WORK/1.log" | sed -n 's/^trapdemo: recorded \(EBX=.*\)$/\1/p')
[[ -n $rec ]] || fail "boot 1 did not record"
step "boot 1 recorded: $rec"

"$BUILD/tools/trapdump" --expect-image "$BUILD/user/trapdemo.exe" --image "$IMG" >"$WORK/dump.txt" 2>&1 ||
    { cat "$WORK/dump.txt"; fail "trapdump does not find a valid record of trapdemo.exe"; }
sed 's/^/  | /' "$WORK/dump.txt"
ebx=$(sed -n 's/.*+0x05c Ebx *: *\(0x[0-9a-fA-F]*\).*/\1/p' "$WORK/dump.txt" | head -n1)
[[ $(( ebx )) -eq $(( $(sed 's/^EBX=\(0x[0-9a-f]*\).*/\1/' <<<"$rec") )) ]] ||
    fail "trapdump shows Ebx $ebx, boot 1 recorded $rec"
out=$(fsck.fat -n "$IMG" 2>&1) || fail "fsck.fat -n: $out"
step "trapdump: VALID, Ebx $ebx; fsck.fat -n clean"

boot "$WORK/2.log" '\SystemRoot\system32\trapdemo.exe' || fail "boot 2 failed"
res=$(tr -d '\r' <"$WORK/2.log" | sed -n 's/^trapdemo: resumed with the recorded \(EBX=.*\)$/\1/p')
[[ -n $res ]] || fail "boot 2 did not resume"
[[ $res == "$rec" ]] || fail "boot 2 resumed with '$res', boot 1 recorded '$rec'"
grep -q 'the recorded registers are all back' "$WORK/2.log" || fail "registers not consistent"
step "boot 2 resumed at the recorded point with boot 1's registers: $res"
