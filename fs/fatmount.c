/*
 * fatmount.c - mounting (boot sector, BPB and FSInfo validation), unmounting, flushing and
 * volume information.
 *
 * Refusals: a sector that is not a FAT boot sector (signature, jump, impossible BPB fields)
 * gives STATUS_UNRECOGNIZED_VOLUME; a FAT boot sector whose structures cannot be right (FAT too
 * small for the clusters, root cluster out of range, bad FSInfo, volume larger than the device)
 * gives STATUS_DISK_CORRUPT_ERROR.
 */
#include "fatp.h"

static BOOLEAN FatpIsPowerOfTwo(ULONG Value)
{
    return Value != 0 && (Value & (Value - 1)) == 0;
}

/* FatpParseBootSector - fill Vol's geometry from the boot sector in Boot, checking every field.
   Result: STATUS_SUCCESS, STATUS_UNRECOGNIZED_VOLUME or STATUS_DISK_CORRUPT_ERROR. */
static NTSTATUS FatpParseBootSector(PFAT_VOLUME Vol, const UCHAR *Boot)
{
    ULONG BytesPerSector = FatpRead16(Boot + 11);
    ULONG SectorsPerCluster = Boot[13];
    ULONG Reserved = FatpRead16(Boot + 14);
    ULONG NumberOfFats = Boot[16];
    ULONG RootEntries = FatpRead16(Boot + 17);
    ULONG Total16 = FatpRead16(Boot + 19);
    ULONG Media = Boot[21];
    ULONG FatSize16 = FatpRead16(Boot + 22);
    ULONG Total32 = FatpRead32(Boot + 32);
    ULONG FatSize = FatSize16 != 0 ? FatSize16 : FatpRead32(Boot + 36);
    ULONG Total = Total16 != 0 ? Total16 : Total32;
    ULONGLONG Meta, NeededFatBytes;
    ULONG RootDirSectors, Clusters;

    if (Boot[510] != 0x55 || Boot[511] != 0xAA || (Boot[0] != 0xEB && Boot[0] != 0xE9)) {
        return STATUS_UNRECOGNIZED_VOLUME;
    }
    if (!FatpIsPowerOfTwo(BytesPerSector) || BytesPerSector < 512 || BytesPerSector > 4096 ||
        BytesPerSector != Vol->Device.SectorSize || !FatpIsPowerOfTwo(SectorsPerCluster) ||
        BytesPerSector * SectorsPerCluster > 65536 || Reserved == 0 || NumberOfFats == 0 ||
        NumberOfFats > 4 || (Media != 0xF0 && Media < 0xF8) || FatSize == 0 || Total == 0) {
        return STATUS_UNRECOGNIZED_VOLUME;
    }

    RootDirSectors = (RootEntries * 32 + BytesPerSector - 1) / BytesPerSector;
    Meta = (ULONGLONG)Reserved + (ULONGLONG)NumberOfFats * FatSize + RootDirSectors;
    if (Meta >= Total) {
        return STATUS_UNRECOGNIZED_VOLUME;
    }
    Clusters = (Total - (ULONG)Meta) / SectorsPerCluster;    /* Meta < Total: fits in 32 bits */
    if (Clusters == 0) {
        return STATUS_UNRECOGNIZED_VOLUME;
    }

    /* The FAT type follows from the cluster count alone; the BPB must agree with it. */
    Vol->FatType = Clusters < 4085 ? 12 : Clusters < 65525 ? 16 : 32;
    if (Vol->FatType == 32) {
        if (FatSize16 != 0 || RootEntries != 0 || Total16 != 0 || FatpRead16(Boot + 42) != 0) {
            return STATUS_UNRECOGNIZED_VOLUME;
        }
        if (Clusters > 0x0FFFFFF5) {
            return STATUS_DISK_CORRUPT_ERROR;
        }
    } else if (RootEntries == 0 || FatSize16 == 0) {
        return STATUS_UNRECOGNIZED_VOLUME;
    }
    NeededFatBytes = Vol->FatType == 12 ? ((ULONGLONG)(Clusters + 2) * 3 + 1) / 2
                                        : (ULONGLONG)(Clusters + 2) * (Vol->FatType / 8);
    if ((ULONGLONG)FatSize * BytesPerSector < NeededFatBytes) {
        return STATUS_DISK_CORRUPT_ERROR;
    }
    if (Total > Vol->Device.SectorCount) {
        return STATUS_DISK_CORRUPT_ERROR;          /* truncated image or wrong device */
    }

    Vol->BytesPerSector = BytesPerSector;
    Vol->SectorsPerCluster = SectorsPerCluster;
    Vol->BytesPerCluster = BytesPerSector * SectorsPerCluster;
    Vol->ReservedSectors = Reserved;
    Vol->NumberOfFats = NumberOfFats;
    Vol->FatSectors = FatSize;
    Vol->RootEntryCount = RootEntries;
    Vol->FirstRootDirSector = Reserved + NumberOfFats * FatSize;
    Vol->FirstDataSector = (ULONG)Meta;
    Vol->TotalSectors = Total;
    Vol->ClusterCount = Clusters;
    Vol->ActiveFat = 0;
    Vol->MirrorFats = TRUE;

    if (Vol->FatType == 32) {
        ULONG ExtFlags = FatpRead16(Boot + 40);
        ULONG FsInfo = FatpRead16(Boot + 48);
        if (ExtFlags & 0x80) {
            Vol->MirrorFats = FALSE;
            Vol->ActiveFat = ExtFlags & 0x0F;
            if (Vol->ActiveFat >= NumberOfFats) {
                return STATUS_DISK_CORRUPT_ERROR;
            }
        }
        Vol->RootCluster = FatpRead32(Boot + 44);
        if (!FatpIsValidCluster(Vol, Vol->RootCluster)) {
            return STATUS_DISK_CORRUPT_ERROR;
        }
        if (FsInfo != 0 && FsInfo != 0xFFFF) {
            if (FsInfo >= Reserved) {
                return STATUS_DISK_CORRUPT_ERROR;
            }
            Vol->FsInfoSector = FsInfo;
        }
        Vol->SerialNumber = FatpRead32(Boot + 67);
        memcpy(Vol->Label, Boot + 71, 11);
    } else {
        Vol->RootCluster = 0;
        Vol->SerialNumber = FatpRead32(Boot + 39);
        memcpy(Vol->Label, Boot + 43, 11);
    }
    return STATUS_SUCCESS;
}

/* FatpCheckFsInfoAndFat - FSInfo signatures, and FAT[0] carrying the media byte. */
static NTSTATUS FatpCheckFsInfoAndFat(PFAT_VOLUME Vol, ULONG Media)
{
    PUCHAR Sector;
    NTSTATUS Status;

    if (Vol->FsInfoSector != 0) {
        Status = FatpCacheMap(Vol, Vol->FsInfoSector, FAT_KIND_INFO, FALSE, &Sector);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (FatpRead32(Sector) != 0x41615252 || FatpRead32(Sector + 484) != 0x61417272 ||
            FatpRead32(Sector + 508) != 0xAA550000) {
            return STATUS_DISK_CORRUPT_ERROR;
        }
    }
    Status = FatpCacheMap(Vol, Vol->ReservedSectors + Vol->ActiveFat * Vol->FatSectors,
                          FAT_KIND_FAT, FALSE, &Sector);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    return Sector[0] == Media ? STATUS_SUCCESS : STATUS_DISK_CORRUPT_ERROR;
}

static VOID FatpFreeVolume(PFAT_VOLUME Vol)
{
    if (Vol->CacheData != NULL) {
        ExFreePoolWithTag(Vol->CacheData, FAT_POOL_TAG);
    }
    if (Vol->ZeroSector != NULL) {
        ExFreePoolWithTag(Vol->ZeroSector, FAT_POOL_TAG);
    }
    ExFreePoolWithTag(Vol, FAT_POOL_TAG);
}

/* FatMount - validate the FAT volume on Device and mount it. The device description is copied.
   Result: STATUS_SUCCESS and *Volume, or the reason for refusing (see the file comment),
   STATUS_INVALID_PARAMETER for a bad device description, STATUS_INSUFFICIENT_RESOURCES. */
NTSTATUS FatMount(const FAT_BLOCK_DEVICE *Device, PFAT_VOLUME *Volume)
{
    PFAT_VOLUME Vol;
    PUCHAR Boot;
    NTSTATUS Status;

    if (Device == NULL || Volume == NULL || Device->Read == NULL || Device->Write == NULL ||
        !FatpIsPowerOfTwo(Device->SectorSize) || Device->SectorSize < 512 ||
        Device->SectorSize > 4096 || Device->SectorCount == 0) {
        return STATUS_INVALID_PARAMETER;
    }
    Vol = ExAllocatePoolWithTag(NonPagedPool, sizeof(*Vol), FAT_POOL_TAG);
    if (Vol == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    memset(Vol, 0, sizeof(*Vol));
    Vol->Device = *Device;
    Vol->CacheData = ExAllocatePoolWithTag(NonPagedPool, FAT_CACHE_SIZE * Device->SectorSize,
                                           FAT_POOL_TAG);
    Vol->ZeroSector = ExAllocatePoolWithTag(NonPagedPool, Device->SectorSize, FAT_POOL_TAG);
    if (Vol->CacheData == NULL || Vol->ZeroSector == NULL) {
        FatpFreeVolume(Vol);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    memset(Vol->ZeroSector, 0, Device->SectorSize);

    /* The boot sector is read into the first cache buffer, before the geometry is known. */
    Boot = Vol->CacheData;
    Status = Device->Read(Device->Context, 0, 1, Boot);
    if (NT_SUCCESS(Status)) {
        Status = FatpParseBootSector(Vol, Boot);
    }
    if (NT_SUCCESS(Status)) {
        Vol->BytesPerSector = Device->SectorSize;
        Status = FatpCheckFsInfoAndFat(Vol, Boot[21]);
    }
    if (NT_SUCCESS(Status)) {
        Status = FatpCountFreeClusters(Vol);
    }
    if (!NT_SUCCESS(Status)) {
        FatpFreeVolume(Vol);
        return Status;
    }
    Vol->FsInfoDirty = Vol->FsInfoSector != 0;    /* FSInfo's counts are rewritten exactly */
    *Volume = Vol;
    return STATUS_SUCCESS;
}

/* FatFlush - write every dirty sector (FAT copies, directories, FSInfo) and flush the device.
   Result: STATUS_SUCCESS or the first device error. */
NTSTATUS FatFlush(PFAT_VOLUME Volume)
{
    if (Volume == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    return FatpFlushVolume(Volume);
}

/* FatUnmount - flush and release the volume. Every FAT_FILE must be closed first
   (STATUS_INVALID_DEVICE_STATE otherwise, and the volume stays mounted). The volume is released
   even if the final flush fails; that error is returned. */
NTSTATUS FatUnmount(PFAT_VOLUME Volume)
{
    NTSTATUS Status;

    if (Volume == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    if (Volume->OpenFiles != 0) {
        return STATUS_INVALID_DEVICE_STATE;
    }
    Status = FatpFlushVolume(Volume);
    FatpFreeVolume(Volume);
    return Status;
}

/* FatSetTimeSource - install the clock used for new timestamps (NULL: a fixed date). */
VOID FatSetTimeSource(PFAT_VOLUME Volume, PFAT_GET_TIME GetTime, PVOID Context)
{
    Volume->GetTime = GetTime;
    Volume->TimeContext = Context;
}

/* FatQueryVolumeInformation - the volume's type, geometry, free space and label. */
NTSTATUS FatQueryVolumeInformation(PFAT_VOLUME Volume, PFAT_VOLUME_INFORMATION Information)
{
    if (Volume == NULL || Information == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    Information->FatType = Volume->FatType;
    Information->BytesPerSector = Volume->BytesPerSector;
    Information->BytesPerCluster = Volume->BytesPerCluster;
    Information->TotalClusters = Volume->ClusterCount;
    Information->FreeClusters = Volume->FreeCount + Volume->DeferredClusters;
    Information->SerialNumber = Volume->SerialNumber;
    memcpy(Information->Label, Volume->Label, 11);
    Information->Label[11] = 0;
    return STATUS_SUCCESS;
}
