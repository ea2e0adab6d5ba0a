/*
 * benchtrap.c - `make bench`: the cost of recording and recovering a thread context (docs/trapfile.md),
 * in instructions under QEMU -icount shift=0 (one TSC tick = one instruction; tools/bench.sh
 * boots it with a copy of the disk and the argument "instructions"), next to the null service
 * measured the same way in the same run.
 *
 * Every figure is the median of a call through TrCall (user/inc/traplib.h), rdtsc to rdtsc:
 *   trap_null_roundtrip       NtBenchNull
 *   trap_record_kernel        NtRecordTrapFrame(NULL, TRAP_FRAME_MEMORY_ONLY): capture, build,
 *                             checksum, store in the in-memory slot (no file system)
 *   trap_record_total         NtRecordTrapFrame to \SystemRoot\bench.rec: the same plus reading
 *                             the old record, writing and flushing a temporary file, the rename
 *   trap_record_fs_flush      total - kernel
 *   trap_recover_kernel       NtRecoverTrapFrame from the memory slot: validate, edit the frame,
 *                             iretd back to the recorded call
 *   trap_recover_total        NtRecoverTrapFrame from the file
 *   trap_recover_fs           total - kernel
 * Under plain TCG or KVM the same numbers are TSC ticks, not instructions.
 * Usage: benchtrap.exe [instructions] [kernel]: "kernel" runs only the memory-slot figures (for
 * `make profile`).
 */
#include "benchlib.h"
#include "traplib.h"
#include "crt.h"

#define MAX_SAMPLES 101
static ULONG Samples[MAX_SAMPLES];
static NTSTATUS LastStatus;

static ULONG Median(ULONG Count) { return BenchMedian(Samples, Count); }

/* Timed - one call through TrCall, rdtsc to rdtsc. A recovery resumes inside the recording
   TrCall and returns here too, so every Timed call must come from Bench (same stack depth). */
static __attribute__((noinline)) ULONG Timed(ULONG Number, PUNICODE_STRING Name, ULONG Flags)
{
    ULONG a = BenchTsc();
    LastStatus = TrCall(Number, (ULONG)Name, Flags, 0x100);
    ULONG b = BenchTsc();
    return b - a;
}

static __attribute__((noinline)) int Bench(BOOLEAN KernelOnly)
{
    const ULONG REC = SERVICE_NUMBER_NtRecordTrapFrame, RCV = SERVICE_NUMBER_NtRecoverTrapFrame;
    PUNICODE_STRING file = TrName(0, "bench.rec");
    ULONG null, recK, recT, rcvK, rcvT, n;
    int bad = 0;

    n = MAX_SAMPLES;
    for (ULONG i = 0; i < n; i++)
        Samples[i] = Timed(SERVICE_NUMBER_NtBenchNull, NULL, 0);
    null = Median(n);
    for (ULONG i = 0; i < n; i++) {
        Samples[i] = Timed(REC, NULL, TRAP_FRAME_MEMORY_ONLY);
        bad |= LastStatus != STATUS_SUCCESS;
    }
    recK = Median(n);
    for (ULONG i = 0; i < n; i++) {
        Samples[i] = Timed(RCV, NULL, TRAP_FRAME_MEMORY_ONLY);
        bad |= LastStatus != STATUS_TRAP_FRAME_RECOVERED;
    }
    rcvK = Median(n);
    recT = rcvT = 0;
    n = KernelOnly ? 0 : 21;                                   /* file operations are slow: fewer samples */
    for (ULONG i = 0; i < n; i++) {
        Samples[i] = Timed(REC, file, 0);
        bad |= LastStatus != STATUS_SUCCESS;
    }
    if (n)
        recT = Median(n);
    for (ULONG i = 0; i < n; i++) {
        Samples[i] = Timed(RCV, file, 0);
        bad |= LastStatus != STATUS_TRAP_FRAME_RECOVERED;
    }
    if (n)
        rcvT = Median(n);
    if (bad) {
        printf("benchtrap: a record or recover call failed (last status 0x%08lx)\n", (unsigned long)LastStatus);
        return 1;
    }
    printf("bench trap_null_roundtrip %lu instructions\n", (unsigned long)null);
    printf("bench trap_record_kernel %lu instructions\n", (unsigned long)recK);
    printf("bench trap_recover_kernel %lu instructions\n", (unsigned long)rcvK);
    if (KernelOnly)
        return 0;
    printf("bench trap_record_total %lu instructions\n", (unsigned long)recT);
    printf("bench trap_record_fs_flush %lu instructions\n", (unsigned long)(recT - recK));
    printf("bench trap_recover_total %lu instructions\n", (unsigned long)rcvT);
    printf("bench trap_recover_fs %lu instructions\n", (unsigned long)(rcvT - rcvK));
    return 0;
}

int main(int argc, char **argv)
{
    volatile int result;
    if (argc > 1 && strcmp(argv[1], "instructions") != 0)
        printf("benchtrap: figures are TSC ticks (not under -icount)\n");
    TrSetPath((USER_SHARED_DATA->NanoNtFlags & KUSER_SHARED_DATA_NANONT_INT2E) ? 1 : 0);   /* the entry the stubs use */
    result = Bench(argc > 2 && strcmp(argv[2], "kernel") == 0);
    return result;
}
