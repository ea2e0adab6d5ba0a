/*
 * wait.c - the waiting half of the dispatcher: KeWaitForMultipleObjects and friends, and
 * KiWaitTest, which wakes the waiters of an object that became signalled.
 *
 * NT's design on one processor: a waiting thread links one KWAIT_BLOCK per object into the
 * object's WaitListHead (plus one on its own KTIMER for a timeout) and switches away. A signaller
 * walks the list, consumes the object for each waiter it can satisfy (KiSatisfyObjectWait) and
 * readies it with the wait's result in KTHREAD.WaitStatus (KiUnwaitThread). A kernel APC queued to
 * a waiting thread wakes it with STATUS_KERNEL_APC: the wait loop delivers the APC and waits again.
 * Everything here runs with interrupts disabled (the clock interrupt signals timers).
 */
#include "ke.h"
#include "ki.h"
#include "ps.h"
#include "ntlist.h"


#define KI_TIMEOUT_WAIT_BLOCK THREAD_WAIT_OBJECTS   /* WaitBlock[4]: the thread's own timer */

/* Is the object signalled for this thread? A mutant also is for its owner (recursive acquire). */
static BOOLEAN KiIsObjectSignalled(DISPATCHER_HEADER *Header, PKTHREAD Thread)
{
    if (Header->Type == MutantObject)
        return Header->SignalState > 0 || ((PKMUTANT)Header)->OwnerThread == Thread;
    return Header->SignalState > 0;
}

/*
 * KiSatisfyObjectWait - consume one wait on a signalled object: synchronization events and timers
 * reset, semaphores count down, a mutant becomes (more deeply) owned. Result: STATUS_ABANDONED
 * when the thread just took over an abandoned mutant, otherwise STATUS_SUCCESS.
 */
static NTSTATUS KiSatisfyObjectWait(DISPATCHER_HEADER *Header, PKTHREAD Thread)
{
    switch (Header->Type) {
    case EventSynchronizationObject:
    case TimerSynchronizationObject:
        Header->SignalState = 0;
        break;
    case SemaphoreObject:
        Header->SignalState--;
        break;
    case MutantObject: {
        PKMUTANT m = (PKMUTANT)Header;
        if (--Header->SignalState == 0) {
            m->OwnerThread = Thread;
            InsertTailList(&Thread->MutantListHead, &m->MutantListEntry);
            if (m->Abandoned) {
                m->Abandoned = FALSE;
                return STATUS_ABANDONED;
            }
        }
        break;
    }
    default:                           /* notification events and timers, processes, threads */
        break;
    }
    return STATUS_SUCCESS;
}

/* WaitAll: can every object of the thread's wait be satisfied now? */
static BOOLEAN KiAllSignalled(PKTHREAD Thread)
{
    for (ULONG i = 0; i < KeGetThreadExtension(Thread)->WaitCount; i++)
        if (!KiIsObjectSignalled(Thread->WaitBlockList[i].Object, Thread))
            return FALSE;
    return TRUE;
}

static NTSTATUS KiSatisfyAll(PKTHREAD Thread, ULONG Count, PVOID Object[])
{
    NTSTATUS abandoned = STATUS_SUCCESS;
    for (ULONG i = 0; i < Count; i++)
        abandoned |= KiSatisfyObjectWait(Object[i], Thread);
    return abandoned;
}

/*
 * KiUnwaitThread - end a thread's wait: unlink its wait blocks and timeout, record the result and
 * make it ready. A thread that is not waiting is left alone.
 */
VOID KiUnwaitThread(PKTHREAD Thread, NTSTATUS WaitStatus)
{
    if (Thread->State != Waiting)
        return;
    for (ULONG i = 0; i < KeGetThreadExtension(Thread)->WaitCount; i++)
        RemoveEntryList(&Thread->WaitBlockList[i].WaitListEntry);
    KeGetThreadExtension(Thread)->WaitCount = 0;
    if (Thread->Timer.Header.Inserted)
        KiRemoveTimer(&Thread->Timer);
    InitializeListHead(&Thread->Timer.Header.WaitListHead);
    Thread->WaitStatus = WaitStatus;
    KiReadyThread(Thread);
}

/*
 * KiWaitTest - an object may have become signalled: satisfy as many of its waiters as it allows,
 * in the order they began to wait.
 */
VOID KiWaitTest(DISPATCHER_HEADER *Header)
{
    PLIST_ENTRY e = Header->WaitListHead.Flink;
    if (!e)
        return;
    while (e != &Header->WaitListHead && Header->SignalState > 0) {
        PKWAIT_BLOCK wb = CONTAINING_RECORD(e, KWAIT_BLOCK, WaitListEntry);
        PKTHREAD thread = wb->Thread;
        if (wb->WaitType == WaitAny) {
            NTSTATUS status = wb->WaitKey;
            if (wb->WaitKey != STATUS_TIMEOUT)
                status |= KiSatisfyObjectWait(Header, thread);
            KiUnwaitThread(thread, status);
        } else if (KiAllSignalled(thread)) {
            PVOID objects[MAXIMUM_WAIT_OBJECTS];
            ULONG n = KeGetThreadExtension(thread)->WaitCount;
            for (ULONG i = 0; i < n; i++)
                objects[i] = thread->WaitBlockList[i].Object;
            KiUnwaitThread(thread, STATUS_SUCCESS);
            thread->WaitStatus = KiSatisfyAll(thread, n, objects) ? STATUS_ABANDONED_WAIT_0 : STATUS_WAIT_0;
        } else {
            e = e->Flink;
            continue;
        }
        e = Header->WaitListHead.Flink;     /* the list changed: start over */
    }
}

/*
 * KeWaitForMultipleObjects (body: KiWaitForObjects) - In: Count dispatcher objects (at most
 * THREAD_WAIT_OBJECTS unless WaitBlockArray has Count entries), WaitAny or WaitAll, the reason,
 * the mode (UserMode waits can be ended by user APCs and termination), Alertable, and an optional timeout (100 ns units,
 * negative relative, 0 = just test). Result: STATUS_WAIT_0 + index (WaitAny) or STATUS_WAIT_0
 * (WaitAll), STATUS_ABANDONED_WAIT_0 + index for an abandoned mutant, STATUS_TIMEOUT,
 * STATUS_USER_APC, STATUS_ALERTED, STATUS_THREAD_IS_TERMINATING (user-mode waits only).
 */
static inline __attribute__((always_inline)) NTSTATUS
KiWaitForObjects(ULONG Count, PVOID Object[], WAIT_TYPE WaitType, KWAIT_REASON WaitReason,
                 KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Timeout,
                 PKWAIT_BLOCK WaitBlockArray)
{
    PKTHREAD t = KeGetCurrentThread();
    if (Count > MAXIMUM_WAIT_OBJECTS || (Count > THREAD_WAIT_OBJECTS && !WaitBlockArray))
        return STATUS_INVALID_PARAMETER;
    if (!WaitBlockArray)
        WaitBlockArray = KeGetThreadExtension(t)->WaitBlock;
    ULONGLONG due = Timeout ? KiTimeToTick(Timeout->QuadPart) : 0;

    for (;;) {
        ULONG flags = KiDisableInterrupts();
        NTSTATUS status;
        if (t->ApcState.KernelApcPending && KiKernelApcDeliverable(t)) {
            KiRestoreInterrupts(flags);
            KiDeliverKernelApcs();
            continue;
        }
        if (WaitType == WaitAny) {
            for (ULONG i = 0; i < Count; i++) {
                if (KiIsObjectSignalled(Object[i], t)) {
                    status = (NTSTATUS)i | KiSatisfyObjectWait(Object[i], t);
                    goto done;
                }
            }
        } else {
            BOOLEAN all = TRUE;
            for (ULONG i = 0; i < Count && all; i++)
                all = KiIsObjectSignalled(Object[i], t);
            if (all) {
                status = KiSatisfyAll(t, Count, Object) ? STATUS_ABANDONED_WAIT_0 : STATUS_WAIT_0;
                goto done;
            }
        }
        /* alerts and user APCs end alertable waits; termination ends user-mode waits */
        if (Alertable) {
            if (t->Alerted[WaitMode]) {
                t->Alerted[WaitMode] = FALSE;
                status = STATUS_ALERTED;
                goto done;
            }
            PLIST_ENTRY user = &t->ApcState.ApcListHead[UserMode];
            if (WaitMode == UserMode && !IsListEmpty(user)) {
                KiSetUserApcPending(t);
                status = STATUS_USER_APC;
                goto done;
            }
        } else if (WaitMode == UserMode && t->ApcState.UserApcPending) {
            status = STATUS_USER_APC;
            goto done;
        }
        if (WaitMode == UserMode && KeGetThreadExtension(t)->Terminating) {
            status = STATUS_THREAD_IS_TERMINATING;
            goto done;
        }
        if (Timeout && due <= KeTickCount) {
            status = STATUS_TIMEOUT;
            goto done;
        }

        /* block: link the wait blocks (and the timeout) and give the processor away */
        t->WaitBlockList = WaitBlockArray;
        KeGetThreadExtension(t)->WaitCount = Count;
        for (ULONG i = 0; i < Count; i++) {
            PKWAIT_BLOCK wb = &WaitBlockArray[i];
            wb->Thread = t;
            wb->Object = Object[i];
            wb->WaitKey = (USHORT)i;
            wb->WaitType = (USHORT)WaitType;
            PLIST_ENTRY head = &((DISPATCHER_HEADER *)Object[i])->WaitListHead;
            InsertTailList(head, &wb->WaitListEntry);
        }
        if (Timeout) {
            PKWAIT_BLOCK wb = &KeGetThreadExtension(t)->WaitBlock[KI_TIMEOUT_WAIT_BLOCK];
            wb->Thread = t;
            wb->Object = &t->Timer;
            wb->WaitKey = (USHORT)STATUS_TIMEOUT;
            wb->WaitType = WaitAny;
            t->Timer.Header.SignalState = 0;
            InitializeListHead(&t->Timer.Header.WaitListHead);
            InsertTailList(&t->Timer.Header.WaitListHead, &wb->WaitListEntry);
            KiInsertTimer(&t->Timer, due);
        }
        t->Alertable = Alertable;
        t->WaitMode = WaitMode;
        t->WaitReason = (UCHAR)WaitReason;
        t->WaitStatus = STATUS_SUCCESS;
        t->State = Waiting;
        KiSwapThread();
        status = t->WaitStatus;
        KiRestoreInterrupts(flags);
        if (status == STATUS_KERNEL_APC)
            continue;                   /* deliver it, then wait again (same deadline) */
        return status;
done:
        KiRestoreInterrupts(flags);
        return status;
    }
}

NTSTATUS KeWaitForMultipleObjects(ULONG Count, PVOID Object[], WAIT_TYPE WaitType, KWAIT_REASON WaitReason,
                                  KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Timeout,
                                  PKWAIT_BLOCK WaitBlockArray)
{
    return KiWaitForObjects(Count, Object, WaitType, WaitReason, WaitMode, Alertable, Timeout,
                            WaitBlockArray);
}

/* KeWaitForSingleObject - KeWaitForMultipleObjects for one object (WaitAny): the same code,
   expanded here for one object so that its loops and tests fold away. */
NTSTATUS KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                               BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    return KiWaitForObjects(1, &Object, WaitAny, WaitReason, WaitMode, Alertable, Timeout, NULL);
}

/*
 * KeDelayExecutionThread - sleep for Interval (100 ns units; negative relative). Result:
 * STATUS_SUCCESS when the time passed, STATUS_USER_APC / STATUS_ALERTED for an alertable delay
 * that was interrupted, STATUS_THREAD_IS_TERMINATING.
 */
NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Interval)
{
    NTSTATUS status = KeWaitForMultipleObjects(0, NULL, WaitAny, DelayExecution, WaitMode, Alertable,
                                               Interval, NULL);
    return status == STATUS_TIMEOUT ? STATUS_SUCCESS : status;
}

/* A thread being terminated must not stay blocked in a user-mode wait. */
VOID KiWakeForTermination(PKTHREAD Thread)
{
    if (Thread->State == Waiting && Thread->WaitMode == UserMode)
        KiUnwaitThread(Thread, STATUS_THREAD_IS_TERMINATING);
}
