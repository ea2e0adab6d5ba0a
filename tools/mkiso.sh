#!/usr/bin/env bash
# tools/mkiso.sh - a bootable ISO of NanoNT (make iso; docs/runner.md "Boot media").
#
#   tools/mkiso.sh [--timeout S] ISO KERNEL DISK PROGRAM...
#
# GRUB (grub-mkrescue from grub-common with the BIOS modules of grub-pc-bin; xorriso writes the
# image) loads KERNEL with Multiboot, every PROGRAM as a Multiboot module named by its file name
# (the kernel finds init=hello.exe among the modules by that name) and the command line of the
# menu entry. The ISO also carries DISK (the FAT image: attach a copy as
# the first IDE disk for the entries that use the disk) and the ntdll and program ELF files for
# debuggers. NanoNT's console is COM1; GRUB's menu is on the screen only.
set -euo pipefail

timeout_s=3
if [[ ${1:-} == --timeout ]]; then timeout_s=$2; shift 2; fi
[[ $# -ge 3 ]] || { echo "usage: $0 [--timeout S] ISO KERNEL DISK PROGRAM..." >&2; exit 2; }
iso=$1 kernel=$2 disk=$3; shift 3
for tool in grub-mkrescue xorriso; do
    command -v "$tool" >/dev/null ||
        { echo "mkiso.sh: no $tool: install grub-common, grub-pc-bin and xorriso (tools/setup.sh)" >&2; exit 1; }
done
[[ -d /usr/lib/grub/i386-pc ]] || { echo "mkiso.sh: no GRUB BIOS modules: install grub-pc-bin" >&2; exit 1; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/nanont-iso.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub" "$stage/boot/programs"
# GRUB takes the ELF entry point as a virtual address inside a PT_LOAD segment and converts it
# to the physical one through that segment ("entry point isn't in a segment" otherwise); QEMU's
# -kernel loader jumps to e_entry as it is, so the kernel's e_entry is physical. The ISO gets a
# copy whose entry is the same instruction named by its virtual address.
entry=$(readelf -h "$kernel" | sed -n 's/.*Entry point address: *0x\([0-9a-fA-F]*\).*/\1/p')
ventry=''
while read -r type _ vaddr paddr _ memsz _; do
    [[ $type == LOAD ]] || continue
    if (( 16#$entry >= ${paddr} && 16#$entry < ${paddr} + ${memsz} )); then
        ventry=$(printf '0x%x' $(( 16#$entry - paddr + vaddr )))
        break
    fi
done < <(readelf -lW "$kernel")
[[ -n $ventry ]] || { echo "mkiso.sh: $kernel: entry 0x$entry lies in no loaded segment" >&2; exit 1; }
objcopy --set-start "$ventry" "$kernel" "$stage/boot/nanont.elf"
cp "$disk" "$stage/boot/disk.img"
ntdll=$(dirname "$kernel")/ntdll.sym.elf
[[ -f $ntdll ]] && cp "$ntdll" "$stage/boot/ntdll.sym.elf"     # symbols only: the kernel carries ntdll
modules=''
for p in "$@"; do
    cp "$p" "$stage/boot/programs/"
    # GRUB passes only the words after the file as the module's string: repeat the name there
    modules+="    module /boot/programs/$(basename "$p") $(basename "$p")"$'\n'
done

# entry TITLE WORDS - a menu entry booting the kernel with command-line WORDS and every module
entry() {
    printf 'menuentry "%s" {\n    multiboot /boot/nanont.elf %s\n%s}\n' "$1" "$2" "$modules"
}
{
    echo "# grub.cfg - made by tools/mkiso.sh"
    echo "set timeout=$timeout_s"
    echo "set default=0"
    entry "NanoNT: hello.exe" "init=hello.exe"
    entry "NanoNT: hello.exe, system calls through int 2Eh" "syscall=int2e init=hello.exe"
    entry "NanoNT: trapdemo.exe (records to the FAT disk; boot twice)" "init=trapdemo.exe"
    entry "NanoNT: guidemo.exe (the GUI table on the screen)" "init=guidemo.exe"
    entry "NanoNT: every system call traced" "trace=all init=hello.exe"
} >"$stage/boot/grub/grub.cfg"

mkdir -p "$(dirname "$iso")"
grub-mkrescue -o "$iso.tmp" "$stage" >"$stage.log" 2>&1 || { cat "$stage.log" >&2; rm -f "$stage.log"; exit 1; }
rm -f "$stage.log"
mv "$iso.tmp" "$iso"
echo "mkiso.sh: $iso: GRUB, $(basename "$kernel"), $# program(s) as modules, the FAT image"
