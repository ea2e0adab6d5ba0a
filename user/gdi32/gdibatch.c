/*
 * gdibatch.c - gdi32's GDI batch: drawing calls append a small entry to TEB->GdiTebBatch and
 * count it in TEB->GdiBatchCount instead of entering the kernel; the kernel runs the entries in
 * order when it flushes (before the thread's next table-1 service, or NtGdiFlush). Here we flush
 * when the next entry would not fit or the batch limit is reached. Entry formats: inc/ntgdi.h.
 */
#include "gdi32.h"
#include "rtl.h"

#define GDI_DEFAULT_BATCH_LIMIT 0x7FFFFFFF    /* as many as fit the 1240-byte area */

static DWORD GdiBatchLimit = GDI_DEFAULT_BATCH_LIMIT;   /* per process here (Win32: per thread) */
/* What GdiSetPixel's fast path compares the count with: the limit, or 0 when the limit is 1
   (no batching), so that one compare covers both. */
DWORD GdipFastPathLimit = GDI_DEFAULT_BATCH_LIMIT;

BOOL GdiFlush(VOID)
{
    return NT_SUCCESS(NtGdiFlush());
}

DWORD GdiSetBatchLimit(DWORD Limit)
{
    DWORD old = GdiBatchLimit;
    GdiFlush();
    GdiBatchLimit = Limit ? Limit : GDI_DEFAULT_BATCH_LIMIT;
    GdipFastPathLimit = GdiBatchLimit > 1 ? GdiBatchLimit : 0;
    return old;
}

DWORD GdiGetBatchLimit(VOID)
{
    return GdiBatchLimit;
}

/* Room for Size more bytes in the batch, flushing first when needed; NULL + *Status on failure. */
static PVOID GdipReserve(ULONG Size, NTSTATUS *Status)
{
    volatile TEB *teb = NtCurrentTeb();
    *Status = STATUS_SUCCESS;
    if (teb->GdiBatchCount != 0 &&
        (teb->GdiTebBatch.Offset + Size > GDI_BATCH_AREA_SIZE || teb->GdiBatchCount >= GdiBatchLimit)) {
        *Status = NtGdiFlush();
        if (!NT_SUCCESS(*Status))
            return NULL;
    }
    return (PUCHAR)teb->GdiTebBatch.Buffer + teb->GdiTebBatch.Offset;
}

/* Batch entries pack coordinates in 16 bits; other values take the direct call, which keeps the
   order because the kernel flushes the batch before any table-1 service. */
static BOOLEAN GdipFits(LONG A, LONG B, LONG C, LONG D)
{
    return A == (SHORT)A && B == (SHORT)B && C == (SHORT)C && D == (SHORT)D;
}

/* The entry at the end of the batch is complete: count it. */
static NTSTATUS GdipCommit(ULONG Size)
{
    volatile TEB *teb = NtCurrentTeb();
    teb->GdiTebBatch.Offset += Size;
    teb->GdiBatchCount++;
    return STATUS_SUCCESS;
}

/* GdipSetPixelSlow - GdiSetPixel when the inline fast path (gdi32.h) does not apply: batching
   off, coordinates that do not pack, or a full batch (flushed first). */
NTSTATUS GdipSetPixelSlow(LONG X, LONG Y, ULONG Color)
{
    NTSTATUS status;
    if (GdiBatchLimit == 1 || !GdipFits(X, Y, 0, 0))
        return NtGdiNanoSetPixel(X, Y, Color);
    GDI_BATCH_SETPIXEL *e = GdipReserve(sizeof(*e), &status);
    if (!e)
        return status;
    e->Header.Size = sizeof(*e);
    e->Header.Command = GdiBatchSetPixel;
    e->Xy = GDI_PACK_XY(X, Y);
    e->Color = Color;
    return GdipCommit(sizeof(*e));
}

NTSTATUS GdiFillRect(LONG X, LONG Y, LONG Cx, LONG Cy, ULONG Color)
{
    NTSTATUS status;
    if (GdiBatchLimit == 1 || !GdipFits(X, Y, Cx, Cy))
        return NtGdiNanoFillRect(X, Y, Cx, Cy, Color);
    GDI_BATCH_FILLRECT *e = GdipReserve(sizeof(*e), &status);
    if (!e)
        return status;
    e->Header.Size = sizeof(*e);
    e->Header.Command = GdiBatchFillRect;
    e->Xy = GDI_PACK_XY(X, Y);
    e->Cxy = GDI_PACK_XY(Cx, Cy);
    e->Color = Color;
    return GdipCommit(sizeof(*e));
}

NTSTATUS GdiCopyRect(LONG XDest, LONG YDest, LONG XSource, LONG YSource, LONG Cx, LONG Cy)
{
    NTSTATUS status;
    if (GdiBatchLimit == 1 || !GdipFits(XDest, YDest, XSource, YSource) || !GdipFits(Cx, Cy, 0, 0))
        return NtGdiNanoCopyRect(XDest, YDest, XSource, YSource, Cx, Cy);
    GDI_BATCH_COPYRECT *e = GdipReserve(sizeof(*e), &status);
    if (!e)
        return status;
    e->Header.Size = sizeof(*e);
    e->Header.Command = GdiBatchCopyRect;
    e->DestXy = GDI_PACK_XY(XDest, YDest);
    e->SourceXy = GDI_PACK_XY(XSource, YSource);
    e->Cxy = GDI_PACK_XY(Cx, Cy);
    return GdipCommit(sizeof(*e));
}

NTSTATUS GdiTextOut(LONG X, LONG Y, PCSTR Text, ULONG Foreground, ULONG Background, ULONG Scale)
{
    NTSTATUS status;
    ULONG length = strlen(Text);
    if (GdiBatchLimit == 1 || !GdipFits(X, Y, 0, 0) || length > GDI_BATCH_TEXT_MAX || Scale == 0 || Scale > GDI_TEXT_MAX_SCALE)
        return NtGdiNanoTextOut(X, Y, Text, length, Foreground, Background, Scale);
    ULONG size = sizeof(GDI_BATCH_TEXTOUT) + ((length + 3) & ~3u);
    GDI_BATCH_TEXTOUT *e = GdipReserve(size, &status);
    if (!e)
        return status;
    e->Header.Size = (USHORT)size;
    e->Header.Command = GdiBatchTextOut;
    e->Xy = GDI_PACK_XY(X, Y);
    e->Foreground = Foreground;
    e->Background = Background;
    e->Length = (USHORT)length;
    e->Scale = (UCHAR)Scale;
    e->Reserved = 0;
    memcpy(e->Text, Text, length);
    memset(e->Text + length, 0, size - sizeof(*e) - length);
    return GdipCommit(size);
}
