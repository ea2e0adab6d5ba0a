/* dbgprint.c - DbgPrint: printf-style output to the serial console (docs/spec.md §1). */
#include <stdarg.h>
#include "ke.h"
#include "hal.h"
#include "rtl.h"
#include "arch.h"

static KSPIN_LOCK KiDbgPrintLock;      /* one line at a time with more than one processor */

/* The boot screen console, when win32k has set one up (inc/hal.h). */
VOID (*HalDisplayStringRoutine)(const CHAR *Text, ULONG Length);

ULONG DbgPrint(PCSTR Format, ...)
{
    CHAR buffer[512];
    va_list args;
    va_start(args, Format);
    int n = RtlFormatStringV(buffer, sizeof(buffer), Format, args);
    va_end(args);
    if (n < 0)
        return 0;
    if ((ULONG)n >= sizeof(buffer))
        n = sizeof(buffer) - 1;
    ULONG flags = KeDisableInterrupts();        /* one line is not interleaved with another */
    BOOLEAN locked = FALSE;
    if (KeNumberProcessors > 1) {
        /* bounded: a processor stopped by a bugcheck may hold it, and the bugcheck must print */
        for (ULONG spins = 0; spins < 10000000; spins++) {
            if ((locked = KeTryToAcquireSpinLockAtDpcLevel(&KiDbgPrintLock)))
                break;
            __asm__ volatile("pause");
        }
    }
    HalSerialWrite(buffer, (ULONG)n);
    if (HalDisplayStringRoutine)
        HalDisplayStringRoutine(buffer, (ULONG)n);
    if (locked)
        KeReleaseSpinLockFromDpcLevel(&KiDbgPrintLock);
    KeRestoreInterrupts(flags);
    return (ULONG)n;
}

ULONG KeDisableInterrupts(VOID) { return KeDisableInterruptsInline(); }
VOID KeRestoreInterrupts(ULONG Flags) { KeRestoreInterruptsInline(Flags); }
