/*
 * fuzzleak.c - two processes, random arguments, and a marker: does any service hand one
 * process another's data? A child ("fuzzleak.exe plant") keeps filling the kernel buffers it
 * reaches with a marker (the I/O bounce buffer through a 64 KiB file written and read back, pool
 * through captured set-information buffers, its kernel stack through a captured CONTEXT) until
 * told to stop. Meanwhile this process calls every service of tables 0-2 (those fuzzsys.c leaves
 * out excepted: they would end, block or redirect this thread) with random arguments whose output
 * pointers all land in one scratch area, and after every call scans that area for the marker.
 *
 * The arguments are random but shaped: the services that write to user memory have a signature
 * (handle, output pointer, length, information class, ...) and each argument is drawn from its
 * kind - a real handle of this process, a pointer into the scratch area, a length, a small class
 * number - and now and then replaced by a hostile value (fuzzsys.c's pool). Unshaped services get
 * hostile values only. Shaping is what makes a query with a valid handle, buffer, length and
 * class likely enough to be reached in a few thousand calls.
 *
 * Usage: fuzzleak.exe [calls [seed]]   (default 5000 calls and a fixed seed; the seed is printed)
 */
#include "testlib.h"
#include "svcpick.h"
#include "ntpath.h"
#include "w32svcnum.h"
#include "svcsample.h"

#define SCRATCH 0x4000
static ULONG *Scratch;
static const ULONG ReadOnly[64] = { 1 };
static ULONG Seed = 0x2545F491;
static const char Marker[16] = "TOPSECRET-KEY-42";
static UCHAR MarkerData[0x10000];
static ULONG MarkerWindows[16];        /* the 16 4-byte windows of the repeated marker */

static ULONG Random(VOID)
{
    Seed ^= Seed << 13;
    Seed ^= Seed >> 17;
    Seed ^= Seed << 5;
    return Seed;
}

/* ------------------------------------------------------------------ the planting child */

static NT_PATH_ATTRIBUTES PathStore;
static IO_STATUS_BLOCK Iosb;

static POBJECT_ATTRIBUTES EventName(PCSTR Name)
{
    POBJECT_ATTRIBUTES oa = NtPathAttributes(&PathStore, Name, NULL);
    oa->Attributes |= OBJ_OPENIF;
    return oa;
}

#define STOP_EVENT "\\BaseNamedObjects\\FuzzLeakStop"
#define READY_EVENT "\\BaseNamedObjects\\FuzzLeakReady"
#define DONE_EVENT "\\BaseNamedObjects\\FuzzLeakDone"

static int Plant(VOID)
{
    HANDLE stop, ready, done, h;
    LARGE_INTEGER zero = { .QuadPart = 0 };
    if (NtCreateEvent(&stop, EVENT_ALL_ACCESS, EventName(STOP_EVENT), NotificationEvent, FALSE) < 0 ||
        NtCreateEvent(&ready, EVENT_ALL_ACCESS, EventName(READY_EVENT), NotificationEvent, FALSE) < 0 ||
        NtCreateEvent(&done, EVENT_ALL_ACCESS, EventName(DONE_EVENT), NotificationEvent, FALSE) < 0)
        return 1;
    if (NtCreateFile(&h, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE,
                     NtPathAttributes(&PathStore, "\\??\\C:\\fuzzleak-secret.bin", NULL), &Iosb, NULL, 0, 0,
                     FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0) < 0)
        return 2;
    for (ULONG round = 0; round < 100000; round++) {
        NtWriteFile(h, NULL, NULL, NULL, &Iosb, MarkerData, sizeof(MarkerData), &zero, NULL);
        NtReadFile(h, NULL, NULL, NULL, &Iosb, MarkerData, sizeof(MarkerData), &zero, NULL);
        for (ULONG n = 64; n <= 2048; n *= 2)
            NtSetInformationFile(h, &Iosb, MarkerData, n, FilePositionInformation);
        PCONTEXT c = (PCONTEXT)MarkerData;
        c->ContextFlags = 0;
        NtSetContextThread(NtCurrentThread(), c);
        if (round == 0)
            NtSetEvent(ready, NULL);
        if (NtWaitForSingleObject(stop, FALSE, &zero) == STATUS_WAIT_0)
            break;
        NtYieldExecution();
    }
    NtClose(h);
    NtSetEvent(done, NULL);
    return 0;
}

/* ------------------------------------------------------------------ argument generation */

static HANDLE Targets[6];              /* this process's handles the calls may use */
static ULONG TargetCount;
static HANDLE Protected[3];            /* the child's events: never handed to a random call */

static ULONG HostileValue(VOID)
{
    static const ULONG fixed[] = {
        0, 1, 2, 3, 4, 8, 0x10, 0x20, 0x40, 0x100, 0x1000, 0x10000, 0xFFFFFFFF, 0xFFFFFFFE,
        0x7FFEFFFF, 0x7FFF0000, 0x7FFEFFF0, 0x7FFEFFFC, 0x7FFFFFFF, 0x80000000, 0x80100000,
        0xC0000000, 0xFFDFF000, 0xFFDF0000, 0x7FFE0000, 0x00400000, 0x77F00000, 0x0000FFFF,
    };
    ULONG r = Random();
    switch (r % 6) {
    case 0: case 1:
        return fixed[(r >> 8) % ARRAYSIZE(fixed)];
    case 2:
        return (ULONG)&Scratch[(r >> 8) % (SCRATCH / 4)];
    case 3:
        return (ULONG)&ReadOnly[(r >> 8) % 64];
    case 4:
        return (ULONG)Scratch + SCRATCH - ((r >> 8) % 64);      /* runs off the scratch area */
    default:
        return Random();
    }
}

static ULONG ShapedValue(CHAR Kind)
{
    ULONG r = Random();
    if (Kind != 'Z' && (r & 7) == 0)
        return HostileValue();
    r >>= 3;
    switch (Kind) {
    case 'H':                          /* a handle: ours, or a pseudo handle */
        if (r % 8 == 0)
            return (r & 8) ? (ULONG)NtCurrentProcess() : (ULONG)NtCurrentThread();
        return (ULONG)Targets[(r >> 3) % TargetCount];
    case 'O':                          /* a pointer into the scratch area, room after it */
        return (ULONG)Scratch + (((r >> 2) % (SCRATCH - 0x1000)) & ~3u);
    case 'N':                          /* optional pointer */
        return (r & 1) ? 0 : (ULONG)Scratch + (((r >> 2) % (SCRATCH - 0x1000)) & ~3u);
    case 'L': {                        /* a length */
        static const ULONG sizes[] = { 4, 8, 16, 24, 28, 36, 40, 44, 64, 0x2CC };
        switch (r % 4) {
        case 0: return sizes[(r >> 2) % ARRAYSIZE(sizes)];
        case 1: return (r >> 2) % 0x10000;
        default: return (r >> 2) % 0x1001;
        }
    }
    case 'C':                          /* an information class or small enum */
        return (r % 4 == 0) ? 0x1000 + (r >> 2) % 4 : (r >> 2) % 16;
    case 'A':                          /* an access mask */
        return (r % 2) ? 0x1F01FF : (r % 4 == 0 ? 0x10000000 : Random());
    case 'Z':                          /* NULL, rarely something else */
        return (r % 16) ? 0 : HostileValue();
    default:
        return HostileValue();
    }
}

/* Signatures of the services that write to user memory (see the file comment). */
static const struct { ULONG Number; const char *Kinds; } Signatures[] = {
    { SERVICE_NUMBER_NtQuerySystemInformation, "COLN" },
    { SERVICE_NUMBER_NtQueryPerformanceCounter, "ON" },
    { SERVICE_NUMBER_NtEchoArguments, "O" },
    { SERVICE_NUMBER_NtCreateFile, "OAOOZVVVVZZ" },
    { SERVICE_NUMBER_NtOpenFile, "OAOOVV" },
    { SERVICE_NUMBER_NtReadFile, "HZZZOOLZZ" },
    { SERVICE_NUMBER_NtWriteFile, "HZZZOOLZZ" },
    { SERVICE_NUMBER_NtQueryInformationFile, "HOOLC" },
    { SERVICE_NUMBER_NtSetInformationFile, "HOOLC" },
    { SERVICE_NUMBER_NtQueryDirectoryFile, "HZZZOOLCVNV" },
    { SERVICE_NUMBER_NtFlushBuffersFile, "HO" },
    { SERVICE_NUMBER_NtQueryVolumeInformationFile, "HOOLC" },
    { SERVICE_NUMBER_NtQueryInformationProcess, "HCOLN" },
    { SERVICE_NUMBER_NtQueryInformationThread, "HCOLN" },
    { SERVICE_NUMBER_NtGetContextThread, "HO" },
    { SERVICE_NUMBER_NtResumeThread, "HN" },
    { SERVICE_NUMBER_NtCreateEvent, "OAZCV" },
    { SERVICE_NUMBER_NtSetEvent, "HN" },
    { SERVICE_NUMBER_NtResetEvent, "HN" },
    { SERVICE_NUMBER_NtPulseEvent, "HN" },
    { SERVICE_NUMBER_NtCreateSemaphore, "OAZVV" },
    { SERVICE_NUMBER_NtReleaseSemaphore, "HVN" },
    { SERVICE_NUMBER_NtCreateMutant, "OAZV" },
    { SERVICE_NUMBER_NtReleaseMutant, "HN" },
    { SERVICE_NUMBER_NtCreateTimer, "OAZC" },
    { SERVICE_NUMBER_NtSetTimer, "HOZVVVN" },
    { SERVICE_NUMBER_NtCancelTimer, "HN" },
    { SERVICE_NUMBER_NtDuplicateObject, "HHHOAVV" },
    { SERVICE_NUMBER_NtAllocateVirtualMemory, "HOZOVV" },
    { SERVICE_NUMBER_NtClose, "H" },
    { SERVICE_NUMBER_NtGdiNanoGetPixel, "CCO" },
    { SERVICE_NUMBER_NtGdiNanoQueryDisplay, "OL" },
    { SERVICE_NUMBER_NtSampleAdd, "VVO" },
    { SERVICE_NUMBER_NtSampleVersion, "O" },
    { SERVICE_NUMBER_NtSampleQueryRegistration, "OC" },
};

/* The services fuzzsys.c leaves out (tests/guest/svcpick.h), and NtTestAlert, which would run the
   user APCs random calls queue (random routines). */
static int Excluded(ULONG Number)
{
    return SvcNeverCalled(Number) || SvcHostileToCaller(Number) || Number == SERVICE_NUMBER_NtTestAlert;
}

static VOID MakeArguments(ULONG Number, ULONG *Args)
{
    const char *kinds = "";
    for (ULONG i = 0; i < ARRAYSIZE(Signatures); i++)
        if (Signatures[i].Number == Number)
            kinds = Signatures[i].Kinds;
    for (ULONG a = 0; a < 16; a++) {
        Args[a] = *kinds ? ShapedValue(*kinds++) : HostileValue();
        for (ULONG p = 0; p < ARRAYSIZE(Protected); p++)
            if (Args[a] == (ULONG)Protected[p])
                Args[a] = 0;
    }
    /* keep the handles the calls work on: no closing them, here or by DUPLICATE_CLOSE_SOURCE */
    if (Number == SERVICE_NUMBER_NtClose)
        for (ULONG t = 0; t < TargetCount; t++)
            if (Args[0] == (ULONG)Targets[t])
                Args[0] = 0x7FFC;
    if (Number == SERVICE_NUMBER_NtDuplicateObject)
        Args[6] &= ~DUPLICATE_CLOSE_SOURCE;
}

static VOID Rerandomise(VOID)
{
    for (ULONG i = 0; i < SCRATCH / 4; i++)
        Scratch[i] = (Random() & 3) == 0 ? HostileValue() : Random() % 0x400;
}

/* ScanScratch - the offset of a 4-byte window of the marker in the scratch area, or -1. Any run
   of 7 or more marker bytes holds an aligned window. */
static LONG ScanScratch(VOID)
{
    for (ULONG i = 0; i < SCRATCH / 4; i++) {
        ULONG v = Scratch[i];
        for (ULONG k = 0; k < 16; k++)
            if (v == MarkerWindows[k])
                return (LONG)(i * 4);
    }
    return -1;
}

static ULONG Calls = 5000;

/* Open what the calls work on: a directory of short names (padded entries), a file, an event. */
static VOID OpenTargets(VOID)
{
    HANDLE h;
    static const char *files[] = { "\\??\\C:\\fuzzleak\\A", "\\??\\C:\\fuzzleak\\B", "\\??\\C:\\fuzzleak\\C" };
    if (NtCreateFile(&h, FILE_LIST_DIRECTORY | SYNCHRONIZE, NtPathAttributes(&PathStore, "\\??\\C:\\fuzzleak", NULL),
                     &Iosb, NULL, 0, FILE_SHARE_VALID_FLAGS, FILE_OPEN_IF,
                     FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0) == STATUS_SUCCESS)
        Targets[TargetCount++] = h;
    for (ULONG i = 0; i < ARRAYSIZE(files); i++)
        if (NtCreateFile(&h, GENERIC_ALL, NtPathAttributes(&PathStore, files[i], NULL), &Iosb, NULL, 0,
                         FILE_SHARE_VALID_FLAGS, FILE_OPEN_IF, FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT,
                         NULL, 0) == STATUS_SUCCESS && i == 0)
            Targets[TargetCount++] = h;
    if (NtCreateEvent(&h, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE) == STATUS_SUCCESS)
        Targets[TargetCount++] = h;
}

TL_TEST(fuzz_two_processes_no_leak)
{
    OpenTargets();
    TL_CHECK_EQ(3, TargetCount);
    if (TargetCount == 0)
        return;
    /* the planter, and its events (created here first, so they are ours to wait on) */
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateEvent(&Protected[0], EVENT_ALL_ACCESS, EventName(STOP_EVENT),
                                              NotificationEvent, FALSE));
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateEvent(&Protected[1], EVENT_ALL_ACCESS, EventName(READY_EVENT),
                                              NotificationEvent, FALSE));
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateEvent(&Protected[2], EVENT_ALL_ACCESS, EventName(DONE_EVENT),
                                              NotificationEvent, FALSE));
    static WCHAR path[] = u"\\SystemRoot\\system32\\fuzzleak.exe";
    static WCHAR cmd[] = u"fuzzleak.exe plant";
    UNICODE_STRING up = { sizeof(path) - 2, sizeof(path), path }, uc = { sizeof(cmd) - 2, sizeof(cmd), cmd };
    HANDLE process, thread;
    NTSTATUS s = NtCreateUserProcessFromPath(&process, &thread, PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS, &up, &uc, 0, NULL);
    if (s != STATUS_SUCCESS) {
        TL_FAIL("starting the planter: 0x%08x", (unsigned)s);
        return;
    }
    /* no handle to the planter stays here: none of the random calls may read it legitimately */
    NtClose(thread);
    NtClose(process);
    LARGE_INTEGER timeout = { .QuadPart = -100000000LL };
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForSingleObject(Protected[1], FALSE, &timeout));

    ULONG limits[3] = { SvcTableLimit(0), SvcTableLimit(1), SvcTableLimit(2) }, total = limits[0] + limits[1] + limits[2];
    ULONG done = 0, leaks = 0, successes = 0;
    for (ULONG i = 0; i < Calls; i++) {
        if (i % 64 == 0)
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
        ULONG number = (table << 12) | pick, args[16];
        if (Excluded(number))
            continue;
        MakeArguments(number, args);
        s = NanoSystemCall(i & 1, number, 16, args);
        done++;
        if (NT_SUCCESS(s))
            successes++;
        LONG at = ScanScratch();
        if (at >= 0) {
            if (leaks++ < 5) {
                TL_FAIL("call %u: service 0x%04x (status 0x%08x) left the other process's data at scratch+0x%x: "
                        "\"%.8s\"", (unsigned)i, (unsigned)number, (unsigned)s, (unsigned)at,
                        (const char *)Scratch + at);
                printf("  arguments:");
                for (ULONG a = 0; a < 11; a++)
                    printf(" %08x", (unsigned)args[a]);
                printf("\n");
            }
            Rerandomise();
        }
    }
    NtSetEvent(Protected[0], NULL);
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForSingleObject(Protected[2], FALSE, &timeout));
    printf("fuzzleak: %u calls made, %u succeeded, %u leaks found\n", (unsigned)done, (unsigned)successes,
           (unsigned)leaks);
    TL_CHECK(done > Calls / 2);
    TL_CHECK(successes > done / 20);
}

int main(int argc, char **argv)
{
    for (ULONG i = 0; i < sizeof(MarkerData); i++)
        MarkerData[i] = (UCHAR)Marker[i % 16];
    for (ULONG k = 0; k < 16; k++)
        MarkerWindows[k] = *(const ULONG *)&MarkerData[k];
    if (argc > 1 && !strcmp(argv[1], "plant"))
        return Plant();
    PVOID base = NULL;
    SIZE_T size = SCRATCH;
    if (NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE) !=
        STATUS_SUCCESS) {
        printf("fuzzleak: no scratch memory\n");
        return 1;
    }
    Scratch = base;
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
    printf("fuzzleak: %u calls, seed %u (rerun: fuzzleak.exe %u %u)\n", (unsigned)Calls, (unsigned)Seed,
           (unsigned)Calls, (unsigned)Seed);
    TL_RUN(fuzz_two_processes_no_leak);
    TL_FINISH();
}
