#!/usr/bin/env bash
# guiscreen.sh - the screen as the host sees it (docs/gui.md). Called by tools/test.sh as
# `bash guiscreen.sh RUNNER`:
#  1. boots guiscreen.exe, takes a QEMU screendump when it prints "screen-ready" (through
#     tools/screendump.sh) and checks every "screen-expect X,Y=RRGGBB" pixel it announced in the
#     PPM with build/tools/ppmpixel; the PPM is also converted to PNG (netpbm's pnmtopng, as
#     tools/screendump.sh does) and checked to be a PNG of the right size;
#  2. boots gui.exe nodisplay with QEMU's VGA removed (-vga none): win32k still registers table 1
#     and the drawing services answer STATUS_NO_SUCH_DEVICE.
set -euo pipefail
RUNNER=$1
ROOT=$(cd "$(dirname "$RUNNER")/.." && pwd)
BUILD=${NANONT_BUILD:-build}
KERNEL=${NANONT_KERNEL:-$BUILD/nanont.elf}
DIR=${NANONT_LOGDIR:-$BUILD/test-logs}/guiscreen
rm -rf "$DIR"; mkdir -p "$DIR"
pass=0 fail=0
ok() { echo "[OK] $1"; pass=$((pass + 1)); }
bad() { echo "[FAIL] $1"; fail=$((fail + 1)); }

# 1. pixels in a screendump
if NANONT_BUILD=$BUILD "$ROOT/tools/screendump.sh" --when '^screen-ready' --out "$DIR/screen.ppm" \
        --log "$DIR/screen.serial" -- --no-kvm --kernel "$KERNEL" --timeout 60 \
        --module "$BUILD/user/guiscreen.exe" --init guiscreen.exe >"$DIR/screen.log" 2>&1; then
    mapfile -t want < <(tr -d '\r' <"$DIR/screen.serial" | sed -n 's/^screen-expect //p')
    announced=$(tr -d '\r' <"$DIR/screen.serial" | sed -n 's/^screen-expectations //p')
    if [[ ${#want[@]} -lt 20 || ${#want[@]} != "$announced" ]]; then
        bad "screendump: ${#want[@]} expectations read, the guest announced '${announced}'"
    elif "$BUILD/tools/ppmpixel" "$DIR/screen.ppm" "${want[@]}" >"$DIR/pixels.log"; then
        ok "screendump: all ${#want[@]} pixels as drawn"
    else
        bad "screendump pixels:"; grep FAIL "$DIR/pixels.log" | sed 's/^/  /'
    fi
    size=$("$BUILD/tools/ppmpixel" "$DIR/screen.ppm" size)
    [[ $size == "800 600" ]] && ok "screendump is 800x600" || bad "screendump size '$size', expected 800 600"
    if pnmtopng -quiet "$DIR/screen.ppm" >"$DIR/screen.png" &&
       [[ $(head -c 8 "$DIR/screen.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] &&
       [[ $(od -An -tu1 -j16 -N8 "$DIR/screen.png" | tr -s ' ') == " 0 0 3 32 0 0 2 88" ]]; then
        ok "pnmtopng: PNG signature and 800x600 header"
    else
        bad "pnmtopng did not make an 800x600 PNG"
    fi
else
    bad "no screendump taken (log: $DIR/screen.log)"; tail -n 20 "$DIR/screen.log"
fi

# 2. no VGA at all
rc=0
"$RUNNER" --no-kvm --kernel "$KERNEL" --timeout 30 --append callcounts --module "$BUILD/user/gui.exe" --init "gui.exe nodisplay" \
    --qemu-arg -vga --qemu-arg none >"$DIR/novga.log" 2>&1 || rc=$?
if [[ $rc -eq 0 ]] && grep -q '\[OK\] nodisplay' "$DIR/novga.log" && grep -q 'win32k: no display' "$DIR/novga.log"; then
    ok "-vga none: table 1 registered, drawing answers STATUS_NO_SUCH_DEVICE"
else
    bad "-vga none: runner exit $rc"; tail -n 10 "$DIR/novga.log"
fi
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
