/*
 * guidemo.c - a small scene through the GUI service table (docs/gui.md): a NanoNT banner, then the
 * per-service system-call counters of NtQuerySystemInformation(SystemCallCountInformation) drawn
 * as bars (kept only with the boot option callcounts: without it there are no bars), refreshed a few times. Static parts use direct calls; the bars go through the GDI
 * batch (one flush per frame). Usage: guidemo.exe [FRAMES] (default 5; 0 = keep going).
 */
#include "gdi32.h"
#include "crt.h"

#define BACKGROUND GDI_RGB(0x00, 0x20, 0x60)
#define PANEL      GDI_RGB(0x10, 0x10, 0x18)
#define TEXT       GDI_RGB(0xF0, 0xF0, 0xF0)
#define BAR0       GDI_RGB(0x40, 0xC0, 0xFF)
#define BAR1       GDI_RGB(0xFF, 0xB0, 0x30)

static ULONG Counts[2048];

static VOID DrawScene(VOID)
{
    static const char banner[] = "NanoNT";
    static const char sub[] = "system calls per service: native table (blue), GUI table (orange)";
    NtGdiNanoFillRect(0, 0, 800, 600, BACKGROUND);
    NtGdiNanoTextOut(400 - 6 * 8 * 6 / 2, 24, banner, sizeof(banner) - 1, TEXT, GDI_TRANSPARENT, 6);
    NtGdiNanoTextOut(400 - (LONG)(sizeof(sub) - 1) * 4, 90, sub, sizeof(sub) - 1, TEXT, GDI_TRANSPARENT, 1);
    NtGdiNanoFillRect(40, 120, 720, 440, PANEL);
}

/* One frame: a bar per service of tables 0 and 1, height by call count (log-like scale). */
static VOID DrawBars(ULONG Frame)
{
    ULONG len = 0;
    if (!NT_SUCCESS(NtQuerySystemInformation(SystemCallCountInformation, Counts, sizeof(Counts), &len)))
        return;
    /* NT's layout: Length, NumberOfTables, the limits, then each table's counters in turn;
       table 0 keeps WRK's numbering, so only its implemented services get a bar */
    static const ULONG implemented[] = KI_SERVICE_IMPLEMENTED_BITMAP;
    ULONG n0 = Counts[2], n1 = Counts[3];
    const ULONG *t0 = Counts + 2 + Counts[1], *t1 = t0 + n0;
    ULONG index[KI_SERVICE_COUNT], bars0 = 0, total = 0;
    for (ULONG i = 0; i < n0 + n1; i++)
        total += t0[i];
    for (ULONG i = 0; i < n0 && i < KI_SERVICE_COUNT; i++)
        if ((implemented[i / 32] >> (i % 32)) & 1)
            index[bars0++] = i;
    ULONG bars = bars0 + n1;
    if (bars == 0)
        return;
    LONG width = 700 / (LONG)bars;
    if (width < 2)
        width = 2;
    GdiFillRect(50, 130, 700, 420, PANEL);
    for (ULONG i = 0; i < bars; i++) {
        ULONG count = i < bars0 ? t0[index[i]] : t1[i - bars0];
        LONG h = 0;
        for (ULONG c = count; c; c >>= 1)
            h += 20;                        /* 20 pixels per doubling */
        if (h > 400)
            h = 400;
        GdiFillRect(50 + (LONG)i * width, 540 - h, width - 1, h, i < bars0 ? BAR0 : BAR1);
    }
    char line[48];
    RtlFormatString(line, sizeof(line), "frame %lu, %lu calls", (unsigned long)Frame, (unsigned long)total);
    GdiFillRect(50, 548, 400, 8, PANEL);
    GdiTextOut(50, 548, line, TEXT, PANEL, 1);
    GdiFlush();
}

int main(int argc, char **argv)
{
    ULONG frames = 5;
    if (argc > 1) {
        frames = 0;
        for (const char *p = argv[1]; *p >= '0' && *p <= '9'; p++)
            frames = frames * 10 + (ULONG)(*p - '0');
    }
    GDI_NANO_DISPLAY_INFO d;
    NTSTATUS s = NtGdiNanoQueryDisplay(&d, sizeof(d));
    if (!NT_SUCCESS(s) || !d.Present) {
        printf("guidemo: no display (status 0x%08lx)\n", (unsigned long)s);
        return 0;
    }
    DrawScene();
    for (ULONG f = 1; frames == 0 || f <= frames; f++) {
        DrawBars(f);
        printf("guidemo: frame %lu drawn\n", (unsigned long)f);
        ULONG start = USER_SHARED_DATA->TickCount.LowPart;
        while (USER_SHARED_DATA->TickCount.LowPart - start < 50)   /* half a second */
            NtYieldExecution();
    }
    return 0;
}
