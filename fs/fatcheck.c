/*
 * fatcheck.c - FatRepairVolume: the mount-time cleanup of what a power cut can leave on a volume
 * this library wrote (docs/fat.md, "Crash safety" and "Mount-time repair"):
 *   1. FAT copies that differ (a cut between the writes of two copies of one FAT sector): the
 *      active copy, which the library reads and writes first, is copied over the others;
 *   2. stale temporary files (a name ending in a given suffix, e.g. the ".rectmp" of the
 *      thread-context record writer) are deleted;
 *   3. a directory named by two entries (a move cut between writing the new entry and
 *      deleting the old one) keeps the entry in the parent its '..' names, and a '..' that
 *      names another directory than the one the directory is found in is set to it;
 *   4. leaked clusters (allocated in the FAT, reached by no directory entry) are freed;
 *   5. the FSInfo free count and hint are rewritten (the mount counted them exactly).
 * Freeing is done only when the whole tree could be walked without finding damage (a bad link,
 * a cross-linked or looping chain): a repair never frees a cluster that something may use.
 */
#include "fatp.h"

#define FAT_CHECK_TAG 0x6B636846u           /* 'Fhck' */

typedef struct _FAT_CHECK_LEVEL {
    FAT_DIR_CURSOR Cursor;
    ULONG Slot;
} FAT_CHECK_LEVEL;

/* A directory entry whose directory's '..' names another parent: judged after the walk. */
typedef struct _FAT_CHECK_SUSPECT {
    ULONG Parent;                           /* the directory holding the entry */
    ULONG Directory;                        /* the first cluster it names */
    ULONG FirstSlot, ShortSlot, EntryLba;
} FAT_CHECK_SUSPECT;

#define FAT_CHECK_SUSPECTS 16

typedef struct _FAT_CHECK {
    PFAT_VOLUME Vol;
    PULONG Reached;                         /* one bit per data cluster */
    PULONG DirectoryStart;                  /* one bit per data cluster: a walked directory's first */
    ULONG SuspectCount;
    FAT_CHECK_SUSPECT Suspect[FAT_CHECK_SUSPECTS];
    PCWSTR Suffix;
    ULONG SuffixLength;
    PFAT_REPAIR_INFORMATION Info;
    FAT_DIRENT_INFO Entry;
    FAT_CHECK_LEVEL Level[FAT_MAX_DEPTH + 1];
} FAT_CHECK, *PFAT_CHECK;

static BOOLEAN FatpTestBit(PULONG Bitmap, ULONG Cluster)
{
    ULONG i = Cluster - 2;
    return (Bitmap[i / 32] >> (i % 32)) & 1;
}

static BOOLEAN FatpIsReached(PFAT_CHECK C, ULONG Cluster)
{
    return FatpTestBit(C->Reached, Cluster);
}

/* FatpSyncFatCopies - make every mirrored FAT copy equal to the active one, sector by sector. */
static NTSTATUS FatpSyncFatCopies(PFAT_VOLUME Vol, PFAT_REPAIR_INFORMATION Info)
{
    ULONG Bytes = Vol->BytesPerSector;
    PUCHAR Active, Other;
    NTSTATUS Status = STATUS_SUCCESS;

    if (Vol->NumberOfFats < 2 || !Vol->MirrorFats) {
        return STATUS_SUCCESS;
    }
    Active = ExAllocatePoolWithTag(NonPagedPool, 2 * Bytes, FAT_CHECK_TAG);
    if (Active == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Other = Active + Bytes;
    FatpCacheWriteBack(Vol, FAT_KIND_COUNT);   /* nothing is dirty at mount; be sure */
    for (ULONG s = 0; s < Vol->FatSectors && NT_SUCCESS(Status); s++) {
        Status = FatpDeviceRead(Vol, Vol->ReservedSectors + Vol->ActiveFat * Vol->FatSectors + s,
                                1, Active);
        for (ULONG Copy = 0; Copy < Vol->NumberOfFats && NT_SUCCESS(Status); Copy++) {
            ULONG Lba = Vol->ReservedSectors + Copy * Vol->FatSectors + s;
            if (Copy == Vol->ActiveFat) {
                continue;
            }
            Status = FatpDeviceRead(Vol, Lba, 1, Other);
            if (NT_SUCCESS(Status) && memcmp(Active, Other, Bytes) != 0) {
                Status = FatpDeviceWrite(Vol, Lba, 1, Active);
                Info->FatSectorsRewritten++;
            }
        }
    }
    ExFreePoolWithTag(Active, FAT_CHECK_TAG);
    return Status;
}

/* FatpMarkChain - mark the chain from First reached. A link to a free, bad or out-of-range
   cluster, or to a cluster already reached (a cross link or a loop), is damage:
   STATUS_FILE_CORRUPT_ERROR. Limit (0: none) is the length a file's size asks for: a longer
   chain is what a cut between the FAT write of an extension (or the directory write of a
   truncation) and the other leaves; it is ended after Limit clusters (the rest is unreached
   and freed with the leaks, after the barrier that makes the new end durable). */
static NTSTATUS FatpMarkChain(PFAT_CHECK C, ULONG First, ULONG Limit)
{
    ULONG Cluster = First, Next;

    for (ULONG Steps = 0; Steps <= C->Vol->ClusterCount; Steps++) {
        if (!FatpIsValidCluster(C->Vol, Cluster) || FatpIsReached(C, Cluster)) {
            return STATUS_FILE_CORRUPT_ERROR;
        }
        C->Reached[(Cluster - 2) / 32] |= 1u << ((Cluster - 2) % 32);
        NTSTATUS Status = FatpNextCluster(C->Vol, Cluster, &Next);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (Next == FAT_CHAIN_END) {
            return STATUS_SUCCESS;
        }
        if (Steps + 1 == Limit) {
            C->Info->ChainsTrimmed++;
            return FatpSetFatEntry(C->Vol, Cluster, FAT_CHAIN_END);
        }
        Cluster = Next;
    }
    return STATUS_FILE_CORRUPT_ERROR;
}

/* FatpIsStaleName - the entry's long name ends in the stale suffix (case-insensitive). */
static BOOLEAN FatpIsStaleName(PFAT_CHECK C)
{
    ULONG n = C->Entry.LongLength, s = C->SuffixLength;
    if (s == 0 || n <= s) {
        return FALSE;
    }
    for (ULONG i = 0; i < s; i++) {
        if (FatpUpcase(C->Entry.LongName[n - s + i]) != FatpUpcase(C->Suffix[i])) {
            return FALSE;
        }
    }
    return TRUE;
}

/* FatpDotDot - the '..' entry of directory Directory (slot 1 of its first cluster): where it
   is, and the parent it names (0 in the entry is the root). FALSE when slot 1 is no '..'. */
static BOOLEAN FatpDotDot(PFAT_VOLUME Vol, ULONG Directory, PULONG Lba, PULONG Offset, PULONG Parent)
{
    FAT_DIR_CURSOR Cursor = { Directory, 0, 0 };
    PUCHAR Sector;

    if (!NT_SUCCESS(FatpDirSlotLocation(Vol, &Cursor, 1, Lba, Offset)) ||
        !NT_SUCCESS(FatpCacheMap(Vol, *Lba, FAT_KIND_DIR, FALSE, &Sector)) ||
        memcmp(Sector + *Offset, "..         ", 11) != 0 || !(Sector[*Offset + DIRENT_ATTR] & FAT_ATTR_DIRECTORY)) {
        return FALSE;
    }
    *Parent = FatpEntryCluster(Vol, Sector + *Offset);
    if (*Parent == 0) {
        *Parent = Vol->RootCluster;
    }
    return TRUE;
}

/* FatpWalkFrom - walk every directory below Start (an explicit stack, FAT_MAX_DEPTH deep),
   deleting stale files, marking every chain an entry names. A directory entry is judged
   before its directory is walked: one naming a directory walked already is a second entry and
   is deleted (the other one stays); one whose directory's '..' names another parent is put
   aside for FatpResolveSuspects. */
static NTSTATUS FatpWalkFrom(PFAT_CHECK C, ULONG Start)
{
    PFAT_VOLUME Vol = C->Vol;
    ULONG Depth = 0;
    NTSTATUS Status;

    C->Level[0].Cursor.DirCluster = Start;
    C->Level[0].Cursor.CachedIndex = 0;
    C->Level[0].Cursor.CachedCluster = 0;
    C->Level[0].Slot = 0;
    for (;;) {
        FAT_CHECK_LEVEL *L = &C->Level[Depth];
        ULONG Parent = L->Cursor.DirCluster, DotDotLba, DotDotOffset, DotDot;
        Status = FatpDirNext(Vol, &L->Cursor, &L->Slot, FALSE, &C->Entry);
        if (Status == STATUS_NO_MORE_FILES) {
            if (Depth-- == 0) {
                return STATUS_SUCCESS;
            }
            continue;
        }
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        L->Slot++;
        ULONG First = FatpEntryCluster(Vol, C->Entry.Raw);
        BOOLEAN Directory = (C->Entry.Raw[DIRENT_ATTR] & FAT_ATTR_DIRECTORY) != 0;
        if (!Directory && FatpIsStaleName(C)) {
            Status = FatpDirDeleteEntry(Vol, Parent, &C->Entry);
            if (!NT_SUCCESS(Status)) {
                return Status;
            }
            C->Info->StaleFilesRemoved++;
            continue;                        /* its clusters are now leaked: freed below */
        }
        if (First == 0) {
            continue;
        }
        if (Directory && FatpIsValidCluster(Vol, First)) {
            if (FatpTestBit(C->DirectoryStart, First)) {
                Status = FatpDirDeleteEntry(Vol, Parent, &C->Entry);
                if (!NT_SUCCESS(Status)) {
                    return Status;
                }
                C->Info->DirectoryEntriesRemoved++;
                continue;
            }
            if (FatpDotDot(Vol, First, &DotDotLba, &DotDotOffset, &DotDot) && DotDot != Parent) {
                FAT_CHECK_SUSPECT *S = &C->Suspect[C->SuspectCount];
                if (C->SuspectCount == FAT_CHECK_SUSPECTS) {
                    return STATUS_FILE_CORRUPT_ERROR;
                }
                S->Parent = Parent;
                S->Directory = First;
                S->FirstSlot = C->Entry.FirstSlot;
                S->ShortSlot = C->Entry.ShortSlot;
                S->EntryLba = C->Entry.EntryLba;
                C->SuspectCount++;
                continue;
            }
        }
        ULONG Size = FatpRead32(C->Entry.Raw + DIRENT_SIZE);
        ULONG Limit = Directory ? 0 : Size / Vol->BytesPerCluster + (Size % Vol->BytesPerCluster != 0);
        Status = FatpMarkChain(C, First, Directory || Limit == 0 ? 0 : Limit);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (Directory) {
            if (Depth == FAT_MAX_DEPTH) {
                return STATUS_FILE_CORRUPT_ERROR;
            }
            C->DirectoryStart[(First - 2) / 32] |= 1u << ((First - 2) % 32);
            Depth++;
            C->Level[Depth].Cursor.DirCluster = First;
            C->Level[Depth].Cursor.CachedIndex = 0;
            C->Level[Depth].Cursor.CachedCluster = 0;
            C->Level[Depth].Slot = 0;
        }
    }
}

/* FatpResolveSuspects - the entries put aside by the walk, in order (walking a kept one may
   add more). The directory walked already through its other entry (the one in the parent its
   '..' names): this entry is the stale half of a move and is deleted. Otherwise this is its
   only entry: its '..' is set to this parent and it is walked from here. */
static NTSTATUS FatpResolveSuspects(PFAT_CHECK C)
{
    PFAT_VOLUME Vol = C->Vol;
    NTSTATUS Status = STATUS_SUCCESS;

    for (ULONG i = 0; i < C->SuspectCount && NT_SUCCESS(Status); i++) {
        FAT_CHECK_SUSPECT S = C->Suspect[i];
        ULONG Lba, Offset, DotDot;
        PUCHAR Sector;
        if (FatpTestBit(C->DirectoryStart, S.Directory)) {
            C->Entry.FirstSlot = S.FirstSlot;
            C->Entry.ShortSlot = S.ShortSlot;
            C->Entry.EntryLba = S.EntryLba;
            Status = FatpDirDeleteEntry(Vol, S.Parent, &C->Entry);
            C->Info->DirectoryEntriesRemoved++;
            continue;
        }
        if (!FatpDotDot(Vol, S.Directory, &Lba, &Offset, &DotDot)) {
            return STATUS_FILE_CORRUPT_ERROR;
        }
        Status = FatpCacheMap(Vol, Lba, FAT_KIND_DIR, FALSE, &Sector);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        FatpSetEntryCluster(Sector + Offset, S.Parent == Vol->RootCluster ? 0 : S.Parent);
        FatpCacheSetDirty(Vol, Sector);
        C->Info->ParentLinksFixed++;
        Status = FatpMarkChain(C, S.Directory, 0);
        if (NT_SUCCESS(Status)) {
            C->DirectoryStart[(S.Directory - 2) / 32] |= 1u << ((S.Directory - 2) % 32);
            Status = FatpWalkFrom(C, S.Directory);
        }
    }
    return Status;
}

/* FatpMarkTree - the whole tree from the root, then the entries put aside. */
static NTSTATUS FatpMarkTree(PFAT_CHECK C)
{
    NTSTATUS Status = STATUS_SUCCESS;

    if (C->Vol->FatType == 32) {
        Status = FatpMarkChain(C, C->Vol->RootCluster, 0);
    }
    if (NT_SUCCESS(Status)) {
        Status = FatpWalkFrom(C, C->Vol->RootCluster);
    }
    return NT_SUCCESS(Status) ? FatpResolveSuspects(C) : Status;
}

/* FatpFreeUnreached - free every allocated cluster the walk did not reach. */
static NTSTATUS FatpFreeUnreached(PFAT_CHECK C)
{
    PFAT_VOLUME Vol = C->Vol;
    ULONG Values[128];

    for (ULONG Base = 2; Base - 2 < Vol->ClusterCount; Base += 128) {
        ULONG Count = Vol->ClusterCount - (Base - 2);
        Count = Count < 128 ? Count : 128;
        NTSTATUS Status = FatpGetFatEntries(Vol, Base, Count, Values);
        for (ULONG i = 0; i < Count && NT_SUCCESS(Status); i++) {
            ULONG Cluster = Base + i;
            if (FatpIsReached(C, Cluster) || Values[i] == FAT_CLUSTER_FREE || Values[i] == FAT_CLUSTER_BAD) {
                continue;
            }
            Status = FatpSetFatEntry(Vol, Cluster, FAT_CLUSTER_FREE);
            if (NT_SUCCESS(Status)) {
                Vol->FreeCount++;
                Vol->FsInfoDirty = TRUE;
                if (Cluster < Vol->NextFree) {
                    Vol->NextFree = Cluster;
                }
                C->Info->LeakedClustersFreed++;
            }
        }
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
    }
    return STATUS_SUCCESS;
}

/*
 * FatRepairVolume - clean up after a power cut (see the file comment). Call it right after
 * FatMount, before any file is opened. StaleSuffix (optional, UTF-16, NUL-terminated): files
 * whose long name ends with it are deleted. Information (optional) says what was done.
 * Result: STATUS_SUCCESS; STATUS_FILE_CORRUPT_ERROR when the tree is damaged beyond a leak
 * (copies and FSInfo are still repaired, nothing is freed: Information->TreeDamaged);
 * STATUS_INVALID_DEVICE_STATE with files open; device errors; STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS FatRepairVolume(PFAT_VOLUME Volume, PCWSTR StaleSuffix,
                         PFAT_REPAIR_INFORMATION Information)
{
    FAT_REPAIR_INFORMATION Local;
    PFAT_CHECK C;
    NTSTATUS Status, WalkStatus;

    if (Volume == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    if (Volume->OpenFiles != 0) {
        return STATUS_INVALID_DEVICE_STATE;
    }
    if (Information == NULL) {
        Information = &Local;
    }
    memset(Information, 0, sizeof(*Information));
    Status = FatpSyncFatCopies(Volume, Information);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    C = ExAllocatePoolWithTag(NonPagedPool, sizeof(*C), FAT_CHECK_TAG);
    ULONG BitmapBytes = (Volume->ClusterCount + 31) / 32 * 4;
    PULONG Reached = ExAllocatePoolWithTag(NonPagedPool, 2 * BitmapBytes, FAT_CHECK_TAG);
    if (C == NULL || Reached == NULL) {
        if (C != NULL) {
            ExFreePoolWithTag(C, FAT_CHECK_TAG);
        }
        if (Reached != NULL) {
            ExFreePoolWithTag(Reached, FAT_CHECK_TAG);
        }
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    memset(C, 0, sizeof(*C));
    memset(Reached, 0, 2 * BitmapBytes);
    C->Vol = Volume;
    C->Reached = Reached;
    C->DirectoryStart = Reached + BitmapBytes / 4;
    C->Info = Information;
    C->Suffix = StaleSuffix;
    while (StaleSuffix != NULL && StaleSuffix[C->SuffixLength] != 0) {
        C->SuffixLength++;
    }

    WalkStatus = FatpMarkTree(C);
    /* Deleted entries reach the disk before their clusters are freed. */
    Status = FatpBarrier(Volume);
    if (NT_SUCCESS(Status) && NT_SUCCESS(WalkStatus)) {
        Status = FatpFreeUnreached(C);
    }
    Information->TreeDamaged = !NT_SUCCESS(WalkStatus);
    Volume->FsInfoDirty = Volume->FsInfoSector != 0;
    if (NT_SUCCESS(Status)) {
        Status = FatpBarrier(Volume);        /* FAT copies and the exact FSInfo count */
    }
    ExFreePoolWithTag(Reached, FAT_CHECK_TAG);
    ExFreePoolWithTag(C, FAT_CHECK_TAG);
    return NT_SUCCESS(Status) ? WalkStatus : Status;
}
