/*
 * gdibatch.c - the GDI batch (docs/spec.md §6.4): gdi32 queues small drawing operations in
 * TEB->GdiTebBatch and counts them in TEB->GdiBatchCount; the dispatcher calls
 * KeGdiFlushUserBatch (W32pFlushUserBatch) before any table-1 service when the count is not zero,
 * and NtGdiFlush does the same. Formats: inc/ntgdi.h, docs/gui.md.
 *
 * The batch is read from the TEB once, fault-safely, into the thread's GUI state; every entry is
 * validated before any is executed, so a malformed batch (a count that does not match the entries,
 * an unknown command, a size that is wrong for its command or runs past GdiTebBatch.Offset, an
 * Offset past the batch area) draws nothing: it is discarded and the flush returns
 * STATUS_INVALID_PARAMETER. Coordinates off screen are clipped, never rejected. Either way the
 * count and offset are reset (each taken by one exchange, before the entries are copied); a TEB
 * that cannot be read or reset yields STATUS_ACCESS_VIOLATION.
 */
#include "w32p.h"
#include "mm.h"

/* The fixed entry sizes, by command (0: unknown, or text, whose size depends on its length). */
static const USHORT W32pFixedSize[] = {
    [GdiBatchSetPixel] = sizeof(GDI_BATCH_SETPIXEL),
    [GdiBatchFillRect] = sizeof(GDI_BATCH_FILLRECT),
    [GdiBatchCopyRect] = sizeof(GDI_BATCH_COPYRECT),
    [GdiBatchTextOut] = 0,
};

/* The size a text entry must have, or 0 when its fields are out of range. */
static ULONG W32pTextEntrySize(const GDI_BATCH_TEXTOUT *Text, ULONG Room)
{
    if (Room < sizeof(*Text) || Text->Length > GDI_BATCH_TEXT_MAX || Text->Scale == 0 ||
        Text->Scale > GDI_TEXT_MAX_SCALE || Text->Reserved != 0)
        return 0;
    return sizeof(*Text) + ((Text->Length + 3u) & ~3u);
}

/* A pixel entry's header read as one dword (Size low, Command high). */
#define W32P_PIXEL_HEADER (sizeof(GDI_BATCH_SETPIXEL) | ((ULONG)GdiBatchSetPixel << 16))

/* Every one of Count entries is well formed and together they fill exactly Bytes. *AllPixels
   tells whether every entry is a pixel (the common case, executed by a loop of its own). */
static BOOLEAN W32pValidateBatch(const UCHAR *Batch, ULONG Bytes, ULONG Count, PBOOLEAN AllPixels)
{
    /* the common case first: Count pixel entries filling Bytes exactly, one compare each */
    if (Bytes == Count * sizeof(GDI_BATCH_SETPIXEL)) {
        const ULONG *p = (const ULONG *)Batch, *end = p + Bytes / sizeof(ULONG);
        while (p != end && *p == W32P_PIXEL_HEADER)
            p += sizeof(GDI_BATCH_SETPIXEL) / sizeof(ULONG);
        if (p == end) {
            *AllPixels = TRUE;
            return TRUE;
        }
    }
    *AllPixels = FALSE;
    ULONG at = 0;
    for (ULONG i = 0; i < Count; i++) {
        ULONG room = Bytes - at;
        if (room < sizeof(GDI_BATCH_HEADER))
            return FALSE;
        const GDI_BATCH_HEADER *h = (const GDI_BATCH_HEADER *)(Batch + at);
        ULONG need = 0;
        if (h->Command < sizeof(W32pFixedSize) / sizeof(W32pFixedSize[0]))
            need = W32pFixedSize[h->Command];
        if (h->Command == GdiBatchTextOut)
            need = W32pTextEntrySize((const GDI_BATCH_TEXTOUT *)h, room);
        if (need == 0 || h->Size != need || need > room)
            return FALSE;
        at += need;
    }
    return at == Bytes;
}

/* Count validated pixel entries: clip and store each. Out of line, so that the loop has the
   registers to itself. */
static __attribute__((noinline)) VOID W32pExecutePixels(const GDI_BATCH_SETPIXEL *Pixel, ULONG Count)
{
    volatile ULONG *bits = GreScreen.Bits;
    ULONG width = GreScreen.Width, height = GreScreen.Height, pitch = GreScreen.Pitch;
    for (const GDI_BATCH_SETPIXEL *end = Pixel + Count; Pixel != end; Pixel++) {
        ULONG xy = Pixel->Xy, x = xy & 0xFFFF, y = xy >> 16;
        if (x < width && y < height)              /* a negative value reads as 0x8000 or more */
            bits[y * pitch + x] = Pixel->Color;
    }
}

/* Run the validated entries in order. Pixels, the common case, are stored here directly. */
static VOID W32pExecuteBatch(const UCHAR *Batch, ULONG Count)
{
    volatile ULONG *bits = GreScreen.Bits;
    ULONG width = GreScreen.Width, height = GreScreen.Height, pitch = GreScreen.Pitch;
    ULONG at = 0;
    for (ULONG i = 0; i < Count; i++) {
        const GDI_BATCH_HEADER *h = (const GDI_BATCH_HEADER *)(Batch + at);
        const VOID *e = h;
        switch (h->Command) {
        case GdiBatchSetPixel: {
            const GDI_BATCH_SETPIXEL *p = e;
            ULONG x = (ULONG)GDI_UNPACK_X(p->Xy), y = (ULONG)GDI_UNPACK_Y(p->Xy);
            if (x < width && y < height)          /* negative values wrap past the limits */
                bits[y * pitch + x] = p->Color;
            break;
        }
        case GdiBatchFillRect: {
            const GDI_BATCH_FILLRECT *r = e;
            GreFillRect(GDI_UNPACK_X(r->Xy), GDI_UNPACK_Y(r->Xy), GDI_UNPACK_X(r->Cxy),
                        GDI_UNPACK_Y(r->Cxy), r->Color);
            break;
        }
        case GdiBatchCopyRect: {
            const GDI_BATCH_COPYRECT *c = e;
            GreCopyRect(GDI_UNPACK_X(c->DestXy), GDI_UNPACK_Y(c->DestXy), GDI_UNPACK_X(c->SourceXy),
                        GDI_UNPACK_Y(c->SourceXy), GDI_UNPACK_X(c->Cxy), GDI_UNPACK_Y(c->Cxy));
            break;
        }
        case GdiBatchTextOut: {
            const GDI_BATCH_TEXTOUT *t = e;
            GreTextOut(GDI_UNPACK_X(t->Xy), GDI_UNPACK_Y(t->Xy), t->Text, t->Length, t->Foreground,
                       t->Background, t->Scale);
            break;
        }
        }
        at += h->Size;
    }
}

/*
 * W32pFlushBatchOf - flush the batch of the TEB at user address Teb for the current GUI thread.
 * The count and then the offset are taken and reset to zero each by one exchange (a TEB that
 * cannot be written keeps its batch), then the entries are copied once, validated and run.
 * Result: STATUS_SUCCESS (executed, or nothing queued), STATUS_INVALID_PARAMETER (malformed:
 * discarded), STATUS_NO_SUCH_DEVICE (well formed but no display: discarded),
 * STATUS_ACCESS_VIOLATION (the TEB could not be read or reset).
 */
NTSTATUS W32pFlushBatchOf(PTEB Teb)
{
    PW32THREAD w = KeGetCurrentThread()->Win32Thread;
    ULONG count = 0, bytes = 0;
    if (!w) {                             /* only GUI threads get here (table 1 converts first) */
        NTSTATUS status = MmCopyFromUser(&count, &Teb->GdiBatchCount, sizeof(count));
        return NT_SUCCESS(status) && count != 0 ? STATUS_INVALID_PARAMETER : status;
    }
    NTSTATUS status = MmExchangeUserUlong(&Teb->GdiBatchCount, &count);
    if (!NT_SUCCESS(status) || count == 0)
        return status;
    status = MmExchangeUserUlong(&Teb->GdiTebBatch.Offset, &bytes);
    if (!NT_SUCCESS(status))
        return status;
    BOOLEAN valid = FALSE, pixels = FALSE;
    if (bytes <= GDI_BATCH_AREA_SIZE && (bytes & 3) == 0 && count <= bytes / sizeof(GDI_BATCH_SETPIXEL)) {
        status = MmCopyFromUser(w->BatchCopy, Teb->GdiTebBatch.Buffer, bytes);
        if (!NT_SUCCESS(status))
            return status;
        valid = W32pValidateBatch((const UCHAR *)w->BatchCopy, bytes, count, &pixels);
    }
    KeTimelineEvent(KTL_GUI_FLUSH, count, valid ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER);
    if (!valid) {
        W32pStatistics.BatchesRejected++;
        return STATUS_INVALID_PARAMETER;
    }
    if (!GreDisplayPresent())
        return STATUS_NO_SUCH_DEVICE;
    if (pixels)
        W32pExecutePixels((const GDI_BATCH_SETPIXEL *)w->BatchCopy, count);
    else
        W32pExecuteBatch((const UCHAR *)w->BatchCopy, count);
    w->BatchesFlushed++;
    W32pStatistics.BatchesFlushed++;
    W32pStatistics.BatchOperations += count;
    return STATUS_SUCCESS;
}

/* W32pFlushUserBatch - KeGdiFlushUserBatch: flush the current thread's own TEB batch. */
NTSTATUS W32pFlushUserBatch(VOID)
{
    return W32pFlushBatchOf(KeGetCurrentThread()->Teb);
}
