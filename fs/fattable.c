/*
 * fattable.c - the file allocation table: reading and writing entries (12, 16 and 32 bits),
 * following chains with checks, allocating and freeing clusters, counting free clusters.
 *
 * Entries are read from the active FAT copy; writes go through the cache, which writes every
 * mirrored copy. The free count is exact (counted at mount, kept on every change).
 */
#include "fatp.h"

/* FatpFatBytePosition - sector and offset of byte ByteOffset of the active FAT copy. */
static VOID FatpFatBytePosition(PFAT_VOLUME Vol, ULONG ByteOffset, PULONG Lba, PULONG Offset)
{
    *Lba = Vol->ReservedSectors + Vol->ActiveFat * Vol->FatSectors +
           ByteOffset / Vol->BytesPerSector;
    *Offset = ByteOffset % Vol->BytesPerSector;
}

/* FatpGetRawEntry - read Cluster's entry as stored (masked to its width). */
static NTSTATUS FatpGetRawEntry(PFAT_VOLUME Vol, ULONG Cluster, PULONG Value)
{
    ULONG Lba, Offset;
    PUCHAR Sector;
    NTSTATUS Status;

    if (Vol->FatType == 12) {
        ULONG Byte = Cluster + Cluster / 2, Low, High;
        FatpFatBytePosition(Vol, Byte, &Lba, &Offset);
        Status = FatpCacheMap(Vol, Lba, FAT_KIND_FAT, FALSE, &Sector);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        Low = Sector[Offset];
        FatpFatBytePosition(Vol, Byte + 1, &Lba, &Offset);
        Status = FatpCacheMap(Vol, Lba, FAT_KIND_FAT, FALSE, &Sector);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        High = Sector[Offset];
        *Value = (Cluster & 1) ? ((Low | (High << 8)) >> 4) : ((Low | (High << 8)) & 0xFFF);
        return STATUS_SUCCESS;
    }
    FatpFatBytePosition(Vol, Cluster * (Vol->FatType / 8), &Lba, &Offset);
    Status = FatpCacheMap(Vol, Lba, FAT_KIND_FAT, FALSE, &Sector);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    *Value = (Vol->FatType == 16) ? FatpRead16(Sector + Offset)
                                  : (FatpRead32(Sector + Offset) & 0x0FFFFFFF);
    return STATUS_SUCCESS;
}

/* FatpGetFatEntry - read Cluster's entry, normalised: FAT_CLUSTER_FREE, FAT_CHAIN_END,
   FAT_CLUSTER_BAD or the raw value (a next cluster, or garbage the caller must check). */
NTSTATUS FatpGetFatEntry(PFAT_VOLUME Vol, ULONG Cluster, PULONG Value)
{
    ULONG Raw, EndMin, Bad;
    NTSTATUS Status;

    if (!FatpIsValidCluster(Vol, Cluster)) {
        return STATUS_FILE_CORRUPT_ERROR;
    }
    Status = FatpGetRawEntry(Vol, Cluster, &Raw);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    EndMin = (Vol->FatType == 12) ? 0xFF8 : (Vol->FatType == 16) ? 0xFFF8 : 0x0FFFFFF8;
    Bad = EndMin - 1;
    *Value = (Raw >= EndMin) ? FAT_CHAIN_END : (Raw == Bad) ? FAT_CLUSTER_BAD : Raw;
    return STATUS_SUCCESS;
}

/* FatpGetFatEntries - the normalised entries (as FatpGetFatEntry) of Count clusters from First,
   into Values: one cache lookup per FAT sector on FAT16/32, for the scans of the whole table. */
NTSTATUS FatpGetFatEntries(PFAT_VOLUME Vol, ULONG First, ULONG Count, PULONG Values)
{
    ULONG Width = Vol->FatType / 8, Lba, Offset, MappedLba = 0, EndMin;
    PUCHAR Sector = NULL;
    NTSTATUS Status;

    if (!FatpIsValidCluster(Vol, First) || Count > Vol->ClusterCount - (First - 2)) {
        return STATUS_FILE_CORRUPT_ERROR;
    }
    if (Vol->FatType == 12) {
        for (ULONG i = 0; i < Count; i++) {
            Status = FatpGetFatEntry(Vol, First + i, &Values[i]);
            if (!NT_SUCCESS(Status)) {
                return Status;
            }
        }
        return STATUS_SUCCESS;
    }
    EndMin = (Vol->FatType == 16) ? 0xFFF8 : 0x0FFFFFF8;
    for (ULONG i = 0; i < Count; i++) {
        ULONG Raw;
        FatpFatBytePosition(Vol, (First + i) * Width, &Lba, &Offset);
        if (Sector == NULL || Lba != MappedLba) {
            Status = FatpCacheMap(Vol, Lba, FAT_KIND_FAT, FALSE, &Sector);
            if (!NT_SUCCESS(Status)) {
                return Status;
            }
            MappedLba = Lba;
        }
        Raw = (Width == 2) ? FatpRead16(Sector + Offset) : (FatpRead32(Sector + Offset) & 0x0FFFFFFF);
        Values[i] = (Raw >= EndMin) ? FAT_CHAIN_END : (Raw == EndMin - 1) ? FAT_CLUSTER_BAD : Raw;
    }
    return STATUS_SUCCESS;
}

/* FatpSetFatEntry - store Value (a cluster, FAT_CLUSTER_FREE or FAT_CHAIN_END) for Cluster. */
NTSTATUS FatpSetFatEntry(PFAT_VOLUME Vol, ULONG Cluster, ULONG Value)
{
    ULONG Lba, Offset;
    PUCHAR Sector;
    NTSTATUS Status;

    if (!FatpIsValidCluster(Vol, Cluster)) {
        return STATUS_FILE_CORRUPT_ERROR;
    }
    if (Value == FAT_CHAIN_END) {
        Value = (Vol->FatType == 12) ? 0xFFF : (Vol->FatType == 16) ? 0xFFFF : 0x0FFFFFFF;
    }
    if (Vol->FatType == 12) {
        ULONG Byte = Cluster + Cluster / 2;
        /* Two bytes, possibly in two sectors; the odd entry owns the high 12 bits. */
        for (ULONG i = 0; i < 2; i++) {
            FatpFatBytePosition(Vol, Byte + i, &Lba, &Offset);
            Status = FatpCacheMap(Vol, Lba, FAT_KIND_FAT, FALSE, &Sector);
            if (!NT_SUCCESS(Status)) {
                return Status;
            }
            if (Cluster & 1) {
                Sector[Offset] = (i == 0) ? (UCHAR)((Sector[Offset] & 0x0F) | ((Value << 4) & 0xF0))
                                          : (UCHAR)(Value >> 4);
            } else {
                Sector[Offset] = (i == 0) ? (UCHAR)Value
                                          : (UCHAR)((Sector[Offset] & 0xF0) | ((Value >> 8) & 0x0F));
            }
            FatpCacheSetDirty(Vol, Sector);
        }
        return STATUS_SUCCESS;
    }
    FatpFatBytePosition(Vol, Cluster * (Vol->FatType / 8), &Lba, &Offset);
    Status = FatpCacheMap(Vol, Lba, FAT_KIND_FAT, FALSE, &Sector);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    if (Vol->FatType == 16) {
        FatpWrite16(Sector + Offset, Value);
    } else {
        /* The top four bits are reserved and kept. */
        FatpWrite32(Sector + Offset, (FatpRead32(Sector + Offset) & 0xF0000000) | (Value & 0x0FFFFFFF));
    }
    FatpCacheSetDirty(Vol, Sector);
    return STATUS_SUCCESS;
}

/* FatpNextCluster - the cluster after Cluster in its chain. Result: *Next is a valid cluster or
   FAT_CHAIN_END; a free, bad or out-of-range link gives STATUS_FILE_CORRUPT_ERROR. */
NTSTATUS FatpNextCluster(PFAT_VOLUME Vol, ULONG Cluster, PULONG Next)
{
    ULONG Value;
    NTSTATUS Status = FatpGetFatEntry(Vol, Cluster, &Value);

    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    if (Value != FAT_CHAIN_END && !FatpIsValidCluster(Vol, Value)) {
        return STATUS_FILE_CORRUPT_ERROR;
    }
    *Next = Value;
    return STATUS_SUCCESS;
}

/* FatpChainTail - follow the chain from First to its end, at most MaxLength clusters.
   Result: *Tail = last cluster, *Length = clusters; a longer chain (or a loop) is corrupt. */
NTSTATUS FatpChainTail(PFAT_VOLUME Vol, ULONG First, ULONG MaxLength, PULONG Tail,
                       PULONG Length)
{
    ULONG Cluster = First, Count = 1, Next;
    NTSTATUS Status;

    if (!FatpIsValidCluster(Vol, First)) {
        return STATUS_FILE_CORRUPT_ERROR;
    }
    for (;;) {
        Status = FatpNextCluster(Vol, Cluster, &Next);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (Next == FAT_CHAIN_END) {
            break;
        }
        if (++Count > MaxLength || Count > Vol->ClusterCount) {
            return STATUS_FILE_CORRUPT_ERROR;
        }
        Cluster = Next;
    }
    *Tail = Cluster;
    *Length = Count;
    return STATUS_SUCCESS;
}

/* FatpAllocateClusters - take Count free clusters and link them into a new chain ending in
   FAT_CHAIN_END. All or nothing: without Count free clusters nothing changes and the result
   is STATUS_DISK_FULL. Result: *First and *Last of the new chain. */
NTSTATUS FatpAllocateClusters(PFAT_VOLUME Vol, ULONG Count, PULONG First, PULONG Last)
{
    ULONG Cluster = Vol->NextFree, Got = 0, Previous = 0, Value;
    NTSTATUS Status = STATUS_SUCCESS;

    if (Count == 0) {
        return STATUS_INVALID_PARAMETER;
    }
    if (Count > Vol->FreeCount && Vol->DeferredCount != 0) {
        /* Chains waiting for a barrier would make room: free them now. */
        Status = FatpBarrier(Vol);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        Cluster = Vol->NextFree;
    }
    if (Count > Vol->FreeCount) {
        return STATUS_DISK_FULL;
    }
    for (ULONG Scanned = 0; Got < Count; Scanned++) {
        if (Scanned >= Vol->ClusterCount) {
            Status = STATUS_DISK_FULL;     /* the count was wrong: undo below */
            break;
        }
        if (!FatpIsValidCluster(Vol, Cluster)) {
            Cluster = 2;
        }
        Status = FatpGetFatEntry(Vol, Cluster, &Value);
        if (!NT_SUCCESS(Status)) {
            break;
        }
        if (Value == FAT_CLUSTER_FREE) {
            Status = FatpSetFatEntry(Vol, Cluster, FAT_CHAIN_END);
            if (NT_SUCCESS(Status) && Previous != 0) {
                Status = FatpSetFatEntry(Vol, Previous, Cluster);
            }
            if (!NT_SUCCESS(Status)) {
                break;
            }
            if (Previous == 0) {
                *First = Cluster;
            }
            Previous = Cluster;
            Got++;
            Vol->FreeCount--;
        }
        Cluster++;
    }
    Vol->FsInfoDirty = TRUE;
    if (Got < Count) {
        if (Got != 0) {
            FatpFreeChain(Vol, *First);
        }
        return NT_SUCCESS(Status) ? STATUS_DISK_FULL : Status;
    }
    Vol->NextFree = FatpIsValidCluster(Vol, Cluster) ? Cluster : 2;
    *Last = Previous;
    return STATUS_SUCCESS;
}

/* FatpFreeChain - mark every cluster of the chain from First free. A damaged chain (a link to
   a free, bad or out-of-range cluster; a loop, which ends on a cluster already freed) stops
   the walk with STATUS_FILE_CORRUPT_ERROR after freeing what it had reached. */
NTSTATUS FatpFreeChain(PFAT_VOLUME Vol, ULONG First)
{
    ULONG Cluster = First, Value;
    NTSTATUS Status;

    if (First == 0) {
        return STATUS_SUCCESS;
    }
    for (ULONG Steps = 0; ; Steps++) {
        if (!FatpIsValidCluster(Vol, Cluster) || Steps >= Vol->ClusterCount) {
            return STATUS_FILE_CORRUPT_ERROR;
        }
        Status = FatpGetFatEntry(Vol, Cluster, &Value);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (Value == FAT_CLUSTER_FREE || Value == FAT_CLUSTER_BAD) {
            return STATUS_FILE_CORRUPT_ERROR;
        }
        Status = FatpSetFatEntry(Vol, Cluster, FAT_CLUSTER_FREE);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        Vol->FreeCount++;
        Vol->FsInfoDirty = TRUE;
        if (Cluster < Vol->NextFree) {
            Vol->NextFree = Cluster;
        }
        if (Value == FAT_CHAIN_END) {
            return STATUS_SUCCESS;
        }
        Cluster = Value;
    }
}

/* FatpFreeChainAfterBarrier - free the chain from First once the change that unlinked it (an
   entry marked deleted, maybe only in the cache) is durable: the chain stays allocated until
   the next barrier has flushed the device, and is freed right after that flush. Until then
   none of its clusters can be reused, so no new data lands in a cluster that a durable entry
   still names. The clusters count as free in volume reports meanwhile; an allocation that
   needs them runs the barrier itself. */
NTSTATUS FatpFreeChainAfterBarrier(PFAT_VOLUME Vol, ULONG First)
{
    ULONG Tail, Length = 0;
    NTSTATUS Status;

    if (First == 0) {
        return STATUS_SUCCESS;
    }
    if (Vol->DeferredCount == FAT_DEFERRED_FREES) {
        Status = FatpBarrier(Vol);           /* frees the waiting chains */
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
    }
    /* A damaged chain is reported now and still handed on: FatpFreeChain frees what it can
       reach (a device error is not: nothing is queued). */
    Status = FatpChainTail(Vol, First, Vol->ClusterCount, &Tail, &Length);
    if (Status != STATUS_FILE_CORRUPT_ERROR && !NT_SUCCESS(Status)) {
        return Status;
    }
    Vol->DeferredFree[Vol->DeferredCount++] = First;
    Vol->DeferredClusters += NT_SUCCESS(Status) ? Length : 0;
    return Status;
}

/* FatpFreeDeferred - free the chains waiting for a barrier (FatpBarrier calls it after its
   flush). Result: the first device error; every chain is tried. A damaged chain was reported
   when it was queued and is not reported again. */
NTSTATUS FatpFreeDeferred(PFAT_VOLUME Vol)
{
    NTSTATUS Result = STATUS_SUCCESS;
    ULONG Count = Vol->DeferredCount;

    Vol->DeferredCount = 0;
    Vol->DeferredClusters = 0;
    for (ULONG i = 0; i < Count; i++) {
        NTSTATUS Status = FatpFreeChain(Vol, Vol->DeferredFree[i]);
        if (NT_SUCCESS(Result) && !NT_SUCCESS(Status) && Status != STATUS_FILE_CORRUPT_ERROR) {
            Result = Status;
        }
    }
    return Result;
}

/* FatpCountFreeClusters - count free entries over the whole FAT (at mount) and set the
   next-free hint to the first one. */
NTSTATUS FatpCountFreeClusters(PFAT_VOLUME Vol)
{
    ULONG Free = 0, FirstFree = 0, Values[128];

    for (ULONG Cluster = 2; Cluster - 2 < Vol->ClusterCount; Cluster += 128) {
        ULONG Count = Vol->ClusterCount - (Cluster - 2);
        Count = Count < 128 ? Count : 128;
        NTSTATUS Status = FatpGetFatEntries(Vol, Cluster, Count, Values);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        for (ULONG i = 0; i < Count; i++) {
            if (Values[i] == FAT_CLUSTER_FREE && Free++ == 0) {
                FirstFree = Cluster + i;
            }
        }
    }
    Vol->FreeCount = Free;
    Vol->NextFree = (Free != 0) ? FirstFree : 2;
    return STATUS_SUCCESS;
}
