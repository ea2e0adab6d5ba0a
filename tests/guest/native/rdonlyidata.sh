#!/usr/bin/env bash
# rdonlyidata.sh IN OUT - copy the PE image IN to OUT with its .idata section read-only (the write
# flag, IMAGE_SCN_MEM_WRITE 0x80000000, cleared), so that its import address table is in a
# read-only section as other linkers lay it out (natprotect.exe; mingw's .idata is writable).
set -euo pipefail
in=$1 out=$2
u() { od -An -tu"$2" -j "$1" -N "$2" "$in" | tr -d ' '; }
pe=$(u 60 4)
count=$(u $((pe + 6)) 2)
headers=$((pe + 24 + $(u $((pe + 20)) 2)))
cp "$in" "$out.tmp"
found=0
for ((i = 0; i < count; i++)); do
    at=$((headers + 40 * i))
    if [[ $(dd if="$in" bs=1 skip="$at" count=8 status=none | tr -d '\0') == .idata ]]; then
        flags=$(u $((at + 36)) 4)
        printf '%08x' $((flags & 0x7FFFFFFF)) | sed 's/\(..\)\(..\)\(..\)\(..\)/\\x\4\\x\3\\x\2\\x\1/' |
            xargs -0 printf | dd of="$out.tmp" bs=1 seek=$((at + 36)) conv=notrunc status=none
        found=1
    fi
done
[[ $found -eq 1 ]] || { echo "rdonlyidata.sh: no .idata section in $in" >&2; rm -f "$out.tmp"; exit 1; }
mv "$out.tmp" "$out"
