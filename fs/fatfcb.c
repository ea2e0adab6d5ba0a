/*
 * fatfcb.c - file control blocks: one per open directory entry, shared by every FAT_FILE on it
 * and keyed by the short entry's location. Also path walking, chain seeking and resizing.
 *
 * A file's chain is checked when its FCB is created: exactly ceil(size / cluster) clusters
 * ending in an end mark (so a loop or a short chain is STATUS_FILE_CORRUPT_ERROR at open), and
 * every later change keeps that true.
 */
#include "fatp.h"

#define FAT_DEFAULT_TIME ((ULONG)(((2024 - 1980) << 9) | (1 << 5) | 1) << 16)

/* FatpNow - the current (DosDate << 16) | DosTime, from the volume's clock if it has one. */
ULONG FatpNow(PFAT_VOLUME Vol)
{
    return Vol->GetTime != NULL ? Vol->GetTime(Vol->TimeContext) : FAT_DEFAULT_TIME;
}

/* FatpEntryCluster - the first cluster a short entry names (the high half only on FAT32). */
ULONG FatpEntryCluster(PFAT_VOLUME Vol, const UCHAR *Raw)
{
    ULONG Low = FatpRead16(Raw + DIRENT_CLUSTER_LO);

    return Vol->FatType == 32 ? Low | (FatpRead16(Raw + DIRENT_CLUSTER_HI) << 16) : Low;
}

VOID FatpSetEntryCluster(UCHAR *Raw, ULONG Cluster)
{
    FatpWrite16(Raw + DIRENT_CLUSTER_LO, Cluster & 0xFFFF);
    FatpWrite16(Raw + DIRENT_CLUSTER_HI, Cluster >> 16);
}

static ULONG FatpClustersFor(PFAT_VOLUME Vol, ULONG Size)
{
    return Size / Vol->BytesPerCluster + (Size % Vol->BytesPerCluster != 0);
}

/* FatpWalkToParent - follow every component of Path but the last from the root. Result:
   *DirCluster of the directory that holds the last component; STATUS_OBJECT_PATH_NOT_FOUND
   if a component is missing or is not a directory. */
NTSTATUS FatpWalkToParent(PFAT_VOLUME Vol, PFAT_PATH Path, PULONG DirCluster)
{
    ULONG Dir = Vol->RootCluster;
    FAT_DIRENT_INFO *Info;
    NTSTATUS Status = STATUS_SUCCESS;

    if (Path->Count <= 1) {
        *DirCluster = Dir;
        return STATUS_SUCCESS;
    }
    Info = ExAllocatePoolWithTag(PagedPool, sizeof(*Info), FAT_POOL_TAG);
    if (Info == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    for (ULONG i = 0; i + 1 < Path->Count; i++) {
        Status = FatpDirLookup(Vol, Dir, Path->Part[i].Name, Path->Part[i].Length, Info);
        if (Status == STATUS_OBJECT_NAME_NOT_FOUND) {
            Status = STATUS_OBJECT_PATH_NOT_FOUND;
        }
        if (!NT_SUCCESS(Status)) {
            break;
        }
        if (!(Info->Raw[DIRENT_ATTR] & FAT_ATTR_DIRECTORY)) {
            Status = STATUS_OBJECT_PATH_NOT_FOUND;
            break;
        }
        Dir = FatpEntryCluster(Vol, Info->Raw);
        if (!FatpIsValidCluster(Vol, Dir)) {
            Status = STATUS_FILE_CORRUPT_ERROR;
            break;
        }
    }
    ExFreePoolWithTag(Info, FAT_POOL_TAG);
    *DirCluster = Dir;
    return Status;
}

/* FatpFcbFind - the open FCB of the entry at (EntryLba, EntryOffset), or NULL. */
PFAT_FCB FatpFcbFind(PFAT_VOLUME Vol, ULONG EntryLba, ULONG EntryOffset)
{
    for (PFAT_FCB Fcb = Vol->OpenFcbs; Fcb != NULL; Fcb = Fcb->Next) {
        if (Fcb->EntryLba == EntryLba && Fcb->EntryOffset == EntryOffset && !Fcb->Unlinked) {
            return Fcb;
        }
    }
    return NULL;
}

/* FatpFcbCheckChain - the chain of a new FCB must fit its entry (see the file comment). */
static NTSTATUS FatpFcbCheckChain(PFAT_VOLUME Vol, PFAT_FCB Fcb)
{
    ULONG Tail, Length, Need;

    if (Fcb->IsDirectory) {
        if (Fcb->IsRoot && Fcb->FirstCluster == 0) {
            return STATUS_SUCCESS;
        }
        return FatpChainTail(Vol, Fcb->FirstCluster,
                             FAT_MAX_DIR_SLOTS / (Vol->BytesPerCluster / DIRENT_BYTES) + 1,
                             &Tail, &Length);
    }
    Need = FatpClustersFor(Vol, Fcb->FileSize);
    if (Need == 0) {
        return Fcb->FirstCluster == 0 ? STATUS_SUCCESS : STATUS_FILE_CORRUPT_ERROR;
    }
    if (Fcb->FirstCluster == 0) {
        return STATUS_FILE_CORRUPT_ERROR;
    }
    NTSTATUS Status = FatpChainTail(Vol, Fcb->FirstCluster, Need, &Tail, &Length);
    if (NT_SUCCESS(Status) && Length != Need) {
        Status = STATUS_FILE_CORRUPT_ERROR;
    }
    return Status;
}

/* FatpFcbInsert - check a filled-in FCB and put it on the volume's list. */
static NTSTATUS FatpFcbInsert(PFAT_VOLUME Vol, PFAT_FCB Fcb, PFAT_FCB *Result)
{
    NTSTATUS Status = FatpFcbCheckChain(Vol, Fcb);

    if (!NT_SUCCESS(Status)) {
        ExFreePoolWithTag(Fcb, FAT_POOL_TAG);
        return Status;
    }
    Fcb->RefCount = 1;
    Fcb->Next = Vol->OpenFcbs;
    Vol->OpenFcbs = Fcb;
    *Result = Fcb;
    return STATUS_SUCCESS;
}

/* FatpFcbOpen - reference the FCB of the entry Info describes (in directory ParentCluster),
   creating and checking it if the entry is not open yet. */
NTSTATUS FatpFcbOpen(PFAT_VOLUME Vol, PFAT_DIRENT_INFO Info, ULONG ParentCluster, PFAT_FCB *Fcb)
{
    PFAT_FCB New = FatpFcbFind(Vol, Info->EntryLba, Info->EntryOffset);

    if (New != NULL) {
        New->RefCount++;
        *Fcb = New;
        return STATUS_SUCCESS;
    }
    New = ExAllocatePoolWithTag(NonPagedPool, sizeof(*New), FAT_POOL_TAG);
    if (New == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    memset(New, 0, sizeof(*New));
    New->EntryLba = Info->EntryLba;
    New->EntryOffset = Info->EntryOffset;
    New->ParentCluster = ParentCluster;
    New->Attributes = Info->Raw[DIRENT_ATTR];
    New->IsDirectory = (Info->Raw[DIRENT_ATTR] & FAT_ATTR_DIRECTORY) != 0;
    New->FirstCluster = FatpEntryCluster(Vol, Info->Raw);
    New->FileSize = New->IsDirectory ? 0 : FatpRead32(Info->Raw + DIRENT_SIZE);
    return FatpFcbInsert(Vol, New, Fcb);
}

/* FatpFcbOpenRoot - reference the root directory's FCB (key 0/0: sector 0 holds no entry). */
NTSTATUS FatpFcbOpenRoot(PFAT_VOLUME Vol, PFAT_FCB *Fcb)
{
    PFAT_FCB New = FatpFcbFind(Vol, 0, 0);

    if (New != NULL) {
        New->RefCount++;
        *Fcb = New;
        return STATUS_SUCCESS;
    }
    New = ExAllocatePoolWithTag(NonPagedPool, sizeof(*New), FAT_POOL_TAG);
    if (New == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    memset(New, 0, sizeof(*New));
    New->IsRoot = TRUE;
    New->IsDirectory = TRUE;
    New->Attributes = FAT_ATTR_DIRECTORY;
    New->FirstCluster = Vol->RootCluster;
    return FatpFcbInsert(Vol, New, Fcb);
}

/* FatpFcbRelease - drop one reference; the last one frees the FCB, and hands the clusters of
   an entry that was deleted while open to FatpFreeChainAfterBarrier: the deletion of the entry
   may still be only in the cache, so they must not be reused before the next barrier. */
NTSTATUS FatpFcbRelease(PFAT_VOLUME Vol, PFAT_FCB Fcb)
{
    NTSTATUS Status = STATUS_SUCCESS;

    if (--Fcb->RefCount != 0) {
        return STATUS_SUCCESS;
    }
    for (PFAT_FCB *Link = &Vol->OpenFcbs; *Link != NULL; Link = &(*Link)->Next) {
        if (*Link == Fcb) {
            *Link = Fcb->Next;
            break;
        }
    }
    if (Fcb->Unlinked && Fcb->FirstCluster != 0) {
        Status = FatpFreeChainAfterBarrier(Vol, Fcb->FirstCluster);
    }
    ExFreePoolWithTag(Fcb, FAT_POOL_TAG);
    return Status;
}

/* FatpFcbUpdateEntry - copy the FCB's size and first cluster (and a new write time) into its
   directory entry; nothing for the root or an entry already deleted. */
NTSTATUS FatpFcbUpdateEntry(PFAT_VOLUME Vol, PFAT_FCB Fcb)
{
    PUCHAR Sector, Raw;
    ULONG Now = FatpNow(Vol);
    NTSTATUS Status;

    if (Fcb->IsRoot || Fcb->Unlinked) {
        return STATUS_SUCCESS;
    }
    Status = FatpCacheMap(Vol, Fcb->EntryLba, FAT_KIND_DIR, FALSE, &Sector);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Raw = Sector + Fcb->EntryOffset;
    FatpSetEntryCluster(Raw, Fcb->FirstCluster);
    if (!Fcb->IsDirectory) {
        FatpWrite32(Raw + DIRENT_SIZE, Fcb->FileSize);
        Raw[DIRENT_ATTR] |= FAT_ATTR_ARCHIVE;
        Fcb->Attributes = Raw[DIRENT_ATTR];
    }
    FatpWrite16(Raw + DIRENT_WTIME, Now & 0xFFFF);
    FatpWrite16(Raw + DIRENT_WDATE, Now >> 16);
    FatpWrite16(Raw + DIRENT_ADATE, Now >> 16);
    FatpCacheSetDirty(Vol, Sector);
    return STATUS_SUCCESS;
}

/* FatpFcbSeek - the Index-th cluster (from 0) of the FCB's chain. Result: STATUS_END_OF_FILE
   if the chain is shorter, STATUS_FILE_CORRUPT_ERROR if it is damaged. */
NTSTATUS FatpFcbSeek(PFAT_VOLUME Vol, PFAT_FCB Fcb, ULONG Index, PULONG Cluster)
{
    ULONG At = 0, Current = Fcb->FirstCluster;

    if (Current == 0) {
        return STATUS_END_OF_FILE;
    }
    if (Index >= Vol->ClusterCount) {
        return STATUS_FILE_CORRUPT_ERROR;
    }
    if (Fcb->HintCluster != 0 && Fcb->HintIndex <= Index) {
        At = Fcb->HintIndex;
        Current = Fcb->HintCluster;
    }
    while (At < Index) {
        ULONG Next;
        NTSTATUS Status = FatpNextCluster(Vol, Current, &Next);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (Next == FAT_CHAIN_END) {
            return STATUS_END_OF_FILE;
        }
        Current = Next;
        At++;
    }
    Fcb->HintIndex = At;
    Fcb->HintCluster = Current;
    *Cluster = Current;
    return STATUS_SUCCESS;
}

/* FatpFcbTrim - cut the chain to hold Keep clusters. The entry is updated and pushed to disk
   by a barrier before the FAT frees anything, so a crash leaks clusters at worst. */
static NTSTATUS FatpFcbTrim(PFAT_VOLUME Vol, PFAT_FCB Fcb, ULONG Keep)
{
    ULONG Cut = 0, Last, Next;
    NTSTATUS Status;

    if (Fcb->FirstCluster == 0) {
        return FatpFcbUpdateEntry(Vol, Fcb);
    }
    if (Keep == 0) {
        Cut = Fcb->FirstCluster;
        Fcb->FirstCluster = 0;
        Last = 0;
    } else {
        Status = FatpFcbSeek(Vol, Fcb, Keep - 1, &Last);
        if (NT_SUCCESS(Status)) {
            Status = FatpNextCluster(Vol, Last, &Next);
        }
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        Cut = Next == FAT_CHAIN_END ? 0 : Next;
    }
    if (Fcb->HintIndex >= Keep) {
        Fcb->HintCluster = 0;
        Fcb->HintIndex = 0;
    }
    Status = FatpFcbUpdateEntry(Vol, Fcb);
    if (!NT_SUCCESS(Status) || Cut == 0) {
        return Status;
    }
    Status = FatpBarrier(Vol);
    if (NT_SUCCESS(Status) && Last != 0) {
        Status = FatpSetFatEntry(Vol, Last, FAT_CHAIN_END);
    }
    if (NT_SUCCESS(Status)) {
        Status = FatpFreeChain(Vol, Cut);
    }
    return Status;
}

/* FatpFcbAllocate - make the chain long enough for NewSize bytes. All or nothing: on
   STATUS_DISK_FULL the file is unchanged. The size is not changed here. */
static NTSTATUS FatpFcbAllocate(PFAT_VOLUME Vol, PFAT_FCB Fcb, ULONG NewSize)
{
    ULONG Have = FatpClustersFor(Vol, Fcb->FileSize), Need = FatpClustersFor(Vol, NewSize);
    ULONG First, Last, Tail;
    NTSTATUS Status;

    if (Need <= Have) {
        return STATUS_SUCCESS;
    }
    Status = FatpAllocateClusters(Vol, Need - Have, &First, &Last);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    if (Have == 0) {
        Fcb->FirstCluster = First;
        Status = FatpFcbUpdateEntry(Vol, Fcb);
    } else {
        Status = FatpFcbSeek(Vol, Fcb, Have - 1, &Tail);
        if (NT_SUCCESS(Status)) {
            Status = FatpSetFatEntry(Vol, Tail, First);
        }
        if (!NT_SUCCESS(Status)) {
            FatpFreeChain(Vol, First);
            return Status;
        }
    }
    Fcb->HintIndex = Have;
    Fcb->HintCluster = First;
    return Status;
}

/* FatpFcbWrite - write Length bytes (zeros if Buffer is NULL) at Offset, growing the file as
   needed: the gap between the old end and Offset reads as zeros. All or nothing on
   STATUS_DISK_FULL. */
NTSTATUS FatpFcbWrite(PFAT_VOLUME Vol, PFAT_FCB Fcb, ULONG Offset, const UCHAR *Buffer,
                      ULONG Length)
{
    ULONG Old = Fcb->FileSize, End;
    NTSTATUS Status;

    if (Length == 0) {
        return STATUS_SUCCESS;
    }
    if ((ULONGLONG)Offset + Length > 0xFFFFFFFFull) {
        return STATUS_DISK_FULL;                 /* beyond FAT's 4 GiB - 1 file size */
    }
    End = Offset + Length;
    if (End > Old) {
        Status = FatpFcbAllocate(Vol, Fcb, End);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
    }
    Status = STATUS_SUCCESS;
    if (Offset > Old) {
        Status = FatpTransfer(Vol, Fcb, Old, NULL, Offset - Old, TRUE, TRUE);
    }
    if (NT_SUCCESS(Status)) {
        Status = FatpTransfer(Vol, Fcb, Offset, (PUCHAR)Buffer, Length, TRUE, Buffer == NULL);
    }
    if (!NT_SUCCESS(Status)) {
        if (End > Old) {
            FatpFcbTrim(Vol, Fcb, FatpClustersFor(Vol, Old));   /* keep chain == size */
        }
        return Status;
    }
    if (End > Fcb->FileSize) {
        Fcb->FileSize = End;
    }
    return FatpFcbUpdateEntry(Vol, Fcb);
}

/* FatpFcbSetSize - set a file's size: growing zero-fills, shrinking frees clusters. */
NTSTATUS FatpFcbSetSize(PFAT_VOLUME Vol, PFAT_FCB Fcb, ULONG NewSize)
{
    if (NewSize > Fcb->FileSize) {
        return FatpFcbWrite(Vol, Fcb, Fcb->FileSize, NULL, NewSize - Fcb->FileSize);
    }
    Fcb->FileSize = NewSize;
    return FatpFcbTrim(Vol, Fcb, FatpClustersFor(Vol, NewSize));
}
