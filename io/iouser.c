/*
 * iouser.c - what the file services share for talking to user mode: capturing an
 * OBJECT_ATTRIBUTES name into a volume path, the IO_STATUS_BLOCK protocol (written as pending
 * before anything happens, so a bad block fails the call before any side effect, and with the
 * result at the end), the bounce buffer for data, and DOS time to NT time.
 */
#include "iop.h"
#include "mm.h"

UCHAR IopTransferBuffer[IOP_TRANSFER_CHUNK] __attribute__((aligned(16)));
ULONGLONG IopTransferBufferBytes;

/* IopCaptureObjectName - In: a user OBJECT_ATTRIBUTES. Out: the volume path it names (buffer of
   IOP_MAX_PATH + 1 units). A RootDirectory must be a directory handle; the name is then relative
   to it. Result: STATUS_ACCESS_VIOLATION, STATUS_INVALID_PARAMETER (Length), the name errors of
   io/ioname.c. */
NTSTATUS IopCaptureObjectName(POBJECT_ATTRIBUTES ObjectAttributes, PWSTR VolumePath, PULONG PathLength)
{
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING name, captured;
    NTSTATUS status = MmCopyFromUser(&oa, ObjectAttributes, sizeof(oa));
    if (!NT_SUCCESS(status))
        return status;
    if (oa.Length != sizeof(OBJECT_ATTRIBUTES))
        return STATUS_INVALID_PARAMETER;
    if (!oa.ObjectName)
        return STATUS_OBJECT_NAME_INVALID;
    status = MmCopyFromUser(&name, oa.ObjectName, sizeof(name));
    if (!NT_SUCCESS(status))
        return status;
    if (name.Length == 0 || name.Length > IOP_MAX_NAME_BYTES || (name.Length & 1))
        return STATUS_OBJECT_NAME_INVALID;
    status = MmCaptureUnicodeString(&captured, oa.ObjectName, IOP_MAX_NAME_BYTES);
    if (!NT_SUCCESS(status))
        return status;
    if (!oa.RootDirectory) {
        IopAcquireFsLock();
        status = IopTranslateName(captured.Buffer, captured.Length, VolumePath, PathLength);
        IopReleaseFsLock();
    } else {
        PFILE_OBJECT dir;
        status = IopReferenceFile(oa.RootDirectory, 0, &dir);
        if (NT_SUCCESS(status)) {
            IopAcquireFsLock();
            if (!(dir->Flags & FO_DIRECTORY_FILE))
                status = STATUS_INVALID_PARAMETER;
            else
                status = IopJoinName(dir->FsContext->Path, dir->FsContext->PathLength, captured.Buffer,
                                     captured.Length, VolumePath, PathLength);
            IopReleaseFsLock();
            ObDereferenceObject(dir);
        }
    }
    MmFreeCapturedUnicodeString(&captured);
    return status;
}

/* IopStartIoStatus - write {STATUS_PENDING, 0}: proves the block writable before the work. */
NTSTATUS IopStartIoStatus(PIO_STATUS_BLOCK IoStatusBlock)
{
    IO_STATUS_BLOCK iosb;
    iosb.Status = STATUS_PENDING;
    iosb.Information = 0;
    return MmCopyToUser(IoStatusBlock, &iosb, sizeof(iosb));
}

/* IopFinishIoStatus - store the outcome; returns Status (or STATUS_ACCESS_VIOLATION if the block
   became unwritable meanwhile). */
NTSTATUS IopFinishIoStatus(PIO_STATUS_BLOCK IoStatusBlock, NTSTATUS Status, ULONG_PTR Information)
{
    IO_STATUS_BLOCK iosb;
    iosb.Status = Status;
    iosb.Information = Information;
    NTSTATUS copy = MmCopyToUser(IoStatusBlock, &iosb, sizeof(iosb));
    return NT_SUCCESS(copy) ? Status : copy;
}

/* IopDosTimeToNt - a FAT date and time as NT time (100 ns units since 1601-01-01); 0 for none. */
LONGLONG IopDosTimeToNt(USHORT Date, USHORT Time)
{
    if (Date == 0)
        return 0;
    LONG y = 1980 + (Date >> 9), m = (Date >> 5) & 15, d = Date & 31;
    if (m < 1 || m > 12 || d < 1)
        return 0;
    /* days since 1970-01-01 (civil calendar), then shift to 1601 */
    y -= m <= 2;
    LONG era = y / 400, yoe = y - era * 400;
    LONG doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    LONG doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    LONGLONG days = (LONGLONG)era * 146097 + doe - 719468 + 134774;
    LONGLONG seconds = days * 86400 + (Time >> 11) * 3600 + ((Time >> 5) & 63) * 60 + (Time & 31) * 2;
    return seconds * 10000000LL;
}
