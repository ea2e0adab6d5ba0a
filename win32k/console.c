/*
 * console.c - the boot console on the screen: the text that goes to COM1 (DbgPrint and
 * NtDisplayString, through HalDisplayStringRoutine) is drawn here too, in the 8x8 font, light
 * grey on blue, scrolling up a line at a time. Once the first GUI thread exists the screen is its
 * (as NT hands the boot display to win32k) and the console stops drawing; serial output goes on.
 */
#include "w32p.h"
#include "hal.h"
#include "rtl.h"

#define CON_FOREGROUND GDI_RGB(0xD0, 0xD0, 0xD0)
#define CON_BACKGROUND GDI_RGB(0x00, 0x20, 0x80)

BOOLEAN W32pConsoleActive;
static ULONG ConColumns, ConRows, ConX, ConY;
static BOOLEAN ConBusy;                 /* a nested call (a bugcheck while drawing) draws nothing */

/* W32pInitializeConsole - clear the screen and start mirroring the console there. */
VOID W32pInitializeConsole(VOID)
{
    if (!GreDisplayPresent())
        return;
    ConColumns = GreScreen.Width / GDI_FONT_WIDTH;
    ConRows = GreScreen.Height / GDI_FONT_HEIGHT;
    ConX = ConY = 0;
    GreFillRect(0, 0, (LONG)GreScreen.Width, (LONG)GreScreen.Height, CON_BACKGROUND);
    W32pConsoleActive = TRUE;
    HalDisplayStringRoutine = W32pConsoleWrite;
}

/* Move everything up one text row and clear the last one. */
static VOID ConScroll(VOID)
{
    LONG row = GDI_FONT_HEIGHT;
    GreCopyRect(0, 0, 0, row, (LONG)GreScreen.Width, (LONG)(ConRows - 1) * row);
    GreFillRect(0, (LONG)(ConRows - 1) * row, (LONG)GreScreen.Width, row, CON_BACKGROUND);
}

static VOID ConNewLine(VOID)
{
    ConX = 0;
    if (++ConY == ConRows) {
        ConScroll();
        ConY = ConRows - 1;
    }
}

/* W32pConsoleWrite - HalDisplayStringRoutine: draw Length characters (interrupts are off). */
VOID W32pConsoleWrite(const CHAR *Text, ULONG Length)
{
    if (!W32pConsoleActive || ConBusy)
        return;
    ConBusy = TRUE;
    for (ULONG i = 0; i < Length; i++) {
        CHAR c = Text[i];
        if (c == '\n') {
            ConNewLine();
        } else if (c == '\r') {
            ConX = 0;
        } else if (c == '\t') {
            ConX = (ConX + 8) & ~7u;
            if (ConX >= ConColumns)
                ConNewLine();
        } else {
            GreTextOut((LONG)(ConX * GDI_FONT_WIDTH), (LONG)(ConY * GDI_FONT_HEIGHT), &c, 1,
                       CON_FOREGROUND, CON_BACKGROUND, 1);
            if (++ConX == ConColumns)
                ConNewLine();
        }
    }
    ConBusy = FALSE;
}

/* W32pReleaseConsole - the first GUI thread takes the screen: the console stops drawing. */
VOID W32pReleaseConsole(VOID)
{
    W32pConsoleActive = FALSE;
}
