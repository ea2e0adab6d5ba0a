/*
 * benchgui.c - `make bench`: what GUI-thread conversion costs and what the GDI batch saves
 * (docs/gui.md). Under QEMU -icount shift=0 one TSC tick is one instruction (docs/benchmarks.md).
 *   gui_first_call_converting    the thread's first table-1 call (NtGdiFlush, empty batch):
 *                                conversion, the large stack, the retry
 *   gui_table1_call              a later NtGdiFlush (median), stub to stub
 *   native_null_call             NtBenchNull (median), for comparison
 *   gui_setpixel_syscalls_N      N pixels as N NtGdiNanoSetPixel calls        (N = 1, 2, 10, 100)
 *   gui_setpixel_batched_N       N pixels queued with GdiSetPixel + one GdiFlush
 *   gui_batch_saving_per_op_N    (syscalls - batched) / N
 *   gui_batch_queue_100          the user-mode part of batched_100 (queueing only)
 *   gui_batch_flush_100          the rest: the flush call, the kernel's copy, check and drawing
 * Usage: benchgui.exe [instructions|cycles]
 */
#include "benchlib.h"
#include "gdi32.h"
#include "crt.h"

/* the baseline: an empty stdcall routine (declared in benchlib.h) */
__asm__(".text\nBenchEmpty0: ret\n");

#define SAMPLES 51
static ULONG Samples[SAMPLES];

static ULONG Median(VOID) { return BenchMedian(Samples, SAMPLES); }

#define MEASURE(work) ({ \
        for (int s_ = 0; s_ < SAMPLES; s_++) { \
            ULONG a_ = BenchTsc(); work; ULONG b_ = BenchTsc(); Samples[s_] = b_ - a_; } \
        Median(); })

static ULONG SysPixels(ULONG N)
{
    for (ULONG i = 0; i < N; i++)
        NtGdiNanoSetPixel((LONG)(i % 800), 500, GDI_RGB(0, i, 0xFF));
    return N;
}

/* Queue N pixels and drop them unflushed: the user-mode side of the batch alone. */
static ULONG QueuePixels(ULONG N)
{
    for (ULONG i = 0; i < N; i++)
        GdiSetPixel((LONG)(i % 800), 502, 0);
    NtCurrentTeb()->GdiBatchCount = 0;
    NtCurrentTeb()->GdiTebBatch.Offset = 0;
    return N;
}

static ULONG BatchPixels(ULONG N)
{
    for (ULONG i = 0; i < N; i++)
        GdiSetPixel((LONG)(i % 800), 501, GDI_RGB(0xFF, i, 0));
    GdiFlush();
    return N;
}

int main(int argc, char **argv)
{
    const char *unit = argc > 1 ? argv[1] : "instructions";
    ULONG base = MEASURE(BenchEmpty0());

    ULONG a = BenchTsc();
    NTSTATUS s = NtGdiFlush();              /* the first table-1 call of this thread */
    ULONG first = BenchTsc() - a - base + 1;
    if (s != STATUS_SUCCESS) {
        printf("benchgui: first NtGdiFlush returned 0x%08lx\n", (unsigned long)s);
        return 1;
    }
    ULONG later = MEASURE(NtGdiFlush()) - base + 1;
    ULONG native = MEASURE(NtBenchNull()) - base + 1;
    printf("bench gui_first_call_converting %lu %s\n", (unsigned long)first, unit);
    printf("bench gui_table1_call %lu %s\n", (unsigned long)later, unit);
    printf("bench native_null_call %lu %s\n", (unsigned long)native, unit);

    static const ULONG Ns[] = { 1, 2, 10, 100 };
    for (ULONG k = 0; k < sizeof(Ns) / sizeof(Ns[0]); k++) {
        ULONG n = Ns[k];
        ULONG sys = MEASURE(SysPixels(n));
        ULONG batch = MEASURE(BatchPixels(n));
        LONG saving10 = ((LONG)sys - (LONG)batch) * 10 / (LONG)n;   /* negative: batching costs more */
        ULONG mag = saving10 < 0 ? (ULONG)-saving10 : (ULONG)saving10;
        printf("bench gui_setpixel_syscalls_%lu %lu %s\n", (unsigned long)n, (unsigned long)sys, unit);
        printf("bench gui_setpixel_batched_%lu %lu %s\n", (unsigned long)n, (unsigned long)batch, unit);
        if (n == 100) {
            ULONG queue = MEASURE(QueuePixels(n));
            printf("bench gui_batch_queue_100 %lu %s\n", (unsigned long)queue, unit);
            printf("bench gui_batch_flush_100 %lu %s\n", (unsigned long)(batch - queue), unit);
        }
        printf("bench gui_batch_saving_per_op_%lu %s%lu.%lu %s\n", (unsigned long)n, saving10 < 0 ? "-" : "",
               (unsigned long)(mag / 10), (unsigned long)(mag % 10), unit);
    }
    return 0;
}
