/*
 * ntgdi.c - the GUI services (table 1, win32k/services.tab). The dispatcher has already
 * converted the caller to a GUI thread and flushed its GDI batch when one of these runs.
 * Drawing services clip to the screen and return STATUS_NO_SUCH_DEVICE when there is none.
 * The NtGdiNano* services are NanoNT's own (NT's GDI works on device contexts); docs/gui.md.
 */
#include "w32p.h"
#include "mm.h"
#include "rtl.h"

#define W32P_TEXT_MAX 256

/* NtGdiFlush - flush the calling thread's GDI batch (as NT's). Result: as W32pFlushBatchOf. */
NTSTATUS NTAPI NtGdiFlush(VOID)
{
    return W32pFlushUserBatch();
}

/* NtGdiNanoFillRect - fill Cx x Cy pixels at (X, Y) with Color (0x00RRGGBB), clipped. */
NTSTATUS NTAPI NtGdiNanoFillRect(LONG X, LONG Y, LONG Cx, LONG Cy, ULONG Color)
{
    if (!GreDisplayPresent())
        return STATUS_NO_SUCH_DEVICE;
    GreFillRect(X, Y, Cx, Cy, Color);
    return STATUS_SUCCESS;
}

/* NtGdiNanoSetPixel - one pixel; off screen is clipped away (STATUS_SUCCESS). */
NTSTATUS NTAPI NtGdiNanoSetPixel(LONG X, LONG Y, ULONG Color)
{
    if (!GreDisplayPresent())
        return STATUS_NO_SUCH_DEVICE;
    GreSetPixel(X, Y, Color);
    return STATUS_SUCCESS;
}

/*
 * NtGdiNanoGetPixel - read back one pixel into *Color (0x00RRGGBB). Result: STATUS_SUCCESS,
 * STATUS_INVALID_PARAMETER off screen, STATUS_ACCESS_VIOLATION for a bad Color pointer.
 */
NTSTATUS NTAPI NtGdiNanoGetPixel(LONG X, LONG Y, PULONG Color)
{
    ULONG value;
    if (!GreDisplayPresent())
        return STATUS_NO_SUCH_DEVICE;
    if (!GreGetPixel(X, Y, &value))
        return STATUS_INVALID_PARAMETER;
    return MmCopyToUser(Color, &value, sizeof(value));
}

/* NtGdiNanoCopyRect - copy Cx x Cy pixels from (XSource, YSource) to (XDest, YDest), clipped. */
NTSTATUS NTAPI NtGdiNanoCopyRect(LONG XDest, LONG YDest, LONG XSource, LONG YSource, LONG Cx, LONG Cy)
{
    if (!GreDisplayPresent())
        return STATUS_NO_SUCH_DEVICE;
    GreCopyRect(XDest, YDest, XSource, YSource, Cx, Cy);
    return STATUS_SUCCESS;
}

/*
 * NtGdiNanoTextOut - draw Length (at most 256) characters of Text in the 8x8 font at (X, Y),
 * scaled by Scale (1..8); Background GDI_TRANSPARENT draws the glyph pixels only. Result:
 * STATUS_SUCCESS, STATUS_INVALID_PARAMETER (length, scale), STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtGdiNanoTextOut(LONG X, LONG Y, PCSTR Text, ULONG Length, ULONG Foreground,
                                ULONG Background, ULONG Scale)
{
    CHAR text[W32P_TEXT_MAX];
    if (Length > W32P_TEXT_MAX || Scale == 0 || Scale > GDI_TEXT_MAX_SCALE)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = MmCopyFromUser(text, Text, Length);
    if (!NT_SUCCESS(status))
        return status;
    if (!GreDisplayPresent())
        return STATUS_NO_SUCH_DEVICE;
    GreTextOut(X, Y, text, Length, Foreground, Background, Scale);
    return STATUS_SUCCESS;
}

/*
 * NtGdiNanoQueryDisplay - the display and win32k's counters (GDI_NANO_DISPLAY_INFO), also
 * without a display (Present = 0). Result: STATUS_SUCCESS, STATUS_INFO_LENGTH_MISMATCH unless
 * Length is the structure's size, STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtGdiNanoQueryDisplay(PGDI_NANO_DISPLAY_INFO Info, ULONG Length)
{
    if (Length != sizeof(GDI_NANO_DISPLAY_INFO))
        return STATUS_INFO_LENGTH_MISMATCH;
    GDI_NANO_DISPLAY_INFO i;
    memset(&i, 0, sizeof(i));          /* copied whole: padding too must be ours */
    i.Present = GreDisplayPresent();
    if (i.Present) {
        i.Width = GreScreen.Width;
        i.Height = GreScreen.Height;
        i.BitsPerPixel = 32;
        i.FrameBufferPhysical = GreScreen.Physical;
    }
    i.ThreadsConverted = W32pStatistics.ThreadsConverted;
    i.GuiThreads = W32pStatistics.GuiThreads;
    i.BatchesFlushed = W32pStatistics.BatchesFlushed;
    i.BatchOperations = W32pStatistics.BatchOperations;
    i.BatchesRejected = W32pStatistics.BatchesRejected;
    i.ConsoleActive = W32pConsoleActive;
    return MmCopyToUser(Info, &i, sizeof(i));
}

/*
 * NtGdiNanoFlushBatchAt - diagnostic: flush the batch of a TEB-shaped block at user address
 * TebImage (GdiTebBatch at +0x1D4, GdiBatchCount at +0xF70) as the dispatcher flushes the real
 * TEB, so tests can hand the flush a TEB that faults. Result: as W32pFlushBatchOf;
 * STATUS_ACCESS_VIOLATION when the block is not wholly in user space.
 */
NTSTATUS NTAPI NtGdiNanoFlushBatchAt(PTEB TebImage)
{
    NTSTATUS status = ProbeForRead(TebImage, sizeof(TEB), 1);
    if (!NT_SUCCESS(status))
        return status;
    return W32pFlushBatchOf(TebImage);
}
