#!/usr/bin/env bash
# gdb.sh - the kx-* GDB commands (tools/gdb/nanont.py, docs/debugging.md): boots gdbtarget.exe
# halted with a gdb stub on a free port (run.sh --gdb-port) and runs tests/guest/gdbcheck.py in
# `gdb -batch`, which stops the guest inside a service, in a wait and after a fault and checks
# each command's output. Its [OK]/[FAIL] lines and closing count are this test's.
set -euo pipefail
RUNNER=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${NANONT_BUILD:-build}
KERNEL=${NANONT_KERNEL:-$BUILD/nanont.elf}
DIR=${NANONT_LOGDIR:-$BUILD/test-logs}/gdb
mkdir -p "$DIR"
command -v gdb >/dev/null || { echo "[FAIL] gdb is not installed"; echo "0 passed, 1 failed"; exit 1; }

# a port nobody listens on now (the kernel picks it; a race with another binder is unlikely)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# callcounts: kx-ssdt shows the per-service counters, kept only with that boot option
"$RUNNER" --no-kvm --kernel "$KERNEL" --timeout 50 --gdb-port "$port" --append callcounts --init gdbtarget.exe \
    > "$DIR/guest.log" 2>&1 &
runner=$!
trap 'kill "$runner" 2>/dev/null || true' EXIT

# wait for the stub to listen
for _ in $(seq 50); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then break; fi
    sleep 0.1
done

NANONT_BUILD=$BUILD timeout 45 gdb -batch -nx -ex "file $KERNEL" -x "$ROOT/tools/gdb/nanont.py" \
    -ex "target remote 127.0.0.1:$port" -x "$ROOT/tests/guest/gdbcheck.py" > "$DIR/gdb.log" 2>&1 || true
grep -E '^\[(OK|FAIL)\]|^  \| |^[0-9]+ passed, [0-9]+ failed' "$DIR/gdb.log" || true
wait "$runner" 2>/dev/null || true
trap - EXIT
last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$DIR/gdb.log" | tail -n1 || true)
if [[ -z $last ]]; then
    echo "[FAIL] gdb did not finish the checks (log $DIR/gdb.log):"
    tail -n 20 "$DIR/gdb.log" | sed 's/^/  | /'
    echo "0 passed, 1 failed"
    exit 1
fi
[[ $last == *" 0 failed" ]]
