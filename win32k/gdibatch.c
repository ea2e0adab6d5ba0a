/*
 * gdibatch.c - the GDI batch (SPEC 6 step 4): gdi32 queues small drawing operations in
 * TEB->GdiTebBatch and counts them in TEB->GdiBatchCount; the dispatcher calls
 * KeGdiFlushUserBatch (W32pFlushUserBatch) before any table-1 service when the count is not zero,
 * and NtGdiFlush does the same. Formats: inc/ntgdi.h, docs/gui.md.
 *
 * The batch is read from the TEB once, fault-safely, into the thread's GUI state; every entry is
 * validated before any is executed, so a malformed batch (a count that does not match the entries,
 * an unknown command, a size that is wrong for its command or runs past GdiTebBatch.Offset, an
 * Offset past the batch area) draws nothing: it is discarded and the flush returns
 * STATUS_INVALID_PARAMETER. Coordinates off screen are clipped, never rejected. Either way the
 * count and offset are reset; a TEB that cannot be read or reset yields STATUS_ACCESS_VIOLATION.
 */
#include "w32p.h"
#include "mm.h"

/* The size an entry of Command must have, given its header; 0 for an unknown command. */
static ULONG W32pEntrySize(const GDI_BATCH_HEADER *Header, const UCHAR *Entry, ULONG Room)
{
    switch (Header->Command) {
    case GdiBatchSetPixel: return sizeof(GDI_BATCH_SETPIXEL);
    case GdiBatchFillRect: return sizeof(GDI_BATCH_FILLRECT);
    case GdiBatchCopyRect: return sizeof(GDI_BATCH_COPYRECT);
    case GdiBatchTextOut: {
        const GDI_BATCH_TEXTOUT *t = (const GDI_BATCH_TEXTOUT *)Entry;
        if (Room < sizeof(*t) || t->Length > GDI_BATCH_TEXT_MAX || t->Scale == 0 ||
            t->Scale > GDI_TEXT_MAX_SCALE || t->Reserved != 0)
            return 0;
        return sizeof(*t) + ((t->Length + 3u) & ~3u);
    }
    default: return 0;
    }
}

/* Every one of Count entries is well formed and together they fill exactly Bytes. */
static BOOLEAN W32pValidateBatch(const UCHAR *Batch, ULONG Bytes, ULONG Count)
{
    ULONG at = 0;
    for (ULONG i = 0; i < Count; i++) {
        if (Bytes - at < sizeof(GDI_BATCH_HEADER))
            return FALSE;
        const GDI_BATCH_HEADER *h = (const GDI_BATCH_HEADER *)(Batch + at);
        ULONG need = W32pEntrySize(h, Batch + at, Bytes - at);
        if (need == 0 || h->Size != need || need > Bytes - at)
            return FALSE;
        at += need;
    }
    return at == Bytes;
}

/* Run the validated entries in order. */
static VOID W32pExecuteBatch(const UCHAR *Batch, ULONG Count)
{
    ULONG at = 0;
    for (ULONG i = 0; i < Count; i++) {
        const GDI_BATCH_HEADER *h = (const GDI_BATCH_HEADER *)(Batch + at);
        const VOID *e = h;
        switch (h->Command) {
        case GdiBatchSetPixel: {
            const GDI_BATCH_SETPIXEL *p = e;
            GreSetPixel(GDI_UNPACK_X(p->Xy), GDI_UNPACK_Y(p->Xy), p->Color);
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
 * Result: STATUS_SUCCESS (executed, or nothing queued), STATUS_INVALID_PARAMETER (malformed:
 * discarded), STATUS_NO_SUCH_DEVICE (well formed but no display: discarded),
 * STATUS_ACCESS_VIOLATION (the TEB could not be read or reset).
 */
NTSTATUS W32pFlushBatchOf(PTEB Teb)
{
    PW32THREAD w = KeGetCurrentThread()->Win32Thread;
    ULONG count, head[2];                 /* GdiBatchCount; GdiTebBatch.Offset and .HDC */
    NTSTATUS status = MmCopyFromUser(&count, &Teb->GdiBatchCount, sizeof(count));
    if (!NT_SUCCESS(status) || count == 0)
        return status;
    if (!w)
        return STATUS_INVALID_PARAMETER;  /* only GUI threads get here (table 1 converts first) */
    status = MmCopyFromUser(head, &Teb->GdiTebBatch, sizeof(head));
    if (!NT_SUCCESS(status))
        return status;
    ULONG bytes = head[0];
    BOOLEAN valid = FALSE;
    if (bytes <= GDI_BATCH_AREA_SIZE && (bytes & 3) == 0 && count <= bytes / sizeof(GDI_BATCH_SETPIXEL)) {
        status = MmCopyFromUser(w->BatchCopy, Teb->GdiTebBatch.Buffer, bytes);
        if (!NT_SUCCESS(status))
            return status;
        valid = W32pValidateBatch((const UCHAR *)w->BatchCopy, bytes, count);
    }

    /* the batch is consumed whatever it held */
    ULONG zero = 0;
    status = MmCopyToUser(&Teb->GdiBatchCount, &zero, sizeof(zero));
    if (NT_SUCCESS(status))
        status = MmCopyToUser(&Teb->GdiTebBatch.Offset, &zero, sizeof(zero));
    if (!NT_SUCCESS(status))
        return status;
    if (!valid) {
        W32pStatistics.BatchesRejected++;
        return STATUS_INVALID_PARAMETER;
    }
    if (!GreDisplayPresent())
        return STATUS_NO_SUCH_DEVICE;
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
