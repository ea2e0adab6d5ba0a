#!/usr/bin/env bash
# iso.sh - the bootable ISO (make iso, tools/mkiso.sh): builds one from this build's kernel,
# programs and disk image, and boots it from the CD (run.sh --cdrom, no -kernel): GRUB's first
# entry must run hello.exe to a pass, with the FAT disk attached and without it (the program
# then comes from its Multiboot module only).
set -euo pipefail
RUNNER=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${NANONT_BUILD:-build}
KERNEL=${NANONT_KERNEL:-$BUILD/nanont.elf}
DISK=${NANONT_DISK:?needs disk=yes}
DIR=${NANONT_LOGDIR:-$BUILD/test-logs}/iso
mkdir -p "$DIR"
pass=0 fail=0
ok() { echo "[OK] $1"; pass=$((pass + 1)); }
bad() { echo "[FAIL] $1"; fail=$((fail + 1)); }

programs=()
for c in "$ROOT"/user/programs/*.c; do programs+=("$BUILD/user/$(basename "${c%.c}").exe"); done
iso=$DIR/nanont.iso
if "$ROOT/tools/mkiso.sh" --timeout 1 "$iso" "$KERNEL" "$BUILD/disk.img" "${programs[@]}" >"$DIR/mkiso.log" 2>&1; then
    ok "mkiso.sh made $(basename "$iso") ($(( $(stat -c %s "$iso") / 1048576 )) MiB)"
else
    bad "mkiso.sh failed: $(tail -n 3 "$DIR/mkiso.log" | tr '\n' ' ')"
    echo "$pass passed, $fail failed"; exit 1
fi

# boot WHAT LOG [run.sh args] - one boot from the CD; checks the verdict and the console
boot() {
    local what=$1 log=$2 rc=0; shift 2
    "$RUNNER" --no-kvm --cdrom "$iso" --timeout 60 --log "$log" "$@" >/dev/null 2>&1 || rc=$?
    if [[ $rc -ne 0 ]]; then bad "$what: run.sh exited $rc (log $log)"; return; fi
    local pattern
    for pattern in '^NanoNT 0\.1 .* command line: init=hello\.exe$' '^Hello from user mode! I am hello\.exe' \
                   '^init exited with status 0x00000000$'; do
        grep -q -- "$pattern" "$log" || { bad "$what: no line matching '$pattern' (log $log)"; return; }
    done
    ok "$what"
}
boot "boot from the CD with the FAT disk" "$DIR/with-disk.log" --disk "$DISK"
grep -q "^NanoNT: disk: FAT32 volume 'NANONT" "$DIR/with-disk.log" && ok "the FAT disk is mounted" ||
    bad "the FAT disk was not mounted (log $DIR/with-disk.log)"
boot "boot from the CD without a disk (modules only)" "$DIR/no-disk.log"

rm -f "$iso"
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
