#!/usr/bin/env bash
# tests/guest/fshost.sh RUNNER - NanoNT's files checked from the host (docs/io.md), MANIFEST script=.
# With NANONT_DISK (a fresh copy of build/disk.img, disk=yes):
#   1. mcopy random bytes to ::/hostin.bin; boot `fshost.exe write` from \SystemRoot\system32:
#      it copies the file, writes a `seq 1 20000` file under a long name, and runs the randomized
#      file-operation test, leaving its model's checksums in ::/rand.lst
#   2. fsck.fat -n; mtype the copy (cmp), the sequence (cmp with seq), and every model file
#      (cksum against rand.lst, and no other file in ::/rand)
#   3. mcopy ::/WINDOWS/FromHost.txt, mdel ::/WINDOWS/gone.txt; boot `fshost.exe verify`; fsck.fat -n
#   4. a truncated image and a damaged boot sector are refused at mount with a console message
#      (booted with fshost.exe as a module: `fshost.exe nodisk`), and a boot with no disk at all
# Exit 0 when all of it holds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scriptlib.sh"
script_setup fshost "$1"

boot() {   # boot LOG INIT [runner args...]
    local rc=0
    run_boot "$@" || rc=$?
    sed 's/^/  | /' "$1"
    return $rc
}

fsck_clean() {
    local out
    out=$(fsck.fat -n "$1" 2>&1) || fail "fsck.fat -n $1 complains: $out"
    if grep -qiE 'differ|error|free cluster summary|dirty|fix|invalid|reclaim' <<<"$out"; then
        fail "fsck.fat -n reports: $out"
    fi
    step "fsck.fat -n clean: $(tail -n1 <<<"$out")"
}

# 1. host -> NanoNT, then NanoNT writes
head -c 150001 /dev/urandom >"$WORK/hostin.bin"
mcopy -i "$IMG" "$WORK/hostin.bin" ::/hostin.bin
boot "$WORK/write.log" '\SystemRoot\system32\fshost.exe write' --disk "$IMG" || fail "write boot failed"
grep -q '^3 passed, 0 failed' <(tr -d '\r' <"$WORK/write.log") || fail "write phase did not pass"

# 2. check from the host
fsck_clean "$IMG"
mtype -i "$IMG" ::/hostcopy.bin >"$WORK/hostcopy.bin"
cmp "$WORK/hostin.bin" "$WORK/hostcopy.bin" || fail "hostcopy.bin differs from hostin.bin"
step "hostcopy.bin byte-exact ($(stat -c %s "$WORK/hostcopy.bin") bytes)"
mtype -i "$IMG" "::/NanoNT dir/Long File Name Sequence.txt" >"$WORK/seq.txt"
cmp <(seq 1 20000) "$WORK/seq.txt" || fail "the sequence file differs from seq 1 20000"
step "long-name sequence file byte-exact"
mtype -i "$IMG" ::/rand.lst | tr -d '\r' >"$WORK/rand.lst"
count=0
while IFS=$'\t' read -r name sums; do
    got=$(mtype -i "$IMG" "::/rand/$name" | cksum)
    [[ $got == "$sums" ]] || fail "rand/$name: host cksum '$got', NanoNT's model '$sums'"
    count=$((count + 1))
done <"$WORK/rand.lst"
ondisk=$(mdir -i "$IMG" -b ::/rand | grep -c . || true)
[[ $ondisk -eq $count ]] || fail "::/rand holds $ondisk files, the model $count"
step "randomized test: $count files identical to the model"

# 3. host changes, second boot
echo "written by the host with mcopy" >"$WORK/FromHost.txt"
mcopy -i "$IMG" "$WORK/FromHost.txt" ::/WINDOWS/FromHost.txt
mdel -i "$IMG" ::/WINDOWS/gone.txt
boot "$WORK/verify.log" '\SystemRoot\system32\fshost.exe verify' --disk "$IMG" || fail "verify boot failed"
fsck_clean "$IMG"

# 4. images NanoNT must refuse, and no disk
cp --sparse=always "$IMG" "$WORK/trunc.img"
truncate -s 8M "$WORK/trunc.img"
boot "$WORK/trunc.log" 'fshost.exe nodisk' --module "$BUILD/user/fshost.exe" --disk "$WORK/trunc.img" ||
    fail "boot with a truncated image failed"
grep -q 'volume refused: damaged or truncated' "$WORK/trunc.log" || fail "no refusal message for the truncated image"
cp --sparse=always "$IMG" "$WORK/bad.img"
printf '\x00\x00' | dd of="$WORK/bad.img" bs=1 seek=510 conv=notrunc status=none
boot "$WORK/bad.log" 'fshost.exe nodisk' --module "$BUILD/user/fshost.exe" --disk "$WORK/bad.img" ||
    fail "boot with a damaged boot sector failed"
grep -q 'volume refused: not a FAT volume' "$WORK/bad.log" || fail "no refusal message for the damaged image"
boot "$WORK/none.log" 'fshost.exe nodisk' --module "$BUILD/user/fshost.exe" || fail "boot without a disk failed"
grep -q 'no ATA disk' "$WORK/none.log" || fail "no 'no ATA disk' message"
step "all checks passed"
