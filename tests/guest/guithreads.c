/*
 * guithreads.c - many threads converting to GUI threads at the same time (docs/gui.md): each thread
 * is plain until its first table-1 call, converts exactly once, draws its own row through the
 * batch; a thread that never calls table 1 keeps the small stack and the plain table; the GUI
 * state of every exited thread is freed (GuiThreads falls back).
 */
#include "guitest.h"

#define THREADS 8
#define ROUNDS 2
#define PIXELS 40

typedef struct {
    ULONG Index;
    GT_THREAD_INFO Before, After, Later;
    NTSTATUS Flush;
} WORKER;
static WORKER Workers[THREADS];
static GT_THREAD_INFO PlainInfo;

static ULONG RowColor(ULONG i) { return GDI_RGB(0x20 * i + 0x10, 0xFF - 0x10 * i, 0x80); }

static ULONG NTAPI GuiWorker(PVOID Parameter)
{
    WORKER *w = Parameter;
    w->Before = GtThreadInfo();
    NtYieldExecution();                  /* let the others start: conversions interleave */
    for (ULONG k = 0; k < PIXELS; k++) {
        GdiSetPixel((LONG)k, (LONG)(100 + w->Index), RowColor(w->Index));
        if (k % 10 == 0)
            NtYieldExecution();
    }
    w->Flush = NtGdiFlush();             /* the first table-1 call: converts, then flushes */
    w->After = GtThreadInfo();
    for (int i = 0; i < 10; i++) {
        NtGdiFlush();
        NtYieldExecution();
    }
    w->Later = GtThreadInfo();
    return 0;
}

static ULONG NTAPI PlainWorker(PVOID Parameter)
{
    (void)Parameter;
    for (int i = 0; i < 20; i++)
        NtYieldExecution();
    PlainInfo = GtThreadInfo();
    return 0;
}

static HANDLE Start(PUSER_THREAD_START_ROUTINE Routine, PVOID Parameter)
{
    HANDLE h = NULL;
    NTSTATUS s = RtlCreateUserThread(NtCurrentProcess(), NULL, FALSE, 0, 0x10000, 0x8000, Routine, Parameter, &h, NULL);
    if (!NT_SUCCESS(s))
        TL_FAIL("RtlCreateUserThread: 0x%08lx", (unsigned long)s);
    return h;
}

static ULONG ConvertedBefore;

TL_TEST(threads_convert_concurrently)
{
    for (int round = 0; round < ROUNDS; round++) {
        HANDLE h[THREADS + 1];
        memset(Workers, 0, sizeof(Workers));
        for (ULONG i = 0; i < THREADS; i++) {
            Workers[i].Index = i;
            h[i] = Start(GuiWorker, &Workers[i]);
        }
        h[THREADS] = Start(PlainWorker, NULL);
        for (int i = 0; i <= THREADS; i++) {
            if (h[i]) {
                NtWaitForSingleObject(h[i], FALSE, NULL);
                NtClose(h[i]);
            }
        }
        for (ULONG i = 0; i < THREADS; i++) {
            WORKER *w = &Workers[i];
            if (w->Before.ServiceTableIsShadow || w->Before.KernelStackSize != 0x3000 || w->Before.Win32Thread)
                TL_FAIL("thread %lu was a GUI thread before its first table-1 call", (unsigned long)i);
            if (w->Flush != STATUS_SUCCESS)
                TL_FAIL("thread %lu: first NtGdiFlush 0x%08lx", (unsigned long)i, (unsigned long)w->Flush);
            if (!w->After.ServiceTableIsShadow || w->After.KernelStackSize != 0xF000 || !w->After.Win32Thread)
                TL_FAIL("thread %lu not converted (shadow %lu, stack 0x%lx)", (unsigned long)i,
                        (unsigned long)w->After.ServiceTableIsShadow, (unsigned long)w->After.KernelStackSize);
            if (w->Later.KernelStackSize != 0xF000 || !w->Later.ServiceTableIsShadow)
                TL_FAIL("thread %lu changed after conversion", (unsigned long)i);
        }
        TL_CHECK_EQ(0, PlainInfo.ServiceTableIsShadow);
        TL_CHECK_EQ(0x3000, PlainInfo.KernelStackSize);
        TL_CHECK_EQ(0, PlainInfo.Win32Thread);
    }
    /* the main thread never used table 1 so far */
    GT_THREAD_INFO me = GtThreadInfo();
    TL_CHECK_EQ(0, me.ServiceTableIsShadow);
    TL_CHECK_EQ(0x3000, me.KernelStackSize);
}

TL_TEST(conversions_counted_and_freed)
{
    GDI_NANO_DISPLAY_INFO d = GtDisplay();          /* converts the main thread */
    TL_CHECK_EQ(ConvertedBefore + THREADS * ROUNDS + 1, d.ThreadsConverted);
    TL_CHECK_EQ(1, d.GuiThreads);                   /* every exited thread gave its state back */
    for (ULONG i = 0; i < THREADS; i++) {
        TL_CHECK_EQ(RowColor(i), GtPixel(0, (LONG)(100 + i)));
        TL_CHECK_EQ(RowColor(i), GtPixel(PIXELS - 1, (LONG)(100 + i)));
    }
}

int main(void)
{
    ConvertedBefore = 0;                 /* a fresh boot: no GUI thread before this program */
    TL_RUN(threads_convert_concurrently);
    TL_RUN(conversions_counted_and_freed);
    TL_FINISH();
}
