/*
 * atadisk.c - the ATA disk on QEMU's primary IDE channel (ports 0x1F0-0x1F7, 0x3F6, IRQ 14 =
 * vector 0x3E), master drive, LBA28, PIO. Exposed as a FAT_BLOCK_DEVICE (see inc/fat.h).
 *
 * Waiting: completion is read from the status register (BSY clear); the interrupt only wakes
 * the waiter, which blocks on a synchronization event the IRQ sets, so other threads of any
 * priority run meanwhile. With interrupts disabled (boot, before the first user thread) it
 * polls. The callers are serialised by the I/O manager's file-system lock (io/iolock.c, a
 * mutant), so one command is in flight.
 * Transfers use READ/WRITE MULTIPLE (16 sectors per interrupt) when the drive allows it.
 */
#include "iop.h"
#include "hal.h"
#include "arch.h"

#define ATA_DATA        0x1F0
#define ATA_ERROR       0x1F1
#define ATA_COUNT       0x1F2
#define ATA_LBA0        0x1F3
#define ATA_LBA1        0x1F4
#define ATA_LBA2        0x1F5
#define ATA_DRIVE       0x1F6
#define ATA_STATUS      0x1F7          /* reading it acknowledges the interrupt */
#define ATA_COMMAND     0x1F7
#define ATA_ALT_STATUS  0x3F6          /* the same bits, without the acknowledgement */
#define ATA_CONTROL     0x3F6
#define ATA_IRQ         14

#define ATA_SR_BSY  0x80
#define ATA_SR_DRDY 0x40
#define ATA_SR_DF   0x20
#define ATA_SR_DRQ  0x08
#define ATA_SR_ERR  0x01
#define ATA_ER_IDNF 0x10
#define ATA_ER_UNC  0x40

#define ATA_CMD_READ_SECTORS    0x20
#define ATA_CMD_WRITE_SECTORS   0x30
#define ATA_CMD_READ_MULTIPLE   0xC4
#define ATA_CMD_WRITE_MULTIPLE  0xC5
#define ATA_CMD_SET_MULTIPLE    0xC6
#define ATA_CMD_FLUSH_CACHE     0xE7
#define ATA_CMD_IDENTIFY        0xEC

#define ATA_SECTOR_SIZE      512
#define ATA_MAX_PER_COMMAND  128       /* sectors per command (the count register allows 256) */
#define ATA_TIMEOUT_SECONDS  10

IOP_ATA_DISK IopAtaDisk;
static volatile ULONG IopAtaInterruptCount;
static KEVENT IopAtaInterruptEvent;    /* synchronization event: set by IRQ 14 */

/* IopAtaInterrupt - IRQ 14: acknowledge the drive (status read) and wake the waiter, which
   re-reads the status itself. */
static VOID IopAtaInterrupt(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    (VOID)READ_PORT_UCHAR(ATA_STATUS);
    IopAtaInterruptCount++;
    KeSetEvent(&IopAtaInterruptEvent);
}

/* IopAtaDelay - the 400 ns the drive may take to show BSY after a command (4 status reads). */
static VOID IopAtaDelay(VOID)
{
    for (int i = 0; i < 4; i++)
        (VOID)READ_PORT_UCHAR(ATA_ALT_STATUS);
}

/* IopAtaWait - wait until BSY clears (Timeout: ATA_TIMEOUT_SECONDS). Result: STATUS_SUCCESS with
   *Status = the final status (acknowledged), or STATUS_IO_TIMEOUT after a software reset. */
static NTSTATUS IopAtaWait(PUCHAR Status)
{
    ULONGLONG deadline = KeRdtsc() + KeTscFrequency * ATA_TIMEOUT_SECONDS;
    BOOLEAN interrupts = (KeGetEflags() & EFLAGS_IF) != 0;
    for (;;) {
        UCHAR st = READ_PORT_UCHAR(ATA_ALT_STATUS);
        if (!(st & ATA_SR_BSY)) {
            *Status = READ_PORT_UCHAR(ATA_STATUS);
            return STATUS_SUCCESS;
        }
        if (KeRdtsc() > deadline) {
            /* software reset: SRST, then interrupts back on */
            WRITE_PORT_UCHAR(ATA_CONTROL, 0x04);
            IopAtaDelay();
            WRITE_PORT_UCHAR(ATA_CONTROL, 0x00);
            IopAtaDisk.Errors++;
            return STATUS_IO_TIMEOUT;
        }
        if (!interrupts)
            continue;
        /* block until the drive interrupts; the short timeout covers an interrupt lost to a
           race with the status read above (the event stays set if it came first) */
        LARGE_INTEGER tenMs;
        tenMs.QuadPart = -100000;
        KeWaitForSingleObject(&IopAtaInterruptEvent, Executive, KernelMode, FALSE, &tenMs);
    }
}

/* IopAtaError - the NTSTATUS for a command that ended with ERR or DF set. */
static NTSTATUS IopAtaError(UCHAR Status)
{
    UCHAR err = READ_PORT_UCHAR(ATA_ERROR);
    IopAtaDisk.Errors++;
    IopAtaDisk.LastError = ((ULONG)Status << 8) | err;
    if (Status & ATA_SR_DF)
        return STATUS_IO_DEVICE_ERROR;
    if (err & ATA_ER_IDNF)
        return STATUS_NONEXISTENT_SECTOR;
    if (err & ATA_ER_UNC)
        return STATUS_DEVICE_DATA_ERROR;
    return STATUS_IO_DEVICE_ERROR;
}

/* IopAtaIssue - select the master drive, load LBA28 and count, write the command. */
static NTSTATUS IopAtaIssue(UCHAR Command, ULONG Lba, ULONG Count)
{
    UCHAR st;
    WRITE_PORT_UCHAR(ATA_DRIVE, (UCHAR)(0xE0 | ((Lba >> 24) & 0x0F)));
    IopAtaDelay();
    NTSTATUS status = IopAtaWait(&st);
    if (!NT_SUCCESS(status))
        return status;
    WRITE_PORT_UCHAR(ATA_COUNT, (UCHAR)Count);          /* 256 is written as 0 */
    WRITE_PORT_UCHAR(ATA_LBA0, (UCHAR)Lba);
    WRITE_PORT_UCHAR(ATA_LBA1, (UCHAR)(Lba >> 8));
    WRITE_PORT_UCHAR(ATA_LBA2, (UCHAR)(Lba >> 16));
    WRITE_PORT_UCHAR(ATA_COMMAND, Command);
    IopAtaDelay();
    return STATUS_SUCCESS;
}

/* IopAtaTransfer - one command of Count (1..ATA_MAX_PER_COMMAND) sectors at Lba. */
static NTSTATUS IopAtaTransfer(ULONG Lba, ULONG Count, PUCHAR Buffer, BOOLEAN Write)
{
    ULONG block = IopAtaDisk.MultipleSectors ? IopAtaDisk.MultipleSectors : 1;
    UCHAR command = Write ? (block > 1 ? ATA_CMD_WRITE_MULTIPLE : ATA_CMD_WRITE_SECTORS)
                          : (block > 1 ? ATA_CMD_READ_MULTIPLE : ATA_CMD_READ_SECTORS);
    UCHAR st;
    NTSTATUS status = IopAtaIssue(command, Lba, Count);
    IopAtaDisk.Commands++;
    while (NT_SUCCESS(status) && Count) {
        ULONG n = Count < block ? Count : block;
        ULONG words = n * ATA_SECTOR_SIZE / 2;
        status = IopAtaWait(&st);
        if (!NT_SUCCESS(status))
            break;
        if (st & (ATA_SR_ERR | ATA_SR_DF))
            return IopAtaError(st);
        if (!(st & ATA_SR_DRQ)) {
            IopAtaDisk.Errors++;
            return STATUS_IO_DEVICE_ERROR;
        }
        if (Write)
            __asm__ volatile("rep outsw" : "+S"(Buffer), "+c"(words) : "d"(ATA_DATA) : "memory");
        else
            __asm__ volatile("rep insw" : "+D"(Buffer), "+c"(words) : "d"(ATA_DATA) : "memory");
        Count -= n;
    }
    if (NT_SUCCESS(status) && Write) {
        /* the last block is on the medium (or failed) when BSY clears */
        IopAtaDelay();
        status = IopAtaWait(&st);
        if (NT_SUCCESS(status) && (st & (ATA_SR_ERR | ATA_SR_DF)))
            status = IopAtaError(st);
    }
    return status;
}

/* IopAtaReadWrite - Count sectors at Lba, split into commands. Result: STATUS_SUCCESS,
   STATUS_NO_SUCH_DEVICE, STATUS_NONEXISTENT_SECTOR (range past the disk), a device error. */
static NTSTATUS IopAtaReadWrite(ULONG Lba, ULONG Count, PUCHAR Buffer, BOOLEAN Write)
{
    if (!IopAtaDisk.Present)
        return STATUS_NO_SUCH_DEVICE;
    if (Lba >= IopAtaDisk.SectorCount || Count > IopAtaDisk.SectorCount - Lba)
        return STATUS_NONEXISTENT_SECTOR;
    while (Count) {
        ULONG n = Count < ATA_MAX_PER_COMMAND ? Count : ATA_MAX_PER_COMMAND;
        NTSTATUS status = IopAtaTransfer(Lba, n, Buffer, Write);
        if (!NT_SUCCESS(status))
            return status;
        if (Write)
            IopAtaDisk.SectorsWritten += n;
        else
            IopAtaDisk.SectorsRead += n;
        Lba += n;
        Count -= n;
        Buffer += n * ATA_SECTOR_SIZE;
    }
    return STATUS_SUCCESS;
}

/* FAT_BLOCK_DEVICE routines (Context unused: one drive). */
NTSTATUS IopAtaRead(PVOID Context, ULONG Lba, ULONG Count, PVOID Buffer)
{
    UNREFERENCED_PARAMETER(Context);
    return IopAtaReadWrite(Lba, Count, Buffer, FALSE);
}

NTSTATUS IopAtaWrite(PVOID Context, ULONG Lba, ULONG Count, const VOID *Buffer)
{
    UNREFERENCED_PARAMETER(Context);
    return IopAtaReadWrite(Lba, Count, (PUCHAR)Buffer, TRUE);
}

/* IopAtaFlush - FLUSH CACHE: everything written so far is on the medium when it succeeds. */
NTSTATUS IopAtaFlush(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    UCHAR st;
    if (!IopAtaDisk.Present)
        return STATUS_NO_SUCH_DEVICE;
    NTSTATUS status = IopAtaIssue(ATA_CMD_FLUSH_CACHE, 0, 0);
    if (NT_SUCCESS(status))
        status = IopAtaWait(&st);
    if (NT_SUCCESS(status) && (st & (ATA_SR_ERR | ATA_SR_DF)))
        status = IopAtaError(st);
    if (NT_SUCCESS(status))
        IopAtaDisk.Flushes++;
    return status;
}

/* IopAtaIdentify - IDENTIFY DEVICE into Id[256]. Result: FALSE when no ATA drive answers. */
static BOOLEAN IopAtaIdentify(USHORT Id[256])
{
    UCHAR st = READ_PORT_UCHAR(ATA_ALT_STATUS);
    if (st == 0xFF || st == 0x00)
        return FALSE;                   /* floating bus, or QEMU's empty channel */
    if (!NT_SUCCESS(IopAtaIssue(ATA_CMD_IDENTIFY, 0, 0)))
        return FALSE;
    if (!NT_SUCCESS(IopAtaWait(&st)) || (st & ATA_SR_ERR) || !(st & ATA_SR_DRQ))
        return FALSE;                   /* ATAPI devices abort IDENTIFY DEVICE */
    ULONG words = 256;
    PUSHORT p = Id;
    __asm__ volatile("rep insw" : "+D"(p), "+c"(words) : "d"(ATA_DATA) : "memory");
    return TRUE;
}

/* IopAtaInitialize - probe the primary master; on success fill Device (a FAT_BLOCK_DEVICE) and
   connect IRQ 14. Result: STATUS_SUCCESS or STATUS_NO_SUCH_DEVICE. */
NTSTATUS IopAtaInitialize(PFAT_BLOCK_DEVICE Device)
{
    static USHORT id[256];
    WRITE_PORT_UCHAR(ATA_CONTROL, 0x00);            /* nIEN = 0: the drive may interrupt */
    WRITE_PORT_UCHAR(ATA_DRIVE, 0xA0);
    IopAtaDelay();
    if (!IopAtaIdentify(id))
        return STATUS_NO_SUCH_DEVICE;
    ULONG sectors = id[60] | ((ULONG)id[61] << 16);
    if (!(id[49] & 0x200) || sectors == 0)
        return STATUS_NO_SUCH_DEVICE;               /* no LBA */
    for (ULONG i = 0; i < 20; i++) {
        IopAtaDisk.Model[2 * i] = (CHAR)(id[27 + i] >> 8);
        IopAtaDisk.Model[2 * i + 1] = (CHAR)id[27 + i];
    }
    for (LONG i = 39; i >= 0 && IopAtaDisk.Model[i] == ' '; i--)
        IopAtaDisk.Model[i] = 0;
    IopAtaDisk.SectorCount = sectors;
    IopAtaDisk.Present = TRUE;

    /* READ/WRITE MULTIPLE: up to 16 sectors per DRQ block when the drive supports it */
    ULONG multiple = id[47] & 0xFF;
    if (multiple > 16)
        multiple = 16;
    if (multiple >= 2) {
        UCHAR st;
        if (NT_SUCCESS(IopAtaIssue(ATA_CMD_SET_MULTIPLE, 0, multiple)) && NT_SUCCESS(IopAtaWait(&st)) &&
            !(st & (ATA_SR_ERR | ATA_SR_DF)))
            IopAtaDisk.MultipleSectors = multiple;
    }
    KeInitializeEvent(&IopAtaInterruptEvent, EventSynchronizationObject, FALSE);
    KeConnectInterruptRoutine(ATA_IRQ, IopAtaInterrupt, NULL);

    memset(Device, 0, sizeof(*Device));
    Device->SectorSize = ATA_SECTOR_SIZE;
    Device->SectorCount = sectors;
    Device->Read = IopAtaRead;
    Device->Write = IopAtaWrite;
    Device->Flush = IopAtaFlush;
    return STATUS_SUCCESS;
}
