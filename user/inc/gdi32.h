/*
 * gdi32.h - NanoNT's small gdi32: the GUI services of table 1 (stubs generated from
 * win32k/services.tab) and helpers that queue drawing in the thread's GDI batch
 * (TEB->GdiTebBatch, inc/ntgdi.h). Batched drawing takes effect when the batch is flushed: before
 * the thread's next table-1 service, on GdiFlush, or when the batch is full. docs/gui.md.
 */
#ifndef NANONT_USER_GDI32_H
#define NANONT_USER_GDI32_H

#include "ntdll.h"
#include "ntgdi.h"
#include "w32svcnum.h"

typedef int BOOL;

/* table-1 services (win32k/ntgdi.c) */
NTSTATUS NTAPI NtGdiFlush(VOID);
NTSTATUS NTAPI NtGdiNanoFillRect(LONG X, LONG Y, LONG Cx, LONG Cy, ULONG Color);
NTSTATUS NTAPI NtGdiNanoSetPixel(LONG X, LONG Y, ULONG Color);
NTSTATUS NTAPI NtGdiNanoGetPixel(LONG X, LONG Y, PULONG Color);
NTSTATUS NTAPI NtGdiNanoCopyRect(LONG XDest, LONG YDest, LONG XSource, LONG YSource, LONG Cx, LONG Cy);
NTSTATUS NTAPI NtGdiNanoTextOut(LONG X, LONG Y, PCSTR Text, ULONG Length, ULONG Foreground,
                                ULONG Background, ULONG Scale);
NTSTATUS NTAPI NtGdiNanoQueryDisplay(PGDI_NANO_DISPLAY_INFO Info, ULONG Length);
NTSTATUS NTAPI NtGdiNanoFlushBatchAt(PTEB TebImage);

/* batching (user/gdi32/gdibatch.c) */
BOOL GdiFlush(VOID);                   /* as Win32: flush this thread's batch; FALSE on failure */
DWORD GdiSetBatchLimit(DWORD Limit);   /* as Win32: 1 = no batching, 0 = default; returns the old */
DWORD GdiGetBatchLimit(VOID);
/* Each queues one operation (or, with batch limit 1, makes the call). Result: STATUS_SUCCESS
   or the status of the flush that had to make room. */
/* GdiSetPixel: inline, below */
NTSTATUS GdiFillRect(LONG X, LONG Y, LONG Cx, LONG Cy, ULONG Color);
NTSTATUS GdiCopyRect(LONG XDest, LONG YDest, LONG XSource, LONG YSource, LONG Cx, LONG Cy);
NTSTATUS GdiTextOut(LONG X, LONG Y, PCSTR Text, ULONG Foreground, ULONG Background, ULONG Scale);

/* GdiSetPixel's common case inline, so that queueing a pixel is a few compares and stores in the
   caller: coordinates that pack in 16 bits, room for one more entry, the count under the batch
   limit (GdipFastPathLimit is 0 when batching is off). Everything else takes GdipSetPixelSlow. */
extern DWORD GdipFastPathLimit;
NTSTATUS GdipSetPixelSlow(LONG X, LONG Y, ULONG Color);

static inline NTSTATUS GdiSetPixel(LONG X, LONG Y, ULONG Color)
{
    PTEB teb = NtCurrentTeb();
    ULONG offset = teb->GdiTebBatch.Offset, count = teb->GdiBatchCount;
    if (__builtin_expect(((ULONG)(X + 0x8000) | (ULONG)(Y + 0x8000)) < 0x10000 &&
                         offset <= GDI_BATCH_AREA_SIZE - sizeof(GDI_BATCH_SETPIXEL) &&
                         count < GdipFastPathLimit, 1)) {
        PULONG e = (PULONG)((PUCHAR)teb->GdiTebBatch.Buffer + offset);
        e[0] = sizeof(GDI_BATCH_SETPIXEL) | (GdiBatchSetPixel << 16);   /* Size, Command */
        e[1] = GDI_PACK_XY(X, Y);
        e[2] = Color;
        teb->GdiTebBatch.Offset = offset + sizeof(GDI_BATCH_SETPIXEL);
        teb->GdiBatchCount = count + 1;
        return STATUS_SUCCESS;
    }
    return GdipSetPixelSlow(X, Y, Color);
}

#endif
