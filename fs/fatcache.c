/*
 * fatcache.c - the volume's small write-back sector cache and the raw device calls.
 *
 * Metadata (FAT, directory, FSInfo sectors) and partial data sectors go through the cache;
 * whole data sectors go straight to the device (FatpTransfer) with the cache kept coherent.
 * Dirty sectors are written in kind order DATA < FAT < DIR < INFO, also on eviction: before a
 * dirty sector of one kind leaves, every dirty sector of an earlier kind leaves first. So an
 * allocation (FAT) is never on disk after the entry (DIR) that refers to it. Issue order alone
 * does not bind a drive with a volatile write cache, so a directory sector written after data
 * or FAT sectors is preceded by a device flush (DataUnflushed): the cost is one flush per
 * write-back that carries both, not one per sector.
 */
#include "fatp.h"

/* FatpDeviceRead/Write - bounds-checked device transfers. Result: the device's status, or
   STATUS_DISK_CORRUPT_ERROR for a range outside the volume (never sent to the device). */
NTSTATUS FatpDeviceRead(PFAT_VOLUME Vol, ULONG Lba, ULONG Count, PVOID Buffer)
{
    if (Lba >= Vol->TotalSectors || Count > Vol->TotalSectors - Lba) {
        return STATUS_DISK_CORRUPT_ERROR;
    }
    return Vol->Device.Read(Vol->Device.Context, Lba, Count, Buffer);
}

NTSTATUS FatpDeviceWrite(PFAT_VOLUME Vol, ULONG Lba, ULONG Count, const VOID *Buffer)
{
    if (Lba >= Vol->TotalSectors || Count > Vol->TotalSectors - Lba) {
        return STATUS_DISK_CORRUPT_ERROR;
    }
    return Vol->Device.Write(Vol->Device.Context, Lba, Count, Buffer);
}

/* FatpCacheWriteEntry - write one dirty cached sector; FAT sectors go to every FAT copy kept
   in step (the cached copy is always the active FAT's sector). */
static NTSTATUS FatpCacheWriteEntry(PFAT_VOLUME Vol, ULONG Index)
{
    FAT_CACHE_ENTRY *Entry = &Vol->Cache[Index];
    PUCHAR Data = Vol->CacheData + Index * Vol->BytesPerSector;
    NTSTATUS Status;

    if (Entry->Kind == FAT_KIND_DIR && Vol->DataUnflushed && Vol->Device.Flush != NULL) {
        /* The entry may point at what those writes hold: make them durable first. */
        Status = Vol->Device.Flush(Vol->Device.Context);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        Vol->DataUnflushed = FALSE;
    }
    if (Entry->Kind <= FAT_KIND_FAT) {
        Vol->DataUnflushed = TRUE;
    }
    if (Entry->Kind == FAT_KIND_FAT) {
        ULONG Relative = Entry->Lba - (Vol->ReservedSectors + Vol->ActiveFat * Vol->FatSectors);
        for (ULONG Copy = 0; Copy < Vol->NumberOfFats; Copy++) {
            if (!Vol->MirrorFats && Copy != Vol->ActiveFat) {
                continue;
            }
            Status = FatpDeviceWrite(Vol, Vol->ReservedSectors + Copy * Vol->FatSectors + Relative,
                                     1, Data);
            if (!NT_SUCCESS(Status)) {
                return Status;
            }
        }
    } else {
        Status = FatpDeviceWrite(Vol, Entry->Lba, 1, Data);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
    }
    Entry->Dirty = 0;
    return STATUS_SUCCESS;
}

/* FatpCacheWriteBack - write every dirty sector whose kind is below BelowKind, kind by kind.
   Result: STATUS_SUCCESS or the first device error. */
NTSTATUS FatpCacheWriteBack(PFAT_VOLUME Vol, ULONG BelowKind)
{
    for (ULONG Kind = 0; Kind < BelowKind && Kind < FAT_KIND_COUNT; Kind++) {
        for (ULONG i = 0; i < FAT_CACHE_SIZE; i++) {
            if (Vol->Cache[i].Valid && Vol->Cache[i].Dirty && Vol->Cache[i].Kind == Kind) {
                NTSTATUS Status = FatpCacheWriteEntry(Vol, i);
                if (!NT_SUCCESS(Status)) {
                    return Status;
                }
            }
        }
    }
    return STATUS_SUCCESS;
}

/* FatpCacheMap - get sector Lba into the cache. Overwrite: the caller rewrites the whole sector,
   so it is zeroed instead of read. Result: *Sector points at the cached bytes, valid until the
   next cache call. */
NTSTATUS FatpCacheMap(PFAT_VOLUME Vol, ULONG Lba, ULONG Kind, BOOLEAN Overwrite, PUCHAR *Sector)
{
    ULONG Victim = 0;
    NTSTATUS Status;

    if (Lba >= Vol->TotalSectors) {
        return STATUS_DISK_CORRUPT_ERROR;
    }
    Vol->CacheClock++;
    for (ULONG i = 0; i < FAT_CACHE_SIZE; i++) {
        if (Vol->Cache[i].Valid && Vol->Cache[i].Lba == Lba) {
            if (Kind != Vol->Cache[i].Kind) {
                /* Now used as another kind: a new directory's first sector, written as data,
                   or the sector of a freed directory reused as file data. What it holds so far
                   leaves in its old kind's place in the order; from now on it is written in
                   its new kind's place (file data before the entry that points at it). */
                if (Vol->Cache[i].Dirty) {
                    Status = FatpCacheWriteBack(Vol, Vol->Cache[i].Kind);
                    if (NT_SUCCESS(Status)) {
                        Status = FatpCacheWriteEntry(Vol, i);
                    }
                    if (!NT_SUCCESS(Status)) {
                        return Status;
                    }
                }
                Vol->Cache[i].Kind = (UCHAR)Kind;
            }
            Vol->Cache[i].LastUse = Vol->CacheClock;
            *Sector = Vol->CacheData + i * Vol->BytesPerSector;
            return STATUS_SUCCESS;
        }
    }

    /* Least recently used slot, preferring an empty one. */
    for (ULONG i = 0; i < FAT_CACHE_SIZE; i++) {
        if (!Vol->Cache[i].Valid) {
            Victim = i;
            break;
        }
        if (Vol->Cache[i].LastUse < Vol->Cache[Victim].LastUse) {
            Victim = i;
        }
    }
    if (Vol->Cache[Victim].Valid && Vol->Cache[Victim].Dirty) {
        Status = FatpCacheWriteBack(Vol, Vol->Cache[Victim].Kind);
        if (NT_SUCCESS(Status)) {
            Status = FatpCacheWriteEntry(Vol, Victim);
        }
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
    }

    PUCHAR Data = Vol->CacheData + Victim * Vol->BytesPerSector;
    Vol->Cache[Victim].Valid = 0;
    if (Overwrite) {
        memset(Data, 0, Vol->BytesPerSector);
    } else {
        Status = FatpDeviceRead(Vol, Lba, 1, Data);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
    }
    Vol->Cache[Victim].Lba = Lba;
    Vol->Cache[Victim].Kind = (UCHAR)Kind;
    Vol->Cache[Victim].Dirty = 0;
    Vol->Cache[Victim].Valid = 1;
    Vol->Cache[Victim].LastUse = Vol->CacheClock;
    *Sector = Data;
    return STATUS_SUCCESS;
}

/* FatpCacheSetDirty - mark the cached sector (a pointer FatpCacheMap returned) dirty. */
VOID FatpCacheSetDirty(PFAT_VOLUME Vol, PUCHAR Sector)
{
    ULONG Index = (ULONG)(Sector - Vol->CacheData) / Vol->BytesPerSector;

    if (Index < FAT_CACHE_SIZE) {
        Vol->Cache[Index].Dirty = 1;
    }
}

/* FatpCacheDiscard - forget cached copies of sectors the caller overwrites on the device. */
VOID FatpCacheDiscard(PFAT_VOLUME Vol, ULONG Lba, ULONG Count)
{
    for (ULONG i = 0; i < FAT_CACHE_SIZE; i++) {
        if (Vol->Cache[i].Valid && Vol->Cache[i].Lba - Lba < Count) {
            Vol->Cache[i].Valid = 0;
            Vol->Cache[i].Dirty = 0;
        }
    }
}

/* FatpCacheOverlay - after a direct read of Count sectors at Lba into Buffer, copy in the
   cached versions, which may be newer than the disk. */
VOID FatpCacheOverlay(PFAT_VOLUME Vol, ULONG Lba, ULONG Count, PUCHAR Buffer)
{
    for (ULONG i = 0; i < FAT_CACHE_SIZE; i++) {
        ULONG Delta = Vol->Cache[i].Lba - Lba;
        if (Vol->Cache[i].Valid && Delta < Count) {
            memcpy(Buffer + Delta * Vol->BytesPerSector,
                   Vol->CacheData + i * Vol->BytesPerSector, Vol->BytesPerSector);
        }
    }
}

/* FatpUpdateFsInfo - put the free count and next-free hint into the cached FSInfo sector. */
static NTSTATUS FatpUpdateFsInfo(PFAT_VOLUME Vol)
{
    PUCHAR Sector;
    NTSTATUS Status;

    if (Vol->FsInfoSector == 0 || !Vol->FsInfoDirty) {
        return STATUS_SUCCESS;
    }
    Status = FatpCacheMap(Vol, Vol->FsInfoSector, FAT_KIND_INFO, FALSE, &Sector);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    FatpWrite32(Sector + 488, Vol->FreeCount);
    FatpWrite32(Sector + 492, Vol->NextFree);
    FatpCacheSetDirty(Vol, Sector);
    Vol->FsInfoDirty = FALSE;
    return STATUS_SUCCESS;
}

/* FatpBarrier - make everything done so far durable: FSInfo updated, all dirty sectors written
   in kind order, then the device's write cache flushed. Operations that must reach the disk in
   a given order (rename, freeing clusters) put a barrier between their steps. After the flush,
   the chains handed to FatpFreeChainAfterBarrier are freed (in the cache: their free marks
   reach the disk with the next write-back). */
NTSTATUS FatpBarrier(PFAT_VOLUME Vol)
{
    NTSTATUS Status = FatpUpdateFsInfo(Vol);

    if (NT_SUCCESS(Status)) {
        Status = FatpCacheWriteBack(Vol, FAT_KIND_COUNT);
    }
    if (NT_SUCCESS(Status) && Vol->Device.Flush != NULL) {
        Status = Vol->Device.Flush(Vol->Device.Context);
        Vol->DataUnflushed = FALSE;
    }
    if (NT_SUCCESS(Status) && Vol->DeferredCount != 0) {
        Status = FatpFreeDeferred(Vol);
    }
    return Status;
}

/* FatpFlushVolume - a barrier that also leaves the free marks of deferred chains on the disk
   (a second barrier when the first one freed some), so the disk is complete: FatFlush and
   FatUnmount. */
NTSTATUS FatpFlushVolume(PFAT_VOLUME Vol)
{
    BOOLEAN Deferred = Vol->DeferredCount != 0;
    NTSTATUS Status = FatpBarrier(Vol);

    if (NT_SUCCESS(Status) && Deferred) {
        Status = FatpBarrier(Vol);
    }
    return Status;
}

/* FatpZeroCluster - write zeros over a cluster on the device (new directory clusters, file
   extension); cached copies of its sectors are dropped. */
NTSTATUS FatpZeroCluster(PFAT_VOLUME Vol, ULONG Cluster)
{
    ULONG Lba = FatpClusterToLba(Vol, Cluster);

    FatpCacheDiscard(Vol, Lba, Vol->SectorsPerCluster);
    Vol->DataUnflushed = TRUE;
    for (ULONG i = 0; i < Vol->SectorsPerCluster; i++) {
        NTSTATUS Status = FatpDeviceWrite(Vol, Lba + i, 1, Vol->ZeroSector);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
    }
    return STATUS_SUCCESS;
}
