#!/usr/bin/env bash
# timeline.sh - the event timeline (timeline=1, docs/timeline.md): boots timeline.exe with the
# timeline on and COM2 captured, converts the capture with tools/nttrace and checks that the
# JSON is valid (python3 -m json.tool) and holds service slices with names and statuses (a
# failing NtClose among them), context switches between the program's two threads, the
# breakpoint exception, interrupts on the CPU track; and that a boot without the option leaves
# COM2 empty.
set -euo pipefail
RUNNER=$1
BUILD=${NANONT_BUILD:-build}
KERNEL=${NANONT_KERNEL:-$BUILD/nanont.elf}
DIR=${NANONT_LOGDIR:-$BUILD/test-logs}/timeline
mkdir -p "$DIR"
pass=0 fail=0
ok() { echo "[OK] $1"; pass=$((pass + 1)); }
bad() { echo "[FAIL] $1"; fail=$((fail + 1)); }

rm -f "$DIR/com2.bin" "$DIR/off.bin"
if "$RUNNER" --no-kvm --kernel "$KERNEL" --timeout "${NANONT_TIMEOUT:-60}" --append timeline=1 \
        --com2 "$DIR/com2.bin" --module "$BUILD/user/timeline.exe" --init timeline.exe >"$DIR/boot.log" 2>&1; then
    ok "timeline.exe passes with the timeline on"
else
    bad "timeline.exe with timeline=1 (log $DIR/boot.log)"
fi
if tools/nttrace "$DIR/com2.bin" -o "$DIR/trace.json" 2>"$DIR/nttrace.err" &&
        python3 -m json.tool "$DIR/trace.json" >/dev/null; then
    ok "nttrace output is valid JSON"
else
    bad "nttrace or json.tool failed ($DIR/nttrace.err)"
fi
# the checks read the JSON with python3: each prints what it found when it fails
check() {  # check DESCRIPTION PYTHON-EXPRESSION (ev: the event list, prog: timeline.exe's pid)
    if python3 - "$DIR/trace.json" "$2" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
names = {(e["pid"], e["tid"]): e["args"]["name"] for e in ev if e.get("name") == "thread_name"}
prog = {e["pid"] for e in ev if e.get("name") == "process_name" and e["args"]["name"].startswith("timeline.exe")}
ok = eval(sys.argv[2])
if not ok:
    print("   events:", len(ev), "threads:", names)
sys.exit(0 if ok else 1)
PY
    then ok "$1"; else bad "$1"; fi
}
check "service slices carry names and statuses" \
    'any(e["ph"] == "X" and e.get("cat") == "service" and e["name"] == "NtYieldExecution" and e["args"]["status_name"] == "STATUS_SUCCESS" for e in ev)'
check "a failing service shows its status by name" \
    'any(e.get("cat") == "service" and e["name"] == "NtClose" and e["args"]["status_name"] == "STATUS_INVALID_HANDLE" for e in ev)'
check "timeline.exe has two threads with service slices" \
    'len({e["tid"] for e in ev if e.get("cat") == "service" and e["pid"] in prog}) == 2'
check "context switches between the two threads" \
    'sum(1 for e in ev if e.get("cat") == "sched" and e["pid"] in prog and (e["name"].split()[-1].split(".")[0] == str(e["pid"]))) >= 4'
check "the CPU track shows both threads running" \
    'len({e["args"]["thread"] for e in ev if e.get("cat") == "cpu" and e["args"]["process"] in prog}) == 2'
check "the breakpoint exception is recorded" \
    'any(e.get("cat") == "exception" and e["args"]["code_name"] == "STATUS_BREAKPOINT" and e["pid"] in prog for e in ev)'
check "interrupts are on the CPU track" \
    'any(e.get("cat") == "interrupt" and e["name"] == "IRQ 0" for e in ev)'

"$RUNNER" --no-kvm --kernel "$KERNEL" --timeout 30 --com2 "$DIR/off.bin" --module "$BUILD/user/hello.exe" \
    --init hello.exe >"$DIR/off.log" 2>&1 || true
if [[ -f $DIR/off.bin && ! -s $DIR/off.bin ]]; then ok "without timeline= COM2 stays empty"
else bad "COM2 written without timeline= ($DIR/off.bin)"; fi

echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
