#!/usr/bin/env bash
# tools/checkheaders.sh - `make check`: header discipline in the kernel, ntdll and programs.
#  1. No prototype or `extern` declaration in a .c file: what a file offers others is declared in
#     a header (public ones in inc/, private ones beside their code); a .c file declares only its
#     own static routines.
#  2. A private header (any .h outside inc/ and build/inc/) is included only by files of its own
#     component folder (ke/ and ke/i386/ are one component, ex/ and ex/sample/ two).
# Prints one [OK]/[FAIL] line per rule and the offending lines, then "N passed, N failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

COMPONENTS=(ke mm ps ob io fs hal rtl ex win32k rr user)
pass=0 fail=0

# component DIR - the component a folder belongs to: its first path element, except ex/sample.
component() {
    case $1 in
    ex/sample*) echo ex/sample ;;
    *) echo "${1%%/*}" ;;
    esac
}

# 1. prototypes and externs in .c files (a file-scope line that declares a non-static routine,
#    or any line with `extern`), ignoring comments' lines
mapfile -t cfiles < <(git ls-files -- "${COMPONENTS[@]/%//*.c}" 2>/dev/null || true)
bad1=$(for f in "${cfiles[@]}"; do
    awk -v f="$f" '
        /^[[:space:]]*(\/\*|\*)/ { next }
        /^[[:space:]]*extern[[:space:]]/ { print f ":" FNR ": " $0; next }
        /^[A-Za-z_][A-Za-z0-9_ \t\*]*[[:space:]\*]\(?[A-Za-z_][A-Za-z0-9_]*\)?[[:space:]]*\([^;{]*\)[[:space:]]*;/ {
            if ($0 !~ /^static/ && $0 !~ /^typedef/ && $0 !~ /^(return|else|do)/) print f ":" FNR ": " $0
        }' "$f"
done)
if [[ -z $bad1 ]]; then
    echo "[OK] no prototype or extern in a .c file (${#cfiles[@]} files)"; pass=$((pass + 1))
else
    echo "[FAIL] prototypes or externs in .c files:"; sed 's/^/  /' <<<"$bad1"; fail=$((fail + 1))
fi

# 2. private headers included from another component
mapfile -t srcs < <(git ls-files -- "${COMPONENTS[@]/%//*.[chS]}" 2>/dev/null || true)
bad2=$(for f in "${srcs[@]}"; do
    dir=$(dirname "$f")
    sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | while read -r inc; do
        [[ -f inc/$inc || $inc == svc*.h || $inc == w32svcnum.h || $inc == ksoffsets.h ]] && continue
        target=$(realpath -m --relative-to=. "$dir/$inc")
        [[ -f $target ]] || continue
        if [[ $(component "$(dirname "$target")") != "$(component "$dir")" ]]; then
            echo "$f: includes $target, private to $(component "$(dirname "$target")")/"
        fi
    done
done)
if [[ -z $bad2 ]]; then
    echo "[OK] private headers stay in their component"; pass=$((pass + 1))
else
    echo "[FAIL] private headers included from another component:"; sed 's/^/  /' <<<"$bad2"; fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
