/*
 * trapsave.c - the thread-context services (docs/spec.md §8, docs/trapfile.md):
 *   NtRecordOrRecoveryTrapFrame()  the seed service: record when \SystemRoot\TrapFrame is absent,
 *                                  recover when it is present;
 *   NtRecordTrapFrame(Name, Flags) record; returns STATUS_SUCCESS, and STATUS_TRAP_FRAME_RECOVERED
 *                                  when the thread comes back here by a recovery (like setjmp);
 *   NtRecoverTrapFrame(Name, Flags) resume at a record; returns only on refusal.
 *
 * A record holds the user view of the caller's service frame (KeTrapFrameToContext), with EAX set
 * to the status the recorded call returns when recovered. Recovery reads the file once into
 * kernel memory, validates everything (RrValidateTrapRecordEx, rr/rrformat.c) against the
 * caller's image identity, and only then writes the registers into the frame through
 * KeContextToTrapFrame, which unmarks it so that it leaves by iretd. Any refusal happens before
 * that write: the thread is left exactly as it was. One lock serialises all records and
 * recoveries, so racing writers of one file end with one complete record.
 */
#include "ke.h"
#include "ps.h"
#include "mm.h"
#include "io.h"
#include "rtl.h"
#include "arch.h"
#include "rrformat.h"
#include "rrsvc.h"
#include "rrp.h"

_Static_assert(sizeof(((PEPROCESS)0)->ImageIdentity) == sizeof(RR_TRAP_IMAGE_IDENTITY),
               "EPROCESS.ImageIdentity holds a RR_TRAP_IMAGE_IDENTITY");

static const CHAR RrpDefaultTrapFile[] = "\\SystemRoot\\TrapFrame";

static KMUTANT RrpTrapRecordLock;
static BOOLEAN RrpTrapRecordLockReady;
/* Used only with the lock held. */
static UCHAR RrpTrapFileBuffer[RR_TRAP_READ_LIMIT];
static UCHAR RrpTrapMemoryRecord[RR_TRAP_RECORD_SIZE];   /* TRAP_FRAME_MEMORY_ONLY slot */
static ULONG RrpTrapMemoryRecordSize;
static ULONGLONG RrpTrapMemoryGeneration;   /* of the record in the slot: the kernel wrote it */

static VOID RrpAcquireTrapRecordLock(VOID)
{
    ULONG flags = KeDisableInterruptsInline();
    if (!RrpTrapRecordLockReady) {
        KeInitializeMutant(&RrpTrapRecordLock, FALSE);
        RrpTrapRecordLockReady = TRUE;
    }
    KeRestoreInterruptsInline(flags);
    KeWaitForSingleObject(&RrpTrapRecordLock, Executive, KernelMode, FALSE, NULL);
}

static VOID RrpReleaseTrapRecordLock(VOID)
{
    KeReleaseMutant(&RrpTrapRecordLock, FALSE, NULL);
}

/*
 * RrpCaptureTrapFileName - the NT path (ASCII) a user FileName names: NULL is
 * \SystemRoot\TrapFrame, a name without '\' is \SystemRoot\<name>, a name starting with '\' is
 * used as given (the I/O manager accepts \SystemRoot\... and \??\C:\...). Result:
 * STATUS_SUCCESS, STATUS_ACCESS_VIOLATION, or STATUS_OBJECT_NAME_INVALID for an empty, odd,
 * too long or non-ASCII name, or a relative name with a '\' inside.
 */
static NTSTATUS RrpCaptureTrapFileName(PUNICODE_STRING FileName, CHAR *Path)
{
    static const CHAR root[] = "\\SystemRoot\\";
    UNICODE_STRING name;
    WCHAR chars[TRAP_FRAME_MAX_NAME_BYTES / sizeof(WCHAR)];

    if (FileName == NULL) {
        memcpy(Path, RrpDefaultTrapFile, sizeof(RrpDefaultTrapFile));
        return STATUS_SUCCESS;
    }
    NTSTATUS status = MmCopyFromUser(&name, FileName, sizeof(name));
    if (!NT_SUCCESS(status))
        return status;
    if (name.Length == 0 || (name.Length & 1) || name.Length > sizeof(chars))
        return STATUS_OBJECT_NAME_INVALID;
    status = MmCopyFromUser(chars, name.Buffer, name.Length);
    if (!NT_SUCCESS(status))
        return status;
    ULONG n = name.Length / sizeof(WCHAR), at = 0;
    BOOLEAN absolute = chars[0] == L'\\';
    if (!absolute) {
        memcpy(Path, root, sizeof(root) - 1);
        at = sizeof(root) - 1;
    }
    for (ULONG i = 0; i < n; i++) {
        if (chars[i] < 0x20 || chars[i] > 0x7E || (!absolute && chars[i] == L'\\'))
            return STATUS_OBJECT_NAME_INVALID;
        Path[at++] = (CHAR)chars[i];
    }
    Path[at] = 0;
    return STATUS_SUCCESS;
}

/* RrpCurrentImageIdentity - the identity of the caller's image, computed once per process. */
static NTSTATUS RrpCurrentImageIdentity(PRR_TRAP_IMAGE_IDENTITY *Identity)
{
    PEPROCESS process = PsGetCurrentProcess();
    PRR_TRAP_IMAGE_IDENTITY id = (PRR_TRAP_IMAGE_IDENTITY)process->ImageIdentity;
    if (id->ImageSize == 0) {
        if (process->ImageBytes == NULL || process->ImageSize == 0)
            return STATUS_INSUFFICIENT_RESOURCES;     /* ps could not keep a copy of the image */
        RrComputeImageIdentity(process->ImageBytes, process->ImageSize, process->ImageFileName, id);
    }
    *Identity = id;
    return STATUS_SUCCESS;
}

/*
 * RrpCaptureUserFrame - the user-visible registers of the caller's service frame (the 16 fields
 * RrBuildTrapRecord reads; it writes every other field of the record as zero): ECX/EDX 0 (what
 * the service return gives), the user segment values, GS and EFLAGS as any writer of user state
 * would sanitise them, and EAX = ResumeStatus.
 * *Flags gets the entry path (sysenter frames return to SharedUserData->SystemCallReturn).
 */
static VOID RrpCaptureUserFrame(PKTHREAD Thread, NTSTATUS ResumeStatus, PKTRAP_FRAME Frame,
                               PULONG Flags)
{
    PKTRAP_FRAME tf = Thread->TrapFrame;
    CONTEXT c;
    c.ContextFlags = CONTEXT_FULL;
    KeTrapFrameToContext(Thread, tf, &c);
    Frame->Edx = Frame->Ecx = 0;
    Frame->SegGs = (c.SegGs == (KGDT_R3_DATA | RPL_MASK)) ? c.SegGs : 0;
    Frame->SegEs = c.SegEs;
    Frame->SegDs = c.SegDs;
    Frame->SegFs = c.SegFs;
    Frame->Eax = (ULONG)ResumeStatus;
    Frame->Edi = c.Edi;
    Frame->Esi = c.Esi;
    Frame->Ebx = c.Ebx;
    Frame->Ebp = c.Ebp;
    Frame->Eip = c.Eip;
    Frame->SegCs = c.SegCs;
    Frame->EFlags = KeSanitizeUserEflags(c.EFlags);
    Frame->HardwareEsp = c.Esp;
    Frame->HardwareSegSs = c.SegSs;
    *Flags = (tf->Eip == SharedUserData->SystemCallReturn) ? RR_TRAP_RECORD_FAST_CALL
                                                          : RR_TRAP_RECORD_INT2E;
}

/*
 * RrpApplyUserFrame - make the caller's service return resume at a validated frame: the registers
 * go in through KeContextToTrapFrame (frame edit, sanitising, iretd exit). Result: the EAX the
 * thread resumes with, for the service to return (the exit stores it into the frame's EAX).
 */
static NTSTATUS RrpApplyUserFrame(PKTHREAD Thread, const KTRAP_FRAME *Frame)
{
    CONTEXT c;                    /* CONTEXT_FULL: only the fields set here are read */
    c.ContextFlags = CONTEXT_FULL;
    c.SegGs = Frame->SegGs;
    c.SegFs = Frame->SegFs;
    c.SegEs = Frame->SegEs;
    c.SegDs = Frame->SegDs;
    c.Edi = Frame->Edi;
    c.Esi = Frame->Esi;
    c.Ebx = Frame->Ebx;
    c.Edx = Frame->Edx;
    c.Ecx = Frame->Ecx;
    c.Eax = Frame->Eax;
    c.Ebp = Frame->Ebp;
    c.Eip = Frame->Eip;
    c.SegCs = Frame->SegCs;
    c.EFlags = Frame->EFlags;
    c.Esp = Frame->HardwareEsp;
    c.SegSs = Frame->HardwareSegSs;
    KeContextToTrapFrame(Thread, Thread->TrapFrame, &c, CONTEXT_FULL);
    return (NTSTATUS)Frame->Eax;
}

/* RrpReadTrapRecord - the record bytes from Path (read into RrpTrapFileBuffer), or the memory
   slot itself when Path is NULL (kernel memory, judged in place). */
static NTSTATUS RrpReadTrapRecord(PCSTR Path, const UCHAR **Record, PULONG Size)
{
    if (Path == NULL) {
        if (RrpTrapMemoryRecordSize == 0)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        *Record = RrpTrapMemoryRecord;
        *Size = RrpTrapMemoryRecordSize;
        return STATUS_SUCCESS;
    }
    if (!IoIsSystemRootAvailable())
        return STATUS_OBJECT_PATH_NOT_FOUND;
    *Record = RrpTrapFileBuffer;
    return RrpReadTrapRecordFile(Path, RrpTrapFileBuffer, sizeof(RrpTrapFileBuffer), Size);
}

/*
 * RrpRecordLocked - record the caller's frame to Path (NULL: the memory slot), resuming with
 * ResumeStatus. The generation continues from the record it replaces, if that one is readable.
 */
static NTSTATUS RrpRecordLocked(PCSTR Path, NTSTATUS ResumeStatus)
{
    PRR_TRAP_IMAGE_IDENTITY identity;
    UCHAR record[RR_TRAP_RECORD_SIZE];
    KTRAP_FRAME frame;
    ULONG flags, size = 0, recordSize;
    const UCHAR *old;

    NTSTATUS status = RrpCurrentImageIdentity(&identity);
    if (!NT_SUCCESS(status))
        return status;
    RrpCaptureUserFrame(KeGetCurrentThread(), ResumeStatus, &frame, &flags);
    ULONGLONG generation = 1;
    if (Path == NULL)
        generation = RrpTrapMemoryGeneration + 1;   /* only the kernel writes the slot */
    else if (NT_SUCCESS(RrpReadTrapRecord(Path, &old, &size)))
        generation = RrQueryTrapRecordGeneration(old, size) + 1;
    else if (Path != NULL && !IoIsSystemRootAvailable())
        return STATUS_OBJECT_PATH_NOT_FOUND;
    /* the memory slot is built in place: RrBuildTrapRecord writes nothing when it fails */
    PUCHAR buffer = (Path == NULL) ? RrpTrapMemoryRecord : record;
    status = RrBuildTrapRecord(&frame, identity, generation, flags, buffer, sizeof(record),
                               &recordSize);
    if (!NT_SUCCESS(status))
        return status;
    if (Path == NULL) {
        RrpTrapMemoryRecordSize = recordSize;
        RrpTrapMemoryGeneration = generation;
        return STATUS_SUCCESS;
    }
    return RrpWriteTrapRecordFile(Path, record, recordSize);
}

/*
 * RrpRecoverLocked - validate the record already read (Size bytes at Record) for the caller's
 * image and resume the caller there. Result: the resumed EAX, or the refusal status with the
 * thread unchanged.
 */
static NTSTATUS RrpRecoverLocked(PCSTR Path, const UCHAR *Record, ULONG Size, PBOOLEAN Resumed)
{
    PRR_TRAP_IMAGE_IDENTITY identity;
    RR_TRAP_RECORD judged;
    PCSTR reason = NULL;

    *Resumed = FALSE;
    NTSTATUS status = RrpCurrentImageIdentity(&identity);
    if (!NT_SUCCESS(status))
        return status;
    status = RrValidateTrapRecordInto(Record, Size, identity, &judged, &reason);
    if (!NT_SUCCESS(status)) {
        DbgPrint("NanoNT: trap record %s refused: %s (0x%08X)\n", Path ? Path : "(memory)",
                 reason ? reason : "?", (unsigned)status);
        return status;
    }
    *Resumed = TRUE;
    return RrpApplyUserFrame(KeGetCurrentThread(), &judged.Frame);
}

/* RrpRecoverFrom - read the record at Path (NULL: memory slot) and resume there. */
static NTSTATUS RrpRecoverFrom(PCSTR Path, PBOOLEAN Resumed)
{
    const UCHAR *record;
    ULONG size = 0;
    *Resumed = FALSE;
    NTSTATUS status = RrpReadTrapRecord(Path, &record, &size);
    if (!NT_SUCCESS(status))
        return status;
    return RrpRecoverLocked(Path, record, size, Resumed);
}

/*
 * NtRecordOrRecoveryTrapFrame - the seed service (docs/spec.md §8), no arguments. \SystemRoot\TrapFrame
 * absent: record the caller there and return STATUS_SUCCESS. Present: resume the caller at the
 * record (the recorded call then returns STATUS_SUCCESS, or STATUS_TRAP_FRAME_RECOVERED for a
 * record made by NtRecordTrapFrame); the file stays. A refused record returns its status
 * (docs/trapfile.md) and records nothing.
 */
NTSTATUS NTAPI NtRecordOrRecoveryTrapFrame(VOID)
{
    BOOLEAN resumed;
    RrpAcquireTrapRecordLock();
    NTSTATUS status = RrpRecoverFrom(RrpDefaultTrapFile, &resumed);
    if (!resumed && status == STATUS_OBJECT_NAME_NOT_FOUND)
        status = RrpRecordLocked(RrpDefaultTrapFile, STATUS_SUCCESS);
    RrpReleaseTrapRecordLock();
    return status;
}

/* RrpCheckTrapServiceArguments - Flags valid; the memory slot takes no name. */
static NTSTATUS RrpCheckTrapServiceArguments(PUNICODE_STRING FileName, ULONG Flags)
{
    if ((Flags & ~TRAP_FRAME_VALID_FLAGS) != 0)
        return STATUS_INVALID_PARAMETER;
    if ((Flags & TRAP_FRAME_MEMORY_ONLY) && FileName != NULL)
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

/*
 * NtRecordTrapFrame - record the caller's registers to FileName (NULL: \SystemRoot\TrapFrame; a
 * bare name: \SystemRoot\<name>; or a full \SystemRoot\... or \??\C:\... path), crash-safely.
 * Flags: TRAP_FRAME_MEMORY_ONLY (diagnostic, FileName NULL). Result: STATUS_SUCCESS when it
 * recorded; STATUS_TRAP_FRAME_RECOVERED when the thread arrives here again by a recovery;
 * STATUS_INVALID_PARAMETER, STATUS_OBJECT_NAME_INVALID, STATUS_ACCESS_VIOLATION or the I/O
 * manager's status (nothing recorded, the old record kept).
 */
NTSTATUS NTAPI NtRecordTrapFrame(PUNICODE_STRING FileName, ULONG Flags)
{
    CHAR path[RR_TRAP_MAX_PATH];
    NTSTATUS status = RrpCheckTrapServiceArguments(FileName, Flags);
    if (NT_SUCCESS(status) && !(Flags & TRAP_FRAME_MEMORY_ONLY))
        status = RrpCaptureTrapFileName(FileName, path);
    if (!NT_SUCCESS(status))
        return status;
    RrpAcquireTrapRecordLock();
    status = RrpRecordLocked((Flags & TRAP_FRAME_MEMORY_ONLY) ? NULL : path,
                            STATUS_TRAP_FRAME_RECOVERED);
    RrpReleaseTrapRecordLock();
    return status;
}

/*
 * NtRecoverTrapFrame - resume the caller at the record in FileName (names and Flags as for
 * NtRecordTrapFrame). Does not return on success: the recorded call returns instead. On refusal
 * returns the status (docs/trapfile.md: STATUS_OBJECT_NAME_NOT_FOUND, STATUS_FILE_CORRUPT_ERROR,
 * STATUS_REVISION_MISMATCH, STATUS_ACCESS_DENIED, ...) with the thread unchanged.
 */
NTSTATUS NTAPI NtRecoverTrapFrame(PUNICODE_STRING FileName, ULONG Flags)
{
    CHAR path[RR_TRAP_MAX_PATH];
    BOOLEAN resumed;
    NTSTATUS status = RrpCheckTrapServiceArguments(FileName, Flags);
    if (NT_SUCCESS(status) && !(Flags & TRAP_FRAME_MEMORY_ONLY))
        status = RrpCaptureTrapFileName(FileName, path);
    if (!NT_SUCCESS(status))
        return status;
    RrpAcquireTrapRecordLock();
    status = RrpRecoverFrom((Flags & TRAP_FRAME_MEMORY_ONLY) ? NULL : path, &resumed);
    RrpReleaseTrapRecordLock();
    return status;
}
