/*
 * ntgdi.h - what the GUI service table (win32k, table 1) and user mode's gdi32 share: the GDI
 * batch entry formats kept in TEB->GdiTebBatch (docs/gui.md), colours, and the display query.
 *
 * A batch is TEB->GdiTebBatch.Buffer filled from the start with GdiTebBatch.Offset bytes of
 * entries, TEB->GdiBatchCount of them. Each entry starts with a GDI_BATCH_HEADER whose Size is the
 * entry's length in bytes (a multiple of 4, fixed per command except text). Coordinates are
 * packed as two signed 16-bit values (x low, y high) so that 100 pixel operations fit the
 * 1240-byte area; anything off screen is clipped.
 */
#ifndef NANONT_NTGDI_H
#define NANONT_NTGDI_H

#include "ntdef.h"

/* colours are 0x00RRGGBB, as the 32-bit framebuffer stores them */
#define GDI_RGB(r, g, b) ((ULONG)(((r) & 0xFF) << 16 | ((g) & 0xFF) << 8 | ((b) & 0xFF)))

#define GDI_BATCH_AREA_SIZE (310 * sizeof(ULONG))   /* TEB->GdiTebBatch.Buffer */

/* batch commands */
#define GdiBatchSetPixel   1
#define GdiBatchFillRect   2
#define GdiBatchCopyRect   3
#define GdiBatchTextOut    4

typedef struct _GDI_BATCH_HEADER {
    USHORT Size;                       /* bytes, header included */
    USHORT Command;
} GDI_BATCH_HEADER;

#define GDI_PACK_XY(x, y) ((ULONG)(USHORT)(SHORT)(x) | ((ULONG)(USHORT)(SHORT)(y) << 16))
#define GDI_UNPACK_X(p) ((LONG)(SHORT)((p) & 0xFFFF))
#define GDI_UNPACK_Y(p) ((LONG)(SHORT)((p) >> 16))

typedef struct _GDI_BATCH_SETPIXEL {   /* 12 bytes */
    GDI_BATCH_HEADER Header;
    ULONG Xy;
    ULONG Color;
} GDI_BATCH_SETPIXEL;

typedef struct _GDI_BATCH_FILLRECT {   /* 16 bytes; Cxy: width and height, packed like Xy */
    GDI_BATCH_HEADER Header;
    ULONG Xy;
    ULONG Cxy;
    ULONG Color;
} GDI_BATCH_FILLRECT;

typedef struct _GDI_BATCH_COPYRECT {   /* 16 bytes */
    GDI_BATCH_HEADER Header;
    ULONG DestXy;
    ULONG SourceXy;
    ULONG Cxy;
} GDI_BATCH_COPYRECT;

#define GDI_BATCH_TEXT_MAX 128
typedef struct _GDI_BATCH_TEXTOUT {    /* 20 bytes + Length rounded up to 4 */
    GDI_BATCH_HEADER Header;
    ULONG Xy;
    ULONG Foreground;
    ULONG Background;                  /* GDI_TRANSPARENT: draw only the glyph pixels */
    USHORT Length;                     /* characters, at most GDI_BATCH_TEXT_MAX */
    UCHAR Scale;                       /* 1..GDI_TEXT_MAX_SCALE: each font pixel as Scale x Scale */
    UCHAR Reserved;                    /* 0 */
    CHAR Text[];
} GDI_BATCH_TEXTOUT;

#define GDI_TRANSPARENT 0xFFFFFFFFu
#define GDI_TEXT_MAX_SCALE 8
#define GDI_FONT_WIDTH 8
#define GDI_FONT_HEIGHT 8

/* NtGdiNanoQueryDisplay */
typedef struct _GDI_NANO_DISPLAY_INFO {
    ULONG Present;                     /* a Bochs VBE display was found and set up */
    ULONG Width, Height, BitsPerPixel;
    ULONG FrameBufferPhysical;
    ULONG ThreadsConverted;            /* Win32Thread states created since boot */
    ULONG GuiThreads;                  /* ... still alive */
    ULONG BatchesFlushed;              /* batches executed */
    ULONG BatchOperations;             /* batch entries executed */
    ULONG BatchesRejected;             /* malformed batches discarded */
    ULONG ConsoleActive;               /* the boot console still draws on the screen */
} GDI_NANO_DISPLAY_INFO, *PGDI_NANO_DISPLAY_INFO;

#endif
