# gdbcheck.py - run inside `gdb -batch` by tests/guest/gdb.sh, attached to a halted guest that
# runs gdbtarget.exe: stops it inside a system service, during a wait and after a user-mode
# fault, and checks what each kx-* command (tools/gdb/nanont.py) prints there.
# Prints [OK] / [FAIL] per check and finally "N passed, N failed".
import re

import gdb

passed = 0
failed = 0


def run(command):
    try:
        return gdb.execute(command, to_string=True)
    except gdb.error as e:
        return "ERROR: %s" % e


def check(what, command, *patterns):
    """Run COMMAND; every regular expression in PATTERNS must match a line of its output."""
    global passed, failed
    out = run(command)
    for pattern in patterns:
        if not re.search(pattern, out, re.M):
            failed += 1
            print("[FAIL] %s: `%s` printed no line matching /%s/; it printed:" % (what, command, pattern))
            for line in out.splitlines()[:40]:
                print("  | " + line)
            return out
    passed += 1
    print("[OK] %s" % what)
    return out


def stop_at(location):
    """Continue to a kernel breakpoint (file-qualified: once kx-bt has loaded ntdll's symbols a
    bare NtXxx also names the user-mode stub)."""
    bp = gdb.Breakpoint(location, internal=True)
    out = run("continue")
    bp.delete()
    return out


gdb.execute("set pagination off")
gdb.execute("set confirm off")

# ---- 1. inside a system service: main's first printf reaches NtDisplayString
stop_at("ex/display.c:NtDisplayString")
check("service: kx-pcr names the current thread", "kx-pcr",
      r"CurrentThread +[0-9a-f]{8} \(gdbtarget\.exe, cid [0-9a-f]+\.[0-9a-f]+\)",
      r"IdleThread +[0-9a-f]{8} \(Idle", r"KeSystemCalls +[1-9]", r"InterruptCount +[1-9]",
      r"KPCR\.ContextSwitches +[1-9]", r"TSS\.Esp0 +b0")
check("service: kx-trap shows the user frame like dt _KTRAP_FRAME", "kx-trap",
      r"^_KTRAP_FRAME at 0xb[0-9a-f]{7} \(user mode\)", r"^ +\+0x068 Eip +: 0x77f",
      r"^ +\+0x06c SegCs +: 0x1b$", r"^ +\+0x074 HardwareEsp +: 0x7f", r"^interrupted at KiFastSystemCallRet$")
check("service: kx-thread", "kx-thread",
      r"Process gdbtarget\.exe .*\[current\]", r"State +Running", r"TrapFrame +b[0-9a-f]{7} +PreviousMode UserMode",
      r"Quantum -?\d+$", r"SuspendCount 0$", r"SystemThread 0 +Terminating 0 ")
check("service: kx-ps lists the idle process and the program", "kx-ps",
      r"^ +[0-9a-f]{8} 0 +Idle ", r"^\* [0-9a-f]{8} [0-9a-f]+ +gdbtarget\.exe +[0-9a-f]{8} 1 ")
check("service: kx-ssdt counts the call in progress", "kx-ssdt",
      r"^service table 0: \d+ services", r"0x[0-9a-f]{3} NtDisplayString +4 +[1-9]\d* +[0-9a-f]{8}",
      r"0x[0-9a-f]{3} NtWaitForSingleObject +12 +0 ")
check("service: kx-ssdt 1 (the GUI table)", "kx-ssdt 1", r"^service table 1: \d+ services", r"0x1000 NtGdi")
check("service: kx-pool", "kx-pool", r"^ +Thre +\d+ +[1-9]", r"^ +Proc +\d+ +1$", r"^total: BytesInUse \d+")
check("service: kx-bt crosses into ntdll and the program", "kx-bt",
      r"^#0 +[0-9a-f]{8} sp b[0-9a-f]{7} NtDisplayString \[display\.c:",
      r"---- trap frame b[0-9a-f]{7}: user mode, system service ----",
      r"KiFastSystemCallRet", r"ZwDisplayString\+0x[0-9a-f]+",
      r"DbgPrintV\+0x[0-9a-f]+ \[dbgprint\.c", r"printf\+0x[0-9a-f]+ \[printf\.c", r"main\+0x[0-9a-f]+ \[gdbtarget\.c:")

# ---- 2. a wait: the second thread blocks on the event that main then sets
stop_at("ex/event.c:NtSetEvent")
threads = check("wait: kx-threads shows the waiter, its reason and object", "kx-threads",
                r"^\* [0-9a-f]{8} [0-9a-f]+\.[0-9a-f]+ +gdbtarget\.exe +Running ",
                r"^  [0-9a-f]{8} [0-9a-f]+\.[0-9a-f]+ +gdbtarget\.exe +Waiting +\d+/\d+ +UserRequest +b[0-9a-f]{7} b[0-9a-f]{7} Event@")
m = re.search(r"^  ([0-9a-f]{8}) [0-9a-f]+\.([0-9a-f]+) +gdbtarget\.exe +Waiting", threads, re.M)
waiter = "0x" + m.group(1) if m else "0"
check("wait: kx-thread of the waiter", "kx-thread " + waiter,
      r"State +Waiting", r"WaitReason +UserRequest", r"WaitObjects +Event@[0-9a-f]{8}", r"StartAddress RtlUserThreadStart")
if m:
    check("wait: kx-thread by thread id", "kx-thread 0x" + m.group(2), r"THREAD %s " % m.group(1))
check("wait: kx-handles of the current process", "kx-handles",
      r"gdbtarget\.exe .*: 2 handle\(s\)", r"^  4 +[0-9a-f]{8} Event +001f0003 ", r"^  8 +[0-9a-f]{8} Thread ")
check("wait: kx-handles by name", "kx-handles gdbtarget.exe", r"^  4 +[0-9a-f]{8} Event ")
check("wait: kx-bt of the running thread", "kx-bt", r"NtSetEvent \[event\.c", r"ZwSetEvent", r"main\+0x")
check("wait: kx-bt of the waiting thread", "kx-bt " + waiter,
      r"^#0 .*KiSwapContext .*\(switched out\)", r"KeWaitForSingleObject\+0x", r"NtWaitForSingleObject\+0x",
      r"---- trap frame b[0-9a-f]{7}: user mode, system service ----",
      r"ZwWaitForSingleObject\+0x")

# ---- 3. a user-mode fault: GdbTargetFault writes through NULL
stop_at("ke/except.c:KiDispatchUserException")
check("fault: kx-trap shows the faulting instruction", "kx-trap",
      r"\(user mode\)", r"^ +\+0x064 ErrCode +: 0x6$", r"^ +\+0x048 PreviousPreviousMode +: 0xffffffff$",
      r"^interrupted at GdbTargetFault$")
check("fault: kx-bt crosses the exception's trap frame", "kx-bt",
      r"KiDispatchUserException \[except\.c", r"KiTrapDispatch\+0x",
      r"---- trap frame b[0-9a-f]{7}: user mode, trap or interrupt, error code 0x6 ----",
      r"[0-9a-f]{8} sp 7[0-9a-f]{7} GdbTargetFault \[gdbtarget\.c:", r"main\+0x[0-9a-f]+ \[gdbtarget\.c:")
# GDB names a caller frame by its PC - 1, which for a frame a trap interrupted at a routine's
# first instruction is the routine before: only the address is checked
check("fault: bt reaches the user frame through the trap-frame unwinder", "bt",
      r"KiDispatchUserException", r"^#3 +0x0040[0-9a-f]{4} in ")     # in the image, at 0x00400000

print("%d passed, %d failed" % (passed, failed))
