/*
 * ioinfo.c - NtQueryInformationFile, NtSetInformationFile and NtQueryVolumeInformationFile
 * (NT signatures and structure layouts, inc/ntioapi.h).
 *   query: FileBasicInformation, FileStandardInformation, FilePositionInformation,
 *          FileNameInformation (the volume path, e.g. \WINDOWS\x.txt, as NT gives it)
 *   set:   FilePositionInformation, FileEndOfFileInformation, FileDispositionInformation,
 *          FileRenameInformation (full NT name, a name relative to RootDirectory, or a bare name
 *          in the file's own directory)
 *   volume: FileFsSizeInformation
 * A buffer shorter than the class's fixed structure is STATUS_INFO_LENGTH_MISMATCH; an unknown
 * class STATUS_INVALID_INFO_CLASS; a name that does not fit STATUS_BUFFER_OVERFLOW (partial).
 */
#include "iop.h"
#include "mm.h"

/* IopQueryLocked - fill Out (kernel, OutSize bytes) for Class; *Written = bytes produced. */
static NTSTATUS IopQueryLocked(PFILE_OBJECT File, ULONG Class, PUCHAR Out, ULONG OutSize, ACCESS_MASK Granted,
                               PULONG Written)
{
    FAT_FILE_INFORMATION info;
    PIOP_STREAM s = File->FsContext;
    NTSTATUS status = FatQueryInformation(File->FsContext2, &info);
    if (!NT_SUCCESS(status))
        return status;
    switch (Class) {
    case FileBasicInformation: {
        PFILE_BASIC_INFORMATION b = (PFILE_BASIC_INFORMATION)Out;
        if (!(Granted & FILE_READ_ATTRIBUTES))
            return STATUS_ACCESS_DENIED;
        memset(b, 0, sizeof(*b));
        b->CreationTime.QuadPart = IopDosTimeToNt(info.CreateDate, info.CreateTime);
        b->LastWriteTime.QuadPart = b->ChangeTime.QuadPart = b->LastAccessTime.QuadPart =
            IopDosTimeToNt(info.WriteDate, info.WriteTime);
        b->FileAttributes = info.Attributes ? info.Attributes : FILE_ATTRIBUTE_NORMAL;
        *Written = sizeof(*b);
        return STATUS_SUCCESS;
    }
    case FileStandardInformation: {
        PFILE_STANDARD_INFORMATION st = (PFILE_STANDARD_INFORMATION)Out;
        memset(st, 0, sizeof(*st));
        st->AllocationSize.QuadPart = info.AllocationSize;
        st->EndOfFile.QuadPart = info.FileSize;
        st->NumberOfLinks = 1;
        st->DeletePending = s->DeletePending || s->Unlinked;
        st->Directory = info.IsDirectory;
        *Written = sizeof(*st);
        return STATUS_SUCCESS;
    }
    case FilePositionInformation:
        ((PFILE_POSITION_INFORMATION)Out)->CurrentByteOffset = File->CurrentByteOffset;
        *Written = sizeof(FILE_POSITION_INFORMATION);
        return STATUS_SUCCESS;
    case FileNameInformation: {
        PFILE_NAME_INFORMATION n = (PFILE_NAME_INFORMATION)Out;
        ULONG room = OutSize - offsetof(FILE_NAME_INFORMATION, FileName);
        ULONG bytes = s->PathLength ? s->PathLength * sizeof(WCHAR) : sizeof(WCHAR);
        static const WCHAR root[1] = { '\\' };
        PCWSTR name = s->PathLength ? s->Path : root;
        n->FileNameLength = bytes;
        memcpy(n->FileName, name, bytes < room ? bytes : room);
        *Written = offsetof(FILE_NAME_INFORMATION, FileName) + (bytes < room ? bytes : room);
        return bytes <= room ? STATUS_SUCCESS : STATUS_BUFFER_OVERFLOW;
    }
    default:
        return STATUS_INVALID_INFO_CLASS;
    }
}

static ULONG IopQueryMinimum(ULONG Class)
{
    switch (Class) {
    case FileBasicInformation: return sizeof(FILE_BASIC_INFORMATION);
    case FileStandardInformation: return sizeof(FILE_STANDARD_INFORMATION);
    case FilePositionInformation: return sizeof(FILE_POSITION_INFORMATION);
    case FileNameInformation: return sizeof(FILE_NAME_INFORMATION);
    default: return 0;
    }
}

/* NtQueryInformationFile - see the file comment. Information = bytes written. */
NTSTATUS NTAPI NtQueryInformationFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock, PVOID FileInformation,
                                      ULONG Length, FILE_INFORMATION_CLASS FileInformationClass)
{
    PFILE_OBJECT file;
    ACCESS_MASK granted;
    ULONG written = 0, min = IopQueryMinimum(FileInformationClass);
    if (!min)
        return STATUS_INVALID_INFO_CLASS;
    if (Length < min)
        return STATUS_INFO_LENGTH_MISMATCH;
    NTSTATUS status = ObReferenceObjectByHandle(FileHandle, 0, IoFileObjectType, UserMode, (PVOID *)&file, &granted);
    if (!NT_SUCCESS(status))
        return status;
    if (file->Flags & FO_CONSOLE) {
        ObDereferenceObject(file);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    status = IopStartIoStatus(IoStatusBlock);
    if (NT_SUCCESS(status)) {
        ULONG size = Length < IOP_TRANSFER_CHUNK ? Length : IOP_TRANSFER_CHUNK;
        IopAcquireFsLock();
        status = IopQueryLocked(file, FileInformationClass, IopTransferBuffer, size, granted, &written);
        if (NT_SUCCESS(status) || status == STATUS_BUFFER_OVERFLOW) {
            NTSTATUS copy = MmCopyToUser(FileInformation, IopTransferBuffer, written);
            if (!NT_SUCCESS(copy))
                status = copy, written = 0;
        }
        IopReleaseFsLock();
        status = IopFinishIoStatus(IoStatusBlock, status, written);
    }
    ObDereferenceObject(file);
    return status;
}

/* IopRenameTarget - the volume path a FILE_RENAME_INFORMATION names (see the file comment). */
static NTSTATUS IopRenameTarget(PFILE_OBJECT File, PFILE_RENAME_INFORMATION R, PWSTR Out, PULONG OutLength)
{
    PIOP_STREAM s = File->FsContext;
    ULONG n = R->FileNameLength / sizeof(WCHAR);
    if (n && R->FileName[0] == '\\') {
        if (R->RootDirectory)
            return STATUS_INVALID_PARAMETER;
        return IopTranslateName(R->FileName, R->FileNameLength, Out, OutLength);
    }
    if (R->RootDirectory) {
        PFILE_OBJECT dir;
        NTSTATUS status = IopReferenceFile(R->RootDirectory, 0, &dir);
        if (!NT_SUCCESS(status))
            return status;
        if (!(dir->Flags & FO_DIRECTORY_FILE))
            status = STATUS_INVALID_PARAMETER;
        else
            status = IopJoinName(dir->FsContext->Path, dir->FsContext->PathLength, R->FileName,
                                 R->FileNameLength, Out, OutLength);
        ObDereferenceObject(dir);
        return status;
    }
    /* a bare name: in the file's own directory */
    for (ULONG i = 0; i < n; i++)
        if (R->FileName[i] == '\\')
            return STATUS_OBJECT_NAME_INVALID;
    ULONG parent = s->PathLength;
    while (parent && s->Path[parent - 1] != '\\')
        parent--;
    return IopJoinName(s->Path, parent ? parent - 1 : 0, R->FileName, R->FileNameLength, Out, OutLength);
}

/* IopSetLocked - apply a captured set-information buffer. */
static NTSTATUS IopSetLocked(PFILE_OBJECT File, ULONG Class, PUCHAR In, ULONG Length, ACCESS_MASK Granted)
{
    switch (Class) {
    case FilePositionInformation: {
        LARGE_INTEGER o = ((PFILE_POSITION_INFORMATION)In)->CurrentByteOffset;
        if (o.QuadPart < 0)
            return STATUS_INVALID_PARAMETER;
        File->CurrentByteOffset = o;
        return STATUS_SUCCESS;
    }
    case FileEndOfFileInformation: {
        LARGE_INTEGER e = ((PFILE_END_OF_FILE_INFORMATION)In)->EndOfFile;
        FAT_FILE_INFORMATION info;
        if (!(Granted & FILE_WRITE_DATA))
            return STATUS_ACCESS_DENIED;
        if (e.QuadPart < 0)
            return STATUS_INVALID_PARAMETER;
        if (e.HighPart)
            return STATUS_DISK_FULL;
        FatQueryInformation(File->FsContext2, &info);
        if (info.IsDirectory)
            return STATUS_INVALID_PARAMETER;
        return FatSetEndOfFile(File->FsContext2, e.LowPart);
    }
    case FileDispositionInformation:
        if (!(Granted & DELETE))
            return STATUS_ACCESS_DENIED;
        return IopSetDisposition(File, ((PFILE_DISPOSITION_INFORMATION)In)->DeleteFile);
    case FileRenameInformation: {
        PFILE_RENAME_INFORMATION r = (PFILE_RENAME_INFORMATION)In;
        ULONG newLength;
        if (!(Granted & DELETE))
            return STATUS_ACCESS_DENIED;
        if (r->FileNameLength == 0 || (r->FileNameLength & 1) || r->FileNameLength > IOP_MAX_NAME_BYTES ||
            offsetof(FILE_RENAME_INFORMATION, FileName) + r->FileNameLength > Length)
            return r->FileNameLength > IOP_MAX_NAME_BYTES ? STATUS_OBJECT_NAME_INVALID : STATUS_INVALID_PARAMETER;
        PWSTR target = ExAllocatePoolWithTag(NonPagedPool, (IOP_MAX_PATH + 1) * sizeof(WCHAR), IO_POOL_TAG);
        if (!target)
            return STATUS_INSUFFICIENT_RESOURCES;
        NTSTATUS status = IopRenameTarget(File, r, target, &newLength);
        if (NT_SUCCESS(status))
            status = IopRenameLocked(File, target, newLength, r->ReplaceIfExists);
        ExFreePoolWithTag(target, IO_POOL_TAG);
        return status;
    }
    default:
        return STATUS_INVALID_INFO_CLASS;
    }
}

static ULONG IopSetMinimum(ULONG Class)
{
    switch (Class) {
    case FilePositionInformation: return sizeof(FILE_POSITION_INFORMATION);
    case FileEndOfFileInformation: return sizeof(FILE_END_OF_FILE_INFORMATION);
    case FileDispositionInformation: return sizeof(FILE_DISPOSITION_INFORMATION);
    case FileRenameInformation: return sizeof(FILE_RENAME_INFORMATION);
    default: return 0;
    }
}

/* NtSetInformationFile - see the file comment. The buffer is captured once before use. */
NTSTATUS NTAPI NtSetInformationFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock, PVOID FileInformation,
                                    ULONG Length, FILE_INFORMATION_CLASS FileInformationClass)
{
    PFILE_OBJECT file;
    ACCESS_MASK granted;
    ULONG min = IopSetMinimum(FileInformationClass);
    if (!min)
        return STATUS_INVALID_INFO_CLASS;
    if (Length < min)
        return STATUS_INFO_LENGTH_MISMATCH;
    ULONG size = Length;
    if (size > offsetof(FILE_RENAME_INFORMATION, FileName) + IOP_MAX_NAME_BYTES + 2)
        size = offsetof(FILE_RENAME_INFORMATION, FileName) + IOP_MAX_NAME_BYTES + 2;
    NTSTATUS status = ObReferenceObjectByHandle(FileHandle, 0, IoFileObjectType, UserMode, (PVOID *)&file, &granted);
    if (!NT_SUCCESS(status))
        return status;
    if (file->Flags & FO_CONSOLE) {
        ObDereferenceObject(file);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    PUCHAR in = ExAllocatePoolWithTag(NonPagedPool, size + sizeof(WCHAR), IO_POOL_TAG);
    if (!in)
        status = STATUS_INSUFFICIENT_RESOURCES;
    if (NT_SUCCESS(status))
        status = IopStartIoStatus(IoStatusBlock);
    if (NT_SUCCESS(status))
        status = MmCopyFromUser(in, FileInformation, size);
    if (NT_SUCCESS(status)) {
        IopAcquireFsLock();
        status = IopSetLocked(file, FileInformationClass, in, size, granted);
        IopReleaseFsLock();
        status = IopFinishIoStatus(IoStatusBlock, status, 0);
    }
    if (in)
        ExFreePoolWithTag(in, IO_POOL_TAG);
    ObDereferenceObject(file);
    return status;
}

/* NtQueryVolumeInformationFile - FileFsSizeInformation of the volume a handle is on. */
NTSTATUS NTAPI NtQueryVolumeInformationFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock, PVOID FsInformation,
                                            ULONG Length, FS_INFORMATION_CLASS FsInformationClass)
{
    PFILE_OBJECT file;
    FILE_FS_SIZE_INFORMATION size;
    FAT_VOLUME_INFORMATION v;
    if (FsInformationClass != FileFsSizeInformation)
        return STATUS_INVALID_INFO_CLASS;
    if (Length < sizeof(size))
        return STATUS_INFO_LENGTH_MISMATCH;
    NTSTATUS status = IopReferenceFile(FileHandle, 0, &file);
    if (!NT_SUCCESS(status))
        return status;
    memset(&size, 0, sizeof(size));
    status = IopStartIoStatus(IoStatusBlock);
    if (NT_SUCCESS(status)) {
        IopAcquireFsLock();
        FatQueryVolumeInformation(IopVolume, &v);
        IopReleaseFsLock();
        size.TotalAllocationUnits.QuadPart = v.TotalClusters;
        size.AvailableAllocationUnits.QuadPart = v.FreeClusters;
        size.SectorsPerAllocationUnit = v.BytesPerCluster / v.BytesPerSector;
        size.BytesPerSector = v.BytesPerSector;
        status = MmCopyToUser(FsInformation, &size, sizeof(size));
        if (NT_SUCCESS(status))
            status = IopFinishIoStatus(IoStatusBlock, STATUS_SUCCESS, sizeof(size));
    }
    ObDereferenceObject(file);
    return status;
}
