/*
 * thrdobj.c - the dispatcher side of a thread: its initial dispatcher state, suspension and
 * priority.
 *
 * Suspension is NT's: the first suspend queues the thread's SuspendApc, a normal kernel APC whose
 * routine waits on the thread's SuspendSemaphore; the resume that brings SuspendCount back to 0
 * releases the semaphore. A suspended thread is therefore always stopped at a clean point - on its
 * way to user mode or in a wait - with its user state in its trap frame, where special kernel APCs
 * (NtGetContextThread / NtSetContextThread) can still reach it.
 */
#include "ke.h"
#include "ki.h"
#include "ntlist.h"

static VOID KiSuspendNop(PKAPC Apc, PKNORMAL_ROUTINE *Normal, PVOID *Context, PVOID *A1, PVOID *A2)
{
    UNREFERENCED_PARAMETER(Apc); UNREFERENCED_PARAMETER(Normal); UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(A1); UNREFERENCED_PARAMETER(A2);
}

/* The suspend APC's normal routine: wait, in kernel mode, until resumed. */
static VOID KiSuspendThread(PVOID Context, PVOID A1, PVOID A2)
{
    UNREFERENCED_PARAMETER(Context); UNREFERENCED_PARAMETER(A1); UNREFERENCED_PARAMETER(A2);
    PKTHREAD t = KeGetCurrentThread();
    KeWaitForSingleObject(&t->SuspendSemaphore, Suspended, KernelMode, FALSE, NULL);
}

/* KeInitializeThreadDispatcher - the dispatcher fields of a new thread (zeroed memory). */
VOID KeInitializeThreadDispatcher(PKTHREAD Thread)
{
    Thread->Header.Type = ThreadObject;
    Thread->Header.SignalState = 0;
    InitializeListHead(&Thread->Header.WaitListHead);
    InitializeListHead(&Thread->MutantListHead);
    InitializeListHead(&Thread->ApcState.ApcListHead[KernelMode]);
    InitializeListHead(&Thread->ApcState.ApcListHead[UserMode]);
    KeInitializeTimerEx(&Thread->Timer, TimerNotificationObject);
    KeInitializeSemaphore(&Thread->SuspendSemaphore, 0, 2);
    KeInitializeApc(&Thread->SuspendApc, Thread, KiSuspendNop, NULL, KiSuspendThread, KernelMode, NULL);
    KeGetThreadExtension(Thread)->ApcQueueable = TRUE;
}

/*
 * KeSuspendThread - add one to the suspend count; the first suspension queues the suspend APC.
 * Result: the previous count, or (ULONG)-1 if the count is at MAXIMUM_SUSPEND_COUNT or the thread
 * is ending (nothing changes).
 */
ULONG KeSuspendThread(PKTHREAD Thread)
{
    PKTHREAD_EXTENSION ext = KeGetThreadExtension(Thread);
    ULONG flags = KiDisableInterrupts();
    ULONG old = ext->SuspendCount;
    if (old == MAXIMUM_SUSPEND_COUNT || !ext->ApcQueueable || ext->Terminating) {
        KiRestoreInterrupts(flags);
        return (ULONG)-1;
    }
    ext->SuspendCount++;
    /* still queued from an earlier round: take back the release that round's resume made */
    if (old == 0 && !KeInsertQueueApc(&Thread->SuspendApc, NULL, NULL))
        Thread->SuspendSemaphore.Header.SignalState--;
    KiRestoreInterrupts(flags);
    return old;
}

/* KeResumeThread - take one from the suspend count; at 0 the thread runs again. Result: the
   previous count. */
ULONG KeResumeThread(PKTHREAD Thread)
{
    PKTHREAD_EXTENSION ext = KeGetThreadExtension(Thread);
    ULONG flags = KiDisableInterrupts();
    ULONG old = ext->SuspendCount;
    if (old) {
        if (--ext->SuspendCount == 0) {
            Thread->SuspendSemaphore.Header.SignalState++;
            KiWaitTest(&Thread->SuspendSemaphore.Header);
        }
    }
    KiRestoreInterrupts(flags);
    return old;
}

/* KeForceResumeThread - clear every suspension (a thread being terminated must run to its end). */
VOID KeForceResumeThread(PKTHREAD Thread)
{
    PKTHREAD_EXTENSION ext = KeGetThreadExtension(Thread);
    ULONG flags = KiDisableInterrupts();
    if (ext->SuspendCount) {
        ext->SuspendCount = 0;
        Thread->SuspendSemaphore.Header.SignalState++;
        KiWaitTest(&Thread->SuspendSemaphore.Header);
    }
    KiRestoreInterrupts(flags);
}

/*
 * KeSetPriorityThread - In: the thread and its new priority (1..31). A ready thread moves to its
 * new queue; the processor is rescheduled at the next opportunity if a ready thread now outranks
 * the running one.
 */
VOID KeSetPriorityThread(PKTHREAD Thread, KPRIORITY Priority)
{
    ULONG flags = KiDisableInterrupts();
    Thread->BasePriority = (CHAR)Priority;
    KiSetPriorityThread(Thread, (CHAR)Priority);
    KiRestoreInterrupts(flags);
}

/*
 * KeInitializeThreadContext - the first switch to Thread "returns" into KiThreadStartup, which
 * leaves through Thread->TrapFrame (already built at the top of its kernel stack). Below the frame:
 * the switch frame KiSwapContext pops (exception list, EDI, ESI, EBX, EBP, return address).
 */
VOID KeInitializeThreadContext(PKTHREAD Thread)
{
    PULONG Sp = (PULONG)Thread->TrapFrame;

    *--Sp = (ULONG)KiThreadStartup;
    *--Sp = 0;
    *--Sp = 0;
    *--Sp = 0;
    *--Sp = 0;
    *--Sp = (ULONG)-1;
    Thread->KernelStack = Sp;
}

/* KeReadyThread - make Thread ready to run (interrupts disabled by the caller). */
VOID KeReadyThread(PKTHREAD Thread)
{
    KiReadyThread(Thread);
}

/* KeTerminateThread - the current thread is finished (its owner has already taken it off every
   list it keeps): it never runs again, and the process structure frees it at a later switch. */
DECLSPEC_NORETURN VOID KeTerminateThread(VOID)
{
    PKTHREAD Thread = KeGetCurrentThread();

    Thread->State = Terminated;
    KiSwapThread();
    KeBugCheckEx(TRAP_CAUSE_UNKNOWN, 0xDEAD, (ULONG_PTR)Thread, 0, 0);
}

/* KeForceGeneralExit - Thread's next return to user mode takes the general exit (no sysexit or
   short iretd) so that pending work is seen: a service frame loses its fast-exit mark. */
VOID KeForceGeneralExit(PKTHREAD Thread)
{
    if (Thread->TrapFrame && KI_IS_SERVICE_FRAME(Thread->TrapFrame))
        Thread->TrapFrame->ErrCode = 0;
}

/* KeSetInitialStackCurrentThread - after the current thread moved to a new kernel stack: its
   InitialStack, and TSS.Esp0 for the next entry from user mode (NOTES.md, stacks). */
VOID KeSetInitialStackCurrentThread(PVOID InitialStack)
{
    KeGetCurrentThread()->InitialStack = InitialStack;
    KeGetPcr()->TSS->Esp0 = (ULONG)InitialStack - NPX_FRAME_LENGTH - KI_V86_FRAME_SKIP;
}
