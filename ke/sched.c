/*
 * sched.c - the dispatcher's scheduling half: 32 priority levels, round robin within a level,
 * a clock-driven quantum. Kernel code is not preempted: a quantum end is acted on when the thread
 * returns to user mode (KiDeliverPendingWork) or waits; see NOTES.md. Uniprocessor: the dispatcher
 * state is protected by disabling interrupts.
 */
#include "ke.h"
#include "ki.h"
#include "ps.h"
#include "arch.h"
#include "hal.h"
#include "rtl.h"
#include "ntlist.h"

#define KI_QUANTUM_TICKS 3

static LIST_ENTRY KiDispatcherReadyListHead[32];
static ULONG KiReadySummary;
volatile ULONGLONG KeTickCount;
static PKTHREAD KiIdleThread;


VOID KiInitializeScheduler(PKTHREAD IdleThread)
{
    for (int i = 0; i < 32; i++)
        InitializeListHead(&KiDispatcherReadyListHead[i]);
    KiIdleThread = IdleThread;
    KeGetPcr()->PrcbData.IdleThread = IdleThread;
}

/* Put a thread on the ready queue of its priority (interrupts disabled). */
VOID KiReadyThread(PKTHREAD Thread)
{
    if (Thread == KiIdleThread)
        return;
    PLIST_ENTRY head = &KiDispatcherReadyListHead[(ULONG)Thread->Priority];
    Thread->State = Ready;
    InsertTailList(head, &Thread->ReadyListEntry);
    KiReadySummary |= 1u << Thread->Priority;
    /* a thread that outranks the running one takes the processor at the next opportunity */
    if (Thread->Priority > KeGetCurrentThread()->Priority)
        KeGetPcr()->PrcbData.QuantumEnd = TRUE;
}

static VOID KiRemoveReadyThread(PKTHREAD Thread)
{
    if (RemoveEntryList(&Thread->ReadyListEntry))           /* its queue is now empty */
        KiReadySummary &= ~(1u << Thread->Priority);
}

/* Change a thread's priority (interrupts disabled): a ready thread changes queues. */
VOID KiSetPriorityThread(PKTHREAD Thread, CHAR Priority)
{
    if (Thread == KiIdleThread || Thread->Priority == Priority)
        return;
    if (Thread->State == Ready) {
        KiRemoveReadyThread(Thread);
        Thread->Priority = Priority;
        KiReadyThread(Thread);
    } else {
        Thread->Priority = Priority;
        if (Thread == KeGetCurrentThread() && KiReadySummary &&
            (LONG)(31 - __builtin_clz(KiReadySummary)) > Priority)
            KeGetPcr()->PrcbData.QuantumEnd = TRUE;
    }
}

static PKTHREAD KiSelectReadyThread(LONG MinimumPriority)
{
    if (!KiReadySummary)
        return NULL;
    LONG prio = 31 - __builtin_clz(KiReadySummary);
    if (prio < MinimumPriority)
        return NULL;
    PLIST_ENTRY head = &KiDispatcherReadyListHead[prio];
    PLIST_ENTRY e = RemoveHeadList(head);
    if (IsListEmpty(head))
        KiReadySummary &= ~(1u << prio);
    return CONTAINING_RECORD(e, KTHREAD, ReadyListEntry);
}

/* Make New the running thread: address space, kernel stack for ring transitions, TEB. */
static VOID KiSwitchTo(PKTHREAD Old, PKTHREAD New)
{
    PKPCR pcr = KeGetPcr();
    New->State = Running;
    KeGetThreadExtension(New)->Quantum = KI_QUANTUM_TICKS;
    pcr->PrcbData.QuantumEnd = FALSE;
    if (New == Old)
        return;
    pcr->ContextSwitches++;
    pcr->PrcbData.CurrentThread = New;
    pcr->TSS->Esp0 = (ULONG)New->InitialStack - NPX_FRAME_LENGTH - KI_V86_FRAME_SKIP;
    KiSetTebDescriptor((ULONG)New->Teb);
    pcr->NtTib.Self = New->Teb;
    if (New->Process && Old->Process != New->Process)
        KeSetCr3(New->Process->DirectoryTableBase);
    KiSetThreadContextForSwitch(New);
    if (KeTimelineEnabled)
        KiTimelineContextSwitch(Old, New);
    KiSwapContext(Old, New);
    /* back on Old's stack: free whatever died while we were away */
    KeProcessCallouts.ReapDeadThreads();
}

/* Give the processor to the best ready thread. The caller has already set the current thread's
   state (Waiting, Terminated); a thread still Running keeps the processor if nothing is ready. */
VOID KiSwapThread(VOID)
{
    ULONG flags = KiDisableInterrupts();
    PKTHREAD old = KeGetCurrentThread();
    PKTHREAD next = KiSelectReadyThread(0);
    if (!next)
        next = (old->State == Running) ? old : KiIdleThread;
    KiSwitchTo(old, next);
    KiRestoreInterrupts(flags);
}

/* Round robin: let an equal or higher priority ready thread run. */
VOID KiYieldThread(VOID)
{
    ULONG flags = KiDisableInterrupts();
    PKTHREAD old = KeGetCurrentThread();
    PKTHREAD next = KiSelectReadyThread(old == KiIdleThread ? 0 : old->Priority);
    if (next) {
        if (old != KiIdleThread)
            KiReadyThread(old);
        KiSwitchTo(old, next);
    } else {
        KeGetThreadExtension(old)->Quantum = KI_QUANTUM_TICKS;
        KeGetPcr()->PrcbData.QuantumEnd = FALSE;
    }
    KiRestoreInterrupts(flags);
}

ULONGLONG KeBootTime;                   /* SystemTime at tick 0 (100 ns units since 1601) */

/* KiWriteSystemTime - store a KSYSTEM_TIME in the order its lock-free readers expect. */
static VOID KiWriteSystemTime(volatile KSYSTEM_TIME *Time, ULONGLONG Value)
{
    Time->High2Time = (LONG)(Value >> 32);
    Time->LowPart = (ULONG)Value;
    Time->High1Time = (LONG)(Value >> 32);
}

/* KiUpdateSharedTime - the clock fields of SharedUserData (WRK keeps the
   same ones in its clock interrupt): the tick count, the interrupt time and the system time. */
VOID KiUpdateSharedTime(VOID)
{
    ULONGLONG interruptTime = KeTickCount * (10000000ULL / HAL_CLOCK_HZ);
    SharedUserData->TickCountLowDeprecated = (ULONG)KeTickCount;
    KiWriteSystemTime(&SharedUserData->TickCount, KeTickCount);
    KiWriteSystemTime(&SharedUserData->InterruptTime, interruptTime);
    KiWriteSystemTime(&SharedUserData->SystemTime, KeBootTime + interruptTime);
}

/* Clock interrupt (interrupts disabled). */
VOID KiClockTick(VOID)
{
    KeTickCount++;
    KiUpdateSharedTime();
    KiCheckTimers();
    PKTHREAD t = KeGetCurrentThread();
    if (t == KiIdleThread) {
        if (KiReadySummary)
            KeGetPcr()->PrcbData.QuantumEnd = TRUE;
    } else if (--KeGetThreadExtension(t)->Quantum <= 0) {
        KeGetPcr()->PrcbData.QuantumEnd = TRUE;
    }
}

/* The idle thread: reschedule when something is ready, otherwise halt until an interrupt. */
VOID KiIdleLoop(VOID)
{
    for (;;) {
        _disable();
        if (KiReadySummary) {
            KiYieldThread();
            continue;
        }
        if (KeTimelineEnabled && KiTimelineIdle())
            continue;                      /* drain the timeline one record at a time */
        __asm__ volatile("sti; hlt" ::: "memory");
    }
}
