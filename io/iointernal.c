/*
 * iointernal.c - the kernel-internal file API of inc/io.h, for kernel components (process
 * creation from disk, the thread-context record service). Same objects, names, sharing and
 * lock as the NT services, but kernel buffers and no handles. See docs/io.md.
 */
#include "iop.h"

#define IOP_WHOLE_FILE_MAXIMUM (64u << 20)

/* IopAsciiToVolumePath - translate an ASCII NT name into Out (IOP_MAX_PATH + 1 units). */
static NTSTATUS IopAsciiToVolumePath(PCSTR NtPath, PWSTR Out, PULONG Length)
{
    ULONG n = NtPath ? strlen(NtPath) : 0;
    if (n == 0 || n * sizeof(WCHAR) > IOP_MAX_NAME_BYTES)
        return STATUS_OBJECT_NAME_INVALID;
    PWSTR wide = ExAllocatePoolWithTag(NonPagedPool, n * sizeof(WCHAR), IO_POOL_TAG);
    if (!wide)
        return STATUS_INSUFFICIENT_RESOURCES;
    for (ULONG i = 0; i < n; i++)
        wide[i] = (UCHAR)NtPath[i];
    NTSTATUS status = IopTranslateName(wide, n * sizeof(WCHAR), Out, Length);
    ExFreePoolWithTag(wide, IO_POOL_TAG);
    return status;
}

static PWSTR IopAllocatePath(VOID)
{
    return ExAllocatePoolWithTag(NonPagedPool, (IOP_MAX_PATH + 1) * sizeof(WCHAR), IO_POOL_TAG);
}

NTSTATUS IoCreateFile(PCSTR NtPath, ACCESS_MASK DesiredAccess, ULONG ShareAccess, ULONG Disposition,
                      ULONG Options, PFILE_OBJECT *File, PULONG Action)
{
    ULONG length;
    PWSTR path = IopAllocatePath();
    if (!path)
        return STATUS_INSUFFICIENT_RESOURCES;
    IopAcquireFsLock();
    NTSTATUS status = IopAsciiToVolumePath(NtPath, path, &length);
    if (NT_SUCCESS(status))
        status = IopCreateFileLocked(path, length, IopMapFileAccess(DesiredAccess), ShareAccess, Disposition,
                                     Options, File, Action);
    IopReleaseFsLock();
    ExFreePoolWithTag(path, IO_POOL_TAG);
    return status;
}

NTSTATUS IoReadFile(PFILE_OBJECT File, ULONG Offset, PVOID Buffer, ULONG Length, PULONG BytesRead)
{
    if (!File || !BytesRead)
        return STATUS_INVALID_PARAMETER;
    *BytesRead = 0;
    if (!(File->GrantedAccess & FILE_READ_DATA))
        return STATUS_ACCESS_DENIED;
    IopAcquireFsLock();
    NTSTATUS status = FatRead(File->FsContext2, Offset, Buffer, Length, BytesRead);
    IopReleaseFsLock();
    return status;
}

NTSTATUS IoWriteFile(PFILE_OBJECT File, ULONG Offset, const VOID *Buffer, ULONG Length)
{
    ULONG written;
    if (!File)
        return STATUS_INVALID_PARAMETER;
    if (!(File->GrantedAccess & FILE_WRITE_DATA))
        return STATUS_ACCESS_DENIED;
    IopAcquireFsLock();
    NTSTATUS status = FatWrite(File->FsContext2, Offset, Buffer, Length, &written);
    IopReleaseFsLock();
    return status;
}

NTSTATUS IoQueryFileSize(PFILE_OBJECT File, PULONG Size)
{
    FAT_FILE_INFORMATION info;
    if (!File || !Size)
        return STATUS_INVALID_PARAMETER;
    IopAcquireFsLock();
    NTSTATUS status = FatQueryInformation(File->FsContext2, &info);
    IopReleaseFsLock();
    *Size = NT_SUCCESS(status) ? info.FileSize : 0;
    return status;
}

NTSTATUS IoFlushFile(PFILE_OBJECT File)
{
    if (!File)
        return STATUS_INVALID_PARAMETER;
    IopAcquireFsLock();
    NTSTATUS status = FatFlush(IopVolume);
    IopReleaseFsLock();
    return status;
}

NTSTATUS IoShutdownSystem(VOID)
{
    if (!IopVolume)
        return STATUS_SUCCESS;
    IopAcquireFsLock();
    NTSTATUS status = FatFlush(IopVolume);
    IopReleaseFsLock();
    return status;
}

VOID IoCloseFile(PFILE_OBJECT File)
{
    if (File)
        ObDereferenceObject(File);
}

NTSTATUS IoRenameFile(PCSTR OldNtPath, PCSTR NewNtPath, BOOLEAN ReplaceIfExists)
{
    ULONG length;
    PFILE_OBJECT file;
    PWSTR path = IopAllocatePath();
    if (!path)
        return STATUS_INSUFFICIENT_RESOURCES;
    IopAcquireFsLock();
    NTSTATUS status = IopAsciiToVolumePath(OldNtPath, path, &length);
    if (NT_SUCCESS(status))
        status = IopCreateFileLocked(path, length, DELETE, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0, &file, NULL);
    if (NT_SUCCESS(status)) {
        status = IopAsciiToVolumePath(NewNtPath, path, &length);
        if (NT_SUCCESS(status))
            status = IopRenameLocked(file, path, length, ReplaceIfExists);
        if (NT_SUCCESS(status))
            status = FatFlush(IopVolume);
        ObDereferenceObject(file);
    }
    IopReleaseFsLock();
    ExFreePoolWithTag(path, IO_POOL_TAG);
    return status;
}

NTSTATUS IoDeleteFile(PCSTR NtPath)
{
    ULONG length;
    PWSTR path = IopAllocatePath();
    if (!path)
        return STATUS_INSUFFICIENT_RESOURCES;
    IopAcquireFsLock();
    NTSTATUS status = IopAsciiToVolumePath(NtPath, path, &length);
    if (NT_SUCCESS(status))
        status = IopDeleteByPathLocked(path, length);
    IopReleaseFsLock();
    ExFreePoolWithTag(path, IO_POOL_TAG);
    return status;
}

NTSTATUS IoReadWholeFile(PCSTR NtPath, PVOID *Buffer, PULONG Size)
{
    PFILE_OBJECT file;
    ULONG size, got = 0;
    if (!Buffer || !Size)
        return STATUS_INVALID_PARAMETER;
    *Buffer = NULL;
    *Size = 0;
    NTSTATUS status = IoCreateFile(NtPath, FILE_READ_DATA, FILE_SHARE_READ, FILE_OPEN, FILE_NON_DIRECTORY_FILE,
                                   &file, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = IoQueryFileSize(file, &size);
    if (NT_SUCCESS(status) && size > IOP_WHOLE_FILE_MAXIMUM)
        status = STATUS_INSUFFICIENT_RESOURCES;
    PVOID buffer = NULL;
    if (NT_SUCCESS(status)) {
        buffer = ExAllocatePoolWithTag(NonPagedPool, size ? size : 1, IO_POOL_TAG);
        if (!buffer)
            status = STATUS_INSUFFICIENT_RESOURCES;
    }
    if (NT_SUCCESS(status) && size) {
        status = IoReadFile(file, 0, buffer, size, &got);
        if (NT_SUCCESS(status) && got != size)
            status = STATUS_FILE_CORRUPT_ERROR;
    }
    IoCloseFile(file);
    if (!NT_SUCCESS(status)) {
        if (buffer)
            ExFreePoolWithTag(buffer, IO_POOL_TAG);
        return status;
    }
    *Buffer = buffer;
    *Size = size;
    return STATUS_SUCCESS;
}

VOID IoFreeWholeFile(PVOID Buffer)
{
    if (Buffer)
        ExFreePoolWithTag(Buffer, IO_POOL_TAG);
}

/*
 * IoReadFileForSection - the whole file behind FileHandle (a file handle of the caller granting
 * Access), read into a new pool buffer (free with IoFreeWholeFile) for a section
 * (mm/section.c). The handle's Access is what is checked, not FILE_READ_DATA: an image section
 * needs only FILE_EXECUTE, as NT's paging reads need no read right of the handle. Result:
 * STATUS_SUCCESS, handle errors, STATUS_INVALID_FILE_FOR_SECTION (a directory),
 * STATUS_INSUFFICIENT_RESOURCES (over 64 MiB), or the disk's error.
 */
NTSTATUS IoReadFileForSection(HANDLE FileHandle, ACCESS_MASK Access, PVOID *Buffer, PULONG Size)
{
    PFILE_OBJECT file;
    ULONG size = 0, got = 0;
    *Buffer = NULL;
    *Size = 0;
    NTSTATUS status = IopReferenceFile(FileHandle, Access, &file);
    if (!NT_SUCCESS(status))
        return status;
    if (file->Flags & FO_DIRECTORY_FILE)
        status = STATUS_INVALID_FILE_FOR_SECTION;
    if (NT_SUCCESS(status))
        status = IoQueryFileSize(file, &size);
    if (NT_SUCCESS(status) && size > IOP_WHOLE_FILE_MAXIMUM)
        status = STATUS_INSUFFICIENT_RESOURCES;
    PVOID buffer = NULL;
    if (NT_SUCCESS(status)) {
        buffer = ExAllocatePoolWithTag(NonPagedPool, size ? size : 1, IO_POOL_TAG);
        if (!buffer)
            status = STATUS_INSUFFICIENT_RESOURCES;
    }
    if (NT_SUCCESS(status) && size) {
        IopAcquireFsLock();
        status = FatRead(file->FsContext2, 0, buffer, size, &got);
        IopReleaseFsLock();
        if (NT_SUCCESS(status) && got != size)
            status = STATUS_FILE_CORRUPT_ERROR;
    }
    ObDereferenceObject(file);
    if (!NT_SUCCESS(status)) {
        if (buffer)
            ExFreePoolWithTag(buffer, IO_POOL_TAG);
        return status;
    }
    *Buffer = buffer;
    *Size = size;
    return STATUS_SUCCESS;
}
