#!/usr/bin/env bash
# check_native.sh PROGRAM... - every program the build makes to run on the build machine (host
# tools and host tests) is a native binary of that machine: same ELF class, byte order and
# machine as the shell running this check. A -m32 host program fails here even on a host that
# could run it, so it is found before it reaches a host that runs no 32-bit programs.
set -euo pipefail

# elf_kind FILE - "class data machine" from FILE's ELF header, or "not-elf".
elf_kind() {
    local magic
    magic=$(od -An -tx1 -N4 "$1" 2>/dev/null | tr -d ' \n')
    if [[ $magic != 7f454c46 ]]; then echo not-elf; return; fi
    echo "class $(od -An -tu1 -j4 -N1 "$1" | tr -d ' ') data $(od -An -tu1 -j5 -N1 "$1" | tr -d ' ') machine $(od -An -tu2 -j18 -N2 "$1" | tr -d ' ')"
}

self=$(elf_kind "$(readlink -f /proc/$$/exe)")
pass=0 fail=0
for prog in "$@"; do
    kind=$(elf_kind "$prog")
    if [[ $kind == "$self" ]]; then
        echo "[OK] $prog is native ($kind)"; pass=$((pass + 1))
    else
        echo "[FAIL] $prog: ELF kind '$kind', the build machine's is '$self'"; fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[[ $fail -eq 0 && $pass -gt 0 ]]
