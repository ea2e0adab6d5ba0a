/*
 * guitest.h - helpers shared by the GUI guest tests (docs/gui.md): the caller's thread view
 * (NtQuerySystemInformation class 0x1001), the display query, pixel reads that do not flush the
 * batch, and raw batch entries written straight into the TEB.
 */
#ifndef NANONT_GUITEST_H
#define NANONT_GUITEST_H

#include "testlib.h"
#include "gdi32.h"

typedef struct {
    ULONG ServiceTableIsShadow, KernelStackSize, Win32Thread, TrapFrameOffsetFromStackBase;
} GT_THREAD_INFO;

static inline GT_THREAD_INFO GtThreadInfo(VOID)
{
    GT_THREAD_INFO ti = { 0xEEEE, 0xEEEE, 0xEEEE, 0xEEEE };
    NtQuerySystemInformation(SystemNanoNtThreadInformation, &ti, sizeof(ti), NULL);
    return ti;
}

static inline GDI_NANO_DISPLAY_INFO GtDisplay(VOID)
{
    GDI_NANO_DISPLAY_INFO d;
    memset(&d, 0xEE, sizeof(d));
    NtGdiNanoQueryDisplay(&d, sizeof(d));
    return d;
}

/* Read a pixel without flushing the queued batch: the dispatcher flushes only when
   TEB->GdiBatchCount is not zero, so hide the count around the call. */
static inline ULONG GtPeekPixel(LONG X, LONG Y)
{
    volatile TEB *teb = NtCurrentTeb();
    ULONG count = teb->GdiBatchCount, color = 0xDEAD;
    teb->GdiBatchCount = 0;
    NtGdiNanoGetPixel(X, Y, &color);
    teb->GdiBatchCount = count;
    return color;
}

static inline ULONG GtPixel(LONG X, LONG Y)
{
    ULONG color = 0xDEAD;
    NtGdiNanoGetPixel(X, Y, &color);
    return color;
}

/* Raw batch building: Words are appended as they are, then Count and Offset set by the caller. */
static inline VOID GtBatchRaw(const ULONG *Words, ULONG WordCount, ULONG Count, ULONG Offset)
{
    volatile TEB *teb = NtCurrentTeb();
    for (ULONG i = 0; i < WordCount; i++)
        teb->GdiTebBatch.Buffer[i] = Words[i];
    teb->GdiTebBatch.Offset = Offset;
    teb->GdiBatchCount = Count;
}
#define GT_HDR(size, cmd) ((ULONG)(size) | (ULONG)(cmd) << 16)

#endif
