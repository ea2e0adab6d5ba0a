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

/* CRC-32 remainders of the 16 nibble values (reflected polynomial 0xEDB88320). */
static const ULONG KiCrc32NibbleTable[16] = {
    0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC, 0x76DC4190, 0x6B6B51F4, 0x4DB26158, 0x5005713C,
    0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C, 0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
};

/*
 * RtlComputeCrc32 - CRC-32 of Buffer continuing from PartialCrc (0 to start), so that
 * RtlComputeCrc32(RtlComputeCrc32(0, A, a), B, b) is the CRC of A followed by B.
 * A nibble table keeps it small; records are 212 bytes and images are hashed once per call.
 */
ULONG RtlComputeCrc32(ULONG PartialCrc, const VOID *Buffer, ULONG Length)
{
    const UCHAR *Bytes = Buffer;
    ULONG Crc = ~PartialCrc;

    for (ULONG i = 0; i < Length; i++) {
        Crc ^= Bytes[i];
        Crc = (Crc >> 4) ^ KiCrc32NibbleTable[Crc & 0xF];
        Crc = (Crc >> 4) ^ KiCrc32NibbleTable[Crc & 0xF];
    }
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

/* TRUE when Identity is exactly as RrComputeImageIdentity would write one. */
static BOOLEAN RrpIsIdentityWellFormed(const RR_TRAP_IMAGE_IDENTITY *Identity)
{
    BOOLEAN Ended = FALSE;

    if (Identity->Reserved[0] != 0 || Identity->Reserved[1] != 0)
        return FALSE;
    for (ULONG i = 0; i < RR_TRAP_IMAGE_NAME_LENGTH; i++) {
        UCHAR c = (UCHAR)Identity->ImageName[i];
        if (c == 0)
            Ended = TRUE;
        else if (Ended || c < 0x20 || c > 0x7E || (c >= 'a' && c <= 'z') || c == '/' || c == '\\')
            return FALSE;
    }
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

/* CRC-32 of a record: the header with Checksum taken as 0, then the payload. */
static ULONG RrpTrapRecordChecksum(const RR_TRAP_RECORD_HEADER *Header, const KTRAP_FRAME *Frame)
{
    RR_TRAP_RECORD_HEADER Copy = *Header;

    Copy.Checksum = 0;
    return RtlComputeCrc32(RtlComputeCrc32(0, &Copy, sizeof(Copy)), Frame, sizeof(*Frame));
}

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
    RR_TRAP_RECORD_HEADER Header;
    KTRAP_FRAME Payload;

    if (Frame == NULL || Identity == NULL || RecordSize == NULL)
        return STATUS_INVALID_PARAMETER;
    if ((Flags & ~RR_TRAP_RECORD_VALID_FLAGS) != 0 || Flags == RR_TRAP_RECORD_VALID_FLAGS)
        return STATUS_INVALID_PARAMETER;
    if (!RrpIsIdentityWellFormed(Identity))
        return STATUS_INVALID_PARAMETER;
    *RecordSize = RR_TRAP_RECORD_SIZE;
    if (Buffer == NULL || BufferSize < RR_TRAP_RECORD_SIZE)
        return STATUS_BUFFER_TOO_SMALL;

    memset(&Header, 0, sizeof(Header));
    memcpy(Header.Magic, RR_TRAP_RECORD_MAGIC, RR_TRAP_RECORD_MAGIC_LENGTH);
    Header.Version = RR_TRAP_RECORD_VERSION;
    Header.HeaderSize = RR_TRAP_RECORD_HEADER_SIZE;
    Header.PayloadSize = KTRAP_FRAME_LENGTH;
    Header.Flags = Flags;
    Header.Generation = Generation;
    Header.Identity = *Identity;
    RrpCopyUserVisibleFields(&Payload, Frame);
    Header.Checksum = RrpTrapRecordChecksum(&Header, &Payload);

    memcpy(Buffer, &Header, sizeof(Header));
    memcpy((PUCHAR)Buffer + sizeof(Header), &Payload, sizeof(Payload));
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
 * Header and Frame (local copies, the buffer may be unaligned). Result: STATUS_SUCCESS,
 * STATUS_REVISION_MISMATCH or STATUS_FILE_CORRUPT_ERROR.
 */
static NTSTATUS RrpCheckTrapRecordStructure(const VOID *Buffer, ULONG Size,
                                           PRR_TRAP_RECORD_HEADER Header, PKTRAP_FRAME Frame,
                                           PCSTR *Reason)
{
    KTRAP_FRAME UserOnly;

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
    memcpy(Frame, (const UCHAR *)Buffer + RR_TRAP_RECORD_HEADER_SIZE, sizeof(*Frame));

    /* The checksum comes before any field check, so random damage reads as corruption. */
    if (RrpTrapRecordChecksum(Header, Frame) != Header->Checksum)
        return RrpRefuse(Reason, "checksum mismatch", STATUS_FILE_CORRUPT_ERROR);
    if ((Header->Flags & ~RR_TRAP_RECORD_VALID_FLAGS) != 0 ||
        Header->Flags == RR_TRAP_RECORD_VALID_FLAGS)
        return RrpRefuse(Reason, "unknown or contradictory Flags", STATUS_FILE_CORRUPT_ERROR);
    if (Header->Reserved != 0)
        return RrpRefuse(Reason, "header Reserved is not zero", STATUS_FILE_CORRUPT_ERROR);
    if (!RrpIsIdentityWellFormed(&Header->Identity))
        return RrpRefuse(Reason, "malformed image identity", STATUS_FILE_CORRUPT_ERROR);
    RrpCopyUserVisibleFields(&UserOnly, Frame);
    if (memcmp(&UserOnly, Frame, sizeof(UserOnly)) != 0)
        return RrpRefuse(Reason, "a kernel-only frame field is not zero", STATUS_FILE_CORRUPT_ERROR);
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
    RR_TRAP_RECORD_HEADER Header;
    KTRAP_FRAME Frame;
    NTSTATUS Status;

    Status = RrpCheckTrapRecordStructure(Buffer, Size, &Header, &Frame, Reason);
    if (!NT_SUCCESS(Status))
        return Status;
    if (Expected != NULL && memcmp(&Header.Identity, Expected, sizeof(*Expected)) != 0)
        return RrpRefuse(Reason, "recorded by another program image", STATUS_ACCESS_DENIED);
    Status = RrCheckUserTrapFrame(&Frame, Reason);
    if (!NT_SUCCESS(Status))
        return Status;

    Frame.EFlags |= EFLAGS_IF | EFLAGS_ALWAYS_ONE;
    if (UserFrameOut != NULL)
        *UserFrameOut = Frame;
    if (HeaderOut != NULL)
        *HeaderOut = Header;
    if (Reason != NULL)
        *Reason = NULL;
    return STATUS_SUCCESS;
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
    RR_TRAP_RECORD_HEADER Header;
    KTRAP_FRAME Frame;

    if (!NT_SUCCESS(RrpCheckTrapRecordStructure(Buffer, Size, &Header, &Frame, NULL)))
        return 0;
    return Header.Generation;
}
