/*
 * tsc.c - the performance counter behind NtQueryPerformanceCounter: the TSC, with its frequency
 * measured against the clock interrupt at boot. (Under QEMU with -icount the TSC counts
 * instructions, which is what the benchmarks use.)
 */
#include "ke.h"
#include "ki.h"
#include "hal.h"
#include "arch.h"

ULONGLONG KeTscFrequency;

VOID KiCalibrateTsc(VOID)
{
    _enable();
    ULONGLONG t0 = KeTickCount;
    while (KeTickCount == t0)
        KeHalt();
    ULONGLONG start = KeRdtsc();
    t0 = KeTickCount;
    while (KeTickCount < t0 + 5)
        KeHalt();
    ULONGLONG end = KeRdtsc();
    _disable();
    KeTscFrequency = (ULONGLONG)(ULONG)(end - start) * (HAL_CLOCK_HZ / 5);
    if (!KeTscFrequency)
        KeTscFrequency = 1;
}
