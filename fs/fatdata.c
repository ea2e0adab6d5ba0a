/*
 * fatdata.c - moving file data between a caller's buffer and the file's clusters.
 *
 * Whole sectors go straight to or from the device, one request per run of physically contiguous
 * clusters (up to FAT_MAX_RUN_CLUSTERS); partial sectors go through the cache. A direct write drops cached copies of the
 * sectors it replaces; a direct read lays cached copies (possibly newer) over what it read.
 */
#include "fatp.h"

#define FAT_MAX_RUN_CLUSTERS 256

/* FatpTransferSectors - Count whole sectors at Lba: read into, or write from, Buffer (zeros
   when Zero is set). */
static NTSTATUS FatpTransferSectors(PFAT_VOLUME Vol, ULONG Lba, ULONG Count, PUCHAR Buffer,
                                    BOOLEAN Write, BOOLEAN Zero)
{
    NTSTATUS Status;

    if (!Write) {
        Status = FatpDeviceRead(Vol, Lba, Count, Buffer);
        if (NT_SUCCESS(Status)) {
            FatpCacheOverlay(Vol, Lba, Count, Buffer);
        }
        return Status;
    }
    FatpCacheDiscard(Vol, Lba, Count);
    Vol->DataUnflushed = TRUE;
    if (!Zero) {
        return FatpDeviceWrite(Vol, Lba, Count, Buffer);
    }
    for (ULONG i = 0; i < Count; i++) {
        Status = FatpDeviceWrite(Vol, Lba + i, 1, Vol->ZeroSector);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
    }
    return STATUS_SUCCESS;
}

/* FatpTransfer - read or write Length bytes of the FCB's data at Offset (the chain must already
   cover the range; the caller checks the range against the file size). Zero writes zeros
   and ignores Buffer. Result: STATUS_SUCCESS, a device error, or STATUS_FILE_CORRUPT_ERROR
   if the chain is shorter than the range. */
NTSTATUS FatpTransfer(PFAT_VOLUME Vol, PFAT_FCB Fcb, ULONG Offset, PUCHAR Buffer, ULONG Length,
                      BOOLEAN Write, BOOLEAN Zero)
{
    ULONG Bps = Vol->BytesPerSector;

    while (Length != 0) {
        ULONG Cluster, InCluster = Offset % Vol->BytesPerCluster;
        ULONG Chunk = Vol->BytesPerCluster - InCluster, Lba, InSector;
        NTSTATUS Status = FatpFcbSeek(Vol, Fcb, Offset / Vol->BytesPerCluster, &Cluster);

        if (Status == STATUS_END_OF_FILE) {
            return STATUS_FILE_CORRUPT_ERROR;
        }
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (Chunk > Length) {
            Chunk = Length;
        }
        if (InCluster == 0 && Length >= 2 * Vol->BytesPerCluster) {
            /* extend over the following clusters while they are contiguous on the disk */
            ULONG Index = Offset / Vol->BytesPerCluster, Run = 1, Next;
            while (Run < FAT_MAX_RUN_CLUSTERS && (Run + 1) * Vol->BytesPerCluster <= Length &&
                   NT_SUCCESS(FatpFcbSeek(Vol, Fcb, Index + Run, &Next)) && Next == Cluster + Run) {
                Run++;
            }
            Chunk = Run * Vol->BytesPerCluster;
        }
        Lba = FatpClusterToLba(Vol, Cluster) + InCluster / Bps;
        InSector = InCluster % Bps;
        Offset += Chunk;
        Length -= Chunk;

        while (Chunk != 0) {
            ULONG Piece;
            if (InSector == 0 && Chunk >= Bps) {
                ULONG Count = Chunk / Bps;
                Piece = Count * Bps;
                Status = FatpTransferSectors(Vol, Lba, Count, Buffer, Write, Zero);
                Lba += Count;
            } else {
                PUCHAR Sector;
                Piece = Bps - InSector;
                if (Piece > Chunk) {
                    Piece = Chunk;
                }
                Status = FatpCacheMap(Vol, Lba, FAT_KIND_DATA, FALSE, &Sector);
                if (NT_SUCCESS(Status)) {
                    if (!Write) {
                        memcpy(Buffer, Sector + InSector, Piece);
                    } else {
                        if (Zero) {
                            memset(Sector + InSector, 0, Piece);
                        } else {
                            memcpy(Sector + InSector, Buffer, Piece);
                        }
                        FatpCacheSetDirty(Vol, Sector);
                    }
                }
                Lba++;
                InSector = 0;
            }
            if (!NT_SUCCESS(Status)) {
                return Status;
            }
            if (!Zero) {
                Buffer += Piece;
            }
            Chunk -= Piece;
        }
    }
    return STATUS_SUCCESS;
}

/* FatpCopyClusters - a new chain holding a copy of the first Count clusters of the chain from
   Source (whose data is on disk or in the cache). All or nothing: STATUS_DISK_FULL, or another
   error, leaves no new cluster allocated. Result: *First of the copy. */
NTSTATUS FatpCopyClusters(PFAT_VOLUME Vol, ULONG Source, ULONG Count, PULONG First)
{
    ULONG Last, From = Source, To;
    PUCHAR Buffer;
    NTSTATUS Status;

    Buffer = ExAllocatePoolWithTag(PagedPool, Vol->BytesPerCluster, FAT_POOL_TAG);
    if (Buffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Status = FatpAllocateClusters(Vol, Count, First, &Last);
    if (!NT_SUCCESS(Status)) {
        ExFreePoolWithTag(Buffer, FAT_POOL_TAG);
        return Status;
    }
    To = *First;
    for (ULONG i = 0; i < Count; i++) {
        ULONG FromLba = FatpClusterToLba(Vol, From), ToLba = FatpClusterToLba(Vol, To);
        Status = FatpTransferSectors(Vol, FromLba, Vol->SectorsPerCluster, Buffer, FALSE, FALSE);
        if (NT_SUCCESS(Status)) {
            Status = FatpTransferSectors(Vol, ToLba, Vol->SectorsPerCluster, Buffer, TRUE, FALSE);
        }
        if (NT_SUCCESS(Status) && i + 1 < Count) {
            Status = FatpNextCluster(Vol, From, &From);
            if (NT_SUCCESS(Status) && From == FAT_CHAIN_END) {
                Status = STATUS_FILE_CORRUPT_ERROR;
            }
            if (NT_SUCCESS(Status)) {
                Status = FatpNextCluster(Vol, To, &To);
            }
        }
        if (!NT_SUCCESS(Status)) {
            FatpFreeChain(Vol, *First);
            break;
        }
    }
    ExFreePoolWithTag(Buffer, FAT_POOL_TAG);
    return Status;
}
