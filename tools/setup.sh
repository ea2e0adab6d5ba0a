#!/usr/bin/env bash
# tools/setup.sh - make sure the Debian packages that build and test NanoNT are installed.
#
# One dpkg-query for all of them (fast, one quiet line when nothing is missing). When some are
# missing: as root, apt-get update once and install them; otherwise print the sudo command to
# run and exit 1.
set -euo pipefail

readonly PACKAGES=(
    qemu-system-x86   # qemu-system-i386
    gcc-multilib      # gcc -m32 (and 32-bit libgcc) for the kernel and the guest programs
    binutils          # ld, objcopy
    make
    mtools            # mmd/mcopy: fill the disk image
    dosfstools        # mkfs.fat: format the disk image
    gdb               # make gdb
    netpbm            # pnmtopng: QEMU screendumps (PPM) to PNG
    grub-common       # grub-mkrescue: make iso
    grub-pc-bin       # GRUB's BIOS (i386-pc) modules that grub-mkrescue puts on the ISO
    xorriso           # writes the ISO for grub-mkrescue
    gcc-mingw-w64-i686 # i686-w64-mingw32-gcc/ld/dlltool: ntdll.dll and the native PE programs
)

# missing_packages - print the packages of PACKAGES that dpkg does not list as installed.
missing_packages() {
    local installed
    # dpkg-query fails for a package it has never heard of; those are missing too
    installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null |
                awk '$NF == "installed" { print $1 }' || true)
    local p
    for p in "${PACKAGES[@]}"; do
        grep -qxF "$p" <<<"$installed" || echo "$p"
    done
}

command -v dpkg-query >/dev/null || { echo "setup.sh: no dpkg-query: not a Debian system?" >&2; exit 1; }

mapfile -t missing < <(missing_packages)
if [[ ${#missing[@]} -eq 0 ]]; then
    echo "setup.sh: all ${#PACKAGES[@]} build packages present"
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "setup.sh: missing packages: ${missing[*]}; install them with:" >&2
    echo "sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "setup.sh: installing ${missing[*]}"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
mapfile -t still < <(missing_packages)
if [[ ${#still[@]} -ne 0 ]]; then
    echo "setup.sh: still missing after install: ${still[*]}" >&2
    exit 1
fi
echo "setup.sh: all ${#PACKAGES[@]} build packages present"
