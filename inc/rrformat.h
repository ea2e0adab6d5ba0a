/*
 * rrformat.h - the thread-context record file (\SystemRoot\TrapFrame, docs/spec.md §8).
 *
 * A record is a fixed header followed by a KTRAP_FRAME holding only the user-visible registers.
 * Pure C shared by the kernel (NtRecordOrRecoveryTrapFrame) and the host tool tools/trapdump;
 * the byte-by-byte format and the refusal -> NTSTATUS mapping are in docs/trapfile.md.
 * All fields are little-endian (x86).
 */
#ifndef NANONT_RRFORMAT_H
#define NANONT_RRFORMAT_H

#include "ntdef.h"
#include "ntstatus.h"
#include "ktrap.h"

#define RR_TRAP_RECORD_MAGIC        "NNTTRAP1"  /* 8 bytes, no terminator in the file */
#define RR_TRAP_RECORD_MAGIC_LENGTH 8
#define RR_TRAP_RECORD_VERSION      1

/* Header Flags: the entry path the recorded service call came through (at most one). */
#define RR_TRAP_RECORD_FAST_CALL    0x00000001  /* sysenter / KiFastCallEntry */
#define RR_TRAP_RECORD_INT2E        0x00000002  /* int 2Eh / KiSystemService */
#define RR_TRAP_RECORD_VALID_FLAGS  0x00000003

#define RR_TRAP_IMAGE_NAME_LENGTH   16

/* MmUserProbeAddress (docs/spec.md §2): a recovered EIP or ESP must lie below it. */
#define RR_TRAP_USER_PROBE_ADDRESS  0x7FFF0000UL

/* Which program image a record belongs to (32 bytes in the file). */
typedef struct _RR_TRAP_IMAGE_IDENTITY {
    ULONG ImageSize;                           /* 0x00 image file size in bytes */
    ULONG ImageCrc32;                          /* 0x04 RtlComputeCrc32(0, file bytes, size) */
    CHAR ImageName[RR_TRAP_IMAGE_NAME_LENGTH]; /* 0x08 base name, ASCII upper case, NUL padded */
    ULONG Reserved[2];                         /* 0x18 zero */
} RR_TRAP_IMAGE_IDENTITY, *PRR_TRAP_IMAGE_IDENTITY;

typedef struct _RR_TRAP_RECORD_HEADER {
    CHAR Magic[RR_TRAP_RECORD_MAGIC_LENGTH];   /* 0x00 "NNTTRAP1" */
    ULONG Version;                             /* 0x08 RR_TRAP_RECORD_VERSION */
    ULONG HeaderSize;                          /* 0x0C sizeof(RR_TRAP_RECORD_HEADER) = 0x48 */
    ULONG PayloadSize;                         /* 0x10 sizeof(KTRAP_FRAME) = 0x8C */
    ULONG Flags;                               /* 0x14 RR_TRAP_RECORD_* */
    ULONGLONG Generation;                      /* 0x18 previous record's generation + 1 */
    RR_TRAP_IMAGE_IDENTITY Identity;           /* 0x20 the recording image */
    ULONG Checksum;                            /* 0x40 CRC32 of header (this field 0) + payload */
    ULONG Reserved;                            /* 0x44 zero */
} RR_TRAP_RECORD_HEADER, *PRR_TRAP_RECORD_HEADER;

#define RR_TRAP_RECORD_HEADER_SIZE  0x48
#define RR_TRAP_RECORD_SIZE         (RR_TRAP_RECORD_HEADER_SIZE + KTRAP_FRAME_LENGTH) /* 0xD4 */

/* A whole record as it lies in the file: the header, then the frame, RR_TRAP_RECORD_SIZE bytes
   (the 64-bit host pads the struct's tail to 8; that padding is never read or written). */
typedef struct _RR_TRAP_RECORD {
    RR_TRAP_RECORD_HEADER Header;
    KTRAP_FRAME Frame;
} RR_TRAP_RECORD, *PRR_TRAP_RECORD;
_Static_assert(offsetof(RR_TRAP_RECORD, Frame) == RR_TRAP_RECORD_HEADER_SIZE, "record payload");

_Static_assert(sizeof(RR_TRAP_IMAGE_IDENTITY) == 0x20, "RR_TRAP_IMAGE_IDENTITY size");
_Static_assert(sizeof(RR_TRAP_RECORD_HEADER) == RR_TRAP_RECORD_HEADER_SIZE, "header size");
/* the on-disk layout, asserted in every build that reads or writes records (kernel and host) */
_Static_assert(offsetof(RR_TRAP_IMAGE_IDENTITY, ImageCrc32) == 0x04, "ImageCrc32");
_Static_assert(offsetof(RR_TRAP_IMAGE_IDENTITY, ImageName) == 0x08, "ImageName");
_Static_assert(offsetof(RR_TRAP_IMAGE_IDENTITY, Reserved) == 0x18, "Identity.Reserved");
_Static_assert(offsetof(RR_TRAP_RECORD_HEADER, Version) == 0x08, "Version");
_Static_assert(offsetof(RR_TRAP_RECORD_HEADER, HeaderSize) == 0x0C, "HeaderSize");
_Static_assert(offsetof(RR_TRAP_RECORD_HEADER, PayloadSize) == 0x10, "PayloadSize");
_Static_assert(offsetof(RR_TRAP_RECORD_HEADER, Flags) == 0x14, "Flags");
_Static_assert(offsetof(RR_TRAP_RECORD_HEADER, Generation) == 0x18, "Generation");
_Static_assert(offsetof(RR_TRAP_RECORD_HEADER, Identity) == 0x20, "Identity");
_Static_assert(offsetof(RR_TRAP_RECORD_HEADER, Checksum) == 0x40, "Checksum");
_Static_assert(offsetof(RR_TRAP_RECORD_HEADER, Reserved) == 0x44, "Reserved");

/* Standard CRC-32 (IEEE 802.3, reflected, as NT's RtlComputeCrc32): chains through PartialCrc. */
ULONG RtlComputeCrc32(ULONG PartialCrc, const VOID *Buffer, ULONG Length);

/* Fills Identity from the image file's bytes and its (base or full) name. */
VOID RrComputeImageIdentity(const VOID *ImageBytes, ULONG ImageSize, PCSTR BaseName,
                            PRR_TRAP_IMAGE_IDENTITY Identity);

/* Writes a record of Frame's user-visible registers into Buffer; kernel-only fields become 0. */
NTSTATUS RrBuildTrapRecord(const KTRAP_FRAME *Frame, const RR_TRAP_IMAGE_IDENTITY *Identity,
                           ULONGLONG Generation, ULONG Flags, PVOID Buffer, ULONG BufferSize,
                           PULONG RecordSize);

/* Validates a record as recovery would; outputs are written only on success. Expected NULL skips
   the identity check. */
NTSTATUS RrValidateTrapRecord(const VOID *Buffer, ULONG Size,
                              const RR_TRAP_IMAGE_IDENTITY *Expected, PKTRAP_FRAME UserFrameOut,
                              PRR_TRAP_RECORD_HEADER HeaderOut);

/* The same, and *Reason (optional) names the first rule the record broke. */
NTSTATUS RrValidateTrapRecordEx(const VOID *Buffer, ULONG Size,
                                const RR_TRAP_IMAGE_IDENTITY *Expected, PKTRAP_FRAME UserFrameOut,
                                PRR_TRAP_RECORD_HEADER HeaderOut, PCSTR *Reason);

/* The same judged in *Scratch without a copy out: Scratch->Frame is the result on success and
   means nothing on failure. */
NTSTATUS RrValidateTrapRecordInto(const VOID *Buffer, ULONG Size,
                                  const RR_TRAP_IMAGE_IDENTITY *Expected, PRR_TRAP_RECORD Scratch,
                                  PCSTR *Reason);

/* Checks that Frame's user-visible registers are a state ring-3 code could reach itself. */
NTSTATUS RrCheckUserTrapFrame(const KTRAP_FRAME *Frame, PCSTR *Reason);

/* Generation of a structurally sound record (header and checksum good), else 0. */
ULONGLONG RrQueryTrapRecordGeneration(const VOID *Buffer, ULONG Size);

#endif
