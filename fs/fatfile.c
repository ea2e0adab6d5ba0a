/*
 * fatfile.c - the open-file API: FatCreate/FatOpen/FatClose and, on an open file, FatRead,
 * FatWrite, FatSetEndOfFile and FatQueryInformation.
 *
 * A FAT_FILE is what the caller keeps; it points at the entry's shared FCB, so sizes written
 * through one FAT_FILE are seen by every other one on the same file.
 */
#include "fatp.h"

typedef struct _FAT_CREATE_WORK {
    FAT_PATH Path;
    FAT_DIRENT_INFO Info;
} FAT_CREATE_WORK;

/* FatpNewEntryTemplate - a short entry with Attributes, Cluster and the current time. */
static VOID FatpNewEntryTemplate(PFAT_VOLUME Vol, UCHAR *Raw, ULONG Attributes, ULONG Cluster)
{
    ULONG Now = FatpNow(Vol);

    memset(Raw, 0, DIRENT_BYTES);
    memset(Raw, ' ', 11);
    Raw[DIRENT_ATTR] = (UCHAR)Attributes;
    FatpSetEntryCluster(Raw, Cluster);
    FatpWrite16(Raw + DIRENT_CTIME, Now & 0xFFFF);
    FatpWrite16(Raw + DIRENT_CDATE, Now >> 16);
    FatpWrite16(Raw + DIRENT_ADATE, Now >> 16);
    FatpWrite16(Raw + DIRENT_WTIME, Now & 0xFFFF);
    FatpWrite16(Raw + DIRENT_WDATE, Now >> 16);
}

/* FatpMakeDirectory - create directory Name in Parent: a zeroed cluster holding '.' and '..',
   then the entry in the parent. On failure the cluster is given back. */
static NTSTATUS FatpMakeDirectory(PFAT_VOLUME Vol, ULONG Parent, PCWSTR Name, ULONG Length,
                                  PFAT_DIRENT_INFO Info)
{
    UCHAR Raw[DIRENT_BYTES];
    ULONG Cluster, Last;
    PUCHAR Sector;
    NTSTATUS Status = FatpAllocateClusters(Vol, 1, &Cluster, &Last);

    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Status = FatpZeroCluster(Vol, Cluster);
    if (NT_SUCCESS(Status)) {
        /* Written as data: it must be durable before the parent's entry names the cluster. */
        Status = FatpCacheMap(Vol, FatpClusterToLba(Vol, Cluster), FAT_KIND_DATA, TRUE, &Sector);
    }
    if (NT_SUCCESS(Status)) {
        FatpNewEntryTemplate(Vol, Raw, FAT_ATTR_DIRECTORY, Cluster);
        Raw[0] = '.';
        memcpy(Sector, Raw, DIRENT_BYTES);
        /* '..' names the root as cluster 0, also on FAT32. */
        FatpSetEntryCluster(Raw, Parent == Vol->RootCluster ? 0 : Parent);
        Raw[1] = '.';
        memcpy(Sector + DIRENT_BYTES, Raw, DIRENT_BYTES);
        FatpCacheSetDirty(Vol, Sector);
        FatpSetEntryCluster(Raw, Cluster);
        Status = FatpDirAddEntry(Vol, Parent, Name, Length, Raw, Info);
    }
    if (!NT_SUCCESS(Status)) {
        FatpFreeChain(Vol, Cluster);
    }
    return Status;
}

/* FatpOpenExisting - the entry exists: check the options against its type, open its FCB and
   apply an overwriting disposition. */
static NTSTATUS FatpOpenExisting(PFAT_VOLUME Vol, PFAT_DIRENT_INFO Info, ULONG Parent,
                                 ULONG Disposition, ULONG Options, PFAT_FCB *Result,
                                 PULONG Action)
{
    BOOLEAN IsDirectory = (Info->Raw[DIRENT_ATTR] & FAT_ATTR_DIRECTORY) != 0;
    BOOLEAN Overwrite = Disposition == FAT_FILE_SUPERSEDE || Disposition == FAT_FILE_OVERWRITE ||
                        Disposition == FAT_FILE_OVERWRITE_IF;
    PFAT_FCB Fcb;
    NTSTATUS Status;

    if (Disposition == FAT_FILE_CREATE) {
        return STATUS_OBJECT_NAME_COLLISION;
    }
    if (IsDirectory && ((Options & FAT_NON_DIRECTORY_FILE) || Overwrite)) {
        return STATUS_FILE_IS_A_DIRECTORY;
    }
    if (!IsDirectory && (Options & FAT_DIRECTORY_FILE)) {
        return STATUS_NOT_A_DIRECTORY;
    }
    if (Overwrite && (Info->Raw[DIRENT_ATTR] & FAT_ATTR_READONLY)) {
        return STATUS_ACCESS_DENIED;
    }
    Status = FatpFcbOpen(Vol, Info, Parent, &Fcb);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    *Action = FAT_FILE_OPENED;
    if (Overwrite) {
        Status = FatpFcbSetSize(Vol, Fcb, 0);
        if (!NT_SUCCESS(Status)) {
            FatpFcbRelease(Vol, Fcb);
            return Status;
        }
        *Action = Disposition == FAT_FILE_SUPERSEDE ? FAT_FILE_SUPERSEDED : FAT_FILE_OVERWRITTEN;
    }
    *Result = Fcb;
    return STATUS_SUCCESS;
}

/* FatpCreateFcb - FatCreate's body once the path is parsed: the FCB to open, and the action. */
static NTSTATUS FatpCreateFcb(PFAT_VOLUME Vol, FAT_CREATE_WORK *Work, ULONG Disposition,
                              ULONG Options, PFAT_FCB *Fcb, PULONG Action)
{
    FAT_PATH_PART *Last;
    ULONG Parent;
    UCHAR Raw[DIRENT_BYTES];
    NTSTATUS Status;

    if (Work->Path.Count == 0) {
        if (Disposition == FAT_FILE_CREATE) {
            return STATUS_OBJECT_NAME_COLLISION;
        }
        if ((Options & FAT_NON_DIRECTORY_FILE) ||
            (Disposition != FAT_FILE_OPEN && Disposition != FAT_FILE_OPEN_IF)) {
            return STATUS_FILE_IS_A_DIRECTORY;
        }
        *Action = FAT_FILE_OPENED;
        return FatpFcbOpenRoot(Vol, Fcb);
    }
    Status = FatpWalkToParent(Vol, &Work->Path, &Parent);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Last = &Work->Path.Part[Work->Path.Count - 1];
    Status = FatpDirLookup(Vol, Parent, Last->Name, Last->Length, &Work->Info);
    if (NT_SUCCESS(Status)) {
        return FatpOpenExisting(Vol, &Work->Info, Parent, Disposition, Options, Fcb, Action);
    }
    if (Status != STATUS_OBJECT_NAME_NOT_FOUND) {
        return Status;
    }
    if (Disposition == FAT_FILE_OPEN || Disposition == FAT_FILE_OVERWRITE) {
        return STATUS_OBJECT_NAME_NOT_FOUND;
    }
    if (Options & FAT_DIRECTORY_FILE) {
        Status = FatpMakeDirectory(Vol, Parent, Last->Name, Last->Length, &Work->Info);
    } else {
        FatpNewEntryTemplate(Vol, Raw, FAT_ATTR_ARCHIVE, 0);
        Status = FatpDirAddEntry(Vol, Parent, Last->Name, Last->Length, Raw, &Work->Info);
    }
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    *Action = FAT_FILE_CREATED;
    return FatpFcbOpen(Vol, &Work->Info, Parent, Fcb);
}

/* FatCreate - open or create the file or directory at Path, as NtCreateFile would with the
   given disposition and FAT_DIRECTORY_FILE / FAT_NON_DIRECTORY_FILE options. Result:
   *File and, if Action is not NULL, what was done. Errors: see docs/fat.md. */
NTSTATUS FatCreate(PFAT_VOLUME Volume, PCWSTR Path, ULONG PathLength, ULONG Disposition,
                   ULONG Options, PFAT_FILE *File, PULONG Action)
{
    FAT_CREATE_WORK *Work;
    PFAT_FILE New;
    PFAT_FCB Fcb = NULL;
    ULONG Done = 0;
    NTSTATUS Status;

    if (Volume == NULL || File == NULL || Disposition > FAT_FILE_OVERWRITE_IF ||
        (Options & ~(FAT_DIRECTORY_FILE | FAT_NON_DIRECTORY_FILE)) != 0 ||
        (Options & FAT_DIRECTORY_FILE && Options & FAT_NON_DIRECTORY_FILE)) {
        return STATUS_INVALID_PARAMETER;
    }
    Work = ExAllocatePoolWithTag(PagedPool, sizeof(*Work), FAT_POOL_TAG);
    New = ExAllocatePoolWithTag(NonPagedPool, sizeof(*New), FAT_POOL_TAG);
    if (Work == NULL || New == NULL) {
        Status = STATUS_INSUFFICIENT_RESOURCES;
        goto Out;
    }
    Status = FatpParsePath(Path, PathLength, &Work->Path);
    if (NT_SUCCESS(Status)) {
        Status = FatpCreateFcb(Volume, Work, Disposition, Options, &Fcb, &Done);
    }
    if (NT_SUCCESS(Status)) {
        memset(New, 0, sizeof(*New));
        New->Volume = Volume;
        New->Fcb = Fcb;
        New->Cursor.DirCluster = Fcb->FirstCluster;
        Volume->OpenFiles++;
        *File = New;
        New = NULL;
        if (Action != NULL) {
            *Action = Done;
        }
    }
Out:
    if (Work != NULL) {
        ExFreePoolWithTag(Work, FAT_POOL_TAG);
    }
    if (New != NULL) {
        ExFreePoolWithTag(New, FAT_POOL_TAG);
    }
    return Status;
}

/* FatOpen - open an existing file or directory (FatCreate with FAT_FILE_OPEN). */
NTSTATUS FatOpen(PFAT_VOLUME Volume, PCWSTR Path, ULONG PathLength, ULONG Options,
                 PFAT_FILE *File)
{
    return FatCreate(Volume, Path, PathLength, FAT_FILE_OPEN, Options, File, NULL);
}

/* FatClose - release an open file. The last close of a file deleted while open frees its
   clusters (the status of that is returned; the FAT_FILE is gone either way). */
NTSTATUS FatClose(PFAT_FILE File)
{
    PFAT_VOLUME Vol;
    NTSTATUS Status;

    if (File == NULL) {
        return STATUS_INVALID_HANDLE;
    }
    Vol = File->Volume;
    Status = FatpFcbRelease(Vol, File->Fcb);
    Vol->OpenFiles--;
    ExFreePoolWithTag(File, FAT_POOL_TAG);
    return Status;
}

/* FatRead - read up to Length bytes at Offset. Result: STATUS_SUCCESS with *BytesRead (short
   at the end of the file), STATUS_END_OF_FILE when Offset is at or past the end (and Length is
   not 0), STATUS_INVALID_DEVICE_REQUEST on a directory. */
NTSTATUS FatRead(PFAT_FILE File, ULONG Offset, PVOID Buffer, ULONG Length, PULONG BytesRead)
{
    PFAT_FCB Fcb;
    NTSTATUS Status;

    if (File == NULL || BytesRead == NULL || (Buffer == NULL && Length != 0)) {
        return STATUS_INVALID_PARAMETER;
    }
    Fcb = File->Fcb;
    *BytesRead = 0;
    if (Fcb->IsDirectory) {
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (Length == 0) {
        return STATUS_SUCCESS;
    }
    if (Offset >= Fcb->FileSize) {
        return STATUS_END_OF_FILE;
    }
    if (Length > Fcb->FileSize - Offset) {
        Length = Fcb->FileSize - Offset;
    }
    Status = FatpTransfer(File->Volume, Fcb, Offset, Buffer, Length, FALSE, FALSE);
    if (NT_SUCCESS(Status)) {
        *BytesRead = Length;
    }
    return Status;
}

/* FatWrite - write Length bytes at Offset, extending the file (a gap reads as zeros).
   Result: STATUS_SUCCESS with *BytesWritten = Length; STATUS_DISK_FULL (nothing written, the
   file unchanged) when the clusters are not there or the file would pass 4 GiB - 1;
   STATUS_ACCESS_DENIED for a read-only file; STATUS_INVALID_DEVICE_REQUEST on a directory. */
NTSTATUS FatWrite(PFAT_FILE File, ULONG Offset, const VOID *Buffer, ULONG Length,
                  PULONG BytesWritten)
{
    PFAT_FCB Fcb;
    NTSTATUS Status;

    if (File == NULL || BytesWritten == NULL || (Buffer == NULL && Length != 0)) {
        return STATUS_INVALID_PARAMETER;
    }
    Fcb = File->Fcb;
    *BytesWritten = 0;
    if (Fcb->IsDirectory) {
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (Fcb->Attributes & FAT_ATTR_READONLY) {
        return STATUS_ACCESS_DENIED;
    }
    Status = FatpFcbWrite(File->Volume, Fcb, Offset, Buffer, Length);
    if (NT_SUCCESS(Status)) {
        *BytesWritten = Length;
    }
    return Status;
}

/* FatSetEndOfFile - truncate or extend (zero-filled) the file to NewSize bytes. Growing is all
   or nothing (STATUS_DISK_FULL leaves the file as it was). */
NTSTATUS FatSetEndOfFile(PFAT_FILE File, ULONG NewSize)
{
    if (File == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    if (File->Fcb->IsDirectory) {
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    if (File->Fcb->Attributes & FAT_ATTR_READONLY) {
        return STATUS_ACCESS_DENIED;
    }
    return FatpFcbSetSize(File->Volume, File->Fcb, NewSize);
}

/* FatQueryInformation - size, allocation, attributes and times of an open file. */
NTSTATUS FatQueryInformation(PFAT_FILE File, PFAT_FILE_INFORMATION Information)
{
    PFAT_VOLUME Vol;
    PFAT_FCB Fcb;
    PUCHAR Sector;
    ULONG Clusters;

    if (File == NULL || Information == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    Vol = File->Volume;
    Fcb = File->Fcb;
    memset(Information, 0, sizeof(*Information));
    Information->FileSize = Fcb->FileSize;
    Information->FirstCluster = Fcb->FirstCluster;
    Information->Attributes = Fcb->Attributes;
    Information->IsDirectory = Fcb->IsDirectory;
    Information->DeletePending = Fcb->Unlinked;
    Clusters = Fcb->FileSize / Vol->BytesPerCluster + (Fcb->FileSize % Vol->BytesPerCluster != 0);
    if (Fcb->IsDirectory) {
        ULONG Tail;
        Clusters = 0;
        if (Fcb->FirstCluster != 0) {
            FatpChainTail(Vol, Fcb->FirstCluster, FAT_MAX_DIR_SLOTS, &Tail, &Clusters);
        } else {
            Clusters = (Vol->RootEntryCount * DIRENT_BYTES) / Vol->BytesPerCluster;
        }
    }
    Information->AllocationSize = Clusters * Vol->BytesPerCluster;
    if (!Fcb->IsRoot && !Fcb->Unlinked &&
        NT_SUCCESS(FatpCacheMap(Vol, Fcb->EntryLba, FAT_KIND_DIR, FALSE, &Sector))) {
        PUCHAR Raw = Sector + Fcb->EntryOffset;
        Information->WriteTime = (USHORT)FatpRead16(Raw + DIRENT_WTIME);
        Information->WriteDate = (USHORT)FatpRead16(Raw + DIRENT_WDATE);
        Information->CreateTime = (USHORT)FatpRead16(Raw + DIRENT_CTIME);
        Information->CreateDate = (USHORT)FatpRead16(Raw + DIRENT_CDATE);
    }
    return STATUS_SUCCESS;
}
