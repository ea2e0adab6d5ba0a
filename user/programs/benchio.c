/*
 * benchio.c - file-system benchmark (docs/io.md): sequential write and read of a 16 MiB file,
 * small-file create+write+flush+close latency, and, in the same run, the raw disk throughput of
 * the ATA driver's own transfer loop (NtNanoDiskControl). Prints `bench NAME VALUE UNIT` lines:
 * TSC ticks (under -icount shift=0 one tick is one guest instruction) and rates from the TSC
 * frequency NtQueryPerformanceCounter reports (virtual time under -icount).
 *     tools/run.sh --icount --disk COPY-OF-disk.img --init 'benchio.exe' --timeout 600
 * (tools/bench.sh does this as part of `make bench`). Files go to \??\C:\benchio\.
 * Beside the wall-clock figures, exact counts per MiB moved (NANO_DISK_COUNTER): device commands,
 * sectors transferred and bytes copied through the kernel's bounce buffer.
 */
#include "ntdll.h"
#include "ntpath.h"
#include "crt.h"

#define BIG_SIZE (16u << 20)
#define CHUNK (64u << 10)
#define SMALL_FILES 64
#define SMALL_SIZE 4096
#define RAW_SECTORS (BIG_SIZE / 512)
#define RAW_WRITE_SECTORS (4u << 20) / 512

static UCHAR Buffer[CHUNK];
static NT_PATH_ATTRIBUTES PathStore;
static IO_STATUS_BLOCK Iosb;
static ULONGLONG Frequency;

static ULONGLONG Now(VOID)
{
    ULONG lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((ULONGLONG)hi << 32) | lo;
}

static POBJECT_ATTRIBUTES Attr(PCSTR Path) { return NtPathAttributes(&PathStore, Path, NULL); }

/* Report - ticks, and KiB/s for Bytes moved in Ticks (0 bytes: microseconds per Count ops). */
static VOID Report(PCSTR What, ULONGLONG Ticks, ULONGLONG Bytes, ULONG Count)
{
    if (Bytes) {
        printf("bench io_%s_ticks %llu ticks\n", What, Ticks);
        printf("bench io_%s_throughput %llu KiB/s\n", What, Ticks ? Bytes * Frequency / 1024 / Ticks : 0);
    } else {
        printf("bench io_%s_ticks %llu ticks/op\n", What, Ticks / Count);
        printf("bench io_%s_latency %llu us\n", What, Ticks * 1000000 / Frequency / Count);
    }
}

/* Counters - the disk's command, sector and bounce-copy counters now. */
typedef struct { ULONGLONG Commands, SectorsRead, SectorsWritten, Copied; } COUNTERS;
static COUNTERS Counters(VOID)
{
    COUNTERS c = { 0, 0, 0, 0 };
    NtNanoDiskControl(NANO_DISK_COUNTER, 0, 0, &c.Commands);
    NtNanoDiskControl(NANO_DISK_COUNTER, 1, 0, &c.SectorsRead);
    NtNanoDiskControl(NANO_DISK_COUNTER, 2, 0, &c.SectorsWritten);
    NtNanoDiskControl(NANO_DISK_COUNTER, 3, 0, &c.Copied);
    return c;
}

/* ReportCounts - what moving Bytes cost between two counter readings, per MiB. */
static VOID ReportCounts(PCSTR What, COUNTERS Before, COUNTERS After, ULONGLONG Bytes)
{
    ULONGLONG mib = Bytes >> 20;
    printf("bench io_%s_commands_per_MiB %llu commands\n", What, (After.Commands - Before.Commands) / mib);
    printf("bench io_%s_sectors_per_MiB %llu sectors\n", What,
           (After.SectorsRead - Before.SectorsRead + After.SectorsWritten - Before.SectorsWritten) / mib);
    printf("bench io_%s_copied_per_MiB %llu bytes\n", What, (After.Copied - Before.Copied) / mib);
}

static NTSTATUS Fail(PCSTR What, NTSTATUS Status)
{
    printf("benchio: %s failed: 0x%08X\n", What, (unsigned)Status);
    return Status;
}

int main(int argc, char **argv)
{
    UNREFERENCED_PARAMETER(argc); UNREFERENCED_PARAMETER(argv);
    HANDLE h;
    LARGE_INTEGER counter, freq, offset;
    NTSTATUS s;
    NtQueryPerformanceCounter(&counter, &freq);
    Frequency = freq.QuadPart ? (ULONGLONG)freq.QuadPart : 1;
    for (ULONG i = 0; i < CHUNK; i++)
        Buffer[i] = (UCHAR)(i * 7 + 3);
    s = NtCreateFile(&h, FILE_LIST_DIRECTORY, Attr("\\??\\C:\\benchio"), &Iosb, NULL, 0, 0, FILE_OPEN_IF,
                     FILE_DIRECTORY_FILE, NULL, 0);
    if (!NT_SUCCESS(s))
        return Fail("create \\??\\C:\\benchio", s);
    NtClose(h);

    /* sequential write of 16 MiB, flushed */
    s = NtCreateFile(&h, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, Attr("\\??\\C:\\benchio\\big.bin"), &Iosb,
                     NULL, 0, 0, FILE_OVERWRITE_IF, FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    if (!NT_SUCCESS(s))
        return Fail("create big.bin", s);
    COUNTERS c0 = Counters();
    ULONGLONG t0 = Now();
    for (ULONG done = 0; done < BIG_SIZE && NT_SUCCESS(s); done += CHUNK)
        s = NtWriteFile(h, NULL, NULL, NULL, &Iosb, Buffer, CHUNK, NULL, NULL);
    if (NT_SUCCESS(s))
        s = NtFlushBuffersFile(h, &Iosb);
    if (!NT_SUCCESS(s))
        return Fail("sequential write", s);
    Report("file_seq_write_16MiB", Now() - t0, BIG_SIZE, 1);
    COUNTERS c1 = Counters();
    ReportCounts("file_seq_write", c0, c1, BIG_SIZE);

    /* sequential read of it */
    offset.QuadPart = 0;
    t0 = Now();
    for (ULONG done = 0; done < BIG_SIZE && NT_SUCCESS(s); done += CHUNK, offset.QuadPart += CHUNK)
        s = NtReadFile(h, NULL, NULL, NULL, &Iosb, Buffer, CHUNK, &offset, NULL);
    if (!NT_SUCCESS(s))
        return Fail("sequential read", s);
    Report("file_seq_read_16MiB", Now() - t0, BIG_SIZE, 1);
    ReportCounts("file_seq_read", c1, Counters(), BIG_SIZE);
    NtClose(h);

    /* small files: create + 4 KiB write + flush + close */
    t0 = Now();
    for (ULONG i = 0; i < SMALL_FILES && NT_SUCCESS(s); i++) {
        char name[64];
        RtlFormatString(name, sizeof(name), "\\??\\C:\\benchio\\small%02u.dat", (unsigned)i);
        s = NtCreateFile(&h, GENERIC_WRITE, Attr(name), &Iosb, NULL, 0, 0, FILE_OVERWRITE_IF, 0, NULL, 0);
        if (NT_SUCCESS(s)) {
            offset.QuadPart = 0;
            s = NtWriteFile(h, NULL, NULL, NULL, &Iosb, Buffer, SMALL_SIZE, &offset, NULL);
            if (NT_SUCCESS(s))
                s = NtFlushBuffersFile(h, &Iosb);
            NtClose(h);
        }
    }
    if (!NT_SUCCESS(s))
        return Fail("small files", s);
    Report("small_create_write_flush_close", Now() - t0, 0, SMALL_FILES);

    /* the raw disk in the same run: the driver's loop, 16 MiB read and 4 MiB rewritten */
    ULONGLONG kernelTicks;
    c0 = Counters();
    t0 = Now();
    s = NtNanoDiskControl(NANO_DISK_READ, 0, RAW_SECTORS, &kernelTicks);
    if (!NT_SUCCESS(s))
        return Fail("raw read", s);
    Report("raw_disk_read_16MiB", Now() - t0, BIG_SIZE, 1);
    ReportCounts("raw_disk_read", c0, Counters(), BIG_SIZE);
    s = NtNanoDiskControl(NANO_DISK_REWRITE, 0, RAW_WRITE_SECTORS, &kernelTicks);
    if (!NT_SUCCESS(s))
        return Fail("raw rewrite", s);
    Report("raw_disk_write_4MiB", kernelTicks, RAW_WRITE_SECTORS * 512ull, 1);
    s = NtNanoDiskControl(NANO_DISK_FLUSH, 0, 0, &kernelTicks);
    if (!NT_SUCCESS(s))
        return Fail("flush", s);
    printf("bench io_raw_disk_flush_ticks %llu ticks\n", kernelTicks);
    printf("benchio: TSC frequency %llu Hz (under -icount: 1 tick = 1 instruction)\n", Frequency);
    return 0;
}
