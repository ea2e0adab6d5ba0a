/*
 * trapsave.c - the thread-context record and recover services (docs/spec.md §8, docs/trapfile.md): record then
 * recover with every register checked, the seed service's two branches, the setjmp-like pair,
 * names and flags, the record format as written, tampered records refused with the documented
 * status and the thread unchanged, and two threads recording at once.
 * Argument: "sysenter" (default) or "int2e": the entry path of every call (MANIFEST runs both).
 * Argument "stale": recover a record whose stack frame is gone (the process must die in user
 * mode with STATUS_ACCESS_VIOLATION; the kernel must not notice).
 * Links rr/rrformat.c (Makefile) to judge and forge records with the kernel's own code.
 */
#include "testlib.h"
#include "traplib.h"
#include "rrformat.h"

#define REC SERVICE_NUMBER_NtRecordTrapFrame
#define RCV SERVICE_NUMBER_NtRecoverTrapFrame
#define SEED SERVICE_NUMBER_NtRecordOrRecoveryTrapFrame

static ULONG Path;               /* 0 sysenter, 1 int 2Eh */
static TR_REGS Recorded;

/* Checks that TrOut holds the registers TrCall set up for seed S_ (and ESP E_, when not 0). */
#define CHECK_REGS(S_, E_) do { \
        TL_CHECK_EQ(TR_EBX(S_), TrOut.Ebx); TL_CHECK_EQ(TR_ESI(S_), TrOut.Esi); \
        TL_CHECK_EQ(TR_EDI(S_), TrOut.Edi); TL_CHECK_EQ(TR_EBP(S_), TrOut.Ebp); \
        TL_CHECK_EQ((S_) & 1, TrOut.EFlags & 1); TL_CHECK(TrOut.EFlags & 0x200); \
        if (E_) TL_CHECK_EQ((E_), TrOut.Esp); \
    } while (0)

/* Record with seed A, then recover with seed B (paths RecordPath/RecoverPath). */
static void RecordThenRecover(PCSTR Name, ULONG RecordPath, ULONG RecoverPath, ULONG A, ULONG B)
{
    TrSetPath(RecordPath);
    NTSTATUS s = TrCall(REC, (ULONG)TrName(0, Name), 0, A);
    TL_CHECK_EQ(STATUS_SUCCESS, s);
    CHECK_REGS(A, 0);
    Recorded = TrOut;
    TrSetPath(RecoverPath);
    s = TrCall(RCV, (ULONG)TrName(0, Name), 0, B);
    /* only a recovery gets here with this status: the recorded call returned again */
    TL_CHECK_EQ(STATUS_TRAP_FRAME_RECOVERED, s);
    CHECK_REGS(A, Recorded.Esp);
}

TL_TEST(record_recover_same_path)
{
    RecordThenRecover("pair.rec", Path, Path, 0x10000001, 0x20000002);
    RecordThenRecover("pair.rec", Path, Path, 0x30000002, 0x40000001);  /* CF both ways */
}

TL_TEST(record_recover_cross_path)
{
    RecordThenRecover("cross.rec", Path, !Path, 0x50000001, 0x60000000);
    RecordThenRecover("cross.rec", !Path, Path, 0x70000000, 0x08000001);
}

TL_TEST(seed_service_both_branches)
{
    TrDeleteFile("\\SystemRoot\\TrapFrame");
    TrSetPath(Path);
    NTSTATUS s = TrCall(SEED, 0, 0, 0x11000001);       /* absent: records */
    TL_CHECK_EQ(STATUS_SUCCESS, s);
    CHECK_REGS(0x11000001, 0);
    Recorded = TrOut;
    s = TrCall(SEED, 0, 0, 0x22000000);                /* present: recovers */
    TL_CHECK_EQ(STATUS_SUCCESS, s);
    CHECK_REGS(0x11000001, Recorded.Esp);
    s = TrCall(SEED, 0, 0, 0x33000000);                /* the file stays: recovers again */
    TL_CHECK_EQ(STATUS_SUCCESS, s);
    CHECK_REGS(0x11000001, Recorded.Esp);
    /* the explicit pair reads the same default file */
    s = TrCall(RCV, 0, 0, 0x44000000);
    TL_CHECK_EQ(STATUS_SUCCESS, s);
    CHECK_REGS(0x11000001, Recorded.Esp);
    TL_CHECK_EQ(STATUS_SUCCESS, TrDeleteFile("\\SystemRoot\\TrapFrame"));
}

TL_TEST(name_forms_and_memory_slot)
{
    RecordThenRecover("\\SystemRoot\\forms.rec", Path, Path, 0x01000001, 0x02000000);
    RecordThenRecover("\\??\\C:\\forms2.rec", Path, Path, 0x03000000, 0x04000001);
    /* a bare name is \SystemRoot\<name> */
    TrSetPath(Path);
    TL_CHECK_EQ(STATUS_SUCCESS, TrCall(REC, (ULONG)TrName(0, "\\SystemRoot\\forms3.rec"), 0, 0x05000001));
    Recorded = TrOut;
    TL_CHECK_EQ(STATUS_TRAP_FRAME_RECOVERED, TrCall(RCV, (ULONG)TrName(0, "FORMS3.REC"), 0, 0x06000000));
    CHECK_REGS(0x05000001, Recorded.Esp);
    /* the diagnostic memory slot */
    TL_CHECK_EQ(STATUS_SUCCESS, TrCall(REC, 0, TRAP_FRAME_MEMORY_ONLY, 0x07000001));
    Recorded = TrOut;
    TL_CHECK_EQ(STATUS_TRAP_FRAME_RECOVERED, TrCall(RCV, 0, TRAP_FRAME_MEMORY_ONLY, 0x09000000));
    CHECK_REGS(0x07000001, Recorded.Esp);
}

/* A refused call: the status comes back and the thread keeps its own registers. */
#define REFUSED(Status, Number, A1, A2) do { \
        TL_CHECK_EQ((Status), TrCall((Number), (ULONG)(A1), (ULONG)(A2), 0x0C000001)); \
        CHECK_REGS(0x0C000001, 0); \
    } while (0)

TL_TEST(bad_arguments)
{
    static UNICODE_STRING badBuffer = { 8, 8, (PWSTR)0x80001000 };
    static WCHAR oddChars[2] = { 0x41, 0 };
    static UNICODE_STRING odd = { 3, 4, oddChars };
    TrSetPath(Path);
    REFUSED(STATUS_INVALID_PARAMETER, REC, 0, 2);
    REFUSED(STATUS_INVALID_PARAMETER, RCV, 0, 0x80000000);
    REFUSED(STATUS_INVALID_PARAMETER, REC, TrName(0, "x.rec"), TRAP_FRAME_MEMORY_ONLY);
    REFUSED(STATUS_ACCESS_VIOLATION, REC, 0x80000000, 0);
    REFUSED(STATUS_ACCESS_VIOLATION, RCV, 0xFFFFFFF0, 0);
    REFUSED(STATUS_ACCESS_VIOLATION, RCV, &badBuffer, 0);
    REFUSED(STATUS_OBJECT_NAME_INVALID, RCV, &odd, 0);
    REFUSED(STATUS_OBJECT_NAME_INVALID, RCV, TrName(0, ""), 0);
    REFUSED(STATUS_OBJECT_NAME_INVALID, RCV, TrName(0, "dir\\x.rec"), 0);
    REFUSED(STATUS_OBJECT_NAME_NOT_FOUND, RCV, TrName(0, "missing.rec"), 0);
    REFUSED(STATUS_OBJECT_NAME_NOT_FOUND, RCV, 0, 0);     /* no \SystemRoot\TrapFrame now */
}

static UCHAR Good[RR_TRAP_RECORD_SIZE];

TL_TEST(record_format_as_written)
{
    RR_TRAP_RECORD_HEADER h, h2;
    KTRAP_FRAME f;
    ULONG got = 0;
    PCSTR why = NULL;
    TrSetPath(Path);
    TL_CHECK_EQ(STATUS_SUCCESS, TrCall(REC, (ULONG)TrName(0, "format.rec"), 0, 0x0A000001));
    TL_CHECK_EQ(STATUS_SUCCESS, TrReadFile("\\SystemRoot\\format.rec", Good, sizeof(Good), &got));
    TL_CHECK_EQ(RR_TRAP_RECORD_SIZE, got);
    TL_CHECK_EQ(STATUS_SUCCESS, RrValidateTrapRecordEx(Good, got, NULL, &f, &h, &why));
    TL_CHECK_EQ(Path ? RR_TRAP_RECORD_INT2E : RR_TRAP_RECORD_FAST_CALL, h.Flags);
    TL_CHECK_EQ(TR_EBX(0x0A000001), f.Ebx);
    TL_CHECK_EQ(TR_ESI(0x0A000001), f.Esi);
    TL_CHECK_EQ(TR_EDI(0x0A000001), f.Edi);
    TL_CHECK_EQ(TR_EBP(0x0A000001), f.Ebp);
    TL_CHECK_EQ(STATUS_TRAP_FRAME_RECOVERED, f.Eax);
    TL_CHECK_EQ(0, f.Ecx);
    TL_CHECK_EQ(0, f.Edx);
    TL_CHECK_EQ(0x1B, f.SegCs);
    TL_CHECK_EQ(TrOut.Esp - 4, f.HardwareEsp);   /* at the return into TrCall */
    TL_CHECK_EQ(Path ? (ULONG)KiIntSystemCall + 6 : (ULONG)KiFastSystemCallRet, f.Eip);
    TL_CHECK_EQ(0, memcmp(h.Identity.ImageName, "TRAPSAVE.EXE\0\0\0\0", 16));
    TL_CHECK_EQ(NtCurrentPeb()->NanoNtImageSize, h.Identity.ImageSize);
    /* a second record continues the generation */
    TL_CHECK_EQ(STATUS_SUCCESS, TrCall(REC, (ULONG)TrName(0, "format.rec"), 0, 0x0A000001));
    static UCHAR again[RR_TRAP_RECORD_SIZE];
    TL_CHECK_EQ(STATUS_SUCCESS, TrReadFile("\\SystemRoot\\format.rec", again, sizeof(again), &got));
    TL_CHECK_EQ(STATUS_SUCCESS, RrValidateTrapRecord(again, got, NULL, NULL, &h2));
    TL_CHECK_EQ(h.Generation + 1, h2.Generation);
}

/* Re-seal a forged record: the checksum over the header (Checksum 0) and the payload. */
static void Reseal(PUCHAR Record)
{
    PRR_TRAP_RECORD_HEADER h = (PRR_TRAP_RECORD_HEADER)Record;
    h->Checksum = 0;
    h->Checksum = RtlComputeCrc32(0, Record, RR_TRAP_RECORD_SIZE);
}

/* Write Length bytes of Record as tamper.rec, recover it, expect Status and intact registers. */
static void ExpectRefused(PCSTR What, const UCHAR *Record, ULONG Length, NTSTATUS Status)
{
    NTSTATUS s = TrWriteFile("\\SystemRoot\\tamper.rec", Record, Length);
    if (!NT_SUCCESS(s)) {
        TL_FAIL("%s: writing the file: 0x%08lx", What, (unsigned long)s);
        return;
    }
    s = TrCall(RCV, (ULONG)TrName(0, "tamper.rec"), 0, 0x0D000001);
    if (s != Status)
        TL_FAIL("%s: expected 0x%08lx, got 0x%08lx", What, (unsigned long)Status, (unsigned long)s);
    CHECK_REGS(0x0D000001, 0);
}

#define HDR(r) ((PRR_TRAP_RECORD_HEADER)(r))
#define FRM(r) ((PKTRAP_FRAME)((r) + RR_TRAP_RECORD_HEADER_SIZE))

/* One tampered copy of Good: Edit changes it, Seal recomputes the checksum. */
#define TAMPER(What, Edit, Seal, Status) do { \
        static UCHAR r[RR_TRAP_RECORD_SIZE]; \
        memcpy(r, Good, sizeof(r)); \
        Edit; \
        if (Seal) Reseal(r); \
        ExpectRefused(What, r, sizeof(r), Status); \
    } while (0)

TL_TEST(tampered_records_refused)
{
    static UCHAR big[600];
    const NTSTATUS C = STATUS_FILE_CORRUPT_ERROR, D = STATUS_ACCESS_DENIED;
    TrSetPath(Path);
    TL_CHECK_EQ(RR_TRAP_RECORD_SIZE, sizeof(Good));
    /* the untampered record is good (the control) */
    TL_CHECK_EQ(STATUS_SUCCESS, RrValidateTrapRecord(Good, sizeof(Good), NULL, NULL, NULL));
    /* header fields */
    TAMPER("magic", r[0] ^= 1, 1, C);
    TAMPER("version", HDR(r)->Version = 2, 1, STATUS_REVISION_MISMATCH);
    TAMPER("header size", HDR(r)->HeaderSize = 0x4C, 1, C);
    TAMPER("payload size", HDR(r)->PayloadSize = 0x88, 1, C);
    TAMPER("flags unknown", HDR(r)->Flags = 4, 1, C);
    TAMPER("flags both paths", HDR(r)->Flags = 3, 1, C);
    TAMPER("generation unsealed", HDR(r)->Generation += 5, 0, C);
    TAMPER("checksum", HDR(r)->Checksum ^= 0x80, 0, C);
    TAMPER("header reserved", HDR(r)->Reserved = 1, 1, C);
    TAMPER("identity reserved", HDR(r)->Identity.Reserved[1] = 1, 1, C);
    TAMPER("identity lower case", HDR(r)->Identity.ImageName[0] = 't', 1, C);
    TAMPER("identity crc (another image)", HDR(r)->Identity.ImageCrc32 ^= 1, 1, D);
    TAMPER("identity size (another image)", HDR(r)->Identity.ImageSize += 4, 1, D);
    TAMPER("identity name (another image)", HDR(r)->Identity.ImageName[0] = 'X', 1, D);
    TAMPER("payload unsealed", FRM(r)->Ebx ^= 1, 0, C);
    /* kernel-only payload fields */
    TAMPER("ErrCode", FRM(r)->ErrCode = KI_FAST_FRAME_MARK, 1, C);
    TAMPER("PreviousPreviousMode", FRM(r)->PreviousPreviousMode = 1, 1, C);
    TAMPER("ExceptionList", FRM(r)->ExceptionList = 0x80001000, 1, C);
    TAMPER("Dr7", FRM(r)->Dr7 = 1, 1, C);
    TAMPER("DbgEip", FRM(r)->DbgEip = 0x80100000, 1, C);
    TAMPER("V86Gs", FRM(r)->V86Gs = 0x23, 1, C);
    /* states ring 3 cannot reach */
    TAMPER("ring-0 CS", FRM(r)->SegCs = 0x08, 1, D);
    TAMPER("CS RPL 0", FRM(r)->SegCs = 0x18, 1, D);
    TAMPER("SS kernel", FRM(r)->HardwareSegSs = 0x10, 1, D);
    TAMPER("DS 0", FRM(r)->SegDs = 0, 1, D);
    TAMPER("ES kernel", FRM(r)->SegEs = 0x10, 1, D);
    TAMPER("FS PCR", FRM(r)->SegFs = 0x30, 1, D);
    TAMPER("GS TEB", FRM(r)->SegGs = 0x3B, 1, D);
    TAMPER("IOPL 3", FRM(r)->EFlags |= 0x3000, 1, D);
    TAMPER("IOPL 1", FRM(r)->EFlags |= 0x1000, 1, D);
    TAMPER("NT", FRM(r)->EFlags |= 0x4000, 1, D);
    TAMPER("RF", FRM(r)->EFlags |= 0x10000, 1, D);
    TAMPER("VM", FRM(r)->EFlags |= 0x20000, 1, D);
    TAMPER("VIF", FRM(r)->EFlags |= 0x80000, 1, D);
    TAMPER("VIP", FRM(r)->EFlags |= 0x100000, 1, D);
    TAMPER("EIP kernel", FRM(r)->Eip = 0x80001000, 1, D);
    TAMPER("EIP at probe address", FRM(r)->Eip = 0x7FFF0000, 1, D);
    TAMPER("EIP top", FRM(r)->Eip = 0xFFFFFFFF, 1, D);
    TAMPER("ESP kernel", FRM(r)->HardwareEsp = 0xB0001000, 1, D);
    TAMPER("ESP at probe address", FRM(r)->HardwareEsp = 0x7FFF0000, 1, D);
    /* truncated and padded */
    static const ULONG lengths[] = { 0, 1, 7, 8, 12, 0x47, 0x48, 0x49, 0x80, 0xC0, 0xD0, 0xD3 };
    for (ULONG i = 0; i < ARRAYSIZE(lengths); i++) {
        char what[32];
        RtlFormatString(what, sizeof(what), "truncated to %lu", (unsigned long)lengths[i]);
        ExpectRefused(what, Good, lengths[i], C);
    }
    memcpy(big, Good, sizeof(Good));
    ExpectRefused("padded by 1", big, sizeof(Good) + 1, C);
    ExpectRefused("padded by 4", big, sizeof(Good) + 4, C);
    ExpectRefused("padded to 600 (above the read limit)", big, sizeof(big), C);
    /* a well-formed record of another program (hello.exe's identity) */
    static UCHAR image[65536];
    ULONG got = 0;
    if (NT_SUCCESS(TrReadFile("\\SystemRoot\\system32\\hello.exe", image, sizeof(image), &got)) &&
        got < sizeof(image)) {
        TAMPER("another program", RrComputeImageIdentity(image, got, "hello.exe", &HDR(r)->Identity), 1, D);
    } else {
        TL_FAIL("cannot read hello.exe");
    }
}

/* Two threads record at once, each to its own file, many times; then both records are whole and
   each holds its own thread's values. A third and fourth race on one file. */
static volatile LONG Done;
static ULONG NTAPI Recorder(PVOID Parameter)
{
    ULONG id = (ULONG)Parameter;
    static const char *names[4] = { "thread0.rec", "thread1.rec", "shared.rec", "shared.rec" };
    for (ULONG i = 0; i < 6; i++) {
        UNICODE_STRING *n = id & 1 ? TrName(1, names[id]) : TrName(0, names[id]);
        NTSTATUS s = NtRecordTrapFrame(n, 0);
        if (s != STATUS_SUCCESS)
            printf("thread %lu: record %lu: 0x%08lx\n", (unsigned long)id, (unsigned long)i, (unsigned long)s);
        NtYieldExecution();
    }
    __atomic_add_fetch(&Done, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static void RunThreads(ULONG First)
{
    HANDLE h[2];
    Done = 0;
    for (ULONG i = 0; i < 2; i++)
        TL_CHECK_EQ(STATUS_SUCCESS, RtlCreateUserThread(NtCurrentProcess(), NULL, FALSE, 0, 0, 0, Recorder,
                                                        (PVOID)(First + i), &h[i], NULL));
    for (ULONG i = 0; i < 2; i++) {
        NtWaitForSingleObject(h[i], FALSE, NULL);
        NtClose(h[i]);
    }
    TL_CHECK_EQ(2, Done);
}

TL_TEST(two_threads)
{
    static UCHAR r[RR_TRAP_RECORD_SIZE + 1];
    RR_TRAP_RECORD_HEADER h;
    ULONG got;
    RunThreads(0);
    RunThreads(2);
    static const char *files[3] = { "\\SystemRoot\\thread0.rec", "\\SystemRoot\\thread1.rec",
                                    "\\SystemRoot\\shared.rec" };
    for (ULONG i = 0; i < 3; i++) {
        TL_CHECK_EQ(STATUS_SUCCESS, TrReadFile(files[i], r, sizeof(r), &got));
        TL_CHECK_EQ(STATUS_SUCCESS, RrValidateTrapRecord(r, got, NULL, NULL, &h));
        TL_CHECK_EQ(i < 2 ? 6 : 12, (ULONG)h.Generation);   /* no record lost or mixed */
    }
}

/* stale: record deep in the stack, let the frame go, overwrite the stack, recover. */
static __attribute__((noinline)) void RecordDeep(ULONG Depth)
{
    volatile UCHAR pad[512];
    pad[0] = (UCHAR)Depth;
    if (Depth > 0) {
        RecordDeep(Depth - 1);
        return;
    }
    NTSTATUS s = TrCall(REC, (ULONG)TrName(0, "stale.rec"), 0, 0x0E000001);
    printf("stale: recorded (0x%08lx) at esp 0x%08lx\n", (unsigned long)s, (unsigned long)TrOut.Esp);
    (void)pad;
}

static __attribute__((noinline)) void ScribbleStack(void)
{
    volatile ULONG area[2048];
    for (ULONG i = 0; i < ARRAYSIZE(area); i++)
        area[i] = 0xC1C1C1C1;
}

static int Stale(void)
{
    TrSetPath(Path);
    RecordDeep(4);
    ScribbleStack();
    printf("stale: recovering a record whose frames are gone\n");
    NTSTATUS s = TrCall(RCV, (ULONG)TrName(0, "stale.rec"), 0, 0x0F000000);
    printf("stale: recover returned 0x%08lx (unexpected)\n", (unsigned long)s);
    return 1;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "int2e") == 0)
            Path = 1;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "stale") == 0)
            return Stale();
    }
    printf("trapsave: entry path %s\n", Path ? "int 2Eh" : "sysenter");
    TL_RUN(record_recover_same_path);
    TL_RUN(record_recover_cross_path);
    TL_RUN(seed_service_both_branches);
    TL_RUN(name_forms_and_memory_slot);
    TL_RUN(bad_arguments);
    TL_RUN(record_format_as_written);
    TL_RUN(tampered_records_refused);
    TL_RUN(two_threads);
    TL_FINISH();
}
