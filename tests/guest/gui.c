/*
 * gui.c - the GUI service table (docs/gui.md): GUI-thread conversion on the first table-1 call, the
 * table-1 limit, drawing with read-back, and the GDI batch (in order, only when flushed, every
 * kind of malformed batch refused). Modes (first argument):
 *   (none)     everything below, on the main thread
 *   nodisplay  booted with video=none or -vga none: services answer STATUS_NO_SUCH_DEVICE
 *   noconvert  booted with guithreads=0: the conversion is refused, the thread stays as it was
 */
#include "guitest.h"

#define RED   GDI_RGB(0xFF, 0, 0)
#define GREEN GDI_RGB(0, 0xFF, 0)
#define BLUE  GDI_RGB(0, 0, 0xFF)
#define WHITE GDI_RGB(0xFF, 0xFF, 0xFF)
#define BLACK 0

/* ---------------------------------------------------------------- conversion */
static GT_THREAD_INFO Before;

TL_TEST(plain_thread_before_table1)
{
    Before = GtThreadInfo();
    TL_CHECK_EQ(0, Before.ServiceTableIsShadow);
    TL_CHECK_EQ(0x3000, Before.KernelStackSize);
    TL_CHECK_EQ(0, Before.Win32Thread);
    /* native services do not convert */
    NtYieldExecution();
    NtBenchNull();
    GT_THREAD_INFO again = GtThreadInfo();
    TL_CHECK_EQ(0, again.ServiceTableIsShadow);
    TL_CHECK_EQ(0x3000, again.KernelStackSize);
}

TL_TEST(invalid_index_converts_then_fails)
{
    /* the first table-1 call is beyond the GUI table: converted, retried, still invalid */
    TL_CHECK_EQ(STATUS_INVALID_SYSTEM_SERVICE, NanoSystemCall(0, 0x1000 | W32P_SERVICE_COUNT, 0, NULL));
    GT_THREAD_INFO after = GtThreadInfo();
    TL_CHECK_EQ(1, after.ServiceTableIsShadow);
    TL_CHECK_EQ(0xF000, after.KernelStackSize);
    TL_CHECK_EQ(1, after.Win32Thread);
    /* the trap frame sits at the same place below the top of the new stack */
    TL_CHECK_EQ(Before.TrapFrameOffsetFromStackBase, after.TrapFrameOffsetFromStackBase);
    TL_CHECK_EQ(STATUS_INVALID_SYSTEM_SERVICE, NanoSystemCall(0, 0x1FFF, 0, NULL));
    TL_CHECK_EQ(STATUS_INVALID_SYSTEM_SERVICE, NanoSystemCall(1, 0x1FFF, 0, NULL));
    TL_CHECK_EQ(STATUS_INVALID_SYSTEM_SERVICE, NanoSystemCall(1, 0x1000 | W32P_SERVICE_COUNT, 0, NULL));
}

TL_TEST(converted_exactly_once)
{
    GDI_NANO_DISPLAY_INFO d0 = GtDisplay();
    TL_CHECK(d0.ThreadsConverted >= 1);
    TL_CHECK_EQ(1, d0.GuiThreads);
    for (int i = 0; i < 50; i++) {
        NtGdiFlush();
        NanoSystemCall(i & 1, SERVICE_NUMBER_NtGdiFlush, 0, NULL);
    }
    GDI_NANO_DISPLAY_INFO d1 = GtDisplay();
    TL_CHECK_EQ(d0.ThreadsConverted, d1.ThreadsConverted);
    TL_CHECK_EQ(1, d1.GuiThreads);
    TL_CHECK_EQ(0xF000, GtThreadInfo().KernelStackSize);
}

TL_TEST(table1_call_counters)
{
    static ULONG buf[2048];
    ULONG len = 0;
    NtGdiFlush();
    TL_CHECK_EQ(STATUS_SUCCESS, NtQuerySystemInformation(SystemCallCountInformation, buf, sizeof(buf), &len));
    /* NT's layout: Length, NumberOfTables, the four limits, then the counters table by table */
    TL_CHECK_EQ(4, buf[1]);
    TL_CHECK_EQ(W32P_SERVICE_COUNT, buf[2 + 1]);
    ULONG flushes = NanoCallCount(buf, 1, SERVICE_NUMBER_NtGdiFlush & 0xFFF);
    NtGdiFlush();
    NtQuerySystemInformation(SystemCallCountInformation, buf, sizeof(buf), &len);
    TL_CHECK_EQ(flushes + 1, NanoCallCount(buf, 1, SERVICE_NUMBER_NtGdiFlush & 0xFFF));
}

/* ---------------------------------------------------------------- drawing */
TL_TEST(display_present)
{
    GDI_NANO_DISPLAY_INFO d = GtDisplay();
    TL_CHECK_EQ(1, d.Present);
    TL_CHECK_EQ(800, d.Width);
    TL_CHECK_EQ(600, d.Height);
    TL_CHECK_EQ(32, d.BitsPerPixel);
    TL_CHECK_EQ(0, d.ConsoleActive);      /* this GUI thread owns the screen now */
    TL_CHECK_EQ(STATUS_INFO_LENGTH_MISMATCH, NtGdiNanoQueryDisplay(&d, sizeof(d) - 4));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtGdiNanoQueryDisplay((PVOID)0x80000000, sizeof(d)));
}

TL_TEST(draw_and_read_back)
{
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoFillRect(0, 0, 800, 600, BLACK));
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoFillRect(10, 20, 30, 40, RED));
    TL_CHECK_EQ(RED, GtPixel(10, 20));
    TL_CHECK_EQ(RED, GtPixel(39, 59));
    TL_CHECK_EQ(BLACK, GtPixel(40, 59));
    TL_CHECK_EQ(BLACK, GtPixel(39, 60));
    TL_CHECK_EQ(BLACK, GtPixel(9, 20));
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoSetPixel(100, 100, GREEN));
    TL_CHECK_EQ(GREEN, GtPixel(100, 100));
    TL_CHECK_EQ(BLACK, GtPixel(101, 100));
    /* copy: the red block to (200, 200) */
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoCopyRect(200, 200, 10, 20, 30, 40));
    TL_CHECK_EQ(RED, GtPixel(200, 200));
    TL_CHECK_EQ(RED, GtPixel(229, 239));
    TL_CHECK_EQ(BLACK, GtPixel(230, 239));
    /* overlapping copy one pixel down and right: as if the source were read first */
    NtGdiNanoFillRect(300, 300, 4, 1, BLUE);
    NtGdiNanoSetPixel(301, 300, WHITE);
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoCopyRect(301, 301, 300, 300, 4, 4));
    TL_CHECK_EQ(BLUE, GtPixel(301, 301));
    TL_CHECK_EQ(WHITE, GtPixel(302, 301));
    TL_CHECK_EQ(BLUE, GtPixel(303, 301));
    /* text: 'I' in the 8x8 font has its vertical bar in column 3 */
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoTextOut(400, 400, "I", 1, WHITE, BLUE, 1));
    TL_CHECK_EQ(WHITE, GtPixel(403, 403));
    TL_CHECK_EQ(BLUE, GtPixel(400, 403));
    TL_CHECK_EQ(BLUE, GtPixel(407, 407));
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoTextOut(500, 400, "I", 1, GREEN, GDI_TRANSPARENT, 2));
    TL_CHECK_EQ(GREEN, GtPixel(506, 406));
    TL_CHECK_EQ(GREEN, GtPixel(507, 407));
    TL_CHECK_EQ(BLACK, GtPixel(500, 406));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, NtGdiNanoTextOut(0, 0, "x", 1, WHITE, BLUE, 0));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, NtGdiNanoTextOut(0, 0, "x", 1, WHITE, BLUE, 9));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, NtGdiNanoTextOut(0, 0, "x", 257, WHITE, BLUE, 1));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtGdiNanoTextOut(0, 0, (PCSTR)0x80000000, 4, WHITE, BLUE, 1));
}

TL_TEST(clipping)
{
    NtGdiNanoFillRect(0, 0, 800, 600, BLACK);
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoFillRect(790, 590, 100, 100, RED));
    TL_CHECK_EQ(RED, GtPixel(799, 599));
    TL_CHECK_EQ(RED, GtPixel(790, 590));
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoFillRect(-5, -5, 10, 10, GREEN));
    TL_CHECK_EQ(GREEN, GtPixel(0, 0));
    TL_CHECK_EQ(GREEN, GtPixel(4, 4));
    TL_CHECK_EQ(BLACK, GtPixel(5, 5));
    /* extreme values: clipped, no overflow, nothing drawn where nothing should be */
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoFillRect(0x7FFFFFF0, 0x7FFFFFF0, 0x7FFFFFFF, 0x7FFFFFFF, BLUE));
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoFillRect(-0x7FFFFFFF - 1, 100, 0x7FFFFFFF, 10, BLUE));
    TL_CHECK_EQ(BLACK, GtPixel(0, 100));
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoFillRect(-0x7FFFFFFF - 1, 100, -1, 10, BLUE));
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoFillRect(50, 50, -10, -10, BLUE));
    TL_CHECK_EQ(BLACK, GtPixel(45, 45));
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoSetPixel(800, 0, BLUE));
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoSetPixel(-1, -1, BLUE));
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoCopyRect(-100, -100, 700, 500, 0x7FFFFFFF, 0x7FFFFFFF));
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoCopyRect(0, 0, 0x7FFFFFFF, -0x7FFFFFFF - 1, 100, 100));
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoTextOut(0x7FFFFFF0, 0x7FFFFFF0, "clip", 4, WHITE, BLUE, 8));
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoTextOut(-0x7FFFFFFF - 1, -20, "clip", 4, WHITE, BLUE, 8));
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoTextOut(796, 596, "W", 1, WHITE, BLUE, 8));
    TL_CHECK_EQ(BLUE, GtPixel(799, 599));
    ULONG c;
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, NtGdiNanoGetPixel(800, 0, &c));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, NtGdiNanoGetPixel(0, -1, &c));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtGdiNanoGetPixel(0, 0, (PULONG)0xFFFF0000));
}

/* ---------------------------------------------------------------- the GDI batch */
TL_TEST(batch_invisible_until_flush)
{
    volatile TEB *teb = NtCurrentTeb();
    NtGdiNanoFillRect(0, 0, 100, 100, BLACK);
    TL_CHECK_EQ(0, teb->GdiBatchCount);
    /* overlapping, so that only in-order execution gives the expected picture */
    TL_CHECK_EQ(STATUS_SUCCESS, GdiFillRect(10, 10, 50, 50, RED));
    TL_CHECK_EQ(STATUS_SUCCESS, GdiFillRect(20, 20, 10, 10, GREEN));
    TL_CHECK_EQ(STATUS_SUCCESS, GdiSetPixel(25, 25, BLUE));
    TL_CHECK_EQ(STATUS_SUCCESS, GdiCopyRect(70, 70, 20, 20, 10, 10));
    TL_CHECK_EQ(STATUS_SUCCESS, GdiTextOut(10, 80, "I", WHITE, BLACK, 1));
    TL_CHECK_EQ(5, teb->GdiBatchCount);
    TL_CHECK_EQ(16 + 16 + 12 + 16 + 24, teb->GdiTebBatch.Offset);
    TL_CHECK_EQ(BLACK, GtPeekPixel(10, 10));
    TL_CHECK_EQ(BLACK, GtPeekPixel(25, 25));
    TL_CHECK_EQ(BLACK, GtPeekPixel(75, 75));
    TL_CHECK_EQ(BLACK, GtPeekPixel(13, 83));
    GDI_NANO_DISPLAY_INFO d0 = GtDisplay();  /* hides nothing: but GtDisplay flushes, so peek first */
    TL_CHECK_EQ(0, teb->GdiBatchCount);
    TL_CHECK_EQ(0, teb->GdiTebBatch.Offset);
    TL_CHECK_EQ(RED, GtPixel(10, 10));
    TL_CHECK_EQ(GREEN, GtPixel(20, 20));
    TL_CHECK_EQ(BLUE, GtPixel(25, 25));
    TL_CHECK_EQ(GREEN, GtPixel(70, 70));     /* copied after the green fill */
    TL_CHECK_EQ(BLUE, GtPixel(75, 75));      /* ... and after the blue pixel */
    TL_CHECK_EQ(WHITE, GtPixel(13, 83));
    GDI_NANO_DISPLAY_INFO d1 = GtDisplay();
    TL_CHECK(d1.BatchOperations >= 5);
    (void)d0;
}

TL_TEST(batch_explicit_flush)
{
    volatile TEB *teb = NtCurrentTeb();
    NtGdiNanoFillRect(0, 0, 100, 100, BLACK);
    GDI_NANO_DISPLAY_INFO d0 = GtDisplay();
    for (int i = 0; i < 10; i++)
        GdiSetPixel(i, 0, RED);
    TL_CHECK_EQ(10, teb->GdiBatchCount);
    TL_CHECK_EQ(BLACK, GtPeekPixel(9, 0));
    TL_CHECK(GdiFlush());
    TL_CHECK_EQ(0, teb->GdiBatchCount);
    TL_CHECK_EQ(RED, GtPeekPixel(0, 0));
    TL_CHECK_EQ(RED, GtPeekPixel(9, 0));
    GDI_NANO_DISPLAY_INFO d1 = GtDisplay();
    TL_CHECK_EQ(d0.BatchesFlushed + 1, d1.BatchesFlushed);
    TL_CHECK_EQ(d0.BatchOperations + 10, d1.BatchOperations);
}

TL_TEST(batch_full_flushes_itself)
{
    volatile TEB *teb = NtCurrentTeb();
    NtGdiNanoFillRect(0, 0, 200, 10, BLACK);
    GDI_NANO_DISPLAY_INFO d0 = GtDisplay();
    for (int i = 0; i < 150; i++)
        TL_CHECK_EQ(STATUS_SUCCESS, GdiSetPixel(i, 1, GREEN));
    /* 103 12-byte entries fit the 1240-byte area: one flush made room */
    TL_CHECK_EQ(150 - 103, teb->GdiBatchCount);
    TL_CHECK_EQ(GREEN, GtPeekPixel(102, 1));
    TL_CHECK_EQ(BLACK, GtPeekPixel(103, 1));
    GdiFlush();
    TL_CHECK_EQ(GREEN, GtPixel(149, 1));
    GDI_NANO_DISPLAY_INFO d1 = GtDisplay();
    TL_CHECK_EQ(d0.BatchesFlushed + 2, d1.BatchesFlushed);
    /* a batch limit flushes earlier; limit 1 means no batching at all */
    GdiSetBatchLimit(4);
    for (int i = 0; i < 6; i++)
        GdiSetPixel(i, 2, RED);
    TL_CHECK_EQ(2, teb->GdiBatchCount);
    GdiSetBatchLimit(1);
    TL_CHECK_EQ(0, teb->GdiBatchCount);
    GdiSetPixel(10, 2, BLUE);
    TL_CHECK_EQ(0, teb->GdiBatchCount);
    TL_CHECK_EQ(BLUE, GtPeekPixel(10, 2));
    GdiSetBatchLimit(0);
    /* coordinates beyond 16 bits take the direct call, after the queued work */
    GdiSetPixel(11, 2, RED);
    GdiSetPixel(70000, 2, RED);
    TL_CHECK_EQ(0, teb->GdiBatchCount);
    TL_CHECK_EQ(RED, GtPeekPixel(11, 2));
}

TL_TEST(batch_flushed_before_any_table1_call)
{
    volatile TEB *teb = NtCurrentTeb();
    NtGdiNanoSetPixel(5, 5, BLACK);
    GdiSetPixel(5, 5, WHITE);
    TL_CHECK_EQ(1, teb->GdiBatchCount);
    /* the read-back is itself a table-1 service: the dispatcher flushes first */
    TL_CHECK_EQ(WHITE, GtPixel(5, 5));
    TL_CHECK_EQ(0, teb->GdiBatchCount);
    /* through int 2Eh too */
    GdiSetPixel(6, 5, RED);
    ULONG color = 0, args[3] = { 6, 5, (ULONG)&color };
    TL_CHECK_EQ(STATUS_SUCCESS, NanoSystemCall(1, SERVICE_NUMBER_NtGdiNanoGetPixel, 3, args));
    TL_CHECK_EQ(RED, color);
    /* a native service does not flush */
    GdiSetPixel(7, 5, RED);
    NtYieldExecution();
    TL_CHECK_EQ(1, teb->GdiBatchCount);
    GdiFlush();
}

/* One malformed batch: refused (the flush before the table-1 call, whose result the dispatcher
   ignores as WRK's does; NtGdiFlush itself then finds an empty batch), nothing drawn, count reset. */
static void Malformed(const char *What, const ULONG *Words, ULONG WordCount, ULONG Count, ULONG Offset)
{
    volatile TEB *teb = NtCurrentTeb();
    NtGdiNanoFillRect(0, 0, 40, 40, BLACK);
    GDI_NANO_DISPLAY_INFO d0 = GtDisplay();
    GtBatchRaw(Words, WordCount, Count, Offset);
    NTSTATUS s = NtGdiFlush();
    if (s != STATUS_SUCCESS)
        TL_FAIL("%s: flush returned 0x%08lx, expected STATUS_SUCCESS", What, (unsigned long)s);
    if (teb->GdiBatchCount != 0 || teb->GdiTebBatch.Offset != 0)
        TL_FAIL("%s: batch not reset (count %lu, offset %lu)", What, (unsigned long)teb->GdiBatchCount,
                (unsigned long)teb->GdiTebBatch.Offset);
    ULONG c = GtPixel(1, 1);
    if (c != BLACK)
        TL_FAIL("%s: pixel (1,1) is %06lx, expected nothing drawn", What, (unsigned long)c);
    GDI_NANO_DISPLAY_INFO d1 = GtDisplay();
    if (d1.BatchesRejected != d0.BatchesRejected + 1)
        TL_FAIL("%s: rejected count %lu -> %lu", What, (unsigned long)d0.BatchesRejected,
                (unsigned long)d1.BatchesRejected);
}

TL_TEST(batch_malformed)
{
    const ULONG px = GDI_PACK_XY(1, 1);
    ULONG ok[] = { GT_HDR(12, GdiBatchSetPixel), px, WHITE, GT_HDR(16, GdiBatchFillRect), px, GDI_PACK_XY(5, 5), RED };
    Malformed("count above the entries", ok, 7, 3, 28);
    Malformed("count below the entries", ok, 7, 1, 28);
    Malformed("count huge", ok, 7, 0xFFFFFFFF, 28);
    Malformed("offset past the area", ok, 7, 2, 0x10000);
    Malformed("offset just past the area", ok, 7, 2, 1244);
    Malformed("offset not a multiple of 4", ok, 7, 2, 27);
    Malformed("offset zero with a count", ok, 7, 1, 0);
    ULONG unknown[] = { GT_HDR(12, 99), px, WHITE };
    Malformed("unknown command", unknown, 3, 1, 12);
    ULONG zero[] = { GT_HDR(0, 0), 0, 0 };
    Malformed("zero header", zero, 3, 1, 12);
    ULONG badsize[] = { GT_HDR(16, GdiBatchSetPixel), px, WHITE, 0 };
    Malformed("wrong size for the command", badsize, 4, 1, 16);
    ULONG cut[] = { GT_HDR(16, GdiBatchFillRect), px, GDI_PACK_XY(5, 5), RED };
    Malformed("entry runs past the offset", cut, 4, 1, 12);
    ULONG second[] = { GT_HDR(12, GdiBatchSetPixel), px, WHITE, GT_HDR(12, 7), px, WHITE };
    Malformed("good entry then unknown command", second, 6, 2, 24);
    ULONG text[] = { GT_HDR(24, GdiBatchTextOut), px, WHITE, BLACK, 5 | 1 << 16, 'A' | 'B' << 8 };
    Malformed("text size not matching its length", text, 6, 1, 24);
    text[4] = 200 | 1 << 16;
    text[0] = GT_HDR(20 + 200, GdiBatchTextOut);
    Malformed("text longer than allowed", text, 6, 1, 220);
    text[4] = 2 | 0 << 16;
    text[0] = GT_HDR(24, GdiBatchTextOut);
    Malformed("text scale 0", text, 6, 1, 24);
    text[4] = 2 | 9 << 16;
    Malformed("text scale 9", text, 6, 1, 24);
    text[4] = 2 | 1 << 16 | 1 << 24;
    Malformed("text reserved byte set", text, 6, 1, 24);
    /* a malformed batch is discarded by the flush before a table-1 call, which still runs */
    GDI_NANO_DISPLAY_INFO r0 = GtDisplay();      /* a table-1 call itself: before the batch */
    GtBatchRaw(unknown, 3, 1, 12);
    ULONG c = 0x12345678;
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoGetPixel(1, 1, &c));
    TL_CHECK_EQ(BLACK, c);
    TL_CHECK_EQ(r0.BatchesRejected + 1, GtDisplay().BatchesRejected);
    /* well formed, off screen: clipped, not refused */
    ULONG off[] = { GT_HDR(12, GdiBatchSetPixel), GDI_PACK_XY(-5, 30000), WHITE,
                    GT_HDR(16, GdiBatchFillRect), GDI_PACK_XY(-10, -10), GDI_PACK_XY(12, 12), RED,
                    GT_HDR(16, GdiBatchCopyRect), GDI_PACK_XY(-32768, 32767), GDI_PACK_XY(32767, -32768),
                    GDI_PACK_XY(-1, 32767) };
    GtBatchRaw(off, 11, 3, 44);
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiFlush());
    TL_CHECK_EQ(RED, GtPixel(1, 1));
    TL_CHECK_EQ(BLACK, GtPixel(2, 2));
}

/* A TEB image in read-only memory: readable, but the reset faults. */
static const TEB ReadOnlyTeb = {
    .GdiTebBatch = { .Offset = 12, .Buffer = { GT_HDR(12, GdiBatchSetPixel), GDI_PACK_XY(3, 3), 0xFFFFFF } },
    .GdiBatchCount = 1,
};

TL_TEST(batch_faulting_teb)
{
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtGdiNanoFlushBatchAt(NULL));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtGdiNanoFlushBatchAt((PTEB)0x80000000));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtGdiNanoFlushBatchAt((PTEB)0x7FFEF800));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtGdiNanoFlushBatchAt((PTEB)0xFFFFF000));
    /* count readable (in the image's first page), batch area in the unmapped page below */
    PTEB straddle = (PTEB)(0x00400000 - 0x800);
    if (*(volatile ULONG *)0x00400770 != 0)
        TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtGdiNanoFlushBatchAt(straddle));
    NtGdiNanoSetPixel(3, 3, BLACK);
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtGdiNanoFlushBatchAt((PTEB)&ReadOnlyTeb));
    TL_CHECK_EQ(BLACK, GtPixel(3, 3));          /* nothing runs when the batch cannot be reset */
    /* a writable TEB image is flushed and reset like the real one */
    static TEB image;
    image.GdiTebBatch.Offset = 12;
    image.GdiTebBatch.Buffer[0] = GT_HDR(12, GdiBatchSetPixel);
    image.GdiTebBatch.Buffer[1] = GDI_PACK_XY(3, 3);
    image.GdiTebBatch.Buffer[2] = GREEN;
    image.GdiBatchCount = 1;
    TL_CHECK_EQ(STATUS_SUCCESS, NtGdiNanoFlushBatchAt(&image));
    TL_CHECK_EQ(0, image.GdiBatchCount);
    TL_CHECK_EQ(GREEN, GtPixel(3, 3));
}

/* ---------------------------------------------------------------- other boots */
static int NoDisplay(void)
{
    TL_RUN(plain_thread_before_table1);
    GDI_NANO_DISPLAY_INFO d = GtDisplay();
    printf("display present %lu\n", (unsigned long)d.Present);
    if (d.Present != 0) {
        printf("[FAIL] nodisplay: a display was found\n");
        return 1;
    }
    if (GtThreadInfo().ServiceTableIsShadow != 1) {
        printf("[FAIL] nodisplay: the thread was not converted\n");
        return 1;
    }
    ULONG c, bad = 0;
    bad |= NtGdiNanoFillRect(0, 0, 1, 1, 0) != STATUS_NO_SUCH_DEVICE;
    bad |= NtGdiNanoSetPixel(0, 0, 0) != STATUS_NO_SUCH_DEVICE;
    bad |= NtGdiNanoGetPixel(0, 0, &c) != STATUS_NO_SUCH_DEVICE;
    bad |= NtGdiNanoCopyRect(0, 0, 1, 1, 1, 1) != STATUS_NO_SUCH_DEVICE;
    bad |= NtGdiNanoTextOut(0, 0, "x", 1, 0, 0, 1) != STATUS_NO_SUCH_DEVICE;
    GdiSetPixel(0, 0, 0);
    bad |= NtGdiFlush() != STATUS_SUCCESS;      /* the flush before it failed, ignored (WRK) */
    bad |= NtCurrentTeb()->GdiBatchCount != 0;  /* ... and emptied the batch */
    printf(bad ? "[FAIL] nodisplay: a service did not answer STATUS_NO_SUCH_DEVICE\n" : "[OK] nodisplay\n");
    return (int)bad;
}

/* A refused conversion returns each service's failure result from win32k/services.tab, as WRK:
   NtGdiFlush fail=0, NtGdiNanoGetPixel fail=-1, others STATUS_INVALID_SYSTEM_SERVICE, and so
   does an index beyond the GUI table. The conversion's own status (STATUS_QUOTA_EXCEEDED) is not
   what the caller sees. */
static int NoConvert(void)
{
    ULONG c;
    NTSTATUS s = NtGdiFlush();
    NTSTATUS s2 = NtGdiNanoQueryDisplay(NULL, 0);
    NTSTATUS s3 = NtGdiNanoGetPixel(0, 0, &c);
    NTSTATUS s4 = NanoSystemCall(0, 0x1000 | W32P_SERVICE_COUNT, 0, NULL);
    GT_THREAD_INFO ti = GtThreadInfo();
    if (s != 0 || s2 != STATUS_INVALID_SYSTEM_SERVICE || s3 != (NTSTATUS)-1 ||
        s4 != STATUS_INVALID_SYSTEM_SERVICE || ti.ServiceTableIsShadow ||
        ti.KernelStackSize != 0x3000 || ti.Win32Thread) {
        printf("[FAIL] noconvert: results 0x%08lx/0x%08lx/0x%08lx/0x%08lx (expected 0, "
               "STATUS_INVALID_SYSTEM_SERVICE, -1, STATUS_INVALID_SYSTEM_SERVICE), shadow %lu, "
               "stack 0x%lx, win32thread %lu\n", (unsigned long)s, (unsigned long)s2,
               (unsigned long)s3, (unsigned long)s4,
               (unsigned long)ti.ServiceTableIsShadow, (unsigned long)ti.KernelStackSize,
               (unsigned long)ti.Win32Thread);
        return 1;
    }
    printf("[OK] noconvert: refused; each service returned its failure result, thread unchanged\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "nodisplay"))
        return NoDisplay();
    if (argc > 1 && !strcmp(argv[1], "noconvert"))
        return NoConvert();
    TL_RUN(plain_thread_before_table1);
    TL_RUN(invalid_index_converts_then_fails);
    TL_RUN(converted_exactly_once);
    TL_RUN(table1_call_counters);
    TL_RUN(display_present);
    TL_RUN(draw_and_read_back);
    TL_RUN(clipping);
    TL_RUN(batch_invisible_until_flush);
    TL_RUN(batch_explicit_flush);
    TL_RUN(batch_full_flushes_itself);
    TL_RUN(batch_flushed_before_any_table1_call);
    TL_RUN(batch_malformed);
    TL_RUN(batch_faulting_teb);
    TL_FINISH();
}
