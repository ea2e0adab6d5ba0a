#!/usr/bin/env bash
# badimages.sh - malformed executables are refused with STATUS_INVALID_IMAGE_FORMAT (mm/elfimage.c).
# Called by tools/test.sh as `bash badimages.sh RUNNER`: makes damaged copies of the ELF build of
# hello.exe (build/elf/, the second executable format; one kind of damage each), boots each as
# init and expects "init exited with status 0xC000007B" with no bugcheck. (PE images: the
# validator's host test and the natbadexe/natbadimp guest tests.)
set -euo pipefail
RUNNER=$1
BUILD=${NANONT_BUILD:-build}
KERNEL=${NANONT_KERNEL:-$BUILD/nanont.elf}
DIR=${NANONT_LOGDIR:-$BUILD/test-logs}/badimages
rm -rf "$DIR"; mkdir -p "$DIR"
SRC=$BUILD/elf/hello.exe

u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
put() {  # put FILE OFFSET BYTE...  (bytes as hex)
    local f=$1 off=$2; shift 2
    local s=''
    for b in "$@"; do s+="\\x$b"; done
    printf "$s" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}
variant() { cp "$SRC" "$DIR/$1.exe"; }

PHOFF=$(u32 "$SRC" 28)
variant badmagic;   put "$DIR/badmagic.exe" 0 00
variant class64;    put "$DIR/class64.exe" 4 02
variant bigendian;  put "$DIR/bigendian.exe" 5 02
variant machine;    put "$DIR/machine.exe" 18 3e 00
variant dyntype;    put "$DIR/dyntype.exe" 16 03 00
variant phoffbig;   put "$DIR/phoffbig.exe" 28 00 ff ff 00
variant phentsize;  put "$DIR/phentsize.exe" 42 10 00
variant entry0;     put "$DIR/entry0.exe" 24 00 00 00 00
variant kernelseg;  put "$DIR/kernelseg.exe" $((PHOFF + 8)) 00 00 00 80
variant overlap;    put "$DIR/overlap.exe" $((PHOFF + 32 + 8)) 00 00 40 00
variant fileszbig;  put "$DIR/fileszbig.exe" $((PHOFF + 16)) 00 ff ff 7f
variant offsetbig;  put "$DIR/offsetbig.exe" $((PHOFF + 4)) 00 00 00 10
head -c 200 "$SRC" > "$DIR/truncated.exe"
: > "$DIR/empty.exe"

fail=0 pass=0
for f in "$DIR"/*.exe; do
    name=$(basename "$f")
    rc=0
    "$RUNNER" --no-kvm --kernel "$KERNEL" --timeout 30 --module "$f" --init "$name" \
        > "$DIR/${name%.exe}.log" 2>&1 || rc=$?
    if [[ $rc -eq 1 ]] && grep -q "init exited with status 0xC000007B" "$DIR/${name%.exe}.log" &&
       ! grep -q '\*\*\* STOP' "$DIR/${name%.exe}.log"; then
        echo "[OK] $name refused"; pass=$((pass + 1))
    else
        echo "[FAIL] $name: runner exit $rc, expected refusal with 0xC000007B"
        tail -n 5 "$DIR/${name%.exe}.log"; fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
