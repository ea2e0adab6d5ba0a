# tools/gdb/nanont.py - GDB commands that show NanoNT's kernel state (docs/debugging.md).
#
#   kx-trap [ADDR]       a KTRAP_FRAME field by field, like WinDbg's `dt _KTRAP_FRAME`
#   kx-thread [ADDR]     one thread (default: the current one)
#   kx-threads           every thread: id, process, state, priority, wait, stacks, trap frame
#   kx-ps                every process
#   kx-handles [PROC]    a process's handle table (PROC: EPROCESS address, process id or name)
#   kx-ssdt [TABLE]      a service table: index, name, argument bytes, call count (- without callcounts)
#   kx-pool              pool usage per tag: bytes and allocations in use
#   kx-bt [THREAD]       a backtrace that crosses trap frames into user mode
#   kx-pcr               the KPCR and its KPRCB
#
# Every structure is read through the kernel's own debug information (gdb.lookup_type on the
# -g build): no offset is typed in here. Loading this file also installs an unwinder that lets
# GDB's own `bt` continue from the kernel's entry code into the user-mode frames a KTRAP_FRAME
# describes, with the symbols of ntdll and of the current process's program (added by kx-bt).
#
# Use: gdb -ex 'file build/nanont.elf' -x tools/gdb/nanont.py -ex 'target remote :1234'
# (tools/run.sh --gdb prints that line). NANONT_BUILD names the build folder (default build/
# beside tools/).

import os
import re

import gdb
import gdb.unwinder

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("NANONT_BUILD") or os.path.join(ROOT, "build")
if not os.path.isabs(BUILD):
    BUILD = os.path.join(ROOT, BUILD)

KPCR_ADDRESS = 0xFFDFF000          # KIP0PCRADDRESS (inc/ke.h): where the KPCR is mapped
USER_LIMIT = 0x80000000            # user addresses lie below the 2 GB split


# ------------------------------------------------------------------ symbols and types

def ensure_kernel_symbols():
    """Load build/nanont.elf when no symbol file is loaded yet."""
    if gdb.current_progspace().filename is None:
        gdb.execute("file " + os.path.join(BUILD, "nanont.elf"), to_string=True)


_types = {}


def T(name):
    """A kernel type by its typedef name, else as struct _NAME (gcc emits a typedef only where
    some code names it, and some structures are only ever reached through their pointer type)."""
    if name not in _types:
        for spelling in (name, "struct _" + name, "enum _" + name, "union _" + name):
            try:
                _types[name] = gdb.lookup_type(spelling)
                break
            except gdb.error:
                continue
        else:
            raise gdb.GdbError("no type %s in the kernel's debug information" % name)
    return _types[name]


def ptr(typename, address):
    return gdb.Value(int(address)).cast(T(typename).pointer())


def sym(name):
    """The value of a kernel variable, static ones included."""
    s = gdb.lookup_global_symbol(name) or gdb.lookup_static_symbol(name)
    if s is None:
        raise gdb.GdbError("no symbol %s in the kernel's debug information" % name)
    return s.value()


def u32(v):
    return int(v) & 0xFFFFFFFF


def field_offset(typename, path):
    """Byte offset of a field, or of a dotted path of fields (Tcb.ThreadListEntry)."""
    t, offset = T(typename), 0
    for name in path.split("."):
        for f in t.strip_typedefs().fields():
            if f.name == name:
                offset += f.bitpos // 8
                t = f.type
                break
        else:
            raise gdb.GdbError("%s has no field %s" % (typename, path))
    return offset


def containing(typename, fieldname, address):
    """CONTAINING_RECORD: the structure whose field FIELDNAME lies at ADDRESS."""
    return ptr(typename, int(address) - field_offset(typename, fieldname))


def cstring(array):
    """A fixed CHAR array (ImageFileName) as text."""
    out = []
    for i in range(array.type.sizeof):
        c = int(array[i]) & 0xFF
        if c == 0:
            break
        out.append(chr(c) if 32 <= c < 127 else "?")
    return "".join(out)


def read_cstring(address, limit=64):
    if int(address) == 0:
        return ""
    try:
        return gdb.Value(int(address)).cast(T("char").pointer()).string(length=-1)[:limit]
    except (gdb.MemoryError, UnicodeDecodeError):
        return "?"


def unicode_string(us):
    n = int(us["Length"]) // 2
    if n == 0 or int(us["Buffer"]) == 0:
        return ""
    try:
        buf = us["Buffer"]
        return "".join(chr(int(buf[i]) & 0xFFFF) for i in range(min(n, 128)))
    except gdb.MemoryError:
        return "?"


def symbolize(address, return_address=False):
    """'name+0xoff' for a code address, from whatever symbol files are loaded. A return address
    is looked up one byte back: a call at the very end of a routine returns past it."""
    address = u32(address)
    back = 1 if return_address and address else 0
    try:
        text = gdb.execute("info symbol 0x%x" % (address - back), to_string=True).strip()
    except gdb.error:
        return "0x%08x" % address
    m = re.match(r"(\S+)(?: \+ (\d+))? in section", text)
    if not m:
        return "0x%08x" % address
    offset = int(m.group(2) or 0) + back
    return m.group(1) + ("+0x%x" % offset if offset else "")


def list_entries(head, typename, fieldname):
    """The structures linked through FIELDNAME on the LIST_ENTRY HEAD (a gdb.Value)."""
    head_address = int(head.address)
    entry = head["Flink"]
    seen = 0
    while int(entry) != head_address and int(entry) != 0 and seen < 4096:
        yield containing(typename, fieldname, int(entry))
        entry = entry.dereference()["Flink"]
        seen += 1


def enum_name(typename, value):
    for f in T(typename).fields():
        if f.enumval == int(value):
            return f.name
    return str(int(value))


# ------------------------------------------------------------------ processes and threads

def pcr():
    return ptr("KPCR", KPCR_ADDRESS)


def current_thread():
    return pcr()["PrcbData"]["CurrentThread"].cast(T("ETHREAD").pointer())


def all_processes():
    """The idle/system process first (KiInitialProcess), then PsActiveProcessHead's."""
    out = []
    try:
        out.append(sym("KiInitialProcess").address.cast(T("EPROCESS").pointer()))
    except gdb.GdbError:
        pass
    for p in list_entries(sym("PsActiveProcessHead"), "EPROCESS", "ActiveProcessLinks"):
        if all(int(p) != int(q) for q in out):
            out.append(p)
    return out


def process_threads(process):
    return list(list_entries(process["Pcb"]["ThreadListHead"], "ETHREAD", "Tcb.ThreadListEntry"))


def all_threads():
    threads = []
    for p in all_processes():
        threads.extend(process_threads(p))
    extra = [pcr()["PrcbData"]["IdleThread"], pcr()["PrcbData"]["CurrentThread"]]
    for t in extra:
        if int(t) and all(int(t) != int(u) for u in threads):
            threads.insert(0, t.cast(T("ETHREAD").pointer()))
    return threads


def process_of(thread):
    return thread["Tcb"]["Process"].cast(T("EPROCESS").pointer())


def process_name(process):
    return cstring(process["ImageFileName"]) if int(process) else "?"


def thread_state(thread):
    return enum_name("KTHREAD_STATE", thread["Tcb"]["State"])


def wait_reason(thread):
    if int(thread["Tcb"]["State"]) != T("KTHREAD_STATE")["Waiting"].enumval:
        return "-"
    return enum_name("KWAIT_REASON", thread["Tcb"]["WaitReason"])


def object_type_name(obj):
    """The object manager's type name of OBJ (its OBJECT_HEADER), else the dispatcher type."""
    try:
        header = ptr("OBJECT_HEADER", int(obj) - T("OBJECT_HEADER").sizeof)
        name = read_cstring(header["Type"]["Name"], 16)
        if name and name != "?" and re.match(r"^[A-Za-z]+$", name):
            return name
    except gdb.MemoryError:
        pass
    try:
        return enum_name("KOBJECTS", ptr("DISPATCHER_HEADER", obj)["Type"])
    except gdb.MemoryError:
        return "?"


def wait_objects(thread):
    """'type@address' for each object the thread waits on."""
    tcb = thread["Tcb"]
    if int(tcb["State"]) != T("KTHREAD_STATE")["Waiting"].enumval:
        return []
    out = []
    blocks = tcb["WaitBlockList"]
    for i in range(min(int(thread["TcbExtension"]["WaitCount"]), 64)):
        obj = blocks[i]["Object"]
        if int(obj) == int(tcb["Timer"].address):
            out.append("timer(own)")
        else:
            out.append("%s@%08x" % (object_type_name(obj), u32(obj)))
    return out


def parse_process(arg):
    """An EPROCESS from an address, a process id or an image name; default the current one."""
    arg = arg.strip()
    if not arg:
        return process_of(current_thread())
    procs = all_processes()
    for p in procs:
        if process_name(p).lower() == arg.lower():
            return p
    value = int(gdb.parse_and_eval(arg))
    for p in procs:
        if int(p["UniqueProcessId"]) == value:
            return p
    return ptr("EPROCESS", value)


def parse_thread(arg):
    arg = arg.strip()
    if not arg:
        return current_thread()
    value = int(gdb.parse_and_eval(arg))
    for t in all_threads():
        if int(t["Cid"]["UniqueThread"]) == value:
            return t
    return ptr("ETHREAD", value)


# ------------------------------------------------------------------ trap frames

ENTRY_SOURCES = ("sysentry.S", "trap.S", "systrace.S")


def in_entry_code(pc):
    """True when PC lies in the assembly entry code, where EBP holds the KTRAP_FRAME."""
    sal = gdb.find_pc_line(int(pc))
    return sal.symtab is not None and os.path.basename(sal.symtab.filename) in ENTRY_SOURCES


def frame_from_user(tf):
    return (int(tf["SegCs"]) & 3) == 3


def trap_frame_registers(tf):
    """The registers of the interrupted code, as the frame holds them."""
    regs = {
        "eip": u32(tf["Eip"]), "ebp": u32(tf["Ebp"]), "ebx": u32(tf["Ebx"]),
        "esi": u32(tf["Esi"]), "edi": u32(tf["Edi"]), "eflags": u32(tf["EFlags"]),
    }
    if frame_from_user(tf):
        regs["esp"] = u32(tf["HardwareEsp"])
    else:
        # no privilege change: the CPU pushed no ESP/SS; the interrupted ESP is where they would be
        regs["esp"] = u32(int(tf.address) + field_offset("KTRAP_FRAME", "HardwareEsp"))
    return regs


def user_program_file(process):
    """The program's symbols: the unstripped PE build (build/userdbg/, what build/user/ holds
    stripped), else the file itself."""
    name = process_name(process)
    if not name:
        return None
    for folder in ("userdbg", "user"):
        path = os.path.join(BUILD, folder, name)
        if os.path.isfile(path):
            return path
    return None


_loaded_user = {}


def load_user_symbols(process=None):
    """Add ntdll's symbols (fixed base) and the program of PROCESS (default the current one).
    Every program is linked at the same address, so only one program's symbols are loaded."""
    ntdll = os.path.join(BUILD, "ntdll.sym.elf")
    if "ntdll" not in _loaded_user and os.path.isfile(ntdll):
        gdb.execute("add-symbol-file %s" % ntdll, to_string=True)
        _loaded_user["ntdll"] = ntdll
    if process is None:
        process = process_of(current_thread())
    program = user_program_file(process)
    if program and _loaded_user.get("program") != program:
        if "program" in _loaded_user:
            gdb.execute("remove-symbol-file %s" % _loaded_user["program"], to_string=True)
        gdb.execute("add-symbol-file %s" % program, to_string=True)
        _loaded_user["program"] = program


class _FrameId(object):
    def __init__(self, sp, pc):
        self.sp = sp
        self.pc = pc


USER_STUB_ROUTINES = ("KiFastSystemCall", "KiFastSystemCallRet", "KiIntSystemCall")


def in_user_stub(pc):
    """True when PC lies in ntdll's system-call stubs (generated from the service tables) or in
    the routines they call through SharedUserData: code that pushes nothing, so the return
    address is at [ESP]."""
    sal = gdb.find_pc_line(int(pc))
    if sal.symtab is None:
        return False
    source = os.path.basename(sal.symtab.filename)
    if re.match(r"svc_\w+_stubs\.S$", source):
        return True
    return source == "syscall.S" and symbolize(pc).split("+")[0] in USER_STUB_ROUTINES


class TrapFrameUnwinder(gdb.unwinder.Unwinder):
    """For a frame in the kernel's entry assembly, the caller is the code the KTRAP_FRAME at EBP
    interrupted: user mode (a system call or exception) or kernel mode (an interrupt). For a
    frame in ntdll's system-call stubs (no CFI, no frame), the caller's return address is at
    [ESP]. Everything else is left to GDB's DWARF unwinder."""

    def __init__(self):
        super(TrapFrameUnwinder, self).__init__("nanont-trap-frame")

    def __call__(self, pending_frame):
        try:
            pc = u32(pending_frame.read_register("eip"))
            if pc >= USER_LIMIT and in_entry_code(pc):
                ebp = u32(pending_frame.read_register("ebp"))
                regs = trap_frame_registers(ptr("KTRAP_FRAME", ebp).dereference())
            elif 0 < pc < USER_LIMIT and in_user_stub(pc):
                esp = u32(pending_frame.read_register("esp"))
                regs = {"eip": u32(gdb.Value(esp).cast(T("unsigned int").pointer()).dereference()),
                        "esp": esp + 4}
                for name in ("ebp", "ebx", "esi", "edi"):       # the stubs change none of them
                    regs[name] = u32(pending_frame.read_register(name))
            else:
                return None
            if not regs["eip"]:
                return None
            info = pending_frame.create_unwind_info(
                _FrameId(pending_frame.read_register("esp"), pending_frame.read_register("eip")))
            for name, value in regs.items():
                info.add_saved_register(name, gdb.Value(value).cast(T("unsigned int")))
            return info
        except (gdb.error, gdb.MemoryError, RuntimeError) as e:
            if os.environ.get("NANONT_GDB_DEBUG"):
                gdb.write("nanont unwinder: %r\n" % (e,))
            return None


# ------------------------------------------------------------------ commands

class KxCommand(gdb.Command):
    def __init__(self, name):
        super(KxCommand, self).__init__(name, gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        ensure_kernel_symbols()
        try:
            self.run(arg)
        except gdb.MemoryError as e:
            raise gdb.GdbError("%s: cannot read memory (%s)" % (self._name, e))


def dt(typename, value, indent="   "):
    """WinDbg's dt: +offset name : value, one line per field."""
    width = max(len(f.name or "") for f in value.type.fields())
    for f in value.type.fields():
        v = value[f.name]
        if f.type.strip_typedefs().code == gdb.TYPE_CODE_INT:
            text = "0x%x" % (int(v) & ((1 << (8 * f.type.sizeof)) - 1))
        else:
            text = str(v)
        gdb.write("%s+0x%03x %-*s : %s\n" % (indent, f.bitpos // 8, width, f.name, text))


class KxTrap(KxCommand):
    """kx-trap [ADDR]: a KTRAP_FRAME like `dt _KTRAP_FRAME` (default: the current thread's)."""
    _name = "kx-trap"

    def __init__(self):
        super(KxTrap, self).__init__(self._name)

    def run(self, arg):
        if arg.strip():
            address = int(gdb.parse_and_eval(arg))
        else:
            address = int(current_thread()["Tcb"]["TrapFrame"])
            if address == 0:
                raise gdb.GdbError("kx-trap: the current thread has no trap frame (a system thread?)")
        tf = ptr("KTRAP_FRAME", address).dereference()
        if frame_from_user(tf):
            load_user_symbols()
        gdb.write("_KTRAP_FRAME at 0x%08x (%s mode)\n" % (address, "user" if frame_from_user(tf) else "kernel"))
        dt("KTRAP_FRAME", tf)
        gdb.write("interrupted at %s\n" % symbolize(tf["Eip"]))


def thread_summary(t):
    tcb = t["Tcb"]
    p = process_of(t)
    return {
        "thread": u32(t), "pid": u32(t["Cid"]["UniqueProcess"]), "tid": u32(t["Cid"]["UniqueThread"]),
        "process": process_name(p), "state": thread_state(t), "priority": int(tcb["Priority"]),
        "base": int(tcb["BasePriority"]), "reason": wait_reason(t), "objects": wait_objects(t),
        "kstack": u32(tcb["KernelStack"]), "initial": u32(tcb["InitialStack"]),
        "limit": u32(tcb["StackLimit"]), "trap": u32(tcb["TrapFrame"]),
    }


class KxThread(KxCommand):
    """kx-thread [ADDR|TID]: one thread in detail (default: the current one)."""
    _name = "kx-thread"

    def __init__(self):
        super(KxThread, self).__init__(self._name)

    def run(self, arg):
        t = parse_thread(arg)
        s = thread_summary(t)
        tcb = t["Tcb"]
        ext = t["TcbExtension"]            # the kernel's KTHREAD_EXTENSION (inc/ke.h)
        current = int(t) == int(current_thread())
        gdb.write("THREAD %08x  Cid %x.%x  Process %s (%08x)%s\n" % (
            s["thread"], s["pid"], s["tid"], s["process"], u32(process_of(t)), "  [current]" if current else ""))
        gdb.write("  State        %s\n" % s["state"])
        gdb.write("  Priority     %d (base %d)  Quantum %d\n" % (s["priority"], s["base"], int(ext["Quantum"])))
        gdb.write("  WaitReason   %s\n" % s["reason"])
        gdb.write("  WaitObjects  %s\n" % (" ".join(s["objects"]) or "-"))
        gdb.write("  WaitStatus   0x%08x  Alertable %d  SuspendCount %d\n" % (
            u32(tcb["WaitStatus"]), int(tcb["Alertable"]), int(ext["SuspendCount"])))
        gdb.write("  KernelStack  %08x  InitialStack %08x  StackLimit %08x  StackBase %08x\n" % (
            s["kstack"], s["initial"], s["limit"], u32(tcb["StackBase"])))
        gdb.write("  TrapFrame    %08x  PreviousMode %s\n" % (
            s["trap"], "UserMode" if int(tcb["PreviousMode"]) else "KernelMode"))
        gdb.write("  Teb          %08x  Win32Thread %08x  StartAddress %s\n" % (
            u32(tcb["Teb"]), u32(tcb["Win32Thread"]), symbolize(t["StartAddress"])))
        gdb.write("  SystemThread %d  Terminating %d  UserApcPending %d\n" % (
            int(ext["SystemThread"]), int(ext["Terminating"]), int(tcb["ApcState"]["UserApcPending"])))


class KxThreads(KxCommand):
    """kx-threads: every thread: id, process, state, priority, wait reason and objects,
    kernel stack, trap frame."""
    _name = "kx-threads"

    def __init__(self):
        super(KxThreads, self).__init__(self._name)

    def run(self, arg):
        cur = int(current_thread())
        gdb.write("  %-8s %-9s %-15s %-11s %-7s %-15s %-8s %-8s %s\n" % (
            "THREAD", "CID", "PROCESS", "STATE", "PRI", "WAITREASON", "KSTACK", "TRAP", "WAITOBJECTS"))
        for t in all_threads():
            s = thread_summary(t)
            gdb.write("%s %08x %-9s %-15s %-11s %-7s %-15s %08x %08x %s\n" % (
                "*" if s["thread"] == cur else " ", s["thread"], "%x.%x" % (s["pid"], s["tid"]),
                s["process"][:15], s["state"], "%d/%d" % (s["priority"], s["base"]), s["reason"],
                s["kstack"] if s["thread"] != cur else s["initial"], s["trap"], " ".join(s["objects"]) or "-"))


class KxPs(KxCommand):
    """kx-ps: every process: id, name, page directory, threads, handles, PEB, exit state."""
    _name = "kx-ps"

    def __init__(self):
        super(KxPs, self).__init__(self._name)

    def run(self, arg):
        cur = int(process_of(current_thread()))
        gdb.write("  %-8s %-5s %-15s %-8s %-7s %-7s %-8s %s\n" % (
            "EPROCESS", "PID", "NAME", "CR3", "THREADS", "HANDLES", "PEB", "STATE"))
        for p in all_processes():
            table = p["ObjectTable"]
            handles = "-"
            if int(table):
                handles = str(int(table.cast(T("HANDLE_TABLE").pointer())["HandleCount"]))
            state = "exiting 0x%08x" % u32(p["ExitStatus"]) if int(p["Exiting"]) else "active"
            gdb.write("%s %08x %-5x %-15s %08x %-7d %-7s %08x %s\n" % (
                "*" if int(p) == cur else " ", u32(p), int(p["UniqueProcessId"]), process_name(p),
                u32(p["Pcb"]["DirectoryTableBase"]), len(process_threads(p)), handles, u32(p["Peb"]), state))


def object_name(obj):
    header = ptr("OBJECT_HEADER", int(obj) - T("OBJECT_HEADER").sizeof)
    entry = header["NameEntry"]
    if int(entry) == 0:
        return ""
    try:
        return unicode_string(entry.cast(T("OBJECT_DIRECTORY_ENTRY").pointer())["Name"])
    except gdb.error:
        return ""


class KxHandles(KxCommand):
    """kx-handles [PROCESS]: a handle table (PROCESS: EPROCESS address, id or image name;
    default the current process): handle, object, type, granted access, counts, name."""
    _name = "kx-handles"

    def __init__(self):
        super(KxHandles, self).__init__(self._name)

    def run(self, arg):
        p = parse_process(arg)
        table = p["ObjectTable"]
        if int(table) == 0:
            gdb.write("process %s (%x) has no handle table\n" % (process_name(p), int(p["UniqueProcessId"])))
            return
        table = table.cast(T("HANDLE_TABLE").pointer())
        gdb.write("process %s (pid %x, EPROCESS %08x): %d handle(s)\n" % (
            process_name(p), int(p["UniqueProcessId"]), u32(p), int(table["HandleCount"])))
        gdb.write("  %-6s %-8s %-10s %-8s %-5s %-5s %s\n" % ("HANDLE", "OBJECT", "TYPE", "ACCESS", "PTRS", "HNDLS", "NAME"))
        entries = table["Entries"]
        for i in range(int(table["Capacity"])):
            e = entries[i]
            obj = e["Object"]
            if int(obj) == 0:
                continue
            header = ptr("OBJECT_HEADER", int(obj) - T("OBJECT_HEADER").sizeof)
            gdb.write("  %-6x %08x %-10s %08x %-5d %-5d %s\n" % (
                (i + 1) * 4, u32(obj), object_type_name(obj), u32(e["GrantedAccess"]),
                int(header["PointerCount"]), int(header["HandleCount"]), object_name(obj)))


class KxSsdt(KxCommand):
    """kx-ssdt [TABLE]: a service descriptor table (0 native, 1 GUI, 2 the sample): index, name,
    routine, argument bytes, call count."""
    _name = "kx-ssdt"

    def __init__(self):
        super(KxSsdt, self).__init__(self._name)

    def run(self, arg):
        index = int(gdb.parse_and_eval(arg)) if arg.strip() else 0
        tables = sym("KeServiceDescriptorTableShadow")
        if not 0 <= index < tables.type.range()[1] + 1:
            raise gdb.GdbError("kx-ssdt: no table %d" % index)
        d = tables[index]
        limit = int(d["Limit"])
        if limit == 0 or int(d["Base"]) == 0:
            gdb.write("service table %d is not in use\n" % index)
            return
        try:
            names = sym("KiTraceNames")[index]
        except gdb.GdbError:
            names = gdb.Value(0)
        gdb.write("service table %d: %d services, Base %08x Count %08x Number %08x\n" % (
            index, limit, u32(d["Base"]), u32(d["Count"]), u32(d["Number"])))
        gdb.write("  %-5s %-34s %-4s %-8s %s\n" % ("INDEX", "NAME", "ARGB", "CALLS", "ROUTINE"))
        for i in range(limit):
            routine = u32(d["Base"][i])
            name = read_cstring(names[i]) if int(names) else ""
            if not name:
                name = symbolize(routine)
            # no counters without the boot option callcounts (Count NULL, as WRK's free build)
            count = str(int(d["Count"][i])) if int(d["Count"]) else "-"
            gdb.write("  %-5s %-34s %-4d %-8s %08x\n" % (
                "0x%03x" % (i | (index << 12)), name, int(d["Number"][i]), count, routine))


def tag_text(tag):
    tag = u32(tag)
    return "".join(chr((tag >> (8 * i)) & 0xFF) if 32 <= (tag >> (8 * i)) & 0xFF < 127 else "."
                   for i in range(4))


class KxPool(KxCommand):
    """kx-pool: pool usage by tag: bytes and allocations in use, and the totals."""
    _name = "kx-pool"

    def __init__(self):
        super(KxPool, self).__init__(self._name)

    def run(self, arg):
        table = sym("ExpTagTable")
        rows = []
        for i in range(table.type.range()[1] + 1):
            e = table[i]
            if int(e["InUse"]) and (int(e["Bytes"]) or int(e["Allocations"])):
                rows.append((tag_text(e["Tag"]), int(e["Bytes"]), int(e["Allocations"])))
        rows.sort(key=lambda r: -r[1])
        gdb.write("  %-4s %10s %6s\n" % ("TAG", "BYTES", "ALLOCS"))
        for tag, nbytes, allocs in rows:
            gdb.write("  %-4s %10d %6d\n" % (tag, nbytes, allocs))
        usage = sym("ExpPoolUsage")
        other = int(sym("ExpTagOverflowBytes"))
        gdb.write("total: %s\n" % ", ".join("%s %d" % (f.name, int(usage[f.name])) for f in usage.type.fields()))
        if other:
            gdb.write("tags beyond the table: %d bytes\n" % other)


class KxPcr(KxCommand):
    """kx-pcr: the processor control region (KPCR at 0xFFDFF000) and its KPRCB."""
    _name = "kx-pcr"

    def __init__(self):
        super(KxPcr, self).__init__(self._name)

    def run(self, arg):
        p = pcr().dereference()
        prcb = p["PrcbData"]
        gdb.write("KPCR at 0x%08x\n" % KPCR_ADDRESS)
        gdb.write("  NtTib.ExceptionList %08x\n" % u32(p["NtTib"]["ExceptionList"]))
        gdb.write("  NtTib.Self (TEB)    %08x\n" % u32(p["NtTib"]["Self"]))
        for name in ("SelfPcr", "Prcb", "Irql", "IDT", "GDT", "TSS"):
            gdb.write("  %-19s %08x\n" % (name, u32(p[name])))
        tss = p["TSS"]
        if int(tss):
            gdb.write("  TSS.Esp0            %08x\n" % u32(tss["Esp0"]))
        gdb.write("KPRCB at 0x%08x\n" % u32(p["PrcbData"].address))
        for name in ("CurrentThread", "NextThread", "IdleThread"):
            t = prcb[name]
            what = ""
            if int(t):
                th = t.cast(T("ETHREAD").pointer())
                what = " (%s, cid %x.%x)" % (process_name(process_of(th)), u32(th["Cid"]["UniqueProcess"]),
                                             u32(th["Cid"]["UniqueThread"]))
            gdb.write("  %-19s %08x%s\n" % (name, u32(t), what))
        for name in ("KeSystemCalls", "InterruptCount", "QuantumEnd"):
            gdb.write("  %-19s %d\n" % (name, int(prcb[name])))
        gdb.write("  %-19s %d\n" % ("KPCR.ContextSwitches", int(p["ContextSwitches"])))


# ------------------------------------------------------------------ kx-bt
#
# GDB refuses to unwind from a frame on one stack to a caller on a lower stack (user stacks lie
# below kernel stacks: "previous frame inner to this frame"), so kx-bt walks one stack at a time:
# GDB's own unwinder (DWARF CFI) from a set of registers until the kernel's entry code, then the
# registers the KTRAP_FRAME there saved, and so on. A set of registers other than the CPU's is
# loaded into the stopped CPU's register file for the walk and the CPU's own are put back after.

WALK_REGISTERS = ("eip", "esp", "ebp", "ebx", "esi", "edi", "eax", "ecx", "edx", "eflags")


def read_cpu_registers():
    frame = gdb.newest_frame()
    return {name: u32(frame.read_register(name)) for name in WALK_REGISTERS}


def write_cpu_registers(regs):
    for name, value in regs.items():
        gdb.execute("set $%s = 0x%x" % (name, value), to_string=True)


def source_of(pc, return_address=False):
    sal = gdb.find_pc_line(pc - 1 if return_address and pc else pc)
    if sal.symtab is None or sal.line == 0:
        return ""
    return " [%s:%d]" % (os.path.basename(sal.symtab.filename), sal.line)


class Backtrace(object):
    def __init__(self, limit, user_walk=True):
        self.n = 0
        self.limit = limit
        self.user_walk = user_walk      # False: the user stack is another address space's

    def line(self, pc, sp, exact, note=""):
        gdb.write("#%-2d %08x sp %08x %s%s%s\n" % (self.n, pc, sp, symbolize(pc, not exact),
                                                 source_of(pc, not exact), note))
        self.n += 1

    def walk_stack(self, exact=True):
        """The frames GDB unwinds from the CPU's registers, up to the first one in the kernel's
        entry code. Returns that frame's trap frame address, or None at the end of the stack.
        EXACT: the CPU's EIP is where the code stopped, not a return address."""
        frame = gdb.newest_frame()
        last = None
        while frame is not None and self.n < self.limit:
            pc = u32(frame.pc())
            if pc == 0:
                return None
            sp = u32(frame.read_register("esp"))
            if (pc, sp) != last:                 # an inlined call shares its caller's pc and sp
                self.line(pc, sp, exact)
            last = (pc, sp)
            if pc >= USER_LIMIT and in_entry_code(pc):
                return u32(frame.read_register("ebp"))
            exact = False
            try:
                older = frame.older()
            except gdb.error:
                return None
            # a frame produced by the trap-frame unwinder belongs to the next walk
            if older is None or (pc >= USER_LIMIT) != (u32(older.pc()) >= USER_LIMIT):
                return None
            frame = older
        return None

    def walk(self, regs, exact=True):
        """Walk from REGS (None: the CPU's own), crossing every trap frame met."""
        saved = read_cpu_registers()
        try:
            if regs is not None:
                write_cpu_registers(regs)
            while self.n < self.limit:
                tf_address = self.walk_stack(exact)
                exact = True                     # a trap frame holds where the code stopped
                if tf_address is None:
                    return
                tf = ptr("KTRAP_FRAME", tf_address).dereference()
                user = frame_from_user(tf)
                gdb.write("    ---- trap frame %08x: %s mode, %s ----\n" % (
                    tf_address, "user" if user else "kernel", describe_entry(tf)))
                regs = dict(saved)
                regs.update(trap_frame_registers(tf))
                if user and not self.user_walk:
                    self.line(regs["eip"], regs["esp"], True, " (not walked: another address space)")
                    return
                write_cpu_registers(regs)
        finally:
            write_cpu_registers(saved)


def describe_entry(tf):
    # NOTES.md: a service frame holds a previous mode (0 or 1) here, trap and interrupt stubs -1
    if int(tf["PreviousPreviousMode"]) in (0, 1):
        return "system service"
    return "trap or interrupt, error code 0x%x" % u32(tf["ErrCode"])


def bt_switched_out(thread, bt):
    """A thread that is not running resumes in KiSwapContext (ke/i386/ctxswap.S), whose save area
    at KTHREAD.KernelStack holds the exception list, EDI, ESI, EBX, EBP and the return address."""
    word = T("unsigned int").pointer()
    ks = u32(thread["Tcb"]["KernelStack"])
    saved = gdb.Value(ks).cast(word)
    bt.line(u32(gdb.parse_and_eval("(unsigned int)&KiSwapContext")), ks, True, " (switched out)")
    regs = {"edi": u32(saved[1]), "esi": u32(saved[2]), "ebx": u32(saved[3]), "ebp": u32(saved[4]),
            "eip": u32(saved[5]), "esp": ks + 24}
    bt.user_walk = int(process_of(thread)) == int(process_of(current_thread()))
    bt.walk(regs, exact=False)


class KxBt(KxCommand):
    """kx-bt [THREAD]: backtrace of the current thread (or THREAD: address or thread id) that
    crosses trap frames into user mode, with ntdll's and the program's symbols."""
    _name = "kx-bt"

    def __init__(self):
        super(KxBt, self).__init__(self._name)

    def run(self, arg):
        t = parse_thread(arg)
        load_user_symbols(process_of(t))
        s = thread_summary(t)
        gdb.write("THREAD %08x  Cid %x.%x  %s  %s\n" % (s["thread"], s["pid"], s["tid"], s["process"], s["state"]))
        bt = Backtrace(64)
        if int(t) == int(current_thread()):
            bt.walk(None)
        else:
            bt_switched_out(t, bt)


def register():
    ensure_kernel_symbols()
    for cls in (KxTrap, KxThread, KxThreads, KxPs, KxHandles, KxSsdt, KxPool, KxBt, KxPcr):
        cls()
    gdb.unwinder.register_unwinder(None, TrapFrameUnwinder(), replace=True)


register()
