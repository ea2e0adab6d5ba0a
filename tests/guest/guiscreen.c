/*
 * guiscreen.c - draws a known picture for the host to check in a QEMU screendump (docs/gui.md,
 * tests/guest/guiscreen.sh): direct and batched drawing, a copy, scaled text and clipping at the
 * screen's corner. Prints one "screen-expect X,Y=RRGGBB" line per pixel the host must find, then
 * "screen-ready", and waits (at most 30 s) for the host to take the screendump and stop QEMU.
 */
#include "gdi32.h"

int printf(const char *Format, ...) __attribute__((format(printf, 1, 2)));

#define BG    GDI_RGB(0x10, 0x20, 0x30)
#define RED   GDI_RGB(0xFF, 0, 0)
#define GREEN GDI_RGB(0, 0xFF, 0)
#define BLUE  GDI_RGB(0, 0, 0xFF)
#define WHITE GDI_RGB(0xFF, 0xFF, 0xFF)
#define ODD   GDI_RGB(0xAB, 0xCD, 0xEF)

static int Expectations;
static void Expect(LONG X, LONG Y, ULONG Color)
{
    printf("screen-expect %ld,%ld=%06lX\n", (long)X, (long)Y, (unsigned long)Color);
    Expectations++;
}

int main(void)
{
    NTSTATUS s = NtGdiNanoFillRect(0, 0, 800, 600, BG);
    if (s != STATUS_SUCCESS) {
        printf("[FAIL] guiscreen: fill returned 0x%08lx\n", (unsigned long)s);
        return 1;
    }
    /* direct calls */
    NtGdiNanoFillRect(100, 100, 200, 100, RED);
    Expect(100, 100, RED); Expect(299, 199, RED); Expect(300, 199, BG); Expect(99, 100, BG); Expect(100, 200, BG);
    NtGdiNanoSetPixel(0, 0, WHITE);
    NtGdiNanoSetPixel(799, 0, RED);
    Expect(0, 0, WHITE); Expect(799, 0, RED); Expect(1, 0, BG);
    /* batched: in order, when flushed */
    GdiFillRect(400, 100, 50, 50, GREEN);
    GdiSetPixel(425, 125, BLUE);
    GdiFlush();
    Expect(400, 100, GREEN); Expect(449, 149, GREEN); Expect(425, 125, BLUE); Expect(450, 150, BG);
    /* a copy of the batched square */
    NtGdiNanoCopyRect(100, 300, 400, 100, 50, 50);
    Expect(100, 300, GREEN); Expect(125, 325, BLUE); Expect(149, 349, GREEN); Expect(150, 350, BG);
    /* text at scale 4: 'N' has its left stroke in font column 1, font column 2 empty on row 0 */
    NtGdiNanoTextOut(600, 300, "N", 1, WHITE, GDI_TRANSPARENT, 4);
    Expect(604, 300, WHITE); Expect(607, 327, WHITE); Expect(608, 300, BG); Expect(600, 300, BG);
    /* batched text with a background */
    GdiTextOut(600, 400, "I", WHITE, BLUE, 2);
    GdiFlush();
    Expect(600, 400, BLUE); Expect(606, 406, WHITE); Expect(615, 415, BLUE);
    /* clipped at the corner */
    NtGdiNanoFillRect(780, 580, 100, 100, ODD);
    Expect(799, 599, ODD); Expect(780, 580, ODD); Expect(779, 579, BG);
    printf("screen-expectations %d\n", Expectations);
    printf("screen-ready\n");

    /* the host takes the screendump and quits QEMU; if nobody does, end after 30 s */
    ULONG start = USER_SHARED_DATA->TickCount.LowPart;
    while (USER_SHARED_DATA->TickCount.LowPart - start < 3000)
        NtYieldExecution();
    printf("guiscreen: no screendump was taken\n");
    return 0;
}
