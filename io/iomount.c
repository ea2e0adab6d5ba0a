/*
 * iomount.c - IoInitSystem: probe the ATA disk, mount its FAT volume and make \SystemRoot
 * (= \WINDOWS of that volume, docs/spec.md §8) and \??\C:\ available. A missing disk, or a volume the
 * FAT library refuses (not FAT, damaged or truncated), leaves NanoNT running without them and
 * says why on the console. New timestamps come from the CMOS clock read at boot.
 */
#include "iop.h"
#include "arch.h"
#include "hal.h"
#include "rrsvc.h"

PFAT_VOLUME IopVolume;
static ULONG IopBootDosDate, IopBootSeconds;    /* CMOS date and time of day at boot */
static ULONGLONG IopBootTick;

/* IopReadCmos - one RTC register, converted from BCD when the RTC uses BCD. */
static ULONG IopReadCmos(UCHAR Register, BOOLEAN Bcd)
{
    WRITE_PORT_UCHAR(0x70, Register);
    ULONG v = READ_PORT_UCHAR(0x71);
    return Bcd ? (v & 0x0F) + (v >> 4) * 10 : v;
}

/* IopCaptureBootTime - the RTC's date and time (UTC as QEMU gives it), once at boot. */
static VOID IopCaptureBootTime(VOID)
{
    for (int i = 0; i < 100000 && (IopReadCmos(0x0A, FALSE) & 0x80); i++)
        ;                                           /* wait out an update in progress */
    BOOLEAN bcd = !(IopReadCmos(0x0B, FALSE) & 0x04);
    ULONG sec = IopReadCmos(0, bcd), min = IopReadCmos(2, bcd), hour = IopReadCmos(4, bcd) & 0x7F;
    ULONG day = IopReadCmos(7, bcd), month = IopReadCmos(8, bcd), year = IopReadCmos(9, bcd) + 2000;
    if (year < 1980 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 59) {
        year = 2024; month = 1; day = 1; hour = min = sec = 0;
    }
    IopBootDosDate = ((year - 1980) << 9) | (month << 5) | day;
    IopBootSeconds = hour * 3600 + min * 60 + sec;
    IopBootTick = KeTickCount;
}

/* IopGetFatTime - PFAT_GET_TIME: boot time plus the ticks since (held at 23:59:58 past midnight). */
static ULONG IopGetFatTime(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    ULONG s = IopBootSeconds + (ULONG)((KeTickCount - IopBootTick) / HAL_CLOCK_HZ);
    if (s > 86398)
        s = 86398;
    ULONG time = ((s / 3600) << 11) | (((s / 60) % 60) << 5) | ((s % 60) / 2);
    return (IopBootDosDate << 16) | time;
}

/* IopStatusText - a few words for the console about why a volume was refused. */
static PCSTR IopStatusText(NTSTATUS Status)
{
    switch (Status) {
    case STATUS_UNRECOGNIZED_VOLUME: return "not a FAT volume";
    case STATUS_DISK_CORRUPT_ERROR: return "damaged or truncated FAT structures";
    case STATUS_FILE_CORRUPT_ERROR: return "damaged FAT";
    case STATUS_IO_DEVICE_ERROR: case STATUS_DEVICE_DATA_ERROR: return "disk read error";
    case STATUS_IO_TIMEOUT: return "disk timeout";
    case STATUS_NONEXISTENT_SECTOR: return "sector out of range";
    default: return "refused";
    }
}

/* IopRepairVolume - clean up what a power cut may have left (fs/fatcheck.c): differing FAT
   copies, stale temporary record files (rr/rrfile.c), the second entry of a directory whose move
   was cut, a stale '..', leaked clusters, a stale FSInfo count. */
static VOID IopRepairVolume(VOID)
{
    FAT_REPAIR_INFORMATION r;
    NTSTATUS status = FatRepairVolume(IopVolume, TRAP_FRAME_TEMP_SUFFIX_W, &r);
    if (!NT_SUCCESS(status) || r.FatSectorsRewritten || r.StaleFilesRemoved || r.LeakedClustersFreed ||
        r.ChainsTrimmed || r.DirectoryEntriesRemoved || r.ParentLinksFixed)
        DbgPrint("NanoNT: disk: repair after an unclean stop: %u FAT sector(s) copied, %u stale "
                 "temporary file(s) removed, %u second directory entr(y/ies) removed, %u '..' "
                 "entr(y/ies) fixed, %u chain(s) cut to their file's size, %u leaked "
                 "cluster(s) freed (status 0x%08X)\n",
                 (unsigned)r.FatSectorsRewritten, (unsigned)r.StaleFilesRemoved,
                 (unsigned)r.DirectoryEntriesRemoved, (unsigned)r.ParentLinksFixed,
                 (unsigned)r.ChainsTrimmed, (unsigned)r.LeakedClustersFreed, (unsigned)status);
}

VOID IoInitSystem(VOID)
{
    FAT_BLOCK_DEVICE device;
    FAT_VOLUME_INFORMATION info;

    IopInitializeFileType();
    IopCaptureBootTime();
    NTSTATUS status = IopAtaInitialize(&device);
    if (!NT_SUCCESS(status)) {
        DbgPrint("NanoNT: no ATA disk on the primary IDE channel: \\SystemRoot is not available\n");
        return;
    }
    DbgPrint("NanoNT: disk: '%s', %u sectors (%u MiB), PIO %u sector(s) per interrupt, IRQ 14\n",
             IopAtaDisk.Model, (unsigned)IopAtaDisk.SectorCount, (unsigned)(IopAtaDisk.SectorCount / 2048),
             (unsigned)(IopAtaDisk.MultipleSectors ? IopAtaDisk.MultipleSectors : 1));
    IopAcquireFsLock();
    status = FatMount(&device, &IopVolume);
    if (NT_SUCCESS(status)) {
        FatSetTimeSource(IopVolume, IopGetFatTime, NULL);
        IopRepairVolume();
        FatQueryVolumeInformation(IopVolume, &info);
    }
    IopReleaseFsLock();
    if (!NT_SUCCESS(status)) {
        IopVolume = NULL;
        DbgPrint("NanoNT: disk: volume refused: %s (status 0x%08X): \\SystemRoot is not available\n",
                 IopStatusText(status), (unsigned)status);
        return;
    }
    DbgPrint("NanoNT: disk: FAT%u volume '%s' mounted as C:, \\SystemRoot = C:\\WINDOWS, %u KiB free\n",
             (unsigned)info.FatType, (PCSTR)info.Label,
             (unsigned)((ULONGLONG)info.FreeClusters * info.BytesPerCluster / 1024));
}

BOOLEAN IoIsSystemRootAvailable(VOID)
{
    return IopVolume != NULL;
}
