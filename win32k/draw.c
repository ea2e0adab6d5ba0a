/*
 * draw.c - the drawing primitives on the screen surface: rectangles, pixels, rectangle copies
 * and bitmap text. Every coordinate comes from user mode in the end, so each routine clips to
 * the screen with 64-bit arithmetic (no overflow for any LONG input) and draws nothing for an
 * empty or negative size.
 */
#include "w32p.h"
#include "rtl.h"

/* Clip the span [*Start, *Start + *Size) to [0, Limit); FALSE when nothing is left. */
static BOOLEAN GrepClipSpan(LONG Start, LONG Size, ULONG Limit, PULONG First, PULONG Count)
{
    LONGLONG lo = Start, hi = (LONGLONG)Start + Size;
    if (Size <= 0 || hi <= 0 || lo >= (LONGLONG)Limit)
        return FALSE;
    if (lo < 0)
        lo = 0;
    if (hi > (LONGLONG)Limit)
        hi = Limit;
    *First = (ULONG)lo;
    *Count = (ULONG)(hi - lo);
    return TRUE;
}

/* GreFillRect - fill Cx x Cy pixels at (X, Y) with Color, clipped. */
VOID GreFillRect(LONG X, LONG Y, LONG Cx, LONG Cy, ULONG Color)
{
    ULONG x, y, cx, cy;
    if (!GreDisplayPresent() || !GrepClipSpan(X, Cx, GreScreen.Width, &x, &cx) ||
        !GrepClipSpan(Y, Cy, GreScreen.Height, &y, &cy))
        return;
    for (ULONG row = y; row < y + cy; row++) {
        volatile ULONG *p = GreScreen.Bits + row * GreScreen.Pitch + x;
        for (ULONG i = 0; i < cx; i++)
            p[i] = Color;
    }
}

/* GreSetPixel - one pixel; off screen does nothing. */
VOID GreSetPixel(LONG X, LONG Y, ULONG Color)
{
    if (GreDisplayPresent() && X >= 0 && Y >= 0 && (ULONG)X < GreScreen.Width && (ULONG)Y < GreScreen.Height)
        GreScreen.Bits[(ULONG)Y * GreScreen.Pitch + (ULONG)X] = Color;
}

/* GreGetPixel - read one pixel; FALSE when (X, Y) is off screen or there is no screen. */
BOOLEAN GreGetPixel(LONG X, LONG Y, PULONG Color)
{
    if (!GreDisplayPresent() || X < 0 || Y < 0 || (ULONG)X >= GreScreen.Width || (ULONG)Y >= GreScreen.Height)
        return FALSE;
    *Color = GreScreen.Bits[(ULONG)Y * GreScreen.Pitch + (ULONG)X] & 0x00FFFFFF;
    return TRUE;
}

/* Clip one axis of a copy so that both the source and the destination span are on screen. */
static BOOLEAN GrepClipCopyAxis(LONGLONG *Dest, LONGLONG *Source, LONGLONG *Size, ULONG Limit)
{
    if (*Dest < 0) { *Source -= *Dest; *Size += *Dest; *Dest = 0; }
    if (*Source < 0) { *Dest -= *Source; *Size += *Source; *Source = 0; }
    if (*Dest + *Size > (LONGLONG)Limit)
        *Size = (LONGLONG)Limit - *Dest;
    if (*Source + *Size > (LONGLONG)Limit)
        *Size = (LONGLONG)Limit - *Source;
    return *Size > 0;
}

/*
 * GreCopyRect - copy Cx x Cy pixels from (XSource, YSource) to (XDest, YDest) on the screen; the
 * two may overlap (the result is as if the source were read first). Parts whose source or
 * destination is off screen are not copied.
 */
VOID GreCopyRect(LONG XDest, LONG YDest, LONG XSource, LONG YSource, LONG Cx, LONG Cy)
{
    LONGLONG xd = XDest, yd = YDest, xs = XSource, ys = YSource, cx = Cx, cy = Cy;
    if (!GreDisplayPresent() || cx <= 0 || cy <= 0 || !GrepClipCopyAxis(&xd, &xs, &cx, GreScreen.Width) ||
        !GrepClipCopyAxis(&yd, &ys, &cy, GreScreen.Height))
        return;
    ULONG pitch = GreScreen.Pitch;
    ULONG *bits = (ULONG *)GreScreen.Bits;
    /* moving down: copy the rows bottom up, so no source row is overwritten before it is read */
    BOOLEAN up = yd > ys;
    for (LONGLONG i = 0; i < cy; i++) {
        LONGLONG row = up ? cy - 1 - i : i;
        memmove(bits + (ULONG)(yd + row) * pitch + (ULONG)xd, bits + (ULONG)(ys + row) * pitch + (ULONG)xs,
                (ULONG)cx * sizeof(ULONG));
    }
}

/*
 * GreTextOut - draw Length characters of the built-in 8x8 font at (X, Y), each font pixel as a
 * Scale x Scale square (Scale 1..GDI_TEXT_MAX_SCALE); characters outside 0x20..0x7E draw as '?'.
 * Background GDI_TRANSPARENT leaves the cell's other pixels alone.
 */
VOID GreTextOut(LONG X, LONG Y, const CHAR *Text, ULONG Length, ULONG Foreground, ULONG Background, ULONG Scale)
{
    if (!GreDisplayPresent() || Scale == 0 || Scale > GDI_TEXT_MAX_SCALE)
        return;
    LONGLONG cell = GDI_FONT_WIDTH * (LONGLONG)Scale;
    for (ULONG i = 0; i < Length; i++) {
        LONGLONG left = X + cell * i;
        if (left >= (LONGLONG)GreScreen.Width)
            break;
        if (left + cell <= 0 || left < -0x40000000LL)
            continue;
        UCHAR c = (UCHAR)Text[i];
        const UCHAR *glyph = GreFont8x8[(c >= 0x20 && c <= 0x7E ? c : '?') - 0x20];
        if (Background != GDI_TRANSPARENT)
            GreFillRect((LONG)left, Y, (LONG)cell, (LONG)cell, Background);
        for (ULONG row = 0; row < GDI_FONT_HEIGHT; row++)
            for (ULONG col = 0; col < GDI_FONT_WIDTH; col++)
                if (glyph[row] & (0x80 >> col)) {
                    LONGLONG py = (LONGLONG)Y + row * Scale;
                    if (py > 0x7FFFFFFF)
                        continue;
                    if (Scale == 1)
                        GreSetPixel((LONG)(left + col), (LONG)py, Foreground);
                    else
                        GreFillRect((LONG)(left + col * Scale), (LONG)py, (LONG)Scale, (LONG)Scale, Foreground);
                }
    }
}
