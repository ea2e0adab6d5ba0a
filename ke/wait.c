/*
 * wait.c - dispatcher objects: signalling and waking. (Phase 1 of the dispatcher: objects are
 * signalled and their waiters readied; full NT wait semantics arrive with the waits issue.)
 */
#include "ke.h"
#include "ki.h"

/* Ready every thread waiting on an object that became signalled (interrupts disabled). */
VOID KiSignalDispatcherObject(DISPATCHER_HEADER *Header)
{
    PLIST_ENTRY e = Header->WaitListHead.Flink;
    if (!e)
        return;
    while (e != &Header->WaitListHead) {
        PKWAIT_BLOCK wb = CONTAINING_RECORD(e, KWAIT_BLOCK, WaitListEntry);
        e = e->Flink;
        if (wb->Thread->State == Waiting) {
            wb->Thread->WaitStatus = STATUS_WAIT_0 + wb->WaitKey;
            KiReadyThread(wb->Thread);
        }
    }
}

/* A thread being terminated must not stay blocked in a wait. */
VOID KiWakeForTermination(PKTHREAD Thread)
{
    if (Thread->State == Waiting) {
        Thread->WaitStatus = STATUS_THREAD_IS_TERMINATING;
        KiReadyThread(Thread);
    }
}

VOID KiCheckTimers(VOID)
{
}
