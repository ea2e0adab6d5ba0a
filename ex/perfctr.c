/* perfctr.c - NtQueryPerformanceCounter: the TSC and its measured frequency (ke/tsc.c). */
#include "ke.h"
#include "mm.h"
#include "arch.h"


/*
 * NtQueryPerformanceCounter - In: a user LARGE_INTEGER for the counter, an optional one for the
 * frequency (counts per second). Result: STATUS_SUCCESS or STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtQueryPerformanceCounter(PLARGE_INTEGER PerformanceCounter, PLARGE_INTEGER PerformanceFrequency)
{
    LARGE_INTEGER now;
    now.QuadPart = (LONGLONG)KeRdtsc();
    NTSTATUS status = MmCopyToUser(PerformanceCounter, &now, sizeof(now));
    if (NT_SUCCESS(status) && PerformanceFrequency) {
        LARGE_INTEGER f;
        f.QuadPart = (LONGLONG)KeTscFrequency;
        status = MmCopyToUser(PerformanceFrequency, &f, sizeof(f));
    }
    return status;
}
