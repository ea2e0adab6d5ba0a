/*
 * w32p.h - win32k internals: the screen surface and its drawing routines (Gre*), the boot
 * console, the per-thread GUI state and the GDI batch. What user mode shares is in inc/ntgdi.h.
 */
#ifndef NANONT_W32P_H
#define NANONT_W32P_H

#include "ke.h"
#include "ps.h"
#include "ntgdi.h"

/* The screen: a 32-bit linear framebuffer (0x00RRGGBB per pixel), mapped into kernel space. */
typedef struct _GRE_SURFACE {
    volatile ULONG *Bits;              /* NULL when there is no display */
    ULONG Width, Height;
    ULONG Pitch;                       /* pixels per scan line */
    ULONG Physical;                    /* framebuffer physical address (BAR0) */
} GRE_SURFACE;
extern GRE_SURFACE GreScreen;
#define GreDisplayPresent() (GreScreen.Bits != NULL)

NTSTATUS GreInitializeDisplay(VOID);                   /* vbe.c: find, set mode, map */

/* draw.c: every routine clips to the screen and does nothing without one */
VOID GreFillRect(LONG X, LONG Y, LONG Cx, LONG Cy, ULONG Color);
VOID GreSetPixel(LONG X, LONG Y, ULONG Color);
BOOLEAN GreGetPixel(LONG X, LONG Y, PULONG Color);
VOID GreCopyRect(LONG XDest, LONG YDest, LONG XSource, LONG YSource, LONG Cx, LONG Cy);
VOID GreTextOut(LONG X, LONG Y, const CHAR *Text, ULONG Length, ULONG Foreground,
                ULONG Background, ULONG Scale);
extern const UCHAR GreFont8x8[95][GDI_FONT_HEIGHT];   /* font8x8.c: 0x20..0x7E */

/* console.c: the boot console mirrors the serial console until a GUI thread owns the screen */
VOID W32pInitializeConsole(VOID);
VOID W32pConsoleWrite(const CHAR *Text, ULONG Length);
VOID W32pReleaseConsole(VOID);
extern BOOLEAN W32pConsoleActive;

/* The per-thread GUI state (KTHREAD.Win32Thread). */
typedef struct _W32THREAD {
    PETHREAD Thread;
    ULONG BatchesFlushed;
    ULONG BatchCopy[GDI_BATCH_AREA_SIZE / sizeof(ULONG)];   /* the batch, captured once */
} W32THREAD, *PW32THREAD;

NTSTATUS W32pThreadCallout(PETHREAD Thread, BOOLEAN Initialize);   /* w32thread.c */
extern ULONG W32pGuiThreadLimit;

/* gdibatch.c */
NTSTATUS W32pFlushUserBatch(VOID);                    /* KeGdiFlushUserBatch */
NTSTATUS W32pFlushBatchOf(PTEB Teb);

typedef struct _W32P_STATISTICS {
    ULONG ThreadsConverted, GuiThreads;
    ULONG BatchesFlushed, BatchOperations, BatchesRejected;
} W32P_STATISTICS;
extern W32P_STATISTICS W32pStatistics;

#endif
