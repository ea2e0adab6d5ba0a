/*
 * fatops.c - name-space operations other than rename: FatCreateDirectory, FatQueryDirectory
 * and FatDelete.
 */
#include "fatp.h"

typedef struct _FAT_NAME_WORK {
    FAT_PATH Path;
    FAT_DIRENT_INFO Info;
} FAT_NAME_WORK;

/* FatCreateDirectory - create the directory Path (its parent must exist). Result:
   STATUS_OBJECT_NAME_COLLISION if the name exists, STATUS_DISK_FULL, or as FatCreate. */
NTSTATUS FatCreateDirectory(PFAT_VOLUME Volume, PCWSTR Path, ULONG PathLength)
{
    PFAT_FILE File;
    NTSTATUS Status = FatCreate(Volume, Path, PathLength, FAT_FILE_CREATE, FAT_DIRECTORY_FILE,
                                &File, NULL);

    if (NT_SUCCESS(Status)) {
        Status = FatClose(File);
    }
    return Status;
}

/* FatQueryDirectory - the next entry of an open directory ('.', '..' and the volume label are
   not reported). RestartScan starts from the first entry. Result: STATUS_SUCCESS with
   Information, STATUS_NO_MORE_FILES at the end, STATUS_NOT_A_DIRECTORY for a file. */
NTSTATUS FatQueryDirectory(PFAT_FILE Directory, BOOLEAN RestartScan,
                           PFAT_DIRECTORY_INFORMATION Information)
{
    FAT_DIRENT_INFO *Info;
    PFAT_VOLUME Vol;
    NTSTATUS Status;

    if (Directory == NULL || Information == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    if (!Directory->Fcb->IsDirectory) {
        return STATUS_NOT_A_DIRECTORY;
    }
    if (Directory->Fcb->Unlinked) {
        return STATUS_NO_MORE_FILES;
    }
    if (RestartScan) {
        Directory->NextSlot = 0;
        Directory->Cursor.CachedCluster = 0;
    }
    Vol = Directory->Volume;
    Info = ExAllocatePoolWithTag(PagedPool, sizeof(*Info), FAT_POOL_TAG);
    if (Info == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Status = FatpDirNext(Vol, &Directory->Cursor, &Directory->NextSlot, FALSE, Info);
    if (NT_SUCCESS(Status)) {
        Directory->NextSlot++;
        memset(Information, 0, sizeof(*Information));
        Information->Attributes = Info->Raw[DIRENT_ATTR];
        Information->FirstCluster = FatpEntryCluster(Vol, Info->Raw);
        Information->FileSize = (Information->Attributes & FAT_ATTR_DIRECTORY)
                                    ? 0 : FatpRead32(Info->Raw + DIRENT_SIZE);
        Information->WriteTime = (USHORT)FatpRead16(Info->Raw + DIRENT_WTIME);
        Information->WriteDate = (USHORT)FatpRead16(Info->Raw + DIRENT_WDATE);
        memcpy(Information->ShortName, Info->ShortName, sizeof(Info->ShortName));
        Information->ShortNameLength = Info->ShortLength;
        if (Info->LongLength != 0) {
            memcpy(Information->FileName, Info->LongName, (Info->LongLength + 1) * sizeof(WCHAR));
            Information->FileNameLength = Info->LongLength;
        } else {
            memcpy(Information->FileName, Info->ShortName, sizeof(Info->ShortName));
            Information->FileNameLength = Info->ShortLength;
        }
    }
    ExFreePoolWithTag(Info, FAT_POOL_TAG);
    return Status;
}

/* FatDelete - delete a file or an empty directory. The entry is marked deleted; its clusters
   are freed after the next barrier has made that durable (FatpFreeChainAfterBarrier), so a
   crash leaks clusters at worst and no new data lands in them while the old entry is on disk. A file that is still
   open loses its name now and its clusters at its last close. Result: STATUS_CANNOT_DELETE for
   the root or a read-only entry, STATUS_DIRECTORY_NOT_EMPTY, STATUS_OBJECT_NAME_NOT_FOUND. */
NTSTATUS FatDelete(PFAT_VOLUME Volume, PCWSTR Path, ULONG PathLength)
{
    FAT_NAME_WORK *Work;
    FAT_PATH_PART *Last;
    ULONG Parent, Cluster;
    PFAT_FCB Fcb;
    NTSTATUS Status;

    if (Volume == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    Work = ExAllocatePoolWithTag(PagedPool, sizeof(*Work), FAT_POOL_TAG);
    if (Work == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Status = FatpParsePath(Path, PathLength, &Work->Path);
    if (NT_SUCCESS(Status) && Work->Path.Count == 0) {
        Status = STATUS_CANNOT_DELETE;
    }
    if (NT_SUCCESS(Status)) {
        Status = FatpWalkToParent(Volume, &Work->Path, &Parent);
    }
    if (NT_SUCCESS(Status)) {
        Last = &Work->Path.Part[Work->Path.Count - 1];
        Status = FatpDirLookup(Volume, Parent, Last->Name, Last->Length, &Work->Info);
    }
    if (!NT_SUCCESS(Status)) {
        goto Out;
    }
    if (Work->Info.Raw[DIRENT_ATTR] & FAT_ATTR_READONLY) {
        Status = STATUS_CANNOT_DELETE;
        goto Out;
    }
    Cluster = FatpEntryCluster(Volume, Work->Info.Raw);
    if (Work->Info.Raw[DIRENT_ATTR] & FAT_ATTR_DIRECTORY) {
        Status = FatpIsValidCluster(Volume, Cluster) ? FatpDirIsEmpty(Volume, Cluster)
                                                     : STATUS_FILE_CORRUPT_ERROR;
        if (!NT_SUCCESS(Status)) {
            goto Out;
        }
    }
    Fcb = FatpFcbFind(Volume, Work->Info.EntryLba, Work->Info.EntryOffset);
    Status = FatpDirDeleteEntry(Volume, Parent, &Work->Info);
    if (!NT_SUCCESS(Status)) {
        goto Out;
    }
    if (Fcb != NULL) {
        Fcb->Unlinked = TRUE;                /* FatpFcbRelease frees the chain */
        goto Out;
    }
    Status = FatpFreeChainAfterBarrier(Volume, Cluster);
Out:
    ExFreePoolWithTag(Work, FAT_POOL_TAG);
    return Status;
}
