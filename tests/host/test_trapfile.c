/*
 * test_trapfile.c - host test of the thread-context record (rr/rrformat.c, docs/trapfile.md) and
 * of tools/trapdump, run from the repository root.
 *
 * Builds records, checks the documented byte layout, then feeds the validator every kind of bad
 * record: each refused with its documented NTSTATUS and the output frame left untouched. Records
 * with a bad field are re-checksummed here (independently of the library) so that each later check
 * is reached rather than the checksum.
 */
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rrformat.h"
#include "hosttest.h"

#define TRAPDUMP "build/tools/trapdump"
#define FRAME_AT RR_TRAP_RECORD_HEADER_SIZE         /* payload offset in the record */
#define F(x) (FRAME_AT + offsetof(KTRAP_FRAME, x))  /* record offset of a frame field */

static const ULONG KernelOnlyOffsets[] = {
    offsetof(KTRAP_FRAME, DbgEbp), offsetof(KTRAP_FRAME, DbgEip),
    offsetof(KTRAP_FRAME, DbgArgMark), offsetof(KTRAP_FRAME, DbgArgPointer),
    offsetof(KTRAP_FRAME, TempSegCs), offsetof(KTRAP_FRAME, TempEsp),
    offsetof(KTRAP_FRAME, Dr0), offsetof(KTRAP_FRAME, Dr1), offsetof(KTRAP_FRAME, Dr2),
    offsetof(KTRAP_FRAME, Dr3), offsetof(KTRAP_FRAME, Dr6), offsetof(KTRAP_FRAME, Dr7),
    offsetof(KTRAP_FRAME, PreviousPreviousMode), offsetof(KTRAP_FRAME, ExceptionList),
    offsetof(KTRAP_FRAME, ErrCode), offsetof(KTRAP_FRAME, V86Es), offsetof(KTRAP_FRAME, V86Ds),
    offsetof(KTRAP_FRAME, V86Fs), offsetof(KTRAP_FRAME, V86Gs),
};

static char TmpDir[] = "/tmp/nnt_trapfile_XXXXXX";

static ULONG GetU32(const UCHAR *p) { return p[0] | p[1] << 8 | (ULONG)p[2] << 16 | (ULONG)p[3] << 24; }
static void SetU32(UCHAR *p, ULONG v) { p[0] = (UCHAR)v; p[1] = (UCHAR)(v >> 8); p[2] = (UCHAR)(v >> 16); p[3] = (UCHAR)(v >> 24); }

/* Bit-by-bit CRC-32 reference, independent of the library's table. */
static ULONG RefCrc32(const UCHAR *p, size_t n)
{
    ULONG Crc = 0xFFFFFFFF;

    for (size_t i = 0; i < n; i++) {
        Crc ^= p[i];
        for (int b = 0; b < 8; b++)
            Crc = (Crc >> 1) ^ (0xEDB88320 & -(Crc & 1));
    }
    return ~Crc;
}

/* Recomputes a record's checksum the documented way: header with +0x40 zero, then payload. */
static void Resign(UCHAR *Record)
{
    SetU32(Record + 0x40, 0);
    SetU32(Record + 0x40, RefCrc32(Record, RR_TRAP_RECORD_SIZE));
}

/* A valid user frame with a distinct value in every user-visible register and junk in every
   kernel-only field (which the record must not carry). */
static void SampleFrame(PKTRAP_FRAME Frame)
{
    memset(Frame, 0xEE, sizeof(*Frame));
    Frame->SegGs = 0;
    Frame->SegEs = 0x23;
    Frame->SegDs = 0x23;
    Frame->Edx = 0x11111111;
    Frame->Ecx = 0x22222222;
    Frame->Eax = 0x33333333;
    Frame->SegFs = 0x3B;
    Frame->Edi = 0x44444444;
    Frame->Esi = 0x55555555;
    Frame->Ebx = 0x66666666;
    Frame->Ebp = 0x0012FF00;
    Frame->Eip = 0x00401234;
    Frame->SegCs = 0x1B;
    Frame->EFlags = 0x00000246;
    Frame->HardwareEsp = 0x0012FEF0;
    Frame->HardwareSegSs = 0x23;
}

static const UCHAR SampleImage[] = "\x7F" "ELF pretend program image bytes";

static void SampleIdentity(PRR_TRAP_IMAGE_IDENTITY Id)
{
    RrComputeImageIdentity(SampleImage, sizeof(SampleImage), "/boot/user/hello.exe", Id);
}

/* Builds the sample record into Record (RR_TRAP_RECORD_SIZE bytes). */
static void BuildSample(UCHAR *Record)
{
    KTRAP_FRAME Frame;
    RR_TRAP_IMAGE_IDENTITY Id;
    ULONG Size = 0;

    SampleFrame(&Frame);
    SampleIdentity(&Id);
    HT_CHECK_EQ(STATUS_SUCCESS, RrBuildTrapRecord(&Frame, &Id, 7, RR_TRAP_RECORD_FAST_CALL,
                                                  Record, RR_TRAP_RECORD_SIZE, &Size));
    HT_CHECK_EQ(RR_TRAP_RECORD_SIZE, Size);
}

/* Validates and checks the status; on failure the outputs must be untouched. */
static void ExpectStatusAt(int Line, const UCHAR *Record, ULONG Size,
                           const RR_TRAP_IMAGE_IDENTITY *Expected, NTSTATUS Want, const char *What)
{
    KTRAP_FRAME Out, Before;
    RR_TRAP_RECORD_HEADER HeaderOut, HeaderBefore;
    NTSTATUS Got;

    memset(&Out, 0xA5, sizeof(Out));
    memset(&HeaderOut, 0x5A, sizeof(HeaderOut));
    Before = Out;
    HeaderBefore = HeaderOut;
    Got = RrValidateTrapRecord(Record, Size, Expected, &Out, &HeaderOut);
    if (Got != Want) {
        printf("[FAIL] line %d: %s: expected 0x%08X, got 0x%08X\n", Line, What, (unsigned)Want,
               (unsigned)Got);
        ht_failed_now = 1;
    }
    if (!NT_SUCCESS(Got) && (memcmp(&Out, &Before, sizeof(Out)) != 0 ||
                             memcmp(&HeaderOut, &HeaderBefore, sizeof(HeaderOut)) != 0)) {
        printf("[FAIL] line %d: %s: outputs written on refusal\n", Line, What);
        ht_failed_now = 1;
    }
}
#define EXPECT_STATUS(Rec, Size, Exp, Want, What) ExpectStatusAt(__LINE__, Rec, Size, Exp, Want, What)

/* Sets a 32-bit field of a copy of the sample, re-checksums it and expects Want. */
static void ExpectFieldStatusAt(int Line, ULONG Offset, ULONG Value, NTSTATUS Want, const char *What)
{
    UCHAR Record[RR_TRAP_RECORD_SIZE];
    char Text[200];

    BuildSample(Record);
    SetU32(Record + Offset, Value);
    Resign(Record);
    snprintf(Text, sizeof(Text), "%s = 0x%x", What, (unsigned)Value);
    ExpectStatusAt(Line, Record, sizeof(Record), NULL, Want, Text);
}
#define EXPECT_FIELD(Off, Val, Want) ExpectFieldStatusAt(__LINE__, Off, Val, Want, #Off)

HT_TEST(Crc32KnownAnswers)
{
    static const char Fox[] = "The quick brown fox jumps over the lazy dog";
    UCHAR Random[1000];

    HT_CHECK_EQ(0xCBF43926, RtlComputeCrc32(0, "123456789", 9));
    HT_CHECK_EQ(0x414FA339, RtlComputeCrc32(0, Fox, sizeof(Fox) - 1));
    HT_CHECK_EQ(0, RtlComputeCrc32(0, "", 0));
    srand(1);
    for (size_t i = 0; i < sizeof(Random); i++)
        Random[i] = (UCHAR)rand();
    HT_CHECK_EQ(RefCrc32(Random, sizeof(Random)), RtlComputeCrc32(0, Random, sizeof(Random)));
    for (ULONG Split = 0; Split <= 64; Split++)
        HT_CHECK_EQ(RefCrc32(Random, 64),
                    RtlComputeCrc32(RtlComputeCrc32(0, Random, Split), Random + Split, 64 - Split));
}

/* The bytes are where docs/trapfile.md says they are. */
HT_TEST(LayoutIsAsDocumented)
{
    UCHAR Record[RR_TRAP_RECORD_SIZE + 8];
    ULONG Checksum;

    memset(Record, 0xCC, sizeof(Record));
    BuildSample(Record);
    HT_CHECK_EQ(0xD4, RR_TRAP_RECORD_SIZE);
    HT_CHECK(memcmp(Record, "NNTTRAP1", 8) == 0);
    HT_CHECK_EQ(1, GetU32(Record + 0x08));
    HT_CHECK_EQ(0x48, GetU32(Record + 0x0C));
    HT_CHECK_EQ(0x8C, GetU32(Record + 0x10));
    HT_CHECK_EQ(RR_TRAP_RECORD_FAST_CALL, GetU32(Record + 0x14));
    HT_CHECK_EQ(7, GetU32(Record + 0x18));
    HT_CHECK_EQ(0, GetU32(Record + 0x1C));
    HT_CHECK_EQ(sizeof(SampleImage), GetU32(Record + 0x20));
    HT_CHECK_EQ(RefCrc32(SampleImage, sizeof(SampleImage)), GetU32(Record + 0x24));
    HT_CHECK(memcmp(Record + 0x28, "HELLO.EXE\0\0\0\0\0\0\0", 16) == 0);
    HT_CHECK_EQ(0, GetU32(Record + 0x38));
    HT_CHECK_EQ(0, GetU32(Record + 0x3C));
    HT_CHECK_EQ(0, GetU32(Record + 0x44));
    HT_CHECK_EQ(0x00401234, GetU32(Record + 0x48 + 0x68));
    HT_CHECK_EQ(0x1B, GetU32(Record + 0x48 + 0x6C));
    HT_CHECK_EQ(0x0012FEF0, GetU32(Record + 0x48 + 0x74));
    HT_CHECK_EQ(0x33333333, GetU32(Record + 0x48 + 0x44));
    Checksum = GetU32(Record + 0x40);
    Resign(Record);
    HT_CHECK_EQ(Checksum, GetU32(Record + 0x40));
    HT_CHECK_EQ(0xCCCCCCCC, GetU32(Record + RR_TRAP_RECORD_SIZE)); /* nothing written past it */
}

/* Build then validate: every user-visible register comes back; kernel-only fields never go out. */
HT_TEST(RoundTrip)
{
    UCHAR Record[RR_TRAP_RECORD_SIZE];
    KTRAP_FRAME In, Out;
    RR_TRAP_RECORD_HEADER Header;
    RR_TRAP_IMAGE_IDENTITY Id;

    SampleFrame(&In);
    In.EFlags = 0x00000ED5 & ~EFLAGS_IF;   /* arithmetic flags, DF, OF, TF; IF clear */
    In.SegGs = 0x23;
    SampleIdentity(&Id);
    for (ULONG Flags = 0; Flags <= 2; Flags++) {
        ULONG Size = 0;
        HT_CHECK_EQ(STATUS_SUCCESS, RrBuildTrapRecord(&In, &Id, 0x123456789ABCDEF0ULL, Flags,
                                                      Record, sizeof(Record), &Size));
        for (ULONG i = 0; i < ARRAYSIZE(KernelOnlyOffsets); i++)
            HT_CHECK_EQ(0, GetU32(Record + FRAME_AT + KernelOnlyOffsets[i]));
        memset(&Out, 0xA5, sizeof(Out));
        HT_CHECK_EQ(STATUS_SUCCESS, RrValidateTrapRecord(Record, Size, &Id, &Out, &Header));
        HT_CHECK_EQ(In.SegGs, Out.SegGs);
        HT_CHECK_EQ(In.SegEs, Out.SegEs);
        HT_CHECK_EQ(In.SegDs, Out.SegDs);
        HT_CHECK_EQ(In.Edx, Out.Edx);
        HT_CHECK_EQ(In.Ecx, Out.Ecx);
        HT_CHECK_EQ(In.Eax, Out.Eax);
        HT_CHECK_EQ(In.SegFs, Out.SegFs);
        HT_CHECK_EQ(In.Edi, Out.Edi);
        HT_CHECK_EQ(In.Esi, Out.Esi);
        HT_CHECK_EQ(In.Ebx, Out.Ebx);
        HT_CHECK_EQ(In.Ebp, Out.Ebp);
        HT_CHECK_EQ(In.Eip, Out.Eip);
        HT_CHECK_EQ(In.SegCs, Out.SegCs);
        HT_CHECK_EQ(In.EFlags | EFLAGS_IF | 0x2, Out.EFlags);   /* IF and bit 1 forced */
        HT_CHECK_EQ(In.HardwareEsp, Out.HardwareEsp);
        HT_CHECK_EQ(In.HardwareSegSs, Out.HardwareSegSs);
        for (ULONG i = 0; i < ARRAYSIZE(KernelOnlyOffsets); i++)
            HT_CHECK_EQ(0, GetU32((UCHAR *)&Out + KernelOnlyOffsets[i]));
        HT_CHECK_EQ(0x123456789ABCDEF0ULL, Header.Generation);
        HT_CHECK_EQ(Flags, Header.Flags);
        HT_CHECK(memcmp(&Header.Identity, &Id, sizeof(Id)) == 0);
        HT_CHECK_EQ(0x123456789ABCDEF0ULL, RrQueryTrapRecordGeneration(Record, Size));
    }
    /* Outputs are optional. */
    HT_CHECK_EQ(STATUS_SUCCESS, RrValidateTrapRecord(Record, sizeof(Record), NULL, NULL, NULL));
}

HT_TEST(BuildParameterChecks)
{
    UCHAR Record[RR_TRAP_RECORD_SIZE];
    KTRAP_FRAME Frame;
    RR_TRAP_IMAGE_IDENTITY Id, Bad;
    ULONG Size = 0;

    SampleFrame(&Frame);
    SampleIdentity(&Id);
    HT_CHECK_EQ(STATUS_BUFFER_TOO_SMALL,
                RrBuildTrapRecord(&Frame, &Id, 1, 0, Record, RR_TRAP_RECORD_SIZE - 1, &Size));
    HT_CHECK_EQ(RR_TRAP_RECORD_SIZE, Size);
    Size = 0;
    HT_CHECK_EQ(STATUS_BUFFER_TOO_SMALL, RrBuildTrapRecord(&Frame, &Id, 1, 0, NULL, 0, &Size));
    HT_CHECK_EQ(RR_TRAP_RECORD_SIZE, Size);
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER,
                RrBuildTrapRecord(&Frame, &Id, 1, 3, Record, sizeof(Record), &Size));
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER,
                RrBuildTrapRecord(&Frame, &Id, 1, 4, Record, sizeof(Record), &Size));
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER,
                RrBuildTrapRecord(&Frame, &Id, 1, 0x80000000, Record, sizeof(Record), &Size));
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER,
                RrBuildTrapRecord(NULL, &Id, 1, 0, Record, sizeof(Record), &Size));
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER,
                RrBuildTrapRecord(&Frame, NULL, 1, 0, Record, sizeof(Record), &Size));
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER,
                RrBuildTrapRecord(&Frame, &Id, 1, 0, Record, sizeof(Record), NULL));
    Bad = Id;
    Bad.Reserved[1] = 1;
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER,
                RrBuildTrapRecord(&Frame, &Bad, 1, 0, Record, sizeof(Record), &Size));
    Bad = Id;
    Bad.ImageName[0] = 'h';
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER,
                RrBuildTrapRecord(&Frame, &Bad, 1, 0, Record, sizeof(Record), &Size));
}

HT_TEST(TruncatedAtEveryLength)
{
    UCHAR Record[RR_TRAP_RECORD_SIZE];

    BuildSample(Record);
    for (ULONG Length = 0; Length < RR_TRAP_RECORD_SIZE; Length++)
        EXPECT_STATUS(Record, Length, NULL, STATUS_FILE_CORRUPT_ERROR, "truncated");
    EXPECT_STATUS(Record, RR_TRAP_RECORD_SIZE, NULL, STATUS_SUCCESS, "whole");
    EXPECT_STATUS(NULL, 0, NULL, STATUS_FILE_CORRUPT_ERROR, "NULL buffer");
    HT_CHECK_EQ(0, RrQueryTrapRecordGeneration(Record, RR_TRAP_RECORD_SIZE - 1));
}

HT_TEST(PaddedRefused)
{
    UCHAR Record[RR_TRAP_RECORD_SIZE + 16];

    for (ULONG Extra = 1; Extra <= 16; Extra++) {
        memset(Record, 0, sizeof(Record));
        BuildSample(Record);
        EXPECT_STATUS(Record, RR_TRAP_RECORD_SIZE + Extra, NULL, STATUS_FILE_CORRUPT_ERROR,
                      "padded with zeros");
        memset(Record + RR_TRAP_RECORD_SIZE, 0x5C, Extra);
        EXPECT_STATUS(Record, RR_TRAP_RECORD_SIZE + Extra, NULL, STATUS_FILE_CORRUPT_ERROR,
                      "padded with junk");
    }
}

HT_TEST(HeaderFieldsWrong)
{
    UCHAR Record[RR_TRAP_RECORD_SIZE];

    for (ULONG i = 0; i < 8; i++) {
        BuildSample(Record);
        Record[i] ^= 0x20;
        Resign(Record);
        EXPECT_STATUS(Record, sizeof(Record), NULL, STATUS_FILE_CORRUPT_ERROR, "magic");
    }
    EXPECT_FIELD(0x08, 0, STATUS_REVISION_MISMATCH);
    EXPECT_FIELD(0x08, 2, STATUS_REVISION_MISMATCH);
    EXPECT_FIELD(0x08, 0x101, STATUS_REVISION_MISMATCH);
    EXPECT_FIELD(0x08, 0xFFFFFFFF, STATUS_REVISION_MISMATCH);
    EXPECT_FIELD(0x0C, 0x47, STATUS_FILE_CORRUPT_ERROR);
    EXPECT_FIELD(0x0C, 0x49, STATUS_FILE_CORRUPT_ERROR);
    EXPECT_FIELD(0x0C, 0, STATUS_FILE_CORRUPT_ERROR);
    EXPECT_FIELD(0x0C, 0xFFFFFFB8, STATUS_FILE_CORRUPT_ERROR);  /* sums to the size mod 2^32 */
    EXPECT_FIELD(0x10, 0x8B, STATUS_FILE_CORRUPT_ERROR);
    EXPECT_FIELD(0x10, 0x8D, STATUS_FILE_CORRUPT_ERROR);
    EXPECT_FIELD(0x10, 0, STATUS_FILE_CORRUPT_ERROR);
    EXPECT_FIELD(0x14, 0, STATUS_SUCCESS);
    EXPECT_FIELD(0x14, RR_TRAP_RECORD_INT2E, STATUS_SUCCESS);
    EXPECT_FIELD(0x14, 3, STATUS_FILE_CORRUPT_ERROR);
    EXPECT_FIELD(0x14, 4, STATUS_FILE_CORRUPT_ERROR);
    EXPECT_FIELD(0x14, 0x100, STATUS_FILE_CORRUPT_ERROR);
    EXPECT_FIELD(0x14, 0x80000001, STATUS_FILE_CORRUPT_ERROR);
    EXPECT_FIELD(0x18, 0xFFFFFFFF, STATUS_SUCCESS);             /* any generation is readable */
    EXPECT_FIELD(0x1C, 0x80000000, STATUS_SUCCESS);
    EXPECT_FIELD(0x38, 1, STATUS_FILE_CORRUPT_ERROR);           /* identity Reserved[0] */
    EXPECT_FIELD(0x3C, 0x100, STATUS_FILE_CORRUPT_ERROR);       /* identity Reserved[1] */
    EXPECT_FIELD(0x44, 1, STATUS_FILE_CORRUPT_ERROR);           /* header Reserved */
    EXPECT_FIELD(0x28, 0x4C4C4568, STATUS_FILE_CORRUPT_ERROR);  /* "hELL": lower case */
    EXPECT_FIELD(0x34, 0x41000000, STATUS_FILE_CORRUPT_ERROR);  /* 'A' after the NUL */
    EXPECT_FIELD(0x28, 0x4C4C4501, STATUS_FILE_CORRUPT_ERROR);  /* control character */
    EXPECT_FIELD(0x28, 0x4C4C452F, STATUS_FILE_CORRUPT_ERROR);  /* '/' */

    /* The checksum itself wrong. */
    static const ULONG Deltas[] = { 1, 0x80000000, 0xFFFFFFFF, 0x00010000 };
    for (ULONG i = 0; i < ARRAYSIZE(Deltas); i++) {
        BuildSample(Record);
        SetU32(Record + 0x40, GetU32(Record + 0x40) ^ Deltas[i]);
        EXPECT_STATUS(Record, sizeof(Record), NULL, STATUS_FILE_CORRUPT_ERROR, "checksum");
    }
    BuildSample(Record);
    SetU32(Record + 0x40, 0);
    EXPECT_STATUS(Record, sizeof(Record), NULL, STATUS_FILE_CORRUPT_ERROR, "zero checksum");

    /* A changed field without a new checksum reads as corruption (version excepted: it is read
       first, since another version may checksum differently). */
    BuildSample(Record);
    SetU32(Record + F(SegCs), 0x08);
    EXPECT_STATUS(Record, sizeof(Record), NULL, STATUS_FILE_CORRUPT_ERROR, "CS without resign");
}

HT_TEST(KernelOnlyPayloadFieldsRefused)
{
    for (ULONG i = 0; i < ARRAYSIZE(KernelOnlyOffsets); i++) {
        ExpectFieldStatusAt(__LINE__, FRAME_AT + KernelOnlyOffsets[i], 1,
                            STATUS_FILE_CORRUPT_ERROR, "kernel-only field");
        ExpectFieldStatusAt(__LINE__, FRAME_AT + KernelOnlyOffsets[i], 0x80000000,
                            STATUS_FILE_CORRUPT_ERROR, "kernel-only field");
    }
    EXPECT_FIELD(F(ErrCode), KI_FAST_FRAME_MARK, STATUS_FILE_CORRUPT_ERROR);
}

HT_TEST(UserStateRefused)
{
    static const ULONG BadCs[] = { 0x08, 0x18, 0x1A, 0x23, 0x3B, 0x0001001B, 0 };
    static const ULONG BadData[] = { 0x10, 0x1B, 0x20, 0x08, 0x3B, 0x00010023, 0 };
    static const ULONG BadFs[] = { 0x30, 0x23, 0x38, 0, 0x0001003B };
    static const ULONG BadGs[] = { 0x3B, 0x2B, 0x1B, 0x30, 0x10, 0x00010000 };
    static const ULONG BadAddress[] = { 0x7FFF0000, 0x7FFFFFFF, 0x80000000, 0xC0000000,
                                        0xFFDFF000, 0xFFFFFFFF };
    static const ULONG BadFlags[] = { EFLAGS_IOPL, 0x1000, 0x2000, EFLAGS_VM, EFLAGS_NT,
                                      EFLAGS_RF, EFLAGS_VIF, EFLAGS_VIP, 0x8, 0x20, 0x8000,
                                      0x00400000, 0x80000000 };

    for (ULONG i = 0; i < ARRAYSIZE(BadCs); i++)
        EXPECT_FIELD(F(SegCs), BadCs[i], STATUS_ACCESS_DENIED);
    for (ULONG i = 0; i < ARRAYSIZE(BadData); i++) {
        EXPECT_FIELD(F(HardwareSegSs), BadData[i], STATUS_ACCESS_DENIED);
        EXPECT_FIELD(F(SegDs), BadData[i], STATUS_ACCESS_DENIED);
        EXPECT_FIELD(F(SegEs), BadData[i], STATUS_ACCESS_DENIED);
    }
    for (ULONG i = 0; i < ARRAYSIZE(BadFs); i++)
        EXPECT_FIELD(F(SegFs), BadFs[i], STATUS_ACCESS_DENIED);
    for (ULONG i = 0; i < ARRAYSIZE(BadGs); i++)
        EXPECT_FIELD(F(SegGs), BadGs[i], STATUS_ACCESS_DENIED);
    for (ULONG i = 0; i < ARRAYSIZE(BadAddress); i++) {
        EXPECT_FIELD(F(Eip), BadAddress[i], STATUS_ACCESS_DENIED);
        EXPECT_FIELD(F(HardwareEsp), BadAddress[i], STATUS_ACCESS_DENIED);
    }
    for (ULONG i = 0; i < ARRAYSIZE(BadFlags); i++)
        EXPECT_FIELD(F(EFlags), 0x246 | BadFlags[i], STATUS_ACCESS_DENIED);
}

HT_TEST(UserStateAccepted)
{
    static const ULONG GoodFlags[] = { 0, 0x2, 0x202, 0x246, EFLAGS_USER_SETTABLE,
                                       EFLAGS_USER_SETTABLE | EFLAGS_IF | 0x2, EFLAGS_TF,
                                       EFLAGS_AC | EFLAGS_ID | EFLAGS_DF };
    UCHAR Record[RR_TRAP_RECORD_SIZE];
    KTRAP_FRAME Out;

    EXPECT_FIELD(F(SegGs), 0, STATUS_SUCCESS);
    EXPECT_FIELD(F(SegGs), 0x23, STATUS_SUCCESS);
    EXPECT_FIELD(F(Eip), 0x7FFEFFFF, STATUS_SUCCESS);
    EXPECT_FIELD(F(Eip), 0, STATUS_SUCCESS);
    EXPECT_FIELD(F(HardwareEsp), 0x7FFEFFFF, STATUS_SUCCESS);
    EXPECT_FIELD(F(Edx), 0xFFFFFFFF, STATUS_SUCCESS);   /* general registers may hold anything */
    EXPECT_FIELD(F(Ebp), 0x80000000, STATUS_SUCCESS);
    for (ULONG i = 0; i < ARRAYSIZE(GoodFlags); i++) {
        BuildSample(Record);
        SetU32(Record + F(EFlags), GoodFlags[i]);
        Resign(Record);
        HT_CHECK_EQ(STATUS_SUCCESS, RrValidateTrapRecord(Record, sizeof(Record), NULL, &Out, NULL));
        HT_CHECK_EQ(GoodFlags[i] | EFLAGS_IF | 0x2, Out.EFlags);
    }
}

HT_TEST(IdentityChecks)
{
    UCHAR Record[RR_TRAP_RECORD_SIZE], Other[sizeof(SampleImage)];
    RR_TRAP_IMAGE_IDENTITY Id, Alt;

    BuildSample(Record);
    SampleIdentity(&Id);
    EXPECT_STATUS(Record, sizeof(Record), &Id, STATUS_SUCCESS, "same image");
    EXPECT_STATUS(Record, sizeof(Record), NULL, STATUS_SUCCESS, "no identity check");

    RrComputeImageIdentity(SampleImage, sizeof(SampleImage), "HELLO.EXE", &Alt);
    HT_CHECK(memcmp(&Alt, &Id, sizeof(Id)) == 0);          /* case and directories ignored */
    RrComputeImageIdentity(SampleImage, sizeof(SampleImage), "C:\\x\\Hello.Exe", &Alt);
    EXPECT_STATUS(Record, sizeof(Record), &Alt, STATUS_SUCCESS, "backslash path");

    RrComputeImageIdentity(SampleImage, sizeof(SampleImage), "other.exe", &Alt);
    EXPECT_STATUS(Record, sizeof(Record), &Alt, STATUS_ACCESS_DENIED, "other name");
    RrComputeImageIdentity(SampleImage, sizeof(SampleImage) - 1, "hello.exe", &Alt);
    EXPECT_STATUS(Record, sizeof(Record), &Alt, STATUS_ACCESS_DENIED, "other size");
    memcpy(Other, SampleImage, sizeof(Other));
    Other[5] ^= 1;
    RrComputeImageIdentity(Other, sizeof(Other), "hello.exe", &Alt);
    HT_CHECK_EQ(Id.ImageSize, Alt.ImageSize);
    EXPECT_STATUS(Record, sizeof(Record), &Alt, STATUS_ACCESS_DENIED, "other bytes");

    /* Identity is checked before the frame; either way another program's record is refused. */
    SetU32(Record + F(SegCs), 0x08);
    Resign(Record);
    RrComputeImageIdentity(SampleImage, sizeof(SampleImage), "other.exe", &Alt);
    EXPECT_STATUS(Record, sizeof(Record), &Alt, STATUS_ACCESS_DENIED, "other image, bad CS");

    RrComputeImageIdentity(SampleImage, sizeof(SampleImage), "a/verylongprogramname.exe", &Alt);
    HT_CHECK(memcmp(Alt.ImageName, "VERYLONGPROGRAM\0", 16) == 0);   /* 15 characters, as EPROCESS keeps */
    RrComputeImageIdentity(SampleImage, sizeof(SampleImage), NULL, &Alt);
    HT_CHECK_EQ(0, Alt.ImageName[0]);
}

/* Random damage without a new checksum is never accepted unless it changed nothing. */
HT_TEST(RandomByteFlips)
{
    UCHAR Good[RR_TRAP_RECORD_SIZE], Record[RR_TRAP_RECORD_SIZE];
    KTRAP_FRAME Out;
    ULONG Refused = 0;

    BuildSample(Good);
    srand(12345);
    for (int Iteration = 0; Iteration < 50000; Iteration++) {
        int Flips = 1 + rand() % 4;
        NTSTATUS Status;

        memcpy(Record, Good, sizeof(Record));
        for (int k = 0; k < Flips; k++)
            Record[rand() % RR_TRAP_RECORD_SIZE] ^= (UCHAR)(1 + rand() % 255);
        Status = RrValidateTrapRecord(Record, sizeof(Record), NULL, &Out, NULL);
        if (memcmp(Record, Good, sizeof(Record)) == 0) {
            HT_CHECK_EQ(STATUS_SUCCESS, Status);
        } else if (NT_SUCCESS(Status)) {
            printf("[FAIL] damaged record accepted (iteration %d)\n", Iteration);
            ht_failed_now = 1;
            break;
        } else {
            HT_CHECK(Status == STATUS_FILE_CORRUPT_ERROR || Status == STATUS_REVISION_MISMATCH);
            Refused++;
        }
    }
    HT_CHECK(Refused > 49000);
}

/* Random well-checksummed payloads: whatever is accepted is a safe user state. */
HT_TEST(AcceptedMeansSafe)
{
    UCHAR Record[RR_TRAP_RECORD_SIZE];
    KTRAP_FRAME Out;
    ULONG Accepted = 0, Refused = 0;

    srand(777);
    for (int Iteration = 0; Iteration < 50000; Iteration++) {
        ULONG Offset = FRAME_AT + 4 * (ULONG)(rand() % (KTRAP_FRAME_LENGTH / 4));
        static const ULONG Values[] = { 0, 0x1B, 0x23, 0x3B, 0x08, 0x10, 0x202, 0x3202,
                                        0x7FFEFFFF, 0x7FFF0000, 0xFFFFFFFF };

        BuildSample(Record);
        SetU32(Record + Offset, Values[rand() % ARRAYSIZE(Values)] ^
                                ((rand() % 4 == 0) ? (ULONG)rand() : 0));
        Resign(Record);
        if (!NT_SUCCESS(RrValidateTrapRecord(Record, sizeof(Record), NULL, &Out, NULL))) {
            Refused++;
            continue;
        }
        Accepted++;
        HT_CHECK_EQ(STATUS_SUCCESS, RrCheckUserTrapFrame(&Out, NULL));
        HT_CHECK_EQ(0x1B, Out.SegCs);
        HT_CHECK(Out.Eip < 0x7FFF0000 && Out.HardwareEsp < 0x7FFF0000);
        HT_CHECK_EQ(0, Out.EFlags & (EFLAGS_IOPL | EFLAGS_NT | EFLAGS_RF | EFLAGS_VM |
                                     EFLAGS_VIF | EFLAGS_VIP));
        HT_CHECK_EQ(EFLAGS_IF | 0x2, Out.EFlags & (EFLAGS_IF | 0x2));
        for (ULONG i = 0; i < ARRAYSIZE(KernelOnlyOffsets); i++)
            HT_CHECK_EQ(0, GetU32((UCHAR *)&Out + KernelOnlyOffsets[i]));
        if (ht_failed_now)
            break;
    }
    HT_CHECK(Accepted > 1000 && Refused > 1000);
}

HT_TEST(GenerationQuery)
{
    UCHAR Record[RR_TRAP_RECORD_SIZE];

    BuildSample(Record);
    HT_CHECK_EQ(7, RrQueryTrapRecordGeneration(Record, sizeof(Record)));
    SetU32(Record + F(SegCs), 0x08);           /* refused by recovery, but readable */
    Resign(Record);
    HT_CHECK_EQ(7, RrQueryTrapRecordGeneration(Record, sizeof(Record)));
    Record[0x50] ^= 1;                         /* checksum now wrong */
    HT_CHECK_EQ(0, RrQueryTrapRecordGeneration(Record, sizeof(Record)));
}

/* ---- tools/trapdump ---- */

static const char *TmpPath(const char *Name)
{
    static char Buffers[8][512];
    static int Next;
    char *p = Buffers[Next++ % 8];

    snprintf(p, 512, "%s/%s", TmpDir, Name);
    return p;
}

static int Run(const char *Format, ...)
{
    char Command[4096];
    va_list Args;
    int Status;

    va_start(Args, Format);
    vsnprintf(Command, sizeof(Command), Format, Args);
    va_end(Args);
    Status = system(Command);
    return (Status != -1 && WIFEXITED(Status)) ? WEXITSTATUS(Status) : -1;
}

static void WriteBytes(const char *Path, const void *Data, size_t Size)
{
    FILE *f = fopen(Path, "wb");

    if (f == NULL || fwrite(Data, 1, Size, f) != Size) { perror(Path); exit(2); }
    fclose(f);
}

static int OutputContains(const char *Needle)
{
    char Line[512];
    int Found = 0;
    FILE *f = fopen(TmpPath("out.txt"), "r");

    while (f != NULL && fgets(Line, sizeof(Line), f) != NULL)
        if (strstr(Line, Needle) != NULL)
            Found = 1;
    if (f != NULL)
        fclose(f);
    if (!Found)
        printf("trapdump output lacks `%s'\n", Needle);
    return Found;
}

HT_TEST(TrapdumpExitStatus)
{
    UCHAR Record[RR_TRAP_RECORD_SIZE];

    BuildSample(Record);
    WriteBytes(TmpPath("good.rec"), Record, sizeof(Record));
    HT_CHECK_EQ(0, Run("%s %s > %s", TRAPDUMP, TmpPath("good.rec"), TmpPath("out.txt")));
    HT_CHECK(OutputContains("record is VALID"));
    HT_CHECK(OutputContains("   +0x000 DbgEbp           : 0x0"));
    HT_CHECK(OutputContains("   +0x068 Eip              : 0x401234"));
    HT_CHECK(OutputContains("   +0x06c SegCs            : 0x1b"));
    HT_CHECK(OutputContains("Generation       : 0x7"));
    HT_CHECK(OutputContains("\"HELLO.EXE\""));

    SetU32(Record + F(SegCs), 0x08);
    Resign(Record);
    WriteBytes(TmpPath("ring0.rec"), Record, sizeof(Record));
    HT_CHECK_EQ(1, Run("%s %s > %s", TRAPDUMP, TmpPath("ring0.rec"), TmpPath("out.txt")));
    HT_CHECK(OutputContains("record is INVALID"));
    HT_CHECK(OutputContains("(0xC0000022)"));

    Record[0x60] ^= 0x10;                      /* no resign: corrupt */
    WriteBytes(TmpPath("flip.rec"), Record, sizeof(Record));
    HT_CHECK_EQ(1, Run("%s %s > %s", TRAPDUMP, TmpPath("flip.rec"), TmpPath("out.txt")));
    HT_CHECK(OutputContains("(0xC0000102)"));
    WriteBytes(TmpPath("short.rec"), Record, 10);
    HT_CHECK_EQ(1, Run("%s %s > %s", TRAPDUMP, TmpPath("short.rec"), TmpPath("out.txt")));

    HT_CHECK_EQ(2, Run("%s %s/missing > /dev/null 2>&1", TRAPDUMP, TmpDir));
    HT_CHECK_EQ(2, Run("%s > /dev/null 2>&1", TRAPDUMP));
    HT_CHECK_EQ(2, Run("%s a b > /dev/null 2>&1", TRAPDUMP));
}

HT_TEST(TrapdumpExpectImage)
{
    UCHAR Record[RR_TRAP_RECORD_SIZE];
    UCHAR Other[sizeof(SampleImage)];

    Run("mkdir -p %s/a %s/b", TmpDir, TmpDir);
    BuildSample(Record);
    WriteBytes(TmpPath("good.rec"), Record, sizeof(Record));
    WriteBytes(TmpPath("a/hello.exe"), SampleImage, sizeof(SampleImage));
    memcpy(Other, SampleImage, sizeof(Other));
    Other[3] ^= 0x40;
    WriteBytes(TmpPath("b/hello.exe"), Other, sizeof(Other));
    WriteBytes(TmpPath("a/other.exe"), SampleImage, sizeof(SampleImage));
    HT_CHECK_EQ(0, Run("%s --expect-image %s %s > %s", TRAPDUMP, TmpPath("a/hello.exe"),
                       TmpPath("good.rec"), TmpPath("out.txt")));
    HT_CHECK_EQ(1, Run("%s --expect-image %s %s > %s", TRAPDUMP, TmpPath("b/hello.exe"),
                       TmpPath("good.rec"), TmpPath("out.txt")));
    HT_CHECK(OutputContains("another program image (0xC0000022)"));
    HT_CHECK_EQ(1, Run("%s --expect-image %s %s > /dev/null", TRAPDUMP, TmpPath("a/other.exe"),
                       TmpPath("good.rec")));
    HT_CHECK_EQ(2, Run("%s --expect-image %s/none %s > /dev/null 2>&1", TRAPDUMP, TmpDir,
                       TmpPath("good.rec")));
}

/* Reading the record out of a FAT disk image through mtools, as `make` would leave it. */
HT_TEST(TrapdumpDiskImage)
{
    UCHAR Record[RR_TRAP_RECORD_SIZE];
    const char *Img = TmpPath("disk.img");

    if (Run("command -v mformat >/dev/null && command -v mcopy >/dev/null") != 0) {
        printf("mtools missing: disk-image case skipped\n");
        return;
    }
    BuildSample(Record);
    WriteBytes(TmpPath("good.rec"), Record, sizeof(Record));
    HT_CHECK_EQ(0, Run("mformat -C -f 1440 -i %s :: && mmd -i %s ::/WINDOWS && "
                       "mcopy -i %s %s ::/WINDOWS/TrapFrame", Img, Img, Img, TmpPath("good.rec")));
    HT_CHECK_EQ(0, Run("%s --image %s > %s", TRAPDUMP, Img, TmpPath("out.txt")));
    HT_CHECK(OutputContains("record is VALID"));
    HT_CHECK_EQ(0, Run("%s --image %s '\\WINDOWS\\TRAPFRAME' > /dev/null", TRAPDUMP, Img));
    HT_CHECK_EQ(2, Run("%s --image %s ::/WINDOWS/Nothing > /dev/null 2>&1", TRAPDUMP, Img));
    SetU32(Record + F(EFlags), 0x3246);        /* IOPL 3 */
    Resign(Record);
    WriteBytes(TmpPath("iopl.rec"), Record, sizeof(Record));
    HT_CHECK_EQ(0, Run("mcopy -o -i %s %s ::/WINDOWS/TrapFrame", Img, TmpPath("iopl.rec")));
    HT_CHECK_EQ(1, Run("%s --image %s > %s", TRAPDUMP, Img, TmpPath("out.txt")));
    HT_CHECK(OutputContains("EFlags holds a bit"));
}

static void Cleanup(void)
{
    Run("rm -rf %s", TmpDir);
}

__attribute__((constructor(200))) static void Setup(void)
{
    if (access(TRAPDUMP, X_OK) != 0) {
        printf("[FAIL] %s not built (run from the repository root after make %s)\n", TRAPDUMP,
               TRAPDUMP);
        exit(1);
    }
    if (mkdtemp(TmpDir) == NULL) {
        perror("mkdtemp");
        exit(1);
    }
    setenv("MTOOLS_SKIP_CHECK", "1", 1);
    atexit(Cleanup);
}

HT_MAIN()
