/*
 * trapfile.c - build and validate thread-context records (docs/spec.md §8, docs/trapfile.md).
 *
 * Pure C with no kernel calls: the kernel links it for NtRecordOrRecoveryTrapFrame and the host
 * links it into tools/trapdump and tests/host/test_trapfile, so both judge a file the same way.
 * Validation only judges, it never repairs: the one change made to an accepted frame is forcing IF
 * (and EFLAGS bit 1), which every user frame has anyway.
 */
#include "rrformat.h"

#include "rtl.h"             /* memcpy & co: the rtl in kernel and user builds, libc on the host */

/* EFLAGS bit 1 always reads as 1. */
#define EFLAGS_ALWAYS_ONE 0x00000002
/* Every EFLAGS bit a recovered frame may hold; IOPL, NT, RF, VM, VIF, VIP and reserved bits are
   outside it. */
#define RR_TRAP_EFLAGS_ALLOWED (EFLAGS_USER_SETTABLE | EFLAGS_IF | EFLAGS_ALWAYS_ONE)

/* CRC-32 tables for eight bytes at a time (reflected polynomial 0xEDB88320): Table[0][b] is the
   remainder of byte b, Table[k][b] that of byte b followed by k zero bytes. Filled on first use
   (the same values every time, so a second filler does no harm); 8 KiB. */
#define RR_CRC32_POLYNOMIAL 0xEDB88320u
static ULONG RrpCrc32Table[8][256];
static volatile BOOLEAN RrpCrc32TableReady;

static VOID RrpInitializeCrc32Table(VOID)
{
    for (ULONG b = 0; b < 256; b++) {
        ULONG c = b;
        for (ULONG k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ RR_CRC32_POLYNOMIAL : c >> 1;
        RrpCrc32Table[0][b] = c;
    }
    for (ULONG b = 0; b < 256; b++)
        for (ULONG k = 1; k < 8; k++) {
            ULONG c = RrpCrc32Table[k - 1][b];
            RrpCrc32Table[k][b] = (c >> 8) ^ RrpCrc32Table[0][c & 0xFF];
        }
    RrpCrc32TableReady = TRUE;
}

/*
 * RtlComputeCrc32 - CRC-32 of Buffer continuing from PartialCrc (0 to start), so that
 * RtlComputeCrc32(RtlComputeCrc32(0, A, a), B, b) is the CRC of A followed by B.
 * Eight bytes per step through the eight tables (a 212-byte record is 26 steps), the rest
 * bytewise.
 */
ULONG RtlComputeCrc32(ULONG PartialCrc, const VOID *Buffer, ULONG Length)
{
    typedef ULONG __attribute__((may_alias, aligned(1))) UNALIGNED_ULONG;
    const UCHAR *Bytes = Buffer;
    ULONG Crc = ~PartialCrc;

    if (!RrpCrc32TableReady)
        RrpInitializeCrc32Table();
#if defined(__i386__)
    /* The same step as the C loop below, scheduled by hand: 24 instructions per 8 bytes where
       the compiler's register shuffling makes 30. */
    if (Length >= 8) {
        const UCHAR *End = Bytes + (Length & ~7u);
        __asm__("1:\n\t"
                "movl (%%esi), %%eax\n\t"
                "movl 4(%%esi), %%edx\n\t"
                "xorl %%ecx, %%eax\n\t"
                "movzbl %%al, %%ecx\n\t"
                "movl %c[t]+7*1024(,%%ecx,4), %%ecx\n\t"
                "movzbl %%ah, %%ebx\n\t"
                "xorl %c[t]+6*1024(,%%ebx,4), %%ecx\n\t"
                "shrl $16, %%eax\n\t"
                "movzbl %%al, %%ebx\n\t"
                "xorl %c[t]+5*1024(,%%ebx,4), %%ecx\n\t"
                "movzbl %%ah, %%ebx\n\t"
                "xorl %c[t]+4*1024(,%%ebx,4), %%ecx\n\t"
                "movzbl %%dl, %%ebx\n\t"
                "xorl %c[t]+3*1024(,%%ebx,4), %%ecx\n\t"
                "movzbl %%dh, %%ebx\n\t"
                "xorl %c[t]+2*1024(,%%ebx,4), %%ecx\n\t"
                "shrl $16, %%edx\n\t"
                "movzbl %%dl, %%ebx\n\t"
                "xorl %c[t]+1*1024(,%%ebx,4), %%ecx\n\t"
                "movzbl %%dh, %%ebx\n\t"
                "xorl %c[t](,%%ebx,4), %%ecx\n\t"
                "addl $8, %%esi\n\t"
                "cmpl %%edi, %%esi\n\t"
                "jne 1b"
                : "+c"(Crc), "+S"(Bytes)
                : "D"(End), [t] "i"(RrpCrc32Table), "m"(*(const UCHAR(*)[Length])Buffer),
                  "m"(RrpCrc32Table)
                : "eax", "ebx", "edx", "cc");
        Length &= 7;
    }
#endif
    for (; Length >= 8; Length -= 8, Bytes += 8) {
        ULONG Low = Crc ^ *(const UNALIGNED_ULONG *)Bytes;   /* x86: little endian, unaligned is fine */
        ULONG High = *(const UNALIGNED_ULONG *)(Bytes + 4);
        Crc = RrpCrc32Table[7][Low & 0xFF] ^ RrpCrc32Table[6][(Low >> 8) & 0xFF] ^
              RrpCrc32Table[5][(Low >> 16) & 0xFF] ^ RrpCrc32Table[4][Low >> 24] ^
              RrpCrc32Table[3][High & 0xFF] ^ RrpCrc32Table[2][(High >> 8) & 0xFF] ^
              RrpCrc32Table[1][(High >> 16) & 0xFF] ^ RrpCrc32Table[0][High >> 24];
    }
    for (; Length != 0; Length--, Bytes++)
        Crc = (Crc >> 8) ^ RrpCrc32Table[0][(Crc ^ *Bytes) & 0xFF];
    return ~Crc;
}

/*
 * RrComputeImageIdentity - the identity a record is bound to: the image file's size and CRC-32
 * and its base name (the part after the last '/' or '\'), ASCII upper-cased because FAT names are
 * case-insensitive, cut to 15 characters (what EPROCESS.ImageFileName keeps, as on NT) and NUL
 * padded, so the kernel and the host tool compute the same identity for any name length.
 */
VOID RrComputeImageIdentity(const VOID *ImageBytes, ULONG ImageSize, PCSTR BaseName,
                            PRR_TRAP_IMAGE_IDENTITY Identity)
{
    PCSTR Name = BaseName;

    memset(Identity, 0, sizeof(*Identity));
    Identity->ImageSize = ImageSize;
    Identity->ImageCrc32 = RtlComputeCrc32(0, ImageBytes, ImageSize);
    if (Name == NULL)
        return;
    for (PCSTR p = BaseName; *p != '\0'; p++)
        if (*p == '/' || *p == '\\')
            Name = p + 1;
    for (ULONG i = 0; i < RR_TRAP_IMAGE_NAME_LENGTH - 1 && Name[i] != '\0'; i++) {
        CHAR c = Name[i];
        Identity->ImageName[i] = (c >= 'a' && c <= 'z') ? (CHAR)(c - 'a' + 'A') : c;
    }
}

/* The characters an identity's name may hold: printable ASCII without lower case, '/' or '\'. */
static const UCHAR RrpIdentityNameChar[256] = {
    [0x20 ... 0x2E] = 1, [0x30 ... 0x5B] = 1, [0x5D ... 0x60] = 1, [0x7B ... 0x7E] = 1,
};

/* TRUE when Identity is exactly as RrComputeImageIdentity would write one. */
static BOOLEAN RrpIsIdentityWellFormed(const RR_TRAP_IMAGE_IDENTITY *Identity)
{
    ULONG i = 0;

    if (Identity->Reserved[0] != 0 || Identity->Reserved[1] != 0)
        return FALSE;
    while (i < RR_TRAP_IMAGE_NAME_LENGTH && RrpIdentityNameChar[(UCHAR)Identity->ImageName[i]])
        i++;
    for (; i < RR_TRAP_IMAGE_NAME_LENGTH; i++)      /* NUL padded to the end */
        if (Identity->ImageName[i] != 0)
            return FALSE;
    return TRUE;
}

/* Copies the user-visible registers of Source into a zeroed Destination (docs/spec.md §4: Edx is the user
   value here; a service's trap frame holds the trap-frame link there, see RrBuildTrapRecord). */
static VOID RrpCopyUserVisibleFields(PKTRAP_FRAME Destination, const KTRAP_FRAME *Source)
{
    memset(Destination, 0, sizeof(*Destination));
    Destination->SegGs = Source->SegGs;
    Destination->SegEs = Source->SegEs;
    Destination->SegDs = Source->SegDs;
    Destination->Edx = Source->Edx;
    Destination->Ecx = Source->Ecx;
    Destination->Eax = Source->Eax;
    Destination->SegFs = Source->SegFs;
    Destination->Edi = Source->Edi;
    Destination->Esi = Source->Esi;
    Destination->Ebx = Source->Ebx;
    Destination->Ebp = Source->Ebp;
    Destination->Eip = Source->Eip;
    Destination->SegCs = Source->SegCs;
    Destination->EFlags = Source->EFlags;
    Destination->HardwareEsp = Source->HardwareEsp;
    Destination->HardwareSegSs = Source->HardwareSegSs;
}

/* TRUE when every kernel-only field of Frame (the 19 that RrpCopyUserVisibleFields leaves zero)
   is zero: one OR of them, cheaper than building the user-only copy and comparing. */
_Static_assert(KTRAP_FRAME_LENGTH == (16 + 19) * sizeof(ULONG),
               "KTRAP_FRAME: 16 user-visible and 19 kernel-only dwords");
static BOOLEAN RrpKernelOnlyFieldsZero(const KTRAP_FRAME *F)
{
    return (F->DbgEbp | F->DbgEip | F->DbgArgMark | F->DbgArgPointer | F->TempSegCs | F->TempEsp |
            F->Dr0 | F->Dr1 | F->Dr2 | F->Dr3 | F->Dr6 | F->Dr7 | F->PreviousPreviousMode |
            F->ExceptionList | F->ErrCode | F->V86Es | F->V86Ds | F->V86Fs | F->V86Gs) == 0;
}

/* CRC-32 of a record: the header with Checksum taken as 0, then the payload, in one pass over
   Record (whose Checksum is zeroed for the pass and put back). */
static ULONG RrpTrapRecordChecksum(PRR_TRAP_RECORD Record)
{
    ULONG stored = Record->Header.Checksum;
    Record->Header.Checksum = 0;
    ULONG crc = RtlComputeCrc32(0, Record, RR_TRAP_RECORD_SIZE);
    Record->Header.Checksum = stored;
    return crc;
}

/* What every record's header starts as: magic, version and sizes, everything else zero. */
static const RR_TRAP_RECORD_HEADER RrpHeaderTemplate = {
    .Magic = RR_TRAP_RECORD_MAGIC,
    .Version = RR_TRAP_RECORD_VERSION,
    .HeaderSize = RR_TRAP_RECORD_HEADER_SIZE,
    .PayloadSize = KTRAP_FRAME_LENGTH,
};

/*
 * RrBuildTrapRecord - writes a record (header + payload, RR_TRAP_RECORD_SIZE bytes) into Buffer.
 * Only the 16 user-visible registers of Frame are copied; every kernel-only field is written as 0.
 * Frame must hold the user's values: a service's own trap frame carries the previous trap-frame
 * link in Edx (docs/spec.md §4), so the caller passes a copy whose Edx is the user's (or 0). The frame is
 * not judged here; recovery judges it (RrValidateTrapRecord).
 * Result: STATUS_SUCCESS with *RecordSize = bytes written; STATUS_BUFFER_TOO_SMALL with
 * *RecordSize = bytes needed; STATUS_INVALID_PARAMETER for NULL inputs, unknown or both Flags,
 * or an Identity not made by RrComputeImageIdentity.
 */
NTSTATUS RrBuildTrapRecord(const KTRAP_FRAME *Frame, const RR_TRAP_IMAGE_IDENTITY *Identity,
                           ULONGLONG Generation, ULONG Flags, PVOID Buffer, ULONG BufferSize,
                           PULONG RecordSize)
{
    RR_TRAP_RECORD Record;

    if (Frame == NULL || Identity == NULL || RecordSize == NULL)
        return STATUS_INVALID_PARAMETER;
    if ((Flags & ~RR_TRAP_RECORD_VALID_FLAGS) != 0 || Flags == RR_TRAP_RECORD_VALID_FLAGS)
        return STATUS_INVALID_PARAMETER;
    if (!RrpIsIdentityWellFormed(Identity))
        return STATUS_INVALID_PARAMETER;
    *RecordSize = RR_TRAP_RECORD_SIZE;
    if (Buffer == NULL || BufferSize < RR_TRAP_RECORD_SIZE)
        return STATUS_BUFFER_TOO_SMALL;

    Record.Header = RrpHeaderTemplate;
    Record.Header.Flags = Flags;
    Record.Header.Generation = Generation;
    Record.Header.Identity = *Identity;
    RrpCopyUserVisibleFields(&Record.Frame, Frame);
    Record.Header.Checksum = RrpTrapRecordChecksum(&Record);
    memcpy(Buffer, &Record, RR_TRAP_RECORD_SIZE);
    return STATUS_SUCCESS;
}

/* Sets *Reason when the caller asked for one; returns Status. */
static NTSTATUS RrpRefuse(PCSTR *Reason, PCSTR Why, NTSTATUS Status)
{
    if (Reason != NULL)
        *Reason = Why;
    return Status;
}

/*
 * RrCheckUserTrapFrame - checks that Frame's user-visible registers are a state the thread's own
 * ring-3 code could reach (docs/spec.md §8): user selectors, EIP and ESP below
 * MmUserProbeAddress, no EFLAGS bit outside the user-settable set (so no IOPL, NT, RF, VM, VIF,
 * VIP). Kernel-only fields are not looked at. Result: STATUS_SUCCESS or STATUS_ACCESS_DENIED.
 */
NTSTATUS RrCheckUserTrapFrame(const KTRAP_FRAME *Frame, PCSTR *Reason)
{
    const ULONG UserCode = KGDT_R3_CODE | 3, UserData = KGDT_R3_DATA | 3, UserTeb = KGDT_R3_TEB | 3;

    if (Frame->SegCs != UserCode)
        return RrpRefuse(Reason, "SegCs is not the user code selector 0x1b", STATUS_ACCESS_DENIED);
    if (Frame->HardwareSegSs != UserData)
        return RrpRefuse(Reason, "HardwareSegSs is not 0x23", STATUS_ACCESS_DENIED);
    if (Frame->SegDs != UserData)
        return RrpRefuse(Reason, "SegDs is not 0x23", STATUS_ACCESS_DENIED);
    if (Frame->SegEs != UserData)
        return RrpRefuse(Reason, "SegEs is not 0x23", STATUS_ACCESS_DENIED);
    if (Frame->SegFs != UserTeb)
        return RrpRefuse(Reason, "SegFs is not the TEB selector 0x3b", STATUS_ACCESS_DENIED);
    if (Frame->SegGs != 0 && Frame->SegGs != UserData)
        return RrpRefuse(Reason, "SegGs is neither 0 nor 0x23", STATUS_ACCESS_DENIED);
    if (Frame->Eip >= RR_TRAP_USER_PROBE_ADDRESS)
        return RrpRefuse(Reason, "Eip is not below MmUserProbeAddress", STATUS_ACCESS_DENIED);
    if (Frame->HardwareEsp >= RR_TRAP_USER_PROBE_ADDRESS)
        return RrpRefuse(Reason, "HardwareEsp is not below MmUserProbeAddress",
                        STATUS_ACCESS_DENIED);
    if ((Frame->EFlags & ~(ULONG)RR_TRAP_EFLAGS_ALLOWED) != 0)
        return RrpRefuse(Reason, "EFlags holds a bit user mode may not set (IOPL, NT, RF, VM, "
                        "VIF, VIP or reserved)", STATUS_ACCESS_DENIED);
    return STATUS_SUCCESS;
}

/*
 * RrpCheckTrapRecordStructure - the checks that make a record readable: sizes, magic, version,
 * checksum, flags, reserved fields, identity form, kernel-only payload fields all zero. Fills
 * Record (a local copy: the buffer may be unaligned; on failure its contents mean nothing).
 * Result: STATUS_SUCCESS, STATUS_REVISION_MISMATCH or STATUS_FILE_CORRUPT_ERROR.
 */
static NTSTATUS RrpCheckTrapRecordStructure(const VOID *Buffer, ULONG Size, PRR_TRAP_RECORD Record,
                                           PCSTR *Reason)
{
    PRR_TRAP_RECORD_HEADER Header = &Record->Header;

    if (Buffer == NULL || Size < sizeof(*Header))
        return RrpRefuse(Reason, "shorter than the record header", STATUS_FILE_CORRUPT_ERROR);
    memcpy(Header, Buffer, sizeof(*Header));
    if (memcmp(Header->Magic, RR_TRAP_RECORD_MAGIC, RR_TRAP_RECORD_MAGIC_LENGTH) != 0)
        return RrpRefuse(Reason, "bad magic", STATUS_FILE_CORRUPT_ERROR);
    /* A later version may lay out the rest differently, so nothing after Version is trusted
       before this check. */
    if (Header->Version != RR_TRAP_RECORD_VERSION)
        return RrpRefuse(Reason, "unsupported version", STATUS_REVISION_MISMATCH);
    if (Header->HeaderSize != RR_TRAP_RECORD_HEADER_SIZE)
        return RrpRefuse(Reason, "HeaderSize is not 0x48", STATUS_FILE_CORRUPT_ERROR);
    if (Header->PayloadSize != KTRAP_FRAME_LENGTH)
        return RrpRefuse(Reason, "PayloadSize is not 0x8c", STATUS_FILE_CORRUPT_ERROR);
    if (Size != RR_TRAP_RECORD_SIZE)
        return RrpRefuse(Reason, Size < RR_TRAP_RECORD_SIZE ? "truncated" : "trailing bytes",
                        STATUS_FILE_CORRUPT_ERROR);
    memcpy(&Record->Frame, (const UCHAR *)Buffer + RR_TRAP_RECORD_HEADER_SIZE, sizeof(Record->Frame));

    /* The checksum comes before any field check, so random damage reads as corruption. */
    if (RrpTrapRecordChecksum(Record) != Header->Checksum)
        return RrpRefuse(Reason, "checksum mismatch", STATUS_FILE_CORRUPT_ERROR);
    if ((Header->Flags & ~RR_TRAP_RECORD_VALID_FLAGS) != 0 ||
        Header->Flags == RR_TRAP_RECORD_VALID_FLAGS)
        return RrpRefuse(Reason, "unknown or contradictory Flags", STATUS_FILE_CORRUPT_ERROR);
    if (Header->Reserved != 0)
        return RrpRefuse(Reason, "header Reserved is not zero", STATUS_FILE_CORRUPT_ERROR);
    if (!RrpIsIdentityWellFormed(&Header->Identity))
        return RrpRefuse(Reason, "malformed image identity", STATUS_FILE_CORRUPT_ERROR);
    if (!RrpKernelOnlyFieldsZero(&Record->Frame))
        return RrpRefuse(Reason, "a kernel-only frame field is not zero", STATUS_FILE_CORRUPT_ERROR);
    return STATUS_SUCCESS;
}

/* Every rule of RrValidateTrapRecordEx, judged on the copy in Record (meaningless on failure);
   on success Record->Frame has IF and bit 1 forced. */
static NTSTATUS RrpValidateTrapRecord(const VOID *Buffer, ULONG Size,
                                     const RR_TRAP_IMAGE_IDENTITY *Expected, PRR_TRAP_RECORD Record,
                                     PCSTR *Reason)
{
    NTSTATUS Status = RrpCheckTrapRecordStructure(Buffer, Size, Record, Reason);
    if (!NT_SUCCESS(Status))
        return Status;
    if (Expected != NULL && memcmp(&Record->Header.Identity, Expected, sizeof(*Expected)) != 0)
        return RrpRefuse(Reason, "recorded by another program image", STATUS_ACCESS_DENIED);
    Status = RrCheckUserTrapFrame(&Record->Frame, Reason);
    if (!NT_SUCCESS(Status))
        return Status;
    Record->Frame.EFlags |= EFLAGS_IF | EFLAGS_ALWAYS_ONE;
    if (Reason != NULL)
        *Reason = NULL;
    return STATUS_SUCCESS;
}

/*
 * RrValidateTrapRecordEx - judges Size bytes at Buffer as recovery does (docs/trapfile.md lists
 * every rule and its status): structure and checksum (STATUS_FILE_CORRUPT_ERROR, or
 * STATUS_REVISION_MISMATCH for another version), then the identity against Expected unless it is
 * NULL (STATUS_ACCESS_DENIED), then the frame (RrCheckUserTrapFrame, STATUS_ACCESS_DENIED).
 * On success copies the frame with IF and bit 1 forced to UserFrameOut and the header to
 * HeaderOut (either may be NULL); on failure writes neither, and sets *Reason if asked.
 */
NTSTATUS RrValidateTrapRecordEx(const VOID *Buffer, ULONG Size,
                                const RR_TRAP_IMAGE_IDENTITY *Expected, PKTRAP_FRAME UserFrameOut,
                                PRR_TRAP_RECORD_HEADER HeaderOut, PCSTR *Reason)
{
    RR_TRAP_RECORD Record;
    NTSTATUS Status = RrpValidateTrapRecord(Buffer, Size, Expected, &Record, Reason);
    if (!NT_SUCCESS(Status))
        return Status;
    if (UserFrameOut != NULL)
        *UserFrameOut = Record.Frame;
    if (HeaderOut != NULL)
        *HeaderOut = Record.Header;
    return STATUS_SUCCESS;
}

/*
 * RrValidateTrapRecordInto - RrValidateTrapRecordEx for a caller with no use for the record when
 * it is refused: the record is judged in Scratch itself, no copy out (on failure Scratch means
 * nothing). On success Scratch->Frame is the frame RrValidateTrapRecordEx would give.
 */
NTSTATUS RrValidateTrapRecordInto(const VOID *Buffer, ULONG Size,
                                  const RR_TRAP_IMAGE_IDENTITY *Expected, PRR_TRAP_RECORD Scratch,
                                  PCSTR *Reason)
{
    return RrpValidateTrapRecord(Buffer, Size, Expected, Scratch, Reason);
}

/* RrValidateTrapRecord - RrValidateTrapRecordEx without the reason. */
NTSTATUS RrValidateTrapRecord(const VOID *Buffer, ULONG Size,
                              const RR_TRAP_IMAGE_IDENTITY *Expected, PKTRAP_FRAME UserFrameOut,
                              PRR_TRAP_RECORD_HEADER HeaderOut)
{
    return RrValidateTrapRecordEx(Buffer, Size, Expected, UserFrameOut, HeaderOut, NULL);
}

/*
 * RrQueryTrapRecordGeneration - the Generation of a record that is structurally sound (any image,
 * any frame), so a writer can pass it + 1; 0 when there is no such record.
 */
ULONGLONG RrQueryTrapRecordGeneration(const VOID *Buffer, ULONG Size)
{
    RR_TRAP_RECORD Record;

    if (!NT_SUCCESS(RrpCheckTrapRecordStructure(Buffer, Size, &Record, NULL)))
        return 0;
    return Record.Header.Generation;
}
