/*
 * iodiag.c - NtNanoDiskControl, NanoNT's diagnostic service for the raw disk (benchio, tests).
 * It runs the driver's own transfer loop through the kernel bounce buffer, under the
 * file-system lock, and reports the TSC ticks the transfers took, so file throughput can be
 * set beside raw disk throughput measured in the same run.
 *   NANO_DISK_READ     read SectorCount sectors from Lba (data discarded)
 *   NANO_DISK_REWRITE  read each chunk (untimed), then write the same bytes back (timed): the
 *                      disk's contents do not change, so the file system is unaffected
 *   NANO_DISK_FLUSH    FLUSH CACHE (timed)
 *   NANO_DISK_QUERY    *Result = the disk's sector count (no transfer)
 *   NANO_DISK_COUNTER  *Result = counter number Lba since boot (no transfer): 0 READ/WRITE
 *                      commands issued, 1 sectors read, 2 sectors written, 3 bytes file reads
 *                      and writes copied through the kernel bounce buffer
 * Result: STATUS_SUCCESS with *Result, STATUS_NO_SUCH_DEVICE, STATUS_NONEXISTENT_SECTOR (range
 * past the disk), STATUS_INVALID_PARAMETER (unknown operation), device errors,
 * STATUS_ACCESS_VIOLATION.
 */
#include "iop.h"
#include "mm.h"
#include "arch.h"

#define NANO_DISK_READ    0
#define NANO_DISK_REWRITE 1
#define NANO_DISK_FLUSH   2
#define NANO_DISK_QUERY   3
#define NANO_DISK_COUNTER 4

NTSTATUS NTAPI NtNanoDiskControl(ULONG Operation, ULONG Lba, ULONG SectorCount, PULONGLONG Result)
{
    ULONGLONG ticks = 0;
    NTSTATUS status = STATUS_SUCCESS;
    const ULONG chunk = IOP_TRANSFER_CHUNK / 512;
    if (!IopAtaDisk.Present)
        return STATUS_NO_SUCH_DEVICE;
    if (Operation > NANO_DISK_COUNTER || (Operation == NANO_DISK_COUNTER && Lba > 3))
        return STATUS_INVALID_PARAMETER;
    if ((Operation == NANO_DISK_READ || Operation == NANO_DISK_REWRITE) &&
        (Lba >= IopAtaDisk.SectorCount || SectorCount > IopAtaDisk.SectorCount - Lba))
        return STATUS_NONEXISTENT_SECTOR;
    IopAcquireFsLock();
    if (Operation == NANO_DISK_QUERY) {
        ticks = IopAtaDisk.SectorCount;
    } else if (Operation == NANO_DISK_COUNTER) {
        ULONGLONG counters[] = { IopAtaDisk.Commands, IopAtaDisk.SectorsRead, IopAtaDisk.SectorsWritten,
                                 IopTransferBufferBytes };
        ticks = counters[Lba];
    } else if (Operation == NANO_DISK_FLUSH) {
        ULONGLONG t0 = KeRdtsc();
        status = IopAtaFlush(NULL);
        ticks = KeRdtsc() - t0;
    } else {
        /* a FAT volume's dirty sectors reach the disk first, so a rewrite copies current data */
        if (Operation == NANO_DISK_REWRITE && IopVolume)
            status = FatFlush(IopVolume);
        for (ULONG done = 0; NT_SUCCESS(status) && done < SectorCount; done += chunk) {
            ULONG n = SectorCount - done < chunk ? SectorCount - done : chunk;
            ULONGLONG t0 = KeRdtsc();
            status = IopAtaRead(NULL, Lba + done, n, IopTransferBuffer);
            if (Operation == NANO_DISK_REWRITE && NT_SUCCESS(status)) {
                t0 = KeRdtsc();
                status = IopAtaWrite(NULL, Lba + done, n, IopTransferBuffer);
            }
            ticks += KeRdtsc() - t0;
        }
    }
    IopReleaseFsLock();
    if (NT_SUCCESS(status))
        status = MmCopyToUser(Result, &ticks, sizeof(ticks));
    return status;
}
