/* semphobj.c - semaphore dispatcher objects: the signal state is the count; each wait takes one. */
#include "ke.h"
#include "ki.h"
#include "ntlist.h"

/* KeInitializeSemaphore - In: the semaphore, its initial count and its limit. */
VOID KeInitializeSemaphore(PKSEMAPHORE Semaphore, LONG Count, LONG Limit)
{
    Semaphore->Header.Type = SemaphoreObject;
    Semaphore->Header.SignalState = Count;
    InitializeListHead(&Semaphore->Header.WaitListHead);
    Semaphore->Limit = Limit;
}

/*
 * KeReleaseSemaphore - add Adjustment (> 0) to the count and release that many waiters.
 * Result: STATUS_SUCCESS (PreviousCount, if given, receives the old count) or
 * STATUS_SEMAPHORE_LIMIT_EXCEEDED (nothing changes).
 */
NTSTATUS KeReleaseSemaphore(PKSEMAPHORE Semaphore, LONG Adjustment, PLONG PreviousCount)
{
    ULONG flags = KiDisableInterrupts();
    LONG old = Semaphore->Header.SignalState;
    if (Adjustment <= 0 || old > Semaphore->Limit - Adjustment) {
        KiRestoreInterrupts(flags);
        return STATUS_SEMAPHORE_LIMIT_EXCEEDED;
    }
    Semaphore->Header.SignalState = old + Adjustment;
    KiWaitTest(&Semaphore->Header);
    KiRestoreInterrupts(flags);
    if (PreviousCount)
        *PreviousCount = old;
    return STATUS_SUCCESS;
}
