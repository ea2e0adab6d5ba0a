/*
 * iocreate.c - NtCreateFile, NtOpenFile and NtDeleteFile (NT signatures). Names: io/ioname.c;
 * opening, sharing and dispositions: io/iofile.c. All I/O completes before the service returns;
 * FILE_SYNCHRONOUS_IO_* handles keep a current position (and need SYNCHRONIZE, as in NT).
 */
#include "iop.h"
#include "mm.h"

#define STATUS_EAS_NOT_SUPPORTED ((NTSTATUS)0xC000004F)

/*
 * NtCreateFile - open or create a file or directory. In: DesiredAccess (FILE_*, GENERIC_*),
 * ObjectAttributes (name under \SystemRoot or \??\C:, or relative to a directory handle),
 * AllocationSize (ignored), FileAttributes (checked, not applied), ShareAccess, CreateDisposition,
 * CreateOptions; EaBuffer must be NULL. Out: *FileHandle, IoStatusBlock (Information =
 * FILE_CREATED, FILE_OPENED, FILE_OVERWRITTEN, FILE_SUPERSEDED). Result: see docs/io.md.
 */
NTSTATUS NTAPI NtCreateFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                            PIO_STATUS_BLOCK IoStatusBlock, PLARGE_INTEGER AllocationSize, ULONG FileAttributes,
                            ULONG ShareAccess, ULONG CreateDisposition, ULONG CreateOptions, PVOID EaBuffer,
                            ULONG EaLength)
{
    UNREFERENCED_PARAMETER(AllocationSize);
    HANDLE handle = NULL;
    ULONG action = 0, length;
    if (EaBuffer || EaLength)
        return STATUS_EAS_NOT_SUPPORTED;
    if (FileAttributes & ~FILE_ATTRIBUTE_VALID_FLAGS)
        return STATUS_INVALID_PARAMETER;
    ACCESS_MASK access = IopMapFileAccess(DesiredAccess);
    if ((CreateOptions & (FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT)) && !(access & SYNCHRONIZE))
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = MmCopyToUser(FileHandle, &handle, sizeof(handle));
    if (NT_SUCCESS(status))
        status = IopStartIoStatus(IoStatusBlock);
    if (!NT_SUCCESS(status))
        return status;
    PWSTR path = ExAllocatePoolWithTag(NonPagedPool, (IOP_MAX_PATH + 1) * sizeof(WCHAR), IO_POOL_TAG);
    if (!path)
        return STATUS_INSUFFICIENT_RESOURCES;
    PFILE_OBJECT file = NULL;
    BOOLEAN console = IopIsConsoleName(ObjectAttributes);
    KeTimelineEvent(KTL_IO_REQUEST, IRP_MJ_CREATE, 0);
    if (console) {
        status = IopCreateConsoleFile(access, &file);
        action = FILE_OPENED;
    } else {
        status = IopCaptureObjectName(ObjectAttributes, path, &length);
    }
    if (NT_SUCCESS(status) && !console) {
        IopAcquireFsLock();
        status = IopCreateFileLocked(path, length, access, ShareAccess, CreateDisposition, CreateOptions,
                                     &file, &action);
        IopReleaseFsLock();
    }
    ExFreePoolWithTag(path, IO_POOL_TAG);
    KeTimelineEvent(KTL_IO_COMPLETE, IRP_MJ_CREATE, status);
    if (NT_SUCCESS(status)) {
        status = ObInsertObject(file, access, &handle);
        ObDereferenceObject(file);              /* the handle holds it now (or it is gone) */
    }
    if (NT_SUCCESS(status)) {
        status = MmCopyToUser(FileHandle, &handle, sizeof(handle));
        if (!NT_SUCCESS(status)) {
            ObCloseHandle(handle);
            return status;
        }
    }
    return IopFinishIoStatus(IoStatusBlock, status, NT_SUCCESS(status) ? action : 0);
}

/* NtOpenFile - NtCreateFile with FILE_OPEN and no attributes (NT's definition). */
NTSTATUS NTAPI NtOpenFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                          PIO_STATUS_BLOCK IoStatusBlock, ULONG ShareAccess, ULONG OpenOptions)
{
    return NtCreateFile(FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock, NULL, 0, ShareAccess,
                        FILE_OPEN, OpenOptions, NULL, 0);
}

/* NtDeleteFile - delete the named file or empty directory (at once, or when the last open that
   shares delete closes). Result: STATUS_SUCCESS, STATUS_SHARING_VIOLATION, STATUS_CANNOT_DELETE,
   STATUS_DIRECTORY_NOT_EMPTY, name errors. */
NTSTATUS NTAPI NtDeleteFile(POBJECT_ATTRIBUTES ObjectAttributes)
{
    ULONG length;
    PWSTR path = ExAllocatePoolWithTag(NonPagedPool, (IOP_MAX_PATH + 1) * sizeof(WCHAR), IO_POOL_TAG);
    if (!path)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS status = IopCaptureObjectName(ObjectAttributes, path, &length);
    if (NT_SUCCESS(status)) {
        IopAcquireFsLock();
        status = IopDeleteByPathLocked(path, length);
        IopReleaseFsLock();
    }
    ExFreePoolWithTag(path, IO_POOL_TAG);
    return status;
}
