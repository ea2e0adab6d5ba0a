/*
 * fatrename.c - FatRename: plain rename/move and rename-over (replace an existing file).
 *
 * The steps are separated by barriers (all dirty sectors written, device flushed) so that they
 * reach the disk in the order docs/fat.md gives, and a power cut leaves the old or the new
 * state. Summary:
 *   rename-over  1. delete the source's entries   2. point the target's short entry (one
 *                sector) at the source's clusters   3. free the target's old clusters
 *   plain, same directory, the old entry in one sector and the new name needing no more slots:
 *                rewrite the slots in place (one sector write; the short entry keeps its slot)
 *   plain, otherwise  1. copy a file's clusters   2. write the new entry (pointing at the copy)
 *                3. delete the old entry   4. free the old clusters. A directory (or a file
 *                when the disk has no room for the copy) is not copied: between 2 and 3 both
 *                entries name the same clusters.
 */
#include "fatp.h"

typedef struct _FAT_RENAME_WORK {
    FAT_PATH OldPath, NewPath;
    FAT_DIRENT_INFO Source, Target;
} FAT_RENAME_WORK;

/* FatpDotDotLocation - sector and offset of the '..' entry of a directory (its slot 1). */
static NTSTATUS FatpDotDotLocation(PFAT_VOLUME Vol, ULONG Dir, PULONG Lba, PULONG Offset)
{
    FAT_DIR_CURSOR Cursor = { Dir, 0, 0 };
    PUCHAR Sector;
    NTSTATUS Status = FatpDirSlotLocation(Vol, &Cursor, 1, Lba, Offset);

    if (NT_SUCCESS(Status)) {
        Status = FatpCacheMap(Vol, *Lba, FAT_KIND_DIR, FALSE, &Sector);
    }
    if (NT_SUCCESS(Status) && memcmp(Sector + *Offset, "..         ", 11) != 0) {
        Status = STATUS_FILE_CORRUPT_ERROR;
    }
    return Status == STATUS_END_OF_FILE ? STATUS_FILE_CORRUPT_ERROR : Status;
}

/* FatpIsWithin - is directory Dir the directory Ancestor or below it? Walks up by '..'. */
static NTSTATUS FatpIsWithin(PFAT_VOLUME Vol, ULONG Dir, ULONG Ancestor, PBOOLEAN Within)
{
    for (ULONG Steps = 0; Dir != Vol->RootCluster; Steps++) {
        ULONG Lba, Offset;
        PUCHAR Sector;
        NTSTATUS Status;

        if (Dir == Ancestor) {
            *Within = TRUE;
            return STATUS_SUCCESS;
        }
        if (Steps > Vol->ClusterCount || !FatpIsValidCluster(Vol, Dir)) {
            return STATUS_FILE_CORRUPT_ERROR;
        }
        Status = FatpDotDotLocation(Vol, Dir, &Lba, &Offset);
        if (NT_SUCCESS(Status)) {
            Status = FatpCacheMap(Vol, Lba, FAT_KIND_DIR, FALSE, &Sector);
        }
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        Dir = FatpEntryCluster(Vol, Sector + Offset);
        if (Dir == 0) {
            Dir = Vol->RootCluster;
        }
    }
    *Within = FALSE;
    return STATUS_SUCCESS;
}

/* FatpRenameOver - replace the existing file Target (in NewDir) by Source (in OldDir). */
static NTSTATUS FatpRenameOver(PFAT_VOLUME Vol, FAT_RENAME_WORK *W, ULONG OldDir, ULONG NewDir)
{
    PFAT_FCB SourceFcb = FatpFcbFind(Vol, W->Source.EntryLba, W->Source.EntryOffset);
    PFAT_FCB TargetFcb = FatpFcbFind(Vol, W->Target.EntryLba, W->Target.EntryOffset);
    ULONG OldCluster = FatpEntryCluster(Vol, W->Target.Raw);
    UCHAR Raw[DIRENT_BYTES];
    NTSTATUS Status;

    /* The target keeps its name bytes (and so its LFN entries, whose checksum covers them);
       everything else comes from the source. */
    memcpy(Raw, W->Source.Raw, DIRENT_BYTES);
    memcpy(Raw, W->Target.Raw, 11);
    Raw[DIRENT_NTFLAGS] = W->Target.Raw[DIRENT_NTFLAGS];
    if (SourceFcb != NULL) {
        FatpSetEntryCluster(Raw, SourceFcb->FirstCluster);
        FatpWrite32(Raw + DIRENT_SIZE, SourceFcb->FileSize);
    }

    Status = FatpBarrier(Vol);                  /* the source's data and chain are durable */
    if (NT_SUCCESS(Status)) {
        Status = FatpDirDeleteEntry(Vol, OldDir, &W->Source);
    }
    if (NT_SUCCESS(Status)) {
        Status = FatpBarrier(Vol);              /* step 1 on disk */
    }
    if (NT_SUCCESS(Status)) {
        Status = FatpDirWriteShort(Vol, W->Target.EntryLba, W->Target.EntryOffset, Raw);
    }
    if (NT_SUCCESS(Status)) {
        Status = FatpBarrier(Vol);              /* step 2 (the commit) on disk */
    }
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    if (TargetFcb != NULL) {
        TargetFcb->Unlinked = TRUE;             /* its clusters go at its last close */
    } else if (OldCluster != 0) {
        Status = FatpFreeChain(Vol, OldCluster);
    }
    if (SourceFcb != NULL) {
        SourceFcb->EntryLba = W->Target.EntryLba;
        SourceFcb->EntryOffset = W->Target.EntryOffset;
        SourceFcb->ParentCluster = NewDir;
    }
    return NT_SUCCESS(Status) ? FatpBarrier(Vol) : Status;
}

/* FatpRenamePlain - give Source (in OldDir) the name Name in NewDir, which holds no other
   entry of that name. */
static NTSTATUS FatpRenamePlain(PFAT_VOLUME Vol, FAT_RENAME_WORK *W, ULONG OldDir, ULONG NewDir,
                                PCWSTR Name, ULONG Length)
{
    PFAT_FCB SourceFcb = FatpFcbFind(Vol, W->Source.EntryLba, W->Source.EntryOffset);
    BOOLEAN IsDirectory = (W->Source.Raw[DIRENT_ATTR] & FAT_ATTR_DIRECTORY) != 0;
    FAT_DIR_CURSOR Cursor = { OldDir, 0, 0 };
    UCHAR Raw[DIRENT_BYTES], NtFlags;
    ULONG LfnSlots, Lba, Offset, SourceCluster, Copy = 0;
    PUCHAR Sector;
    NTSTATUS Status;

    memcpy(Raw, W->Source.Raw, DIRENT_BYTES);
    Status = FatpBarrier(Vol);                  /* the source's data and chain are durable */
    if (!NT_SUCCESS(Status)) {
        return Status;
    }

    if (OldDir == NewDir) {
        Status = FatpDirMakeName(Vol, NewDir, Name, Length, Raw, &NtFlags, &LfnSlots);
        if (NT_SUCCESS(Status)) {
            Status = FatpDirSlotLocation(Vol, &Cursor, W->Source.FirstSlot, &Lba, &Offset);
        }
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (LfnSlots <= W->Source.ShortSlot - W->Source.FirstSlot && Lba == W->Source.EntryLba) {
            /* In place, all in one sector (one atomic write): the short entry keeps its slot,
               unused leading slots are freed. */
            ULONG First = W->Source.ShortSlot - LfnSlots;
            Raw[DIRENT_NTFLAGS] = NtFlags;
            Status = FatpDirWriteRun(Vol, NewDir, First, Name, Length, LfnSlots, Raw, &W->Target);
            if (NT_SUCCESS(Status) && First > W->Source.FirstSlot) {
                Status = FatpDirMarkDeleted(Vol, NewDir, W->Source.FirstSlot, First - 1);
            }
            return NT_SUCCESS(Status) ? FatpBarrier(Vol) : Status;
        }
        memcpy(Raw, W->Source.Raw, DIRENT_BYTES);
    }

    /* A file gets its own copy of the clusters under the new name, so that no two entries
       ever share a chain; without room for the copy both names briefly share it. */
    SourceCluster = FatpEntryCluster(Vol, Raw);
    if (!IsDirectory && SourceCluster != 0) {
        ULONG Size = FatpRead32(Raw + DIRENT_SIZE);
        ULONG Clusters = Size / Vol->BytesPerCluster + (Size % Vol->BytesPerCluster != 0);
        Status = Clusters != 0 ? FatpCopyClusters(Vol, SourceCluster, Clusters, &Copy)
                               : STATUS_FILE_CORRUPT_ERROR;
        if (Status == STATUS_DISK_FULL) {
            Copy = 0;
        } else if (!NT_SUCCESS(Status)) {
            return Status;
        } else {
            FatpSetEntryCluster(Raw, Copy);
        }
    }

    /* 1. the new entry (one sector when it fits in one) */
    Status = FatpDirAddEntry(Vol, NewDir, Name, Length, Raw, &W->Target);
    if (NT_SUCCESS(Status)) {
        Status = FatpBarrier(Vol);
    }
    if (!NT_SUCCESS(Status)) {
        if (Copy != 0) {
            FatpFreeChain(Vol, Copy);
        }
        return Status;
    }
    /* 2. the old entry goes; a moved directory's '..' names its new parent (0: the root) */
    Status = FatpDirDeleteEntry(Vol, OldDir, &W->Source);
    if (NT_SUCCESS(Status) && IsDirectory && OldDir != NewDir) {
        Status = FatpDotDotLocation(Vol, SourceCluster, &Lba, &Offset);
        if (NT_SUCCESS(Status)) {
            Status = FatpCacheMap(Vol, Lba, FAT_KIND_DIR, FALSE, &Sector);
        }
        if (NT_SUCCESS(Status)) {
            FatpSetEntryCluster(Sector + Offset, NewDir == Vol->RootCluster ? 0 : NewDir);
            FatpCacheSetDirty(Vol, Sector);
        }
    }
    if (NT_SUCCESS(Status)) {
        Status = FatpBarrier(Vol);
    }
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    if (SourceFcb != NULL) {
        SourceFcb->EntryLba = W->Target.EntryLba;
        SourceFcb->EntryOffset = W->Target.EntryOffset;
        SourceFcb->ParentCluster = NewDir;
        if (Copy != 0) {
            SourceFcb->FirstCluster = Copy;
            SourceFcb->HintCluster = 0;
            SourceFcb->HintIndex = 0;
        }
    }
    /* 3. the old clusters of a copied file are freed */
    if (Copy != 0) {
        Status = FatpFreeChain(Vol, SourceCluster);
        if (NT_SUCCESS(Status)) {
            Status = FatpBarrier(Vol);
        }
    }
    return Status;
}

/* FatpRenameWork - FatRename's body with the paths parsed. */
static NTSTATUS FatpRenameWork(PFAT_VOLUME Vol, FAT_RENAME_WORK *W, BOOLEAN ReplaceIfExists)
{
    FAT_PATH_PART *Old = &W->OldPath.Part[W->OldPath.Count - 1];
    FAT_PATH_PART *New = &W->NewPath.Part[W->NewPath.Count - 1];
    ULONG OldDir, NewDir, SourceCluster;
    BOOLEAN SourceIsDirectory, Within;
    NTSTATUS Status;

    Status = FatpWalkToParent(Vol, &W->OldPath, &OldDir);
    if (NT_SUCCESS(Status)) {
        Status = FatpDirLookup(Vol, OldDir, Old->Name, Old->Length, &W->Source);
    }
    if (NT_SUCCESS(Status)) {
        Status = FatpWalkToParent(Vol, &W->NewPath, &NewDir);
    }
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    SourceCluster = FatpEntryCluster(Vol, W->Source.Raw);
    SourceIsDirectory = (W->Source.Raw[DIRENT_ATTR] & FAT_ATTR_DIRECTORY) != 0;
    if (SourceIsDirectory && OldDir != NewDir) {
        if (!FatpIsValidCluster(Vol, SourceCluster)) {
            return STATUS_FILE_CORRUPT_ERROR;
        }
        Status = FatpIsWithin(Vol, NewDir, SourceCluster, &Within);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (Within) {
            return STATUS_INVALID_PARAMETER;    /* a directory cannot move below itself */
        }
    }

    Status = FatpDirLookup(Vol, NewDir, New->Name, New->Length, &W->Target);
    if (Status == STATUS_OBJECT_NAME_NOT_FOUND) {
        return FatpRenamePlain(Vol, W, OldDir, NewDir, New->Name, New->Length);
    }
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    if (W->Target.EntryLba == W->Source.EntryLba &&
        W->Target.EntryOffset == W->Source.EntryOffset) {
        /* The same entry: nothing to do for the same spelling, else a change of case. */
        PCWSTR Current = W->Source.LongLength ? W->Source.LongName : W->Source.ShortName;
        ULONG Length = W->Source.LongLength ? W->Source.LongLength : W->Source.ShortLength;
        if (Length == New->Length && memcmp(Current, New->Name, Length * sizeof(WCHAR)) == 0) {
            return STATUS_SUCCESS;
        }
        return FatpRenamePlain(Vol, W, OldDir, NewDir, New->Name, New->Length);
    }
    if (!ReplaceIfExists) {
        return STATUS_OBJECT_NAME_COLLISION;
    }
    if (SourceIsDirectory || (W->Target.Raw[DIRENT_ATTR] & (FAT_ATTR_DIRECTORY | FAT_ATTR_READONLY))) {
        return STATUS_ACCESS_DENIED;
    }
    return FatpRenameOver(Vol, W, OldDir, NewDir);
}

/* FatRename - rename or move OldPath to NewPath on the same volume. With ReplaceIfExists an
   existing file NewPath is replaced (never a directory: STATUS_ACCESS_DENIED); without it an
   existing name gives STATUS_OBJECT_NAME_COLLISION. Open files follow the rename. */
NTSTATUS FatRename(PFAT_VOLUME Volume, PCWSTR OldPath, ULONG OldLength, PCWSTR NewPath,
                   ULONG NewLength, BOOLEAN ReplaceIfExists)
{
    FAT_RENAME_WORK *Work;
    NTSTATUS Status;

    if (Volume == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    Work = ExAllocatePoolWithTag(PagedPool, sizeof(*Work), FAT_POOL_TAG);
    if (Work == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Status = FatpParsePath(OldPath, OldLength, &Work->OldPath);
    if (NT_SUCCESS(Status)) {
        Status = FatpParsePath(NewPath, NewLength, &Work->NewPath);
    }
    if (NT_SUCCESS(Status) && (Work->OldPath.Count == 0 || Work->NewPath.Count == 0)) {
        Status = STATUS_INVALID_PARAMETER;      /* the root has no name to change */
    }
    if (NT_SUCCESS(Status)) {
        Status = FatpRenameWork(Volume, Work, ReplaceIfExists);
    }
    ExFreePoolWithTag(Work, FAT_POOL_TAG);
    return Status;
}
