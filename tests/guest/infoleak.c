/*
 * infoleak.c - no kernel data reaches user mode. A child process ("infoleak.exe plant") fills
 * the kernel buffers it can reach with a marker: the I/O bounce buffer (writing and reading back
 * a 64 KiB file of it), pool blocks (set-information buffers the kernel captures and frees) and
 * its kernel stack. This process then calls every query NanoNT implements - directory, file,
 * volume, process, thread, system information, thread contexts, exception and APC records,
 * display, sample table - and checks that no output holds the marker, that padding inside the
 * output is zero, and that nothing past the length a call reports was touched. The own kernel
 * stack is planted too (its garbage would reach CONTEXT records built on it).
 * Started from the disk (MANIFEST: disk=yes, init=\SystemRoot\system32\infoleak.exe).
 */
#include "testlib.h"
#include "ntpath.h"
#include "gdi32.h"
#include "svcsample.h"
#include "../../ex/sample/ntsample.h"

#define DIR "\\??\\C:\\leakdir"
#define SECRET "\\??\\C:\\leaksecret.bin"
#define FILL 0xA5                      /* what output buffers hold before a call */

static const char Marker[16] = "TOPSECRET-KEY-42";
static UCHAR MarkerData[0x10000];      /* the marker, repeated (global: never on the user stack) */
static UCHAR Out[0x4000];
static NT_PATH_ATTRIBUTES PathStore;
static IO_STATUS_BLOCK Iosb;

static POBJECT_ATTRIBUTES Attr(PCSTR Path) { return NtPathAttributes(&PathStore, Path, NULL); }

/* FindMarker - offset of the first run of 6 or more bytes of the repeated marker in P, or -1. */
static LONG FindMarker(const VOID *P, ULONG Length)
{
    const UCHAR *b = P;
    for (ULONG i = 0; i + 6 <= Length; i++)
        for (ULONG k = 0; k < 16; k++) {
            if (b[i] != (UCHAR)Marker[k])
                continue;
            ULONG j = 1;
            while (j < 6 && b[i + j] == (UCHAR)Marker[(k + j) % 16])
                j++;
            if (j == 6)
                return (LONG)i;
        }
    return -1;
}

/* CheckClean - no marker in Length bytes at P, and Out (if P is Out) untouched after Used. */
#define CHECK_NO_MARKER(what, p, len) do { \
        LONG at_ = FindMarker((p), (len)); \
        if (at_ >= 0) TL_FAIL("%s: another process's data at offset %d: \"%.16s\"", (what), (int)at_, \
                              (const char *)(p) + at_); \
    } while (0)

static ULONG FirstChanged(const UCHAR *P, ULONG From, ULONG To, UCHAR Value)
{
    for (ULONG i = From; i < To; i++)
        if (P[i] != Value)
            return i;
    return To;
}

#define CHECK_UNTOUCHED_AFTER(what, used, size) do { \
        ULONG c_ = FirstChanged(Out, (used), (size), FILL); \
        if (c_ != (size)) TL_FAIL("%s: byte %u written past the %u bytes reported", (what), (unsigned)c_, \
                                  (unsigned)(used)); \
    } while (0)

static NTSTATUS Create(PCSTR Path, ACCESS_MASK Access, ULONG Disposition, ULONG Options, PHANDLE H)
{
    *H = NULL;
    return NtCreateFile(H, Access | SYNCHRONIZE, Attr(Path), &Iosb, NULL, 0, FILE_SHARE_VALID_FLAGS, Disposition,
                        Options | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
}

/* ------------------------------------------------------------------ the planting child */

static int Plant(VOID)
{
    HANDLE h;
    LARGE_INTEGER zero = { .QuadPart = 0 };
    if (Create(SECRET, GENERIC_READ | GENERIC_WRITE, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE, &h) != STATUS_SUCCESS)
        return 1;
    /* the bounce buffer every process's reads and writes go through */
    NtWriteFile(h, NULL, NULL, NULL, &Iosb, MarkerData, sizeof(MarkerData), &zero, NULL);
    NtReadFile(h, NULL, NULL, NULL, &Iosb, MarkerData, sizeof(MarkerData), &zero, NULL);
    /* pool: set-information buffers are captured whole into pool and freed */
    for (ULONG n = 16; n <= 2048; n *= 2)
        NtSetInformationFile(h, &Iosb, MarkerData, n, FilePositionInformation);
    NtClose(h);
    /* the kernel stack: a CONTEXT captured whole (ContextFlags 0 applies nothing) */
    PCONTEXT c = (PCONTEXT)MarkerData;
    c->ContextFlags = 0;
    NtSetContextThread(NtCurrentThread(), c);
    return 0;
}

/* StartPlanter - run the child to the end; *Process keeps its handle (queried later). */
static HANDLE PlanterProcess, PlanterThread;
static VOID RunPlanter(VOID)
{
    static WCHAR path[] = u"\\SystemRoot\\system32\\infoleak.exe";
    static WCHAR cmd[] = u"infoleak.exe plant";
    UNICODE_STRING up = { sizeof(path) - 2, sizeof(path), path }, uc = { sizeof(cmd) - 2, sizeof(cmd), cmd };
    if (PlanterProcess) {
        NtClose(PlanterProcess);
        NtClose(PlanterThread);
    }
    NTSTATUS s = NtCreateUserProcessFromPath(&PlanterProcess, &PlanterThread, PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS,
                                             &up, &uc, 0, NULL);
    if (s != STATUS_SUCCESS) {
        TL_FAIL("starting the planter: 0x%08x", (unsigned)s);
        return;
    }
    LARGE_INTEGER timeout = { .QuadPart = -100000000LL };
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForSingleObject(PlanterProcess, FALSE, &timeout));
    PROCESS_BASIC_INFORMATION pbi;
    NtQueryInformationProcess(PlanterProcess, ProcessBasicInformation, &pbi, sizeof(pbi), NULL);
    TL_CHECK_EQ(STATUS_SUCCESS, pbi.ExitStatus);
}

/* ------------------------------------------------------------------ the tests */

/* The directory of A, B and C: one-letter names, so every entry has padding to 8 bytes. */
TL_TEST(directory_listing)
{
    HANDLE d, h;
    static const char *names[] = { DIR "\\A", DIR "\\B", DIR "\\C" };
    TL_CHECK_EQ(STATUS_SUCCESS, Create(DIR, FILE_LIST_DIRECTORY, FILE_OPEN_IF, FILE_DIRECTORY_FILE, &d));
    NtClose(d);
    for (ULONG i = 0; i < 3; i++) {
        TL_CHECK_EQ(STATUS_SUCCESS, Create(names[i], GENERIC_WRITE, FILE_OPEN_IF, FILE_NON_DIRECTORY_FILE, &h));
        NtClose(h);
    }
    RunPlanter();
    TL_CHECK_EQ(STATUS_SUCCESS, Create(DIR, FILE_LIST_DIRECTORY, FILE_OPEN, FILE_DIRECTORY_FILE, &d));
    static const ULONG classes[2] = { FileNamesInformation, FileDirectoryInformation };
    for (ULONG c = 0; c < 2; c++) {
        for (ULONG single = 0; single < 2; single++) {
            /* a zeroed buffer, as the report had it: nothing but entries, names and zeros */
            memset(Out, 0, sizeof(Out));
            NTSTATUS s = NtQueryDirectoryFile(d, NULL, NULL, NULL, &Iosb, Out, 4096, classes[c], (BOOLEAN)single,
                                              NULL, TRUE);
            TL_CHECK_EQ(STATUS_SUCCESS, s);
            CHECK_NO_MARKER(c ? "FileDirectoryInformation" : "FileNamesInformation", Out, 4096);
            CHECK_NO_MARKER("IO_STATUS_BLOCK", &Iosb, sizeof(Iosb));
            /* a filled buffer: the padding between entries is zero, nothing past Information */
            memset(Out, FILL, sizeof(Out));
            s = NtQueryDirectoryFile(d, NULL, NULL, NULL, &Iosb, Out, 4096, classes[c], (BOOLEAN)single, NULL, TRUE);
            TL_CHECK_EQ(STATUS_SUCCESS, s);
            ULONG used = Iosb.Information, at = 0, entries = 0;
            TL_CHECK(used > 0 && used <= 4096);
            for (;;) {
                ULONG next = *(PULONG)(Out + at), nameLength, fixed;
                if (c == 0) {
                    fixed = offsetof(FILE_NAMES_INFORMATION, FileName);
                    nameLength = ((PFILE_NAMES_INFORMATION)(Out + at))->FileNameLength;
                } else {
                    fixed = offsetof(FILE_DIRECTORY_INFORMATION, FileName);
                    nameLength = ((PFILE_DIRECTORY_INFORMATION)(Out + at))->FileNameLength;
                }
                entries++;
                if (!next) {
                    TL_CHECK(at + fixed + nameLength <= used);
                    TL_CHECK_EQ(0, FirstChanged(Out, at + fixed + nameLength, used, 0) - used);
                    break;
                }
                if (next < fixed + nameLength || at + next > used) {
                    TL_FAIL("entry at %u: NextEntryOffset %u", (unsigned)at, (unsigned)next);
                    break;
                }
                ULONG pad = FirstChanged(Out, at + fixed + nameLength, at + next, 0);
                if (pad != at + next)
                    TL_FAIL("class %u: padding byte %u after entry at %u is 0x%02x, not 0", (unsigned)classes[c],
                            (unsigned)pad, (unsigned)at, Out[pad]);
                at += next;
            }
            TL_CHECK(single ? entries == 1 : entries >= 3);
            CHECK_UNTOUCHED_AFTER("NtQueryDirectoryFile", used, sizeof(Out));
        }
    }
    /* lengths that end inside an entry's padding: nothing is written at or past Length */
    for (ULONG length = sizeof(FILE_NAMES_INFORMATION); length < 64; length++) {
        memset(Out, FILL, sizeof(Out));
        NTSTATUS s = NtQueryDirectoryFile(d, NULL, NULL, NULL, &Iosb, Out, length, FileNamesInformation, FALSE, NULL,
                                          TRUE);
        if (!NT_SUCCESS(s) && s != STATUS_BUFFER_OVERFLOW)
            TL_FAIL("length %u: status 0x%08x", (unsigned)length, (unsigned)s);
        if (Iosb.Information > length)
            TL_FAIL("length %u: Information %u", (unsigned)length, (unsigned)Iosb.Information);
        CHECK_UNTOUCHED_AFTER("NtQueryDirectoryFile (short buffer)", length, sizeof(Out));
        CHECK_NO_MARKER("NtQueryDirectoryFile (short buffer)", Out, length);
    }
    NtClose(d);
}

/* Every file and volume class, a read past the end, into filled buffers bigger than needed. */
TL_TEST(file_information)
{
    HANDLE h;
    TL_CHECK_EQ(STATUS_SUCCESS, Create(DIR "\\A", GENERIC_READ | GENERIC_WRITE, FILE_OPEN, FILE_NON_DIRECTORY_FILE, &h));
    LARGE_INTEGER zero = { .QuadPart = 0 };
    TL_CHECK_EQ(STATUS_SUCCESS, NtWriteFile(h, NULL, NULL, NULL, &Iosb, "hello", 5, &zero, NULL));
    RunPlanter();
    static const ULONG classes[] = { FileBasicInformation, FileStandardInformation, FilePositionInformation,
                                     FileNameInformation };
    for (ULONG i = 0; i < ARRAYSIZE(classes); i++) {
        memset(Out, FILL, sizeof(Out));
        NTSTATUS s = NtQueryInformationFile(h, &Iosb, Out, 512, classes[i]);
        if (s != STATUS_SUCCESS)
            TL_FAIL("class %u: 0x%08x", (unsigned)classes[i], (unsigned)s);
        CHECK_NO_MARKER("NtQueryInformationFile", Out, 512);
        CHECK_UNTOUCHED_AFTER("NtQueryInformationFile", Iosb.Information, 512);
    }
    /* FILE_BASIC_INFORMATION ends in 4 bytes of padding after FileAttributes */
    memset(Out, FILL, sizeof(Out));
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationFile(h, &Iosb, Out, sizeof(FILE_BASIC_INFORMATION),
                                                       FileBasicInformation));
    TL_CHECK_EQ(sizeof(FILE_BASIC_INFORMATION), FirstChanged(Out, offsetof(FILE_BASIC_INFORMATION, FileAttributes) + 4,
                                                             sizeof(FILE_BASIC_INFORMATION), 0));
    memset(Out, FILL, sizeof(Out));
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryVolumeInformationFile(h, &Iosb, Out, 512, FileFsSizeInformation));
    CHECK_NO_MARKER("NtQueryVolumeInformationFile", Out, 512);
    CHECK_UNTOUCHED_AFTER("NtQueryVolumeInformationFile", Iosb.Information, 512);
    RunPlanter();
    memset(Out, FILL, sizeof(Out));
    TL_CHECK_EQ(STATUS_SUCCESS, NtReadFile(h, NULL, NULL, NULL, &Iosb, Out, 4096, &zero, NULL));
    TL_CHECK_EQ(5, Iosb.Information);
    CHECK_NO_MARKER("NtReadFile", Out, 4096);
    CHECK_UNTOUCHED_AFTER("NtReadFile", 5, 4096);
    NtClose(h);
}

/* Process and thread classes, of this process and of the planter. */
TL_TEST(process_and_thread_information)
{
    RunPlanter();
    HANDLE processes[2] = { NtCurrentProcess(), PlanterProcess }, threads[2] = { NtCurrentThread(), PlanterThread };
    for (ULONG i = 0; i < 2; i++) {
        ULONG got = 0;
        memset(Out, FILL, sizeof(Out));
        TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationProcess(processes[i], ProcessBasicInformation, Out,
                                                              sizeof(PROCESS_BASIC_INFORMATION), &got));
        CHECK_NO_MARKER("ProcessBasicInformation", Out, got);
        CHECK_UNTOUCHED_AFTER("ProcessBasicInformation", got, 512);
        memset(Out, FILL, sizeof(Out));
        TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationProcess(processes[i], ProcessHandleCount, Out, sizeof(ULONG), &got));
        CHECK_UNTOUCHED_AFTER("ProcessHandleCount", got, 512);
        memset(Out, FILL, sizeof(Out));
        TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationThread(threads[i], ThreadBasicInformation, Out,
                                                             sizeof(THREAD_BASIC_INFORMATION), &got));
        CHECK_NO_MARKER("ThreadBasicInformation", Out, got);
        CHECK_UNTOUCHED_AFTER("ThreadBasicInformation", got, 512);
    }
}

/* Every system information class, into a buffer bigger than needed. */
TL_TEST(system_information)
{
    RunPlanter();
    static const ULONG classes[] = { SystemBasicInformation, SystemCallCountInformation, SystemNanoNtPoolInformation,
                                     SystemNanoNtThreadInformation, SystemNanoNtPoolTagInformation,
                                     SystemHandleInformation };
    for (ULONG i = 0; i < ARRAYSIZE(classes); i++) {
        ULONG got = 0;
        memset(Out, FILL, sizeof(Out));
        NTSTATUS s = NtQuerySystemInformation(classes[i], Out, sizeof(Out), &got);
        if (s != STATUS_SUCCESS)
            TL_FAIL("class 0x%x: 0x%08x", (unsigned)classes[i], (unsigned)s);
        CHECK_NO_MARKER("NtQuerySystemInformation", Out, sizeof(Out));
        if (FirstChanged(Out, got, sizeof(Out), FILL) != sizeof(Out))
            TL_FAIL("class 0x%x: written past ReturnLength %u", (unsigned)classes[i], (unsigned)got);
    }
    /* SystemHandleInformation: NT hands out each object's kernel address; NanoNT gives 0 */
    memset(Out, FILL, sizeof(Out));
    TL_CHECK_EQ(STATUS_SUCCESS, NtQuerySystemInformation(SystemHandleInformation, Out, sizeof(Out), NULL));
    const SYSTEM_HANDLE_INFORMATION *hi = (const VOID *)Out;
    TL_CHECK(hi->NumberOfHandles > 0);
    for (ULONG i = 0; i < hi->NumberOfHandles; i++)
        if (hi->Handles[i].Object != NULL || hi->Handles[i].CreatorBackTraceIndex != 0)
            TL_FAIL("handle entry %u: Object %p, CreatorBackTraceIndex %u", (unsigned)i, hi->Handles[i].Object,
                    (unsigned)hi->Handles[i].CreatorBackTraceIndex);
    /* SYSTEM_BASIC_INFORMATION ends in a CHAR and 3 bytes of padding */
    ULONG got = 0;
    memset(Out, FILL, sizeof(Out));
    TL_CHECK_EQ(STATUS_SUCCESS, NtQuerySystemInformation(SystemBasicInformation, Out, sizeof(Out), &got));
    TL_CHECK_EQ(44, got);
    TL_CHECK_EQ(44, FirstChanged(Out, 41, 44, 0));
}

/* Thread contexts, and the EXCEPTION_RECORD and CONTEXT the kernel writes on the user stack for
   exceptions and user APCs: built on the kernel stack, which was just filled with the marker. */
static volatile ULONG HandlerHits, ApcHits, FloatNotZero, MarkerSeen;
extern char LeakAvInstruction[] __asm__("LeakAvInstruction");

static VOID CheckDeliveredContext(const CONTEXT *C, const EXCEPTION_RECORD *Er)
{
    if (FindMarker(C, sizeof(*C)) >= 0 || (Er && FindMarker(Er, sizeof(*Er)) >= 0))
        MarkerSeen++;
    /* NanoNT reports no floating-point state: those bytes must be zero, not kernel garbage */
    if (FirstChanged((const UCHAR *)&C->FloatSave, 0, sizeof(C->FloatSave), 0) != sizeof(C->FloatSave) ||
        FirstChanged(C->ExtendedRegisters, 0, sizeof(C->ExtendedRegisters), 0) != sizeof(C->ExtendedRegisters))
        FloatNotZero++;
}

static LONG NTAPI LeakHandler(PEXCEPTION_POINTERS Ep)
{
    if (Ep->ExceptionRecord->ExceptionCode != STATUS_ACCESS_VIOLATION ||
        Ep->ExceptionRecord->ExceptionAddress != (PVOID)LeakAvInstruction)
        return EXCEPTION_CONTINUE_SEARCH;
    HandlerHits++;
    CheckDeliveredContext(Ep->ContextRecord, Ep->ExceptionRecord);
    Ep->ContextRecord->Eip += 2;                      /* movl (%eax), %eax */
    return EXCEPTION_CONTINUE_EXECUTION;
}

static VOID NTAPI LeakApc(PVOID A1, PVOID A2, PVOID A3)
{
    (void)A1; (void)A2; (void)A3;
    ApcHits++;
}

/* PlantOwnStack - put the marker on this thread's kernel stack (services that capture a whole
   CONTEXT or a big buffer on it). */
static VOID PlantOwnStack(VOID)
{
    PCONTEXT c = (PCONTEXT)MarkerData;
    c->ContextFlags = 0;
    NtSetContextThread(NtCurrentThread(), c);
    /* both records are captured before NumberParameters is judged (and refused) */
    static EXCEPTION_RECORD er;
    memcpy(&er, MarkerData, sizeof(er));
    er.NumberParameters = EXCEPTION_MAXIMUM_PARAMETERS + 1;
    NtRaiseException(&er, c, TRUE);
}

/* DeadStackHasMarker - the marker anywhere in the 8 KiB below the current stack pointer. */
static __attribute__((noinline)) LONG DeadStackHasMarker(VOID)
{
    ULONG esp;
    __asm__ volatile("movl %%esp, %0" : "=r"(esp));
    return FindMarker((const UCHAR *)(esp - 8192), 8192 - 64);
}

TL_TEST(contexts_and_user_records)
{
    RunPlanter();
    PVOID handler = RtlAddVectoredExceptionHandler(1, LeakHandler);
    /* NtGetContextThread of this thread and of another: a CONTEXT full of the marker comes back
       holding only the state asked for and zeros */
    static CONTEXT ctx;
    for (ULONG i = 0; i < 2; i++) {
        memcpy(&ctx, MarkerData, sizeof(ctx));
        ctx.ContextFlags = CONTEXT_FULL | CONTEXT_DEBUG_REGISTERS;
        PlantOwnStack();
        NTSTATUS s = NtGetContextThread(i ? PlanterThread : NtCurrentThread(), &ctx);
        if (s == STATUS_SUCCESS) {
            CheckDeliveredContext(&ctx, NULL);
            CHECK_NO_MARKER("NtGetContextThread", &ctx, sizeof(ctx));
        } else if (s != STATUS_THREAD_IS_TERMINATING) {
            TL_FAIL("NtGetContextThread: 0x%08x", (unsigned)s);
        }
    }
    TL_CHECK_EQ(0, FloatNotZero);
    /* an exception from a fault: the records are built on the kernel stack */
    for (ULONG i = 0; i < 4; i++) {
        PlantOwnStack();
        ULONG v;
        __asm__ volatile(".globl LeakAvInstruction\n"
                         "xorl %%eax, %%eax\n"
                         "LeakAvInstruction: movl (%%eax), %%eax\n" : "=a"(v) :: "memory");
        (void)v;
    }
    TL_CHECK_EQ(4, HandlerHits);
    if (DeadStackHasMarker() >= 0)
        MarkerSeen++;
    /* a user APC: its CONTEXT is built on the kernel stack too */
    for (ULONG i = 0; i < 4; i++) {
        TL_CHECK_EQ(STATUS_SUCCESS, NtQueueApcThread(NtCurrentThread(), LeakApc, 0, 0, 0));
        PlantOwnStack();
        NtTestAlert();
        if (DeadStackHasMarker() >= 0)
            MarkerSeen++;
    }
    TL_CHECK_EQ(4, ApcHits);
    RtlRemoveVectoredExceptionHandler(handler);
    if (MarkerSeen)
        TL_FAIL("the marker reached %u CONTEXT/EXCEPTION_RECORD copies", (unsigned)MarkerSeen);
    if (FloatNotZero)
        TL_FAIL("%u CONTEXT copies carried non-zero FloatSave/ExtendedRegisters", (unsigned)FloatNotZero);
}

/* The rest: table 0 diagnostics, the sample table (2) and the display query (table 1). */
TL_TEST(other_services)
{
    RunPlanter();
    memset(Out, FILL, sizeof(Out));
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryPerformanceCounter((PLARGE_INTEGER)Out, (PLARGE_INTEGER)(Out + 8)));
    CHECK_UNTOUCHED_AFTER("NtQueryPerformanceCounter", 16, 512);
    memset(Out, FILL, sizeof(Out));
    TL_CHECK_EQ(STATUS_SUCCESS, NtEchoArguments((PULONG)Out, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16));
    CHECK_UNTOUCHED_AFTER("NtEchoArguments", 64, 512);
    memset(Out, FILL, sizeof(Out));
    TL_CHECK_EQ(STATUS_SUCCESS, NtSampleQueryRegistration((PULONG)Out, SAMPLE_REGISTRATION_RESULTS));
    CHECK_UNTOUCHED_AFTER("NtSampleQueryRegistration", SAMPLE_REGISTRATION_RESULTS * 4, 512);
    memset(Out, FILL, sizeof(Out));
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoQueryDisplay((PGDI_NANO_DISPLAY_INFO)Out, sizeof(GDI_NANO_DISPLAY_INFO)));
    CHECK_NO_MARKER("NtGdiNanoQueryDisplay", Out, 512);
    CHECK_UNTOUCHED_AFTER("NtGdiNanoQueryDisplay", sizeof(GDI_NANO_DISPLAY_INFO), 512);
}

int main(int argc, char **argv)
{
    for (ULONG i = 0; i < sizeof(MarkerData); i++)
        MarkerData[i] = (UCHAR)Marker[i % 16];
    if (argc > 1 && !strcmp(argv[1], "plant"))
        return Plant();
    TL_RUN(directory_listing);
    TL_RUN(file_information);
    TL_RUN(process_and_thread_information);
    TL_RUN(system_information);
    TL_RUN(contexts_and_user_records);
    TL_RUN(other_services);
    if (PlanterProcess) {
        NtClose(PlanterProcess);
        NtClose(PlanterThread);
    }
    TL_FINISH();
}
