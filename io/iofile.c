/*
 * iofile.c - file objects (Ob type "File") and the per-file records behind them: opening and
 * creating with NT's dispositions and sharing rules (those of NT's IoCheckShareAccess), the close work
 * (sharing released, delete-on-close / delete-pending carried out at the last cleanup), the
 * disposition and rename operations. Every routine named ...Locked runs with the file-system
 * lock held (io/iolock.c); see iop.h for the invariants.
 */
#include "iop.h"
#include "ntlist.h"

POBJECT_TYPE IoFileObjectType;
static OBJECT_TYPE IopFileTypeObject;
static LIST_ENTRY IopStreamList = { &IopStreamList, &IopStreamList };

/* IopMapFileAccess - generic rights to file rights (NT's file generic mapping). */
ACCESS_MASK IopMapFileAccess(ACCESS_MASK DesiredAccess)
{
    ACCESS_MASK a = DesiredAccess & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED);
    if (DesiredAccess & GENERIC_READ)
        a |= FILE_GENERIC_READ;
    if (DesiredAccess & GENERIC_WRITE)
        a |= FILE_GENERIC_WRITE;
    if (DesiredAccess & GENERIC_EXECUTE)
        a |= FILE_GENERIC_EXECUTE;
    if (DesiredAccess & (GENERIC_ALL | MAXIMUM_ALLOWED))
        a |= FILE_ALL_ACCESS;
    return a & FILE_ALL_ACCESS;
}

/* IopFindStream - the live record of the file FileId, or NULL. */
PIOP_STREAM IopFindStream(PVOID FileId)
{
    for (PLIST_ENTRY e = IopStreamList.Flink; e != &IopStreamList; e = e->Flink) {
        PIOP_STREAM s = CONTAINING_RECORD(e, IOP_STREAM, Links);
        if (s->FileId == FileId && !s->Unlinked)
            return s;
    }
    return NULL;
}

/* IopCheckShareAccess - NT's rule: the new open's access must be allowed by every earlier
   open's sharing, and its sharing must allow every earlier open's access. */
static NTSTATUS IopCheckShareAccess(PIOP_STREAM S, BOOLEAN Read, BOOLEAN Write, BOOLEAN Delete, ULONG Share)
{
    if (!S || (!Read && !Write && !Delete))
        return STATUS_SUCCESS;
    if ((Read && S->SharedRead < S->OpenCount) || (Write && S->SharedWrite < S->OpenCount) ||
        (Delete && S->SharedDelete < S->OpenCount) ||
        (S->Readers && !(Share & FILE_SHARE_READ)) || (S->Writers && !(Share & FILE_SHARE_WRITE)) ||
        (S->Deleters && !(Share & FILE_SHARE_DELETE)))
        return STATUS_SHARING_VIOLATION;
    return STATUS_SUCCESS;
}

/* IopDeleteStreamName - carry out a pending delete: the name goes (the clusters go when the
   last FAT_FILE closes). The path is checked to still name this file. */
static NTSTATUS IopDeleteStreamName(PIOP_STREAM S)
{
    PFAT_FILE probe;
    NTSTATUS status = FatOpen(IopVolume, S->Path, S->PathLength, 0, &probe);
    if (!NT_SUCCESS(status))
        return status;
    BOOLEAN same = FatQueryFileId(probe) == S->FileId;
    FatClose(probe);
    if (!same)
        return STATUS_FILE_DELETED;
    status = FatDelete(IopVolume, S->Path, S->PathLength);
    if (NT_SUCCESS(status))
        S->Unlinked = TRUE;
    return status;
}

/* IopCleanupFile - the last handle (or, for kernel-only objects, the last reference) is gone:
   release the sharing and do a pending delete when no other open remains. */
static VOID IopCleanupFile(PFILE_OBJECT F)
{
    PIOP_STREAM s = F->FsContext;
    if ((F->Flags & FO_CLEANUP_COMPLETE) || !s)
        return;
    F->Flags |= FO_CLEANUP_COMPLETE;
    s->OpenCount--;
    s->Readers -= F->ReadAccess;
    s->Writers -= F->WriteAccess;
    s->Deleters -= F->DeleteAccess;
    s->SharedRead -= F->SharedRead;
    s->SharedWrite -= F->SharedWrite;
    s->SharedDelete -= F->SharedDelete;
    if (F->Flags & FO_DELETE_ON_CLOSE)
        s->DeletePending = TRUE;
    if (s->OpenCount == 0 && s->DeletePending && !s->Unlinked) {
        NTSTATUS status = IopDeleteStreamName(s);
        if (!NT_SUCCESS(status))
            DbgPrint("NanoNT: io: delete at close failed: 0x%08X\n", (unsigned)status);
    }
}

/* Ob CloseProcedure: a handle went away; the last one cleans up. */
static VOID IopCloseFileObject(PVOID Object, ULONG HandleCountBefore)
{
    if (HandleCountBefore != 1)
        return;
    IopAcquireFsLock();
    IopCleanupFile(Object);
    IopReleaseFsLock();
}

/* Ob DeleteProcedure: the last reference went; close the FAT file and maybe the record. */
static VOID IopDeleteFileObject(PVOID Object)
{
    PFILE_OBJECT f = Object;
    IopAcquireFsLock();
    if (f->FsContext) {
        IopCleanupFile(f);
        if (--f->FsContext->References == 0) {
            RemoveEntryList(&f->FsContext->Links);
            ExFreePoolWithTag(f->FsContext, IO_POOL_TAG);
        }
    }
    if (f->FsContext2)
        FatClose(f->FsContext2);
    if (f->SearchPattern)
        ExFreePoolWithTag(f->SearchPattern, IO_POOL_TAG);
    if (f->PendingEntry)
        ExFreePoolWithTag(f->PendingEntry, IO_POOL_TAG);
    IopReleaseFsLock();
}

VOID IopInitializeFileType(VOID)
{
    IopFileTypeObject.Name = "File";
    IopFileTypeObject.ValidAccessMask = FILE_ALL_ACCESS;
    IopFileTypeObject.GenericRead = FILE_GENERIC_READ;
    IopFileTypeObject.GenericWrite = FILE_GENERIC_WRITE;
    IopFileTypeObject.GenericExecute = FILE_GENERIC_EXECUTE;
    IopFileTypeObject.GenericAll = FILE_ALL_ACCESS;
    IopFileTypeObject.DeleteProcedure = IopDeleteFileObject;
    IopFileTypeObject.CloseProcedure = IopCloseFileObject;
    IopFileTypeObject.PoolTag = IO_POOL_TAG;
    IoFileObjectType = &IopFileTypeObject;
}

/* IopCheckCreateParameters - the combinations NT refuses with STATUS_INVALID_PARAMETER. */
static NTSTATUS IopCheckCreateParameters(ACCESS_MASK Access, ULONG Share, ULONG Disposition, ULONG Options)
{
    if (Disposition > FILE_MAXIMUM_DISPOSITION || (Share & ~FILE_SHARE_VALID_FLAGS) ||
        (Options & ~FILE_VALID_OPTION_FLAGS) ||
        ((Options & FILE_DIRECTORY_FILE) && (Options & FILE_NON_DIRECTORY_FILE)) ||
        ((Options & FILE_DIRECTORY_FILE) && Disposition != FILE_CREATE && Disposition != FILE_OPEN &&
         Disposition != FILE_OPEN_IF) ||
        ((Options & FILE_DELETE_ON_CLOSE) && !(Access & DELETE)) ||
        ((Options & FILE_SYNCHRONOUS_IO_ALERT) && (Options & FILE_SYNCHRONOUS_IO_NONALERT)) ||
        (Options & FILE_OPEN_BY_FILE_ID))
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

/* IopCreateFileLocked - open or create VolumePath as NtCreateFile does (Access already mapped
   to specific rights). The sharing check comes before any overwrite, so a refused open changes
   nothing. Result: *File (one reference) and *Action (FILE_CREATED, FILE_OPENED, ...). */
NTSTATUS IopCreateFileLocked(PCWSTR VolumePath, ULONG PathLength, ACCESS_MASK Access, ULONG Share,
                             ULONG Disposition, ULONG Options, PFILE_OBJECT *File, PULONG Action)
{
    NTSTATUS status = IopCheckCreateParameters(Access, Share, Disposition, Options);
    if (!NT_SUCCESS(status))
        return status;
    if (!IopVolume)
        return STATUS_OBJECT_PATH_NOT_FOUND;
    BOOLEAN overwrite = Disposition == FILE_SUPERSEDE || Disposition == FILE_OVERWRITE ||
                        Disposition == FILE_OVERWRITE_IF;
    ULONG fatDisposition = Disposition == FILE_OVERWRITE ? FILE_OPEN
                         : (Disposition == FILE_SUPERSEDE || Disposition == FILE_OVERWRITE_IF) ? FILE_OPEN_IF
                         : Disposition;
    PFAT_FILE fat;
    ULONG action;
    status = FatCreate(IopVolume, VolumePath, PathLength, fatDisposition,
                       Options & (FILE_DIRECTORY_FILE | FILE_NON_DIRECTORY_FILE), &fat, &action);
    if (!NT_SUCCESS(status))
        return status;

    FAT_FILE_INFORMATION info;
    FatQueryInformation(fat, &info);
    PIOP_STREAM s = IopFindStream(FatQueryFileId(fat));
    BOOLEAN existed = action != FAT_FILE_CREATED;
    BOOLEAN read = (Access & (FILE_READ_DATA | FILE_EXECUTE)) != 0;
    BOOLEAN write = (Access & (FILE_WRITE_DATA | FILE_APPEND_DATA)) != 0;
    BOOLEAN del = (Access & DELETE) != 0;
    if (s && s->DeletePending)
        status = STATUS_DELETE_PENDING;
    else if (existed && overwrite && info.IsDirectory)
        status = STATUS_FILE_IS_A_DIRECTORY;
    else if ((info.Attributes & FAT_ATTR_READONLY) && (Options & FILE_DELETE_ON_CLOSE))
        status = STATUS_CANNOT_DELETE;
    else if ((info.Attributes & FAT_ATTR_READONLY) && !info.IsDirectory && (write || (existed && overwrite)))
        status = STATUS_ACCESS_DENIED;
    else
        /* an overwrite writes, whatever the handle asks for (as NT's share check counts it) */
        status = IopCheckShareAccess(s, read, write || (existed && overwrite), del, Share);
    if (NT_SUCCESS(status) && existed && overwrite) {
        status = FatSetEndOfFile(fat, 0);
        action = Disposition == FILE_SUPERSEDE ? FILE_SUPERSEDED : FILE_OVERWRITTEN;
    }
    if (NT_SUCCESS(status) && !s) {
        s = ExAllocatePoolZero(NonPagedPool, sizeof(*s), IO_POOL_TAG);
        if (!s)
            status = STATUS_INSUFFICIENT_RESOURCES;
        else {
            s->FileId = FatQueryFileId(fat);
            s->IsDirectory = info.IsDirectory;
            memcpy(s->Path, VolumePath, PathLength * sizeof(WCHAR));
            s->PathLength = PathLength;
            InsertTailList(&IopStreamList, &s->Links);
        }
    }
    PFILE_OBJECT f = NULL;
    if (NT_SUCCESS(status))
        status = ObCreateObject(IoFileObjectType, sizeof(FILE_OBJECT), (PVOID *)&f);
    if (!NT_SUCCESS(status)) {
        if (s && s->References == 0) {
            RemoveEntryList(&s->Links);
            ExFreePoolWithTag(s, IO_POOL_TAG);
        }
        FatClose(fat);
        return status;
    }
    f->FsContext = s;
    f->FsContext2 = fat;
    f->GrantedAccess = Access;
    f->ReadAccess = read;
    f->WriteAccess = write;
    f->DeleteAccess = del;
    if (read || write || del) {
        f->SharedRead = (Share & FILE_SHARE_READ) != 0;
        f->SharedWrite = (Share & FILE_SHARE_WRITE) != 0;
        f->SharedDelete = (Share & FILE_SHARE_DELETE) != 0;
    } else {
        /* an open without data or delete access constrains nothing and shares everything */
        f->SharedRead = f->SharedWrite = f->SharedDelete = TRUE;
    }
    if (Options & (FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT))
        f->Flags |= FO_SYNCHRONOUS_IO;
    if (Options & FILE_DELETE_ON_CLOSE)
        f->Flags |= FO_DELETE_ON_CLOSE;
    if (info.IsDirectory)
        f->Flags |= FO_DIRECTORY_FILE;
    s->References++;
    s->OpenCount++;
    s->Readers += f->ReadAccess;
    s->Writers += f->WriteAccess;
    s->Deleters += f->DeleteAccess;
    s->SharedRead += f->SharedRead;
    s->SharedWrite += f->SharedWrite;
    s->SharedDelete += f->SharedDelete;
    *File = f;
    if (Action)
        *Action = action;
    return STATUS_SUCCESS;
}

/* IopReferenceFile - a File object from a handle of the current process, with Access. */
NTSTATUS IopReferenceFile(HANDLE Handle, ACCESS_MASK Access, PFILE_OBJECT *File)
{
    NTSTATUS status = IopReferenceFileOrConsole(Handle, Access, File, NULL);
    if (NT_SUCCESS(status) && ((*File)->Flags & FO_CONSOLE)) {
        ObDereferenceObject(*File);        /* no file-system request applies to the console */
        status = STATUS_INVALID_DEVICE_REQUEST;
    }
    return status;
}

NTSTATUS IopReferenceFileOrConsole(HANDLE Handle, ACCESS_MASK Access, PFILE_OBJECT *File, PACCESS_MASK Granted)
{
    if (!IoFileObjectType)
        return STATUS_INVALID_HANDLE;
    return ObReferenceObjectByHandle(Handle, Access, IoFileObjectType, KeGetPreviousMode(), (PVOID *)File, Granted);
}

/* IopDirectoryIsEmpty - STATUS_SUCCESS if the directory at Path holds no entry but '.'/'..'. */
static NTSTATUS IopDirectoryIsEmpty(PCWSTR Path, ULONG Length)
{
    PFAT_FILE dir;
    NTSTATUS status = FatOpen(IopVolume, Path, Length, FAT_DIRECTORY_FILE, &dir);
    if (!NT_SUCCESS(status))
        return status;
    PFAT_DIRECTORY_INFORMATION entry = ExAllocatePoolWithTag(NonPagedPool, sizeof(*entry), IO_POOL_TAG);
    if (!entry)
        status = STATUS_INSUFFICIENT_RESOURCES;
    else {
        status = FatQueryDirectory(dir, TRUE, entry);
        status = status == STATUS_NO_MORE_FILES ? STATUS_SUCCESS
               : NT_SUCCESS(status) ? STATUS_DIRECTORY_NOT_EMPTY : status;
        ExFreePoolWithTag(entry, IO_POOL_TAG);
    }
    FatClose(dir);
    return status;
}

/* IopSetDisposition - FileDispositionInformation (lock held): mark the file to be deleted at
   its last close, or take the mark back. Refuses the root and read-only files
   (STATUS_CANNOT_DELETE) and non-empty directories (STATUS_DIRECTORY_NOT_EMPTY). */
NTSTATUS IopSetDisposition(PFILE_OBJECT File, BOOLEAN Delete)
{
    PIOP_STREAM s = File->FsContext;
    FAT_FILE_INFORMATION info;
    if (s->Unlinked)
        return STATUS_FILE_DELETED;
    if (!Delete) {
        s->DeletePending = FALSE;
        return STATUS_SUCCESS;
    }
    FatQueryInformation(File->FsContext2, &info);
    if (s->PathLength == 0 || (info.Attributes & FAT_ATTR_READONLY))
        return STATUS_CANNOT_DELETE;
    if (info.IsDirectory) {
        NTSTATUS status = IopDirectoryIsEmpty(s->Path, s->PathLength);
        if (!NT_SUCCESS(status))
            return status;
    }
    s->DeletePending = TRUE;
    return STATUS_SUCCESS;
}

/* IopRenameLocked - FileRenameInformation: give File's file the volume path NewPath. A directory
   with open files below it is not moved (STATUS_ACCESS_DENIED); an existing target is replaced
   only with ReplaceIfExists and only if every open of it shares delete (else
   STATUS_ACCESS_DENIED). The FAT library writes the change crash-safely and flushes. */
NTSTATUS IopRenameLocked(PFILE_OBJECT File, PCWSTR NewPath, ULONG NewLength, BOOLEAN ReplaceIfExists)
{
    PIOP_STREAM s = File->FsContext, target = NULL;
    if (s->Unlinked)
        return STATUS_FILE_DELETED;
    if (s->DeletePending)
        return STATUS_DELETE_PENDING;
    if (s->PathLength == 0 || NewLength == 0)
        return STATUS_INVALID_PARAMETER;
    if (s->IsDirectory) {
        for (PLIST_ENTRY e = IopStreamList.Flink; e != &IopStreamList; e = e->Flink) {
            PIOP_STREAM o = CONTAINING_RECORD(e, IOP_STREAM, Links);
            if (!o->Unlinked && IopPathIsBelow(o->Path, o->PathLength, s->Path, s->PathLength))
                return STATUS_ACCESS_DENIED;
        }
    }
    PFAT_FILE probe;
    if (NT_SUCCESS(FatOpen(IopVolume, NewPath, NewLength, 0, &probe))) {
        target = IopFindStream(FatQueryFileId(probe));
        FatClose(probe);
        if (target == s)
            target = NULL;
        if (target && ReplaceIfExists && target->SharedDelete < target->OpenCount)
            return STATUS_ACCESS_DENIED;
    }
    NTSTATUS status = FatRename(IopVolume, s->Path, s->PathLength, NewPath, NewLength, ReplaceIfExists);
    if (!NT_SUCCESS(status))
        return status;
    if (target)
        target->Unlinked = TRUE;
    memcpy(s->Path, NewPath, NewLength * sizeof(WCHAR));
    s->Path[NewLength] = 0;
    s->PathLength = NewLength;
    return STATUS_SUCCESS;
}

/* IopDeleteByPathLocked - NtDeleteFile / IoDeleteFile: open for DELETE sharing everything,
   mark for deletion, close. Other opens that share delete keep the file until they close. */
NTSTATUS IopDeleteByPathLocked(PCWSTR VolumePath, ULONG PathLength)
{
    PFILE_OBJECT f;
    NTSTATUS status = IopCreateFileLocked(VolumePath, PathLength, DELETE, FILE_SHARE_VALID_FLAGS,
                                          FILE_OPEN, 0, &f, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = IopSetDisposition(f, TRUE);
    ObDereferenceObject(f);
    return status;
}
