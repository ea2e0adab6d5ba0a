#!/usr/bin/env bash
# tools/mkdisk.sh - build the NanoNT system disk, or hand out a fresh copy of it.
#
#   tools/mkdisk.sh IMG [PROG.exe...]
#       Make IMG: a 64 MiB FAT32 "superfloppy" (a file system on the whole disk, no partition
#       table) labelled NANONT, with \WINDOWS\system32 holding every PROG.exe given. The image is
#       built beside IMG and renamed into place, so an interrupted build leaves no half image.
#   tools/mkdisk.sh --fresh [SRC [DEST]]
#       Copy SRC (default build/disk.img) to DEST (default a new file under build/tmp/) and print
#       DEST. A test that writes to the disk boots a fresh copy, never build/disk.img itself.
set -euo pipefail

readonly DISK_KIB=65536          # 64 MiB: enough clusters (>= 65525 of 512 bytes) for FAT32
readonly LABEL=NANONT

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${NANONT_BUILD:-$ROOT/build}

die() { echo "mkdisk.sh: $*" >&2; exit 1; }

# fresh_copy [SRC [DEST]] - copy the built image (sparse: it is mostly zeros) and print the copy.
fresh_copy() {
    local src=${1:-$BUILD/disk.img} dest=${2:-}
    [[ -f $src ]] || die "no disk image $src (run make first)"
    if [[ -z $dest ]]; then
        mkdir -p "$BUILD/tmp"
        dest=$(mktemp "$BUILD/tmp/disk.XXXXXX.img")
    fi
    cp --sparse=always "$src" "$dest"
    echo "$dest"
}

# make_image IMG PROG... - format a new image and copy the programs into \WINDOWS\system32.
make_image() {
    local img=$1; shift
    local prog
    for prog in "$@"; do [[ -f $prog ]] || die "no such program: $prog"; done
    tmp=$img.tmp
    trap 'rm -f "$tmp"' EXIT
    mkdir -p "$(dirname "$img")"
    rm -f "$img" "$tmp"
    mkfs.fat -F 32 -n "$LABEL" -C "$tmp" "$DISK_KIB" >/dev/null
    mmd -i "$tmp" ::/WINDOWS ::/WINDOWS/system32
    for prog in "$@"; do
        mcopy -i "$tmp" -o "$prog" ::/WINDOWS/system32/
    done
    mv "$tmp" "$img"
    echo "mkdisk.sh: $img: FAT32, $(( DISK_KIB / 1024 )) MiB, $# program(s) in \\WINDOWS\\system32"
}

[[ $# -ge 1 ]] || die "usage: mkdisk.sh IMG [PROG.exe...] | mkdisk.sh --fresh [SRC [DEST]]"
if [[ $1 == --fresh ]]; then
    shift
    fresh_copy "$@"
else
    make_image "$@"
fi
