/*
 * nsh.c - the native shell: a command interpreter that needs nothing but ntdll, as NT's
 * native-mode tools run before Win32 exists. It reads lines from the console device
 * (\Device\Console: COM1, and the keyboard when a display is present; io/console.c) and runs:
 *
 *   run PROG [ARGS]   start \SystemRoot\system32\PROG (or a full NT path), wait, print the exit
 *                     status by name; a bare PROG.exe works too
 *   start PROG [ARGS] the same without waiting; $! then stands for its process id
 *   ps, threads       processes / threads (NtQuerySystemInformation SystemProcessInformation)
 *   handles [PID]     a process's handles, this shell's by default (SystemHandleInformation)
 *   kill PID          NtOpenProcess by id, NtTerminateProcess, wait for the end
 *   dir [DIR], type FILE, copy FROM TO, del FILE, mkdir DIR   (names relative to \SystemRoot,
 *                     or full NT paths starting with '\')
 *   svc               the services called so far, by name, and their counts
 *                     (SystemCallCountInformation; names from the generated svcnames.h)
 *   mem               physical pages and kernel pool (SystemBasicInformation, NanoNT pool class)
 *   trace on|off [NAME]  trace NAME's calls on the console from now on, or stop; without NAME
 *                     every service / none (NtSetSystemInformation, SystemNanoNtTraceFilter)
 *   record, recover   thread-context record and recover of the shell itself through the seed
 *                     service NtRecordOrRecoveryTrapFrame, as trapdemo.exe does
 *   reboot, shutdown  NtShutdownSystem(ShutdownReboot / ShutdownPowerOff): the disk is flushed
 *   exit              end the shell (the init program's exit powers the machine off)
 *
 * `make shell` boots into it; tests/guest/nsh.sh drives it with scripted input.
 */
#include "ntdll.h"
#include "traplib.h"
#include "crt.h"

#define LINE_MAX_CHARS 256
#define MAX_WORDS 16

static HANDLE Console;
static ULONG LastStarted;          /* $!: the process id of the last start */
static ULONG CommandCount;         /* commands run so far: record and recover tell them apart */
static char LastStartedText[12];

/* every service of every generated table: { table << 12 | index, name } */
static const struct { ULONG Number; const char *Name; } ServiceNames[] = {
#include "svcnames.h"
};

#define TYPE_NAME(Index, Name) [Index] = Name,
static const char *const TypeNames[] = { [0] = "?", OB_TYPE_INDEX_LIST(TYPE_NAME) };

/* ------------------------------------------------------------------ names and strings */
static WCHAR NameBuffer[2][300];
static UNICODE_STRING NameString[2];
static OBJECT_ATTRIBUTES NameAttributes[2];

static int StrEq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static int StrLen(const char *s)
{
    int n = 0;
    while (s[n])
        n++;
    return n;
}

/* An NT path for a shell name: as is when it starts with '\', else under \SystemRoot. */
static POBJECT_ATTRIBUTES Path(int Slot, const char *Name)
{
    const char *prefix = Name[0] == '\\' ? "" : "\\SystemRoot\\";
    int n = 0;
    for (const char *p = prefix; *p && n < 299; p++)
        NameBuffer[Slot][n++] = (UCHAR)*p;
    for (const char *p = Name; *p && n < 299; p++)
        NameBuffer[Slot][n++] = (UCHAR)*p;
    NameString[Slot].Buffer = NameBuffer[Slot];
    NameString[Slot].Length = NameString[Slot].MaximumLength = (USHORT)(n * 2);
    OBJECT_ATTRIBUTES *oa = &NameAttributes[Slot];
    oa->Length = sizeof(*oa);
    oa->RootDirectory = NULL;
    oa->ObjectName = &NameString[Slot];
    oa->Attributes = OBJ_CASE_INSENSITIVE;
    oa->SecurityDescriptor = oa->SecurityQualityOfService = NULL;
    return oa;
}

static const struct { NTSTATUS Status; const char *Name; } StatusNames[] = {
    { 0x00000000, "STATUS_SUCCESS" },             { 0x00000102, "STATUS_TIMEOUT" },
    { 0x80000003, "STATUS_BREAKPOINT" },          { 0x80000004, "STATUS_SINGLE_STEP" },
    { 0xC0000001, "STATUS_UNSUCCESSFUL" },        { 0xC0000002, "STATUS_NOT_IMPLEMENTED" },
    { 0xC0000005, "STATUS_ACCESS_VIOLATION" },    { 0xC0000008, "STATUS_INVALID_HANDLE" },      { 0xC000000B, "STATUS_INVALID_CID" },
    { 0xC00000BB, "STATUS_NOT_SUPPORTED" },       { 0xC0000030, "STATUS_INVALID_PARAMETER_MIX" },
    { 0xC000000D, "STATUS_INVALID_PARAMETER" },   { 0xC000000F, "STATUS_NO_SUCH_FILE" },
    { 0xC0000010, "STATUS_INVALID_DEVICE_REQUEST" }, { 0xC0000011, "STATUS_END_OF_FILE" },
    { 0xC000001D, "STATUS_ILLEGAL_INSTRUCTION" }, { 0xC0000022, "STATUS_ACCESS_DENIED" },
    { 0xC0000033, "STATUS_OBJECT_NAME_INVALID" }, { 0xC0000034, "STATUS_OBJECT_NAME_NOT_FOUND" },
    { 0xC0000035, "STATUS_OBJECT_NAME_COLLISION" }, { 0xC000003A, "STATUS_OBJECT_PATH_NOT_FOUND" },
    { 0xC0000043, "STATUS_SHARING_VIOLATION" },   { 0xC000007B, "STATUS_INVALID_IMAGE_FORMAT" },
    { 0xC0000094, "STATUS_INTEGER_DIVIDE_BY_ZERO" }, { 0xC0000096, "STATUS_PRIVILEGED_INSTRUCTION" },
    { 0xC00000BA, "STATUS_FILE_IS_A_DIRECTORY" }, { 0xC0000101, "STATUS_DIRECTORY_NOT_EMPTY" },
    { 0xC0000103, "STATUS_NOT_A_DIRECTORY" },     { 0xC000013A, "STATUS_CONTROL_C_EXIT" },
};

static const char *StatusName(NTSTATUS Status)
{
    for (unsigned i = 0; i < sizeof(StatusNames) / sizeof(StatusNames[0]); i++)
        if (StatusNames[i].Status == Status)
            return StatusNames[i].Name;
    return "?";
}

static void Fail(const char *What, NTSTATUS Status)
{
    printf("nsh: %s: 0x%08lx (%s)\n", What, (unsigned long)Status, StatusName(Status));
}

/* ------------------------------------------------------------------ commands */
static void CmdRun(int Argc, char **Argv, int Wait)
{
    char image[300], cmdline[LINE_MAX_CHARS];
    int n = 0, c = 0;
    const char *prefix = Argv[0][0] == '\\' ? "" : "\\SystemRoot\\system32\\";
    for (const char *p = prefix; *p; p++)
        image[n++] = *p;
    for (const char *p = Argv[0]; *p && n < 299; p++)
        image[n++] = *p;
    image[n] = 0;
    for (int i = 0; i < Argc; i++)
        for (const char *p = Argv[i]; (*p || i + 1 < Argc) && c < LINE_MAX_CHARS - 1; p++) {
            if (!*p) {
                cmdline[c++] = ' ';
                break;
            }
            cmdline[c++] = *p;
        }
    cmdline[c] = 0;
    UNICODE_STRING ip = *Path(0, image)->ObjectName, cl = *Path(1, "")->ObjectName;
    /* the command line, not a path: rebuild slot 1 from cmdline */
    for (int i = 0; i < c; i++)
        NameBuffer[1][i] = (UCHAR)cmdline[i];
    cl.Buffer = NameBuffer[1];
    cl.Length = cl.MaximumLength = (USHORT)(c * 2);
    HANDLE process, thread;
    CLIENT_ID cid;
    NTSTATUS s = NtCreateUserProcessFromPath(&process, &thread, PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS, &ip, &cl,
                                             0, &cid);
    if (!NT_SUCCESS(s)) {
        Fail(Argv[0], s);
        return;
    }
    if (!Wait) {
        LastStarted = (ULONG)(ULONG_PTR)cid.UniqueProcess;
        printf("%s started (process %lu)\n", Argv[0], (unsigned long)LastStarted);
        NtYieldExecution();                   /* let it start before the next command */
        NtClose(thread);
        NtClose(process);
        return;
    }
    NtWaitForSingleObject(process, FALSE, NULL);
    PROCESS_BASIC_INFORMATION pbi;
    s = NtQueryInformationProcess(process, ProcessBasicInformation, &pbi, sizeof(pbi), NULL);
    if (NT_SUCCESS(s))
        printf("%s (process %lu) exited with 0x%08lx (%s)\n", Argv[0], (unsigned long)(ULONG_PTR)cid.UniqueProcess,
               (unsigned long)pbi.ExitStatus, StatusName(pbi.ExitStatus));
    NtClose(thread);
    NtClose(process);
}

static UCHAR Big[0x10000] __attribute__((aligned(8)));

static const char *ThreadStateName(ULONG State)
{
    static const char *names[] = { "init", "ready", "running", "standby", "terminated", "waiting", "transition" };
    return State < 7 ? names[State] : "?";
}

static void CmdPs(int Threads)
{
    ULONG need = 0;
    NTSTATUS s = NtQuerySystemInformation(SystemProcessInformation, Big, sizeof(Big), &need);
    if (!NT_SUCCESS(s)) {
        Fail("SystemProcessInformation", s);
        return;
    }
    if (Threads)
        printf("  PID   TID  PRI  STATE       IMAGE\n");
    else
        printf("  PID  THREADS  HANDLES  PAGES  IMAGE\n");
    for (PSYSTEM_PROCESS_INFORMATION p = (PVOID)Big;; p = (PVOID)((PUCHAR)p + p->NextEntryOffset)) {
        char name[20];
        int n = 0;
        for (; n < p->ImageName.Length / 2 && n < 19; n++)
            name[n] = (char)p->ImageName.Buffer[n];
        name[n] = 0;
        if (!Threads) {
            printf("%5lu  %7lu  %7lu  %5lu  %s\n", (unsigned long)(ULONG_PTR)p->UniqueProcessId,
                   (unsigned long)p->NumberOfThreads, (unsigned long)p->HandleCount,
                   (unsigned long)(p->WorkingSetSize / 4096), name);
        } else {
            PSYSTEM_THREAD_INFORMATION t = (PVOID)(p + 1);
            for (ULONG i = 0; i < p->NumberOfThreads; i++, t++)
                printf("%5lu %5lu  %3ld  %-10s  %s\n", (unsigned long)(ULONG_PTR)t->ClientId.UniqueProcess,
                       (unsigned long)(ULONG_PTR)t->ClientId.UniqueThread, (long)t->Priority,
                       ThreadStateName(t->ThreadState), name);
        }
        if (!p->NextEntryOffset)
            break;
    }
}

static HANDLE OpenFile(const char *Name, ACCESS_MASK Access, ULONG Disposition, ULONG Options, NTSTATUS *Status)
{
    HANDLE h = NULL;
    IO_STATUS_BLOCK iosb;
    *Status = NtCreateFile(&h, Access | SYNCHRONIZE, Path(0, Name), &iosb, NULL, 0,
                           FILE_SHARE_READ | FILE_SHARE_WRITE, Disposition, Options | FILE_SYNCHRONOUS_IO_NONALERT,
                           NULL, 0);
    return NT_SUCCESS(*Status) ? h : NULL;
}

static void CmdDir(const char *Name)
{
    NTSTATUS s;
    HANDLE h = OpenFile(Name, FILE_LIST_DIRECTORY, FILE_OPEN, FILE_DIRECTORY_FILE, &s);
    if (!h) {
        Fail(Name, s);
        return;
    }
    IO_STATUS_BLOCK iosb;
    ULONG files = 0;
    BOOLEAN restart = TRUE;
    while (NT_SUCCESS(s = NtQueryDirectoryFile(h, NULL, NULL, NULL, &iosb, Big, sizeof(Big), FileDirectoryInformation,
                                              FALSE, NULL, restart))) {
        restart = FALSE;
        for (PFILE_DIRECTORY_INFORMATION d = (PVOID)Big;; d = (PVOID)((PUCHAR)d + d->NextEntryOffset)) {
            char name[128];
            ULONG n = 0;
            for (; n < d->FileNameLength / 2 && n < 127; n++)
                name[n] = (char)d->FileName[n];
            name[n] = 0;
            if (d->FileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                printf("  <DIR>        %s\n", name);
            else
                printf("  %10lu   %s\n", (unsigned long)d->EndOfFile.LowPart, name);
            files++;
            if (!d->NextEntryOffset)
                break;
        }
    }
    printf("  %lu entries\n", (unsigned long)files);
    NtClose(h);
}

static void CmdType(const char *Name)
{
    NTSTATUS s;
    HANDLE h = OpenFile(Name, FILE_READ_DATA, FILE_OPEN, FILE_NON_DIRECTORY_FILE, &s);
    if (!h) {
        Fail(Name, s);
        return;
    }
    IO_STATUS_BLOCK iosb;
    static char chunk[513];
    while (NT_SUCCESS(s = NtReadFile(h, NULL, NULL, NULL, &iosb, chunk, 512, NULL, NULL)) && iosb.Information) {
        chunk[iosb.Information] = 0;
        printf("%s", chunk);
    }
    if (s != STATUS_END_OF_FILE && !NT_SUCCESS(s))
        Fail(Name, s);
    NtClose(h);
}

static void CmdCopy(const char *From, const char *To)
{
    NTSTATUS s;
    HANDLE in = OpenFile(From, FILE_READ_DATA, FILE_OPEN, FILE_NON_DIRECTORY_FILE, &s), out;
    if (!in) {
        Fail(From, s);
        return;
    }
    out = OpenFile(To, FILE_WRITE_DATA, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE, &s);
    if (!out) {
        Fail(To, s);
        NtClose(in);
        return;
    }
    IO_STATUS_BLOCK iosb;
    ULONG total = 0;
    while (NT_SUCCESS(s = NtReadFile(in, NULL, NULL, NULL, &iosb, Big, sizeof(Big), NULL, NULL)) && iosb.Information) {
        ULONG n = iosb.Information;
        s = NtWriteFile(out, NULL, NULL, NULL, &iosb, Big, n, NULL, NULL);
        if (!NT_SUCCESS(s))
            break;
        total += n;
    }
    if (s != STATUS_END_OF_FILE && !NT_SUCCESS(s))
        Fail("copy", s);
    else
        printf("        1 file(s) copied, %lu bytes\n", (unsigned long)total);
    NtClose(out);
    NtClose(in);
}

static void CmdSvc(void)
{
    ULONG need = 0;
    NTSTATUS s = NtQuerySystemInformation(SystemCallCountInformation, Big, sizeof(Big), &need);
    if (!NT_SUCCESS(s)) {
        Fail("SystemCallCountInformation", s);
        return;
    }
    PSYSTEM_CALL_COUNT_INFORMATION info = (PVOID)Big;
    const ULONG *entries = (const ULONG *)(info + 1);
    ULONG total = 0;
    if (info->Length == sizeof(*info) + info->NumberOfTables * sizeof(ULONG)) {
        printf("  no per-service counts kept (boot option callcounts)\n");
        return;
    }
    printf("  TABLE INDEX      CALLS  SERVICE\n");
    for (ULONG t = 0; t < info->NumberOfTables; t++)
        for (ULONG i = 0; i < entries[t]; i++) {
            ULONG c = NanoCallCount(Big, t, i);
            if (c && c != 0xFFFFFFFF) {
                const char *name = "?";
                for (ULONG k = 0; k < sizeof(ServiceNames) / sizeof(ServiceNames[0]); k++)
                    if (ServiceNames[k].Number == (t << 12 | i))
                        name = ServiceNames[k].Name;
                printf("  %5lu 0x%03lx %10lu  %s\n", (unsigned long)t, (unsigned long)i, (unsigned long)c, name);
                total += c;
            }
        }
    printf("  %lu calls in all\n", (unsigned long)total);
}

static void CmdMem(void)
{
    struct { ULONG Reserved, TimerResolution, PageSize, NumberOfPhysicalPages, Lowest, Highest; ULONG Rest[5]; } basic;
    struct { SIZE_T BytesInUse; ULONG AllocationsInUse, TotalAllocations, TotalFrees, PagesInUse; } pool;
    NTSTATUS s = NtQuerySystemInformation(SystemBasicInformation, &basic, sizeof(basic), NULL);
    if (NT_SUCCESS(s))
        printf("  physical memory: %lu pages of %lu bytes (%lu KiB)\n", (unsigned long)basic.NumberOfPhysicalPages,
               (unsigned long)basic.PageSize, (unsigned long)(basic.NumberOfPhysicalPages * (basic.PageSize / 1024)));
    else
        Fail("SystemBasicInformation", s);
    s = NtQuerySystemInformation(SystemNanoNtPoolInformation, &pool, sizeof(pool), NULL);
    if (NT_SUCCESS(s))
        printf("  pool: %lu bytes in %lu allocations, %lu pages; %lu allocations and %lu frees since boot\n",
               (unsigned long)pool.BytesInUse, (unsigned long)pool.AllocationsInUse, (unsigned long)pool.PagesInUse,
               (unsigned long)pool.TotalAllocations, (unsigned long)pool.TotalFrees);
    else
        Fail("SystemNanoNtPoolInformation", s);
}

static int ParsePid(const char *Text, ULONG *Pid)
{
    ULONG v = 0;
    if (!*Text)
        return 0;
    for (const char *p = Text; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10 + (ULONG)(*p - '0');
    }
    *Pid = v;
    return 1;
}

static void CmdHandles(ULONG Pid)
{
    ULONG need = 0;
    NTSTATUS s = NtQuerySystemInformation(SystemHandleInformation, Big, sizeof(Big), &need);
    if (!NT_SUCCESS(s)) {
        Fail("SystemHandleInformation", s);
        return;
    }
    PSYSTEM_HANDLE_INFORMATION info = (PVOID)Big;
    ULONG shown = 0;
    printf("  PID  HANDLE  TYPE        ACCESS\n");
    for (ULONG i = 0; i < info->NumberOfHandles; i++) {
        PSYSTEM_HANDLE_TABLE_ENTRY_INFO h = &info->Handles[i];
        if (h->UniqueProcessId != Pid)
            continue;
        UCHAR type = h->ObjectTypeIndex;
        const char *name = type < sizeof(TypeNames) / sizeof(TypeNames[0]) && TypeNames[type] ? TypeNames[type] : "?";
        printf("%5lu  0x%04x  %-10s  0x%08lx\n", (unsigned long)Pid, (unsigned)h->HandleValue, name,
               (unsigned long)h->GrantedAccess);
        shown++;
    }
    printf("  %lu handles (%lu in the system)\n", (unsigned long)shown, (unsigned long)info->NumberOfHandles);
}

static void CmdKill(ULONG Pid)
{
    HANDLE process;
    CLIENT_ID cid = { (HANDLE)(ULONG_PTR)Pid, NULL };
    OBJECT_ATTRIBUTES oa = { sizeof(oa), NULL, NULL, 0, NULL, NULL };
    NTSTATUS s = NtOpenProcess(&process, PROCESS_TERMINATE | PROCESS_QUERY_INFORMATION | SYNCHRONIZE, &oa, &cid);
    if (!NT_SUCCESS(s)) {
        Fail("NtOpenProcess", s);
        return;
    }
    s = NtTerminateProcess(process, STATUS_CONTROL_C_EXIT);
    if (NT_SUCCESS(s))
        s = NtWaitForSingleObject(process, FALSE, NULL);
    if (NT_SUCCESS(s))
        printf("process %lu terminated\n", (unsigned long)Pid);
    else
        Fail("NtTerminateProcess", s);
    NtClose(process);
}

static void CmdTrace(int On, const char *Name)
{
    char spec[128];
    int n = 0;
    if (Name) {
        spec[n++] = On ? '+' : '-';
        for (const char *p = Name; *p && n < 127; p++)
            spec[n++] = *p;
    } else {
        for (const char *p = On ? "all" : "none"; *p; p++)
            spec[n++] = *p;
    }
    spec[n] = 0;
    NTSTATUS s = NtSetSystemInformation(SystemNanoNtTraceFilter, spec, (ULONG)n);
    if (NT_SUCCESS(s))
        printf("trace %s %s\n", On ? "on" : "off", Name ? Name : "(every service)");
    else
        Fail("SystemNanoNtTraceFilter", s);
}

/*
 * record / recover: the seed service NtRecordOrRecoveryTrapFrame records this thread's context
 * in \SystemRoot\TrapFrame when there is no such file (record deletes it first) and resumes at
 * the record when there is. Both go through this one call of TrCall from one call site in
 * Execute, so the resumed thread finds a stack laid out as when it recorded. TrCall loads
 * EBX/ESI/EDI/EBP from a seed holding the command's number; after a recovery TrOut shows the
 * recording command's registers, while this frame's locals are the recovering command's.
 */
static __attribute__((noinline)) void CmdTrapFrame(int Record)
{
    if (Record) {
        NTSTATUS d = NtDeleteFile(Path(0, "TrapFrame"));
        if (!NT_SUCCESS(d) && d != STATUS_OBJECT_NAME_NOT_FOUND)
            Fail("TrapFrame", d);
    }
    ULONG seed = CommandCount << 4;           /* bit 0 clear: CF clear */
    TrTarget = USER_SHARED_DATA->SystemCall;   /* the entry the ntdll stubs use */
    NTSTATUS s = TrCall(SERVICE_NUMBER_NtRecordOrRecoveryTrapFrame, 0, 0, seed);
    if (!NT_SUCCESS(s)) {
        Fail("NtRecordOrRecoveryTrapFrame", s);
        return;
    }
    ULONG got = TR_EBX(TrOut.Ebx);            /* TR_EBX is its own inverse */
    if (got == seed) {
        printf("record: command %lu's thread context is in \\SystemRoot\\TrapFrame (EBX=0x%08lx ESP=0x%08lx)\n",
               (unsigned long)(seed >> 4), (unsigned long)TrOut.Ebx, (unsigned long)TrOut.Esp);
        return;
    }
    int whole = TrOut.Esi == TR_ESI(got) && TrOut.Edi == TR_EDI(got) && TrOut.Ebp == TR_EBP(got);
    printf("recover: command %lu resumed at command %lu's record (EBX=0x%08lx ESP=0x%08lx), registers %s\n",
           (unsigned long)(seed >> 4), (unsigned long)(got >> 4), (unsigned long)TrOut.Ebx,
           (unsigned long)TrOut.Esp, whole ? "all back" : "NOT consistent");
}

static void CmdHelp(void)
{
    printf("commands: run PROG [ARGS] (or PROG.exe [ARGS]), start PROG [ARGS], ps, threads,\n"
           "          handles [PID], kill PID, dir [DIR], type FILE, copy FROM TO, del FILE, mkdir DIR,\n"
           "          svc, mem, trace on|off [NAME], record, recover, help, reboot, shutdown, exit\n"
           "names are relative to \\SystemRoot unless they start with '\\'; $! is the last started process\n");
}

static int EndsWithExe(const char *s)
{
    int n = StrLen(s);
    return n > 4 && s[n - 4] == '.' && (s[n - 3] | 32) == 'e' && (s[n - 2] | 32) == 'x' && (s[n - 1] | 32) == 'e';
}

/* Run one command line. Result: 0 to go on, 1 to end the shell. */
static int Execute(char *Line)
{
    char *argv[MAX_WORDS];
    int argc = 0;
    for (char *p = Line; *p && argc < MAX_WORDS;) {
        while (*p == ' ' || *p == '\t')
            *p++ = 0;
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    if (!argc || argv[0][0] == '#')
        return 0;
    CommandCount++;
    for (int i = 1; i < argc; i++)
        if (StrEq(argv[i], "$!")) {
            char digits[12];
            int n = 0;
            ULONG v = LastStarted;
            do
                digits[n++] = (char)('0' + v % 10);
            while ((v /= 10) && n < 11);
            for (int k = 0; k < n; k++)
                LastStartedText[k] = digits[n - 1 - k];
            LastStartedText[n] = 0;
            argv[i] = LastStartedText;
        }
    const char *c = argv[0];
    NTSTATUS s;
    HANDLE h;
    ULONG pid;
    if (StrEq(c, "exit"))
        return 1;
    if (StrEq(c, "help"))
        CmdHelp();
    else if (StrEq(c, "run") && argc > 1)
        CmdRun(argc - 1, argv + 1, 1);
    else if (StrEq(c, "start") && argc > 1)
        CmdRun(argc - 1, argv + 1, 0);
    else if (EndsWithExe(c))
        CmdRun(argc, argv, 1);
    else if (StrEq(c, "handles") && (argc == 1 || ParsePid(argv[1], &pid)))
        CmdHandles(argc == 1 ? (ULONG)(ULONG_PTR)NtCurrentTeb()->ClientId.UniqueProcess : pid);
    else if (StrEq(c, "kill") && argc > 1 && ParsePid(argv[1], &pid))
        CmdKill(pid);
    else if (StrEq(c, "trace") && argc > 1 && (StrEq(argv[1], "on") || StrEq(argv[1], "off")))
        CmdTrace(StrEq(argv[1], "on"), argc > 2 ? argv[2] : NULL);
    else if (StrEq(c, "record") || StrEq(c, "recover"))
        CmdTrapFrame(StrEq(c, "record"));
    else if (StrEq(c, "reboot") || StrEq(c, "shutdown")) {
        int reboot = StrEq(c, "reboot");
        printf("nsh: %s\n", reboot ? "rebooting" : "powering off");
        s = NtShutdownSystem(reboot ? ShutdownReboot : ShutdownPowerOff);
        Fail("NtShutdownSystem", s);
    }
    else if (StrEq(c, "ps"))
        CmdPs(0);
    else if (StrEq(c, "threads"))
        CmdPs(1);
    else if (StrEq(c, "dir"))
        CmdDir(argc > 1 ? argv[1] : "system32");
    else if (StrEq(c, "type") && argc > 1)
        CmdType(argv[1]);
    else if (StrEq(c, "copy") && argc > 2)
        CmdCopy(argv[1], argv[2]);
    else if (StrEq(c, "del") && argc > 1) {
        s = NtDeleteFile(Path(0, argv[1]));
        if (!NT_SUCCESS(s))
            Fail(argv[1], s);
    } else if (StrEq(c, "mkdir") && argc > 1) {
        h = OpenFile(argv[1], FILE_LIST_DIRECTORY, FILE_CREATE, FILE_DIRECTORY_FILE, &s);
        if (h)
            NtClose(h);
        else
            Fail(argv[1], s);
    } else if (StrEq(c, "svc"))
        CmdSvc();
    else if (StrEq(c, "mem"))
        CmdMem();
    else
        printf("nsh: unknown command or missing argument: %s (try help)\n", c);
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    IO_STATUS_BLOCK iosb;
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING name;
    static WCHAR conName[] = { '\\', 'D', 'e', 'v', 'i', 'c', 'e', '\\', 'C', 'o', 'n', 's', 'o', 'l', 'e' };
    name.Buffer = conName;
    name.Length = name.MaximumLength = sizeof(conName);
    oa.Length = sizeof(oa);
    oa.RootDirectory = NULL;
    oa.ObjectName = &name;
    oa.Attributes = OBJ_CASE_INSENSITIVE;
    oa.SecurityDescriptor = oa.SecurityQualityOfService = NULL;
    NTSTATUS s = NtCreateFile(&Console, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, &oa, &iosb, NULL, 0,
                              FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    if (!NT_SUCCESS(s)) {
        Fail("\\Device\\Console", s);
        return s;
    }
    printf("NanoNT native shell. Type help for the commands.\n");
    static char line[LINE_MAX_CHARS + 1];
    for (;;) {
        printf("nsh> ");
        s = NtReadFile(Console, NULL, NULL, NULL, &iosb, line, LINE_MAX_CHARS, NULL, NULL);
        if (!NT_SUCCESS(s)) {
            Fail("console read", s);
            break;
        }
        ULONG n = iosb.Information;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        line[n] = 0;
        if (Execute(line))
            break;
    }
    printf("nsh: goodbye\n");
    NtClose(Console);
    return 0;
}
