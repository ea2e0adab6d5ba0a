/*
 * iorw.c - NtReadFile, NtWriteFile, NtFlushBuffersFile (NT signatures). Data moves through the
 * kernel bounce buffer (IOP_TRANSFER_CHUNK at a time) under the file-system lock, so a user
 * page fault never happens inside the FAT library. Everything completes synchronously; Event and
 * ApcRoutine/ApcContext behave as for a request that completed (io/iocomplete.c); Key is not used
 * (no byte-range locks).
 *
 * Writes are all or nothing for the two failures a caller can cause: the whole source buffer
 * is checked readable before the first byte is written (STATUS_ACCESS_VIOLATION, file
 * unchanged), and the clusters a growing write needs are checked free first (STATUS_DISK_FULL,
 * file unchanged). A read whose destination faults returns STATUS_ACCESS_VIOLATION with
 * Information = the bytes delivered before the fault; the position does not move.
 */
#include "iop.h"
#include "mm.h"

/* IopResolveOffset - the byte offset an I/O starts at: ByteOffset, or the current position for
   a synchronous handle (ByteOffset NULL, or FILE_USE_FILE_POINTER_POSITION), or the end of the
   file for FILE_WRITE_TO_END_OF_FILE (writes). Result: *Offset, or STATUS_INVALID_PARAMETER
   (no offset on an asynchronous handle, negative), STATUS_END_OF_FILE / STATUS_DISK_FULL
   (reading / writing beyond FAT's 4 GiB), STATUS_ACCESS_VIOLATION. */
static NTSTATUS IopResolveOffset(PFILE_OBJECT File, PLARGE_INTEGER ByteOffset, BOOLEAN Write,
                                 ULONG FileSize, PULONG Offset)
{
    LARGE_INTEGER o;
    if (ByteOffset) {
        NTSTATUS status = MmCopyFromUser(&o, ByteOffset, sizeof(o));
        if (!NT_SUCCESS(status))
            return status;
    } else {
        o.HighPart = -1;
        o.LowPart = FILE_USE_FILE_POINTER_POSITION;
    }
    if (o.HighPart == -1 && o.LowPart == FILE_USE_FILE_POINTER_POSITION) {
        if (!(File->Flags & FO_SYNCHRONOUS_IO))
            return STATUS_INVALID_PARAMETER;
        o = File->CurrentByteOffset;
    } else if (o.HighPart == -1 && o.LowPart == FILE_WRITE_TO_END_OF_FILE && Write) {
        o.QuadPart = FileSize;
    }
    if (o.QuadPart < 0)
        return STATUS_INVALID_PARAMETER;
    if (o.HighPart != 0)
        return Write ? STATUS_DISK_FULL : STATUS_END_OF_FILE;
    *Offset = o.LowPart;
    return STATUS_SUCCESS;
}

/* IopCheckReadable - every page of the caller's range can be read (one byte per page); a user
   caller's range is probed first, a kernel caller's (ZwWriteFile) is not, as WRK. */
static NTSTATUS IopCheckReadable(const UCHAR *Buffer, ULONG Length)
{
    UCHAR b;
    if (!Length)
        return STATUS_SUCCESS;
    NTSTATUS status = KeGetPreviousMode() == KernelMode ? STATUS_SUCCESS : ProbeForRead(Buffer, Length, 1);
    for (ULONG off = 0; NT_SUCCESS(status) && off < Length; off = (off | (PAGE_SIZE - 1)) + 1)
        status = MmCopyFromUser(&b, Buffer + off, 1);
    if (NT_SUCCESS(status))
        status = MmCopyFromUser(&b, Buffer + Length - 1, 1);
    return status;
}

/* NtReadFile - read Length bytes at ByteOffset (or the current position) into Buffer. Result:
   STATUS_SUCCESS (Information = bytes, short at the end), STATUS_END_OF_FILE at or past the
   end, STATUS_INVALID_DEVICE_REQUEST on a directory, STATUS_ACCESS_DENIED without
   FILE_READ_DATA, STATUS_ACCESS_VIOLATION. */
NTSTATUS NTAPI NtReadFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                          PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer, ULONG Length, PLARGE_INTEGER ByteOffset,
                          PULONG Key)
{
    UNREFERENCED_PARAMETER(Key);
    PFILE_OBJECT file;
    PKEVENT event;
    ULONG offset, done = 0;
    FAT_FILE_INFORMATION info;
    NTSTATUS status = IopReferenceFileOrConsole(FileHandle, FILE_READ_DATA, &file, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = IopStartIoStatus(IoStatusBlock);
    if (NT_SUCCESS(status) && KeGetPreviousMode() != KernelMode)   /* ZwReadFile: not probed */
        status = ProbeForWrite(Buffer, Length, 1);
    if (NT_SUCCESS(status))
        status = IopBeginUserRequest(Event, &event);
    if (!NT_SUCCESS(status)) {
        ObDereferenceObject(file);
        return status;
    }
    KeTimelineEvent(KTL_IO_REQUEST, IRP_MJ_READ, Length);
    if (file->Flags & FO_CONSOLE) {         /* waits for a line (io/console.c) */
        status = IopConsoleRead(Buffer, Length, &done);
        ObDereferenceObject(file);
        goto complete;
    }
    IopAcquireFsLock();
    FatQueryInformation(file->FsContext2, &info);
    status = IopResolveOffset(file, ByteOffset, FALSE, info.FileSize, &offset);
    if (NT_SUCCESS(status) && info.IsDirectory)
        status = STATUS_INVALID_DEVICE_REQUEST;
    if (NT_SUCCESS(status) && Length && offset >= info.FileSize)
        status = STATUS_END_OF_FILE;
    while (NT_SUCCESS(status) && done < Length) {
        ULONG want = Length - done < IOP_TRANSFER_CHUNK ? Length - done : IOP_TRANSFER_CHUNK, got;
        status = FatRead(file->FsContext2, offset + done, IopTransferBuffer, want, &got);
        if (status == STATUS_END_OF_FILE) {
            status = STATUS_SUCCESS;
            break;
        }
        if (NT_SUCCESS(status))
            status = MmCopyToUser((PUCHAR)Buffer + done, IopTransferBuffer, got);
        IopTransferBufferBytes += got;
        if (NT_SUCCESS(status))
            done += got;
        if (got < want)
            break;
    }
    if (NT_SUCCESS(status) && (file->Flags & FO_SYNCHRONOUS_IO))
        file->CurrentByteOffset.QuadPart = (LONGLONG)offset + done;
    IopReleaseFsLock();
    ObDereferenceObject(file);
complete:
    KeTimelineEvent(KTL_IO_COMPLETE, IRP_MJ_READ, status);
    status = IopFinishIoStatus(IoStatusBlock, status, done);
    IopCompleteUserRequest(event, ApcRoutine, ApcContext, IoStatusBlock, status);
    return status;
}

/* IopFreeClustersEnough - can the volume grow a file from OldSize to NewSize bytes? */
static BOOLEAN IopFreeClustersEnough(ULONG OldSize, ULONG NewSize)
{
    FAT_VOLUME_INFORMATION v;
    FatQueryVolumeInformation(IopVolume, &v);
    ULONGLONG have = ((ULONGLONG)OldSize + v.BytesPerCluster - 1) / v.BytesPerCluster;
    ULONGLONG need = ((ULONGLONG)NewSize + v.BytesPerCluster - 1) / v.BytesPerCluster;
    return need <= have || need - have <= v.FreeClusters;
}

/* NtWriteFile - write Length bytes at ByteOffset (or the current position, or the end with
   FILE_WRITE_TO_END_OF_FILE; a FILE_APPEND_DATA-only handle always appends). Result:
   STATUS_SUCCESS (Information = Length), STATUS_DISK_FULL and STATUS_ACCESS_VIOLATION with the
   file unchanged, STATUS_ACCESS_DENIED (no write access, read-only file),
   STATUS_INVALID_DEVICE_REQUEST on a directory, a device error. */
NTSTATUS NTAPI NtWriteFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                           PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer, ULONG Length, PLARGE_INTEGER ByteOffset,
                           PULONG Key)
{
    UNREFERENCED_PARAMETER(Key);
    PFILE_OBJECT file;
    PKEVENT event;
    ACCESS_MASK granted;
    ULONG offset, done = 0;
    FAT_FILE_INFORMATION info;
    NTSTATUS status = ObReferenceObjectByHandle(FileHandle, 0, IoFileObjectType, UserMode, (PVOID *)&file, &granted);
    if (!NT_SUCCESS(status))
        return status;
    if (!(granted & (FILE_WRITE_DATA | FILE_APPEND_DATA))) {
        ObDereferenceObject(file);
        return STATUS_ACCESS_DENIED;
    }
    status = IopStartIoStatus(IoStatusBlock);
    if (NT_SUCCESS(status))
        status = IopCheckReadable(Buffer, Length);
    if (NT_SUCCESS(status))
        status = IopBeginUserRequest(Event, &event);
    if (!NT_SUCCESS(status)) {
        ObDereferenceObject(file);
        return status;
    }
    KeTimelineEvent(KTL_IO_REQUEST, IRP_MJ_WRITE, Length);
    if (file->Flags & FO_CONSOLE) {
        status = IopConsoleWrite(Buffer, Length, &done);
        ObDereferenceObject(file);
        goto complete;
    }
    IopAcquireFsLock();
    FatQueryInformation(file->FsContext2, &info);
    status = IopResolveOffset(file, ByteOffset, TRUE, info.FileSize, &offset);
    if (NT_SUCCESS(status) && !(granted & FILE_WRITE_DATA))
        offset = info.FileSize;                     /* append-only handle */
    if (NT_SUCCESS(status) && info.IsDirectory)
        status = STATUS_INVALID_DEVICE_REQUEST;
    if (NT_SUCCESS(status) && (ULONGLONG)offset + Length > 0xFFFFFFFFull)
        status = STATUS_DISK_FULL;
    if (NT_SUCCESS(status) && offset + Length > info.FileSize && !IopFreeClustersEnough(info.FileSize, offset + Length))
        status = STATUS_DISK_FULL;
    while (NT_SUCCESS(status) && done < Length) {
        ULONG n = Length - done < IOP_TRANSFER_CHUNK ? Length - done : IOP_TRANSFER_CHUNK, wrote;
        status = MmCopyFromUser(IopTransferBuffer, (PUCHAR)Buffer + done, n);
        IopTransferBufferBytes += n;
        if (NT_SUCCESS(status))
            status = FatWrite(file->FsContext2, offset + done, IopTransferBuffer, n, &wrote);
        if (NT_SUCCESS(status))
            done += n;
    }
    if (NT_SUCCESS(status) && (file->Flags & FO_SYNCHRONOUS_IO))
        file->CurrentByteOffset.QuadPart = (LONGLONG)offset + done;
    IopReleaseFsLock();
    ObDereferenceObject(file);
complete:
    KeTimelineEvent(KTL_IO_COMPLETE, IRP_MJ_WRITE, status);
    status = IopFinishIoStatus(IoStatusBlock, status, done);
    IopCompleteUserRequest(event, ApcRoutine, ApcContext, IoStatusBlock, status);
    return status;
}

/* NtFlushBuffersFile - write everything cached for the volume and flush the disk's cache.
   Needs write access (STATUS_ACCESS_DENIED otherwise, as NT). */
NTSTATUS NTAPI NtFlushBuffersFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock)
{
    PFILE_OBJECT file;
    ACCESS_MASK granted;
    NTSTATUS status = ObReferenceObjectByHandle(FileHandle, 0, IoFileObjectType, UserMode, (PVOID *)&file, &granted);
    if (!NT_SUCCESS(status))
        return status;
    if (file->Flags & FO_CONSOLE) {
        ObDereferenceObject(file);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (!(granted & (FILE_WRITE_DATA | FILE_APPEND_DATA)))
        status = STATUS_ACCESS_DENIED;
    if (NT_SUCCESS(status))
        status = IopStartIoStatus(IoStatusBlock);
    if (NT_SUCCESS(status)) {
        IopAcquireFsLock();
        status = FatFlush(IopVolume);
        IopReleaseFsLock();
        status = IopFinishIoStatus(IoStatusBlock, status, 0);
    }
    ObDereferenceObject(file);
    return status;
}
