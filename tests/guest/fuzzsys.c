/*
 * fuzzsys.c - every service of tables 0-2 called many times with hostile arguments, through both
 * entries (bad input from user mode gets an NTSTATUS, never a kernel crash or hang: docs/spec.md §1, §6).
 * Arguments come from a pool of interesting values: 0, small numbers, pseudo handles, addresses
 * at and around MmUserProbeAddress, kernel addresses, read-only pages (.rodata, ntdll text,
 * SharedUserData), and pointers into a scratch area whose contents are re-randomised (including
 * pointers back into it, so nested structures look plausible). Services that would end, block,
 * suspend or redirect this thread are left out (tests/guest/svcpick.h); table 0's unimplemented WRK slots
 * are called now and then only. The test passes when every call returns and the counters say
 * each service really ran.
 * Usage: fuzzsys.exe [calls [seed [dr]]]   (default 12000 calls, a fixed seed)
 *
 * With "dr" as the third word, the thread also keeps random hardware breakpoints armed (DR0-3 and
 * DR7 set with NtSetContextThread every 64 calls: random enables, kinds and lengths, aimed at its
 * own stack, its TEB, the scratch buffers it passes to services and its argument array) and
 * raises a privileged-instruction #GP every 16 calls. The kernel touches all of those addresses
 * on every entry path; none of its accesses may fire a breakpoint: no STOP, every #GP comes back
 * as STATUS_PRIVILEGED_INSTRUCTION, and the only single-step exceptions are user-mode hits.
 *
 * With "children N calls", the program instead starts N child processes, each running
 * `fuzzsys.exe calls seed wild`: the wild mode also calls (rarely) the services left out above,
 * so children end themselves, block, suspend themselves, jump to random contexts and take random
 * APCs. The parent waits a bounded time for each child, terminates it if it is still running,
 * and at the end checks that the kernel is still there and that pool usage is back where it
 * started (everything a dead child held was freed).
 */
#include "testlib.h"
#include "svcpick.h"

/* The scratch area is its own allocation, so "runs off the end" reaches an unmapped page rather
   than this program's variables. */
#define SCRATCH 0x10000
static ULONG *Scratch;
static const ULONG ReadOnly[64] = { 1 };
static ULONG Seed = 0x1234567;   /* fixed: a failure is repeatable */

static ULONG Random(VOID)
{
    Seed ^= Seed << 13;
    Seed ^= Seed >> 17;
    Seed ^= Seed << 5;
    return Seed;
}

static ULONG InterestingValue(VOID)
{
    static const ULONG fixed[] = {
        0, 1, 2, 3, 4, 8, 0x10, 0x20, 0x40, 0x100, 0x1000, 0x10000, 0xFFFFFFFF, 0xFFFFFFFE,
        0x7FFEFFFF, 0x7FFF0000, 0x7FFEFFF0, 0x7FFEFFFC, 0x7FFFFFFF, 0x80000000, 0x80100000,
        0xC0000000, 0xFFDFF000, 0xFFDF0000, 0x7FFE0000, 0x7FFE0300, 0x00400000, 0x77F00000,
        0x0000FFFF, 0x00010000, 0x7FFDF000, 0x7FFDE000, 0x80000001,
    };
    ULONG r = Random();
    switch (r % 8) {
    case 0: case 1: case 2:
        return fixed[(r >> 8) % ARRAYSIZE(fixed)];
    case 3: case 4:
        return (ULONG)&Scratch[(r >> 8) % (SCRATCH / 4)];
    case 5:
        return (ULONG)&ReadOnly[(r >> 8) % 64];
    case 6:
        return (ULONG)Scratch + SCRATCH - ((r >> 8) % 64);      /* runs off the scratch area */
    default:
        return Random();
    }
}

static VOID Rerandomise(VOID)
{
    for (ULONG i = 0; i < SCRATCH / 4; i++)
        Scratch[i] = (Random() & 3) == 0 ? InterestingValue() : Random() % 0x400;
}

static int Wild;

static int Excluded(ULONG Number)
{
    if (SvcNeverCalled(Number))
        return 1;
    if (SvcHostileToCaller(Number))
        return Wild ? (Random() % 16) != 0 : 1;    /* wild: now and then */
    return 0;
}

static ULONG Calls;

/* ------------------------------------------------------------------ dr mode */
static int DrMode;
static volatile ULONG DrSteps, DrPrivileged, DrOther;
extern char FuzzCliInsn[] __asm__("FuzzCliInsn");   /* one spelling in PE and ELF builds */
VOID FuzzCli(VOID) __asm__("FuzzCli");
__asm__(".text\n.globl FuzzCli, FuzzCliInsn\nFuzzCli:\nFuzzCliInsn:\n   cli\n   ret\n");

static LONG NTAPI DrHandler(PEXCEPTION_POINTERS Info)
{
    NTSTATUS code = Info->ExceptionRecord->ExceptionCode;
    if (code == STATUS_SINGLE_STEP) {
        DrSteps++;                           /* a user-mode hit of a fuzzed breakpoint */
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    if (Info->ContextRecord->Eip == (ULONG)FuzzCliInsn) {
        if (code == STATUS_PRIVILEGED_INSTRUCTION)
            DrPrivileged++;
        else
            DrOther++;
        Info->ContextRecord->Eip++;
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    DrOther++;
    return EXCEPTION_CONTINUE_SEARCH;
}

/* Random DR0-3/DR7: each address near the stack, the TEB, the scratch area or Args. */
static VOID ArmRandomBreakpoints(const ULONG *Args)
{
    volatile ULONG here;
    CONTEXT c;
    memset(&c, 0, sizeof(c));
    c.ContextFlags = CONTEXT_DEBUG_REGISTERS;
    ULONG dr[4];
    for (int i = 0; i < 4; i++) {
        ULONG r = Random();
        switch (r % 5) {
        case 0: dr[i] = (ULONG)&here - (r >> 8) % 0x1000; break;                 /* stack */
        case 1: dr[i] = (ULONG)NtCurrentTeb() + (r >> 8) % 0x1000; break;        /* TEB */
        case 2: dr[i] = (ULONG)&Scratch[(r >> 8) % (SCRATCH / 4)]; break;        /* buffers */
        case 3: dr[i] = (ULONG)&Args[(r >> 8) % 16]; break;                      /* arguments */
        default: dr[i] = InterestingValue(); break;
        }
    }
    /* not SharedUserData's SystemCall pointer (0x7FFE0300), which every ntdll stub reads: a read
       watch there fires again in the NtContinue that ends each handled hit, and the nested hits
       never end (the thread dies of an unhandled STATUS_SINGLE_STEP) */
    for (int i = 0; i < 4; i++)
        if (dr[i] >= 0x7FFE02F8 && dr[i] < 0x7FFE0308)
            dr[i] = (ULONG)&Scratch[0];
    c.Dr0 = dr[0]; c.Dr1 = dr[1]; c.Dr2 = dr[2]; c.Dr3 = dr[3];
    c.Dr7 = (Random() & 0xFFFF00FF) | (Random() & 1 ? 0x100 : 0);   /* any enables, kinds, lengths */
    NtSetContextThread(NtCurrentThread(), &c);
    (void)here;
}

TL_TEST(fuzz_all_services)
{
    ULONG limits[3] = { SvcTableLimit(0), SvcTableLimit(1), SvcTableLimit(2) };
    TL_CHECK(limits[0] > 40);
    ULONG total = 0;
    for (ULONG t = 0; t < 3; t++)
        total += limits[t];
    ULONG done = 0, statuses[4] = { 0 };
    for (ULONG i = 0; i < Calls; i++) {
        if (i % 256 == 0)
            Rerandomise();
        ULONG pick, table;
        do {
            pick = Random() % total;
            table = 0;
            while (pick >= limits[table]) {
                pick -= limits[table];
                table++;
            }
        } while (!SvcImplemented(table, pick) && Random() % 16 != 0);
        ULONG number = (table << 12) | pick;
        if (Excluded(number))
            continue;
        ULONG args[16];
        for (ULONG a = 0; a < 16; a++)
            args[a] = InterestingValue();
        if (DrMode && i % 64 == 0)
            ArmRandomBreakpoints(args);
        if (DrMode && i % 16 == 0)
            FuzzCli();
        NTSTATUS s = NanoSystemCall(i & 1, number, 16, args);
        statuses[((ULONG)s >> 30) & 3]++;
        done++;
    }
    printf("fuzz: %u calls made (%u success, %u informational, %u warning, %u error statuses)\n",
           (unsigned)done, (unsigned)statuses[0], (unsigned)statuses[1], (unsigned)statuses[2],
           (unsigned)statuses[3]);
    TL_CHECK(done > Calls / 2);
    TL_CHECK(statuses[3] > 0);
    if (DrMode) {
        CONTEXT c;
        memset(&c, 0, sizeof(c));
        c.ContextFlags = CONTEXT_DEBUG_REGISTERS;
        NtSetContextThread(NtCurrentThread(), &c);
        printf("fuzz: breakpoints armed throughout; %u privileged-instruction #GPs, %u user-mode "
               "breakpoint hits, %u other exceptions\n", (unsigned)DrPrivileged, (unsigned)DrSteps,
               (unsigned)DrOther);
        TL_CHECK(DrPrivileged > done / 32);
        TL_CHECK_EQ(0, DrOther);
    }
}

typedef struct {                       /* EX_POOL_USAGE (inc/pool.h), class 0x1000 */
    SIZE_T BytesInUse;
    ULONG AllocationsInUse, TotalAllocations, TotalFrees, PagesInUse;
} POOL_USAGE_VIEW;

static POOL_USAGE_VIEW PoolUsage(VOID)
{
    POOL_USAGE_VIEW u = { 0 };
    NtQuerySystemInformation(SystemNanoNtPoolInformation, &u, sizeof(u), NULL);
    return u;
}

static ULONG Children, ChildCalls;
static ULONG TagsBefore[1 + 256], TagsAfter[1 + 256];

/* Print the pool tags whose usage changed between two snapshots (what leaked). */
static VOID PrintTagDifferences(VOID)
{
    for (ULONG i = 0; i < TagsAfter[0] && i < 128; i++) {
        ULONG tag = TagsAfter[1 + 2 * i], bytes = TagsAfter[2 + 2 * i], old = 0;
        for (ULONG j = 0; j < TagsBefore[0] && j < 128; j++)
            if (TagsBefore[1 + 2 * j] == tag)
                old = TagsBefore[2 + 2 * j];
        if (old != bytes)
            printf("fuzz: pool tag '%c%c%c%c': %u -> %u bytes\n", (char)tag, (char)(tag >> 8),
                   (char)(tag >> 16), (char)(tag >> 24), (unsigned)old, (unsigned)bytes);
    }
}

static NTSTATUS StartChild(ULONG Seed, PHANDLE Process, PHANDLE Thread)
{
    static WCHAR path[] = u"\\SystemRoot\\fuzzsys.exe";
    char narrow[64];
    WCHAR cmd[64];
    int n = RtlFormatString(narrow, sizeof(narrow), "fuzzsys.exe %u %u wild", (unsigned)ChildCalls, (unsigned)Seed);
    for (int i = 0; i < n; i++)
        cmd[i] = (WCHAR)narrow[i];
    UNICODE_STRING up = { sizeof(path) - 2, sizeof(path), path }, uc = { (USHORT)(n * 2), (USHORT)(n * 2), cmd };
    return NtCreateUserProcessFromPath(Process, Thread, PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS, &up, &uc, 0, NULL);
}

TL_TEST(fuzz_wild_children)
{
    /* warm up: this process's own handle table grows on its first handle; that is not a leak */
    HANDLE warm;
    if (NtCreateEvent(&warm, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE) == STATUS_SUCCESS)
        NtClose(warm);
    NtQuerySystemInformation(SystemNanoNtPoolTagInformation, TagsBefore, sizeof(TagsBefore), NULL);
    POOL_USAGE_VIEW before = PoolUsage();
    ULONG ended = 0, killed = 0;
    for (ULONG c = 0; c < Children; c++) {
        HANDLE p, t;
        NTSTATUS s = StartChild(1000 + c * 7919, &p, &t);
        if (s != STATUS_SUCCESS) {
            TL_FAIL("child %u: NtCreateUserProcessFromPath 0x%08x", (unsigned)c, (unsigned)s);
            return;
        }
        LARGE_INTEGER timeout;
        timeout.QuadPart = -20000000LL;                /* 2 s */
        if (NtWaitForSingleObject(p, FALSE, &timeout) == STATUS_TIMEOUT) {
            TL_CHECK_EQ(STATUS_SUCCESS, NtTerminateProcess(p, 0xDEAD));
            timeout.QuadPart = -50000000LL;
            TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForSingleObject(p, FALSE, &timeout));
            killed++;
        } else {
            ended++;
        }
        NtClose(t);
        NtClose(p);
    }
    POOL_USAGE_VIEW after = PoolUsage();
    NtQuerySystemInformation(SystemNanoNtPoolTagInformation, TagsAfter, sizeof(TagsAfter), NULL);
    if (after.BytesInUse != before.BytesInUse)
        PrintTagDifferences();
    printf("fuzz: %u children ended by themselves, %u terminated; pool %u -> %u bytes, %u -> %u allocations\n",
           (unsigned)ended, (unsigned)killed, (unsigned)before.BytesInUse, (unsigned)after.BytesInUse,
           (unsigned)before.AllocationsInUse, (unsigned)after.AllocationsInUse);
    TL_CHECK_EQ(before.BytesInUse, after.BytesInUse);
    TL_CHECK_EQ(before.AllocationsInUse, after.AllocationsInUse);
}

int main(int argc, char **argv)
{
    if (argc > 3 && !strcmp(argv[1], "children")) {
        Children = 0;
        ChildCalls = 0;
        for (const char *p = argv[2]; *p >= '0' && *p <= '9'; p++)
            Children = Children * 10 + (ULONG)(*p - '0');
        for (const char *p = argv[3]; *p >= '0' && *p <= '9'; p++)
            ChildCalls = ChildCalls * 10 + (ULONG)(*p - '0');
        TL_RUN(fuzz_wild_children);
        TL_FINISH();
    }
    Wild = argc > 3 && !strcmp(argv[3], "wild");
    DrMode = argc > 3 && !strcmp(argv[3], "dr");
    if (DrMode)
        RtlAddVectoredExceptionHandler(1, DrHandler);
    PVOID base = NULL;
    SIZE_T size = SCRATCH;
    if (NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_RESERVE | MEM_COMMIT,
                                PAGE_READWRITE) != STATUS_SUCCESS) {
        printf("fuzz: no scratch memory\n");
        return 1;
    }
    Scratch = base;
    Calls = 12000;
    if (argc > 1) {
        Calls = 0;
        for (const char *p = argv[1]; *p >= '0' && *p <= '9'; p++)
            Calls = Calls * 10 + (ULONG)(*p - '0');
    }
    if (argc > 2) {
        Seed = 0;
        for (const char *p = argv[2]; *p >= '0' && *p <= '9'; p++)
            Seed = Seed * 10 + (ULONG)(*p - '0');
        Seed |= 1;
    }
    TL_RUN(fuzz_all_services);
    TL_FINISH();
}
