/*
 * apc.c - asynchronous procedure calls, as NT has them.
 *
 * Kernel APCs run in the target thread's context before it returns to user mode, or inside a wait
 * (a kernel APC wakes a waiting thread with STATUS_KERNEL_APC). A "special" kernel APC (no normal
 * routine) always runs; a normal kernel APC waits while another one is in progress or while the
 * thread's KernelApcDisable is above zero (NT's critical regions; nothing in NanoNT raises it yet).
 *
 * User APCs run only when the thread is alertable: it waits alertably in user mode (the wait ends
 * with STATUS_USER_APC), or calls NtTestAlert / NtContinue(TestAlert). Then UserApcPending is set,
 * and the return to user mode (KiDeliverPendingWork) builds NormalRoutine, NormalContext,
 * SystemArgument1, SystemArgument2 and a CONTEXT of the interrupted state on the user stack and
 * enters ntdll's KiUserApcDispatcher. Invariant: setting UserApcPending also unmarks the thread's
 * current service frame, so the sysexit fast exit cannot skip the delivery (KiSetUserApcPending).
 */
#include "ke.h"
#include "ki.h"
#include "ps.h"
#include "rtl.h"
#include "arch.h"
#include "ntlist.h"

/* Make a pending user APC (or kernel work) un-skippable: the short service exits (sysexit, and
   the int 2Eh iretd) test only the frame mark (ke/i386/sysentry.S, NOTES.md). */
static VOID KiUnmarkServiceFrame(PKTHREAD Thread)
{
    PKTRAP_FRAME tf = Thread->TrapFrame;
    if (tf && KI_IS_SERVICE_FRAME(tf))
        tf->ErrCode = 0;
}

VOID KiSetUserApcPending(PKTHREAD Thread)
{
    Thread->ApcState.UserApcPending = TRUE;
    KiUnmarkServiceFrame(Thread);
}

/* Can the thread run its first queued kernel APC now? (interrupts disabled) */
BOOLEAN KiKernelApcDeliverable(PKTHREAD Thread)
{
    PLIST_ENTRY h = &Thread->ApcState.ApcListHead[KernelMode];
    if (IsListEmpty(h))
        return FALSE;
    PKAPC apc = CONTAINING_RECORD(h->Flink, KAPC, ApcListEntry);
    return !apc->NormalRoutine || (!Thread->ApcState.KernelApcInProgress && !Thread->KernelApcDisable);
}

/*
 * KeInitializeApc - In: the APC, its target thread, the kernel routine (runs first, in kernel
 * mode; may free the APC), a rundown routine (runs instead if the thread ends with the APC still
 * queued; NULL = just drop it), the normal routine (NULL = a special kernel APC), the mode the
 * normal routine runs in, and its context.
 */
VOID KeInitializeApc(PKAPC Apc, PKTHREAD Thread, PKKERNEL_ROUTINE KernelRoutine, PKRUNDOWN_ROUTINE RundownRoutine,
                     PKNORMAL_ROUTINE NormalRoutine, KPROCESSOR_MODE ApcMode, PVOID NormalContext)
{
    memset(Apc, 0, sizeof(*Apc));
    Apc->Type = ApcObject;
    Apc->Size = sizeof(KAPC);
    Apc->Thread = Thread;
    Apc->KernelRoutine = KernelRoutine;
    Apc->RundownRoutine = RundownRoutine;
    Apc->NormalRoutine = NormalRoutine;
    Apc->ApcMode = NormalRoutine ? ApcMode : KernelMode;
    Apc->NormalContext = NormalRoutine ? NormalContext : NULL;
}

/*
 * KeInsertQueueApc - queue an APC to its thread. Special kernel APCs go before normal ones. A
 * waiting thread is woken for a deliverable kernel APC (STATUS_KERNEL_APC), and for a user APC
 * when it waits alertably in user mode (STATUS_USER_APC). Result: FALSE if the APC is already
 * queued or the thread no longer accepts APCs (it is ending).
 */
BOOLEAN KeInsertQueueApc(PKAPC Apc, PVOID SystemArgument1, PVOID SystemArgument2)
{
    PKTHREAD t = Apc->Thread;
    ULONG flags = KiDisableInterrupts();
    if (Apc->Inserted || !KeGetThreadExtension(t)->ApcQueueable) {
        KiRestoreInterrupts(flags);
        return FALSE;
    }
    Apc->SystemArgument1 = SystemArgument1;
    Apc->SystemArgument2 = SystemArgument2;
    Apc->Inserted = TRUE;
    PLIST_ENTRY head = &t->ApcState.ApcListHead[Apc->ApcMode];
    if (Apc->ApcMode == KernelMode && !Apc->NormalRoutine) {
        /* after the special APCs already queued, before the normal ones */
        PLIST_ENTRY e = head->Flink;
        while (e != head && !CONTAINING_RECORD(e, KAPC, ApcListEntry)->NormalRoutine)
            e = e->Flink;
        InsertTailList(e, &Apc->ApcListEntry);     /* i.e. just before e */
    } else {
        InsertTailList(head, &Apc->ApcListEntry);
    }
    if (Apc->ApcMode == KernelMode) {
        t->ApcState.KernelApcPending = TRUE;
        KiUnmarkServiceFrame(t);
        if (t->State == Waiting && KiKernelApcDeliverable(t))
            KiUnwaitThread(t, STATUS_KERNEL_APC);
    } else if (t->State == Waiting && t->WaitMode == UserMode && t->Alertable) {
        KiSetUserApcPending(t);
        KiUnwaitThread(t, STATUS_USER_APC);
    }
    KiRestoreInterrupts(flags);
    return TRUE;
}

/*
 * KeRemoveQueueApc - take a queued APC back off its thread's queue (for APCs embedded in objects
 * that are going away, such as a timer's). Result: TRUE if it was queued.
 */
BOOLEAN KeRemoveQueueApc(PKAPC Apc)
{
    ULONG flags = KiDisableInterrupts();
    BOOLEAN was = Apc->Inserted;
    if (was) {
        RemoveEntryList(&Apc->ApcListEntry);
        Apc->Inserted = FALSE;
    }
    KiRestoreInterrupts(flags);
    return was;
}

/*
 * KiDeliverKernelApcs - run the current thread's deliverable kernel APCs (interrupts enabled on
 * entry and exit). Clears KernelApcPending when nothing deliverable is left.
 */
VOID KiDeliverKernelApcs(VOID)
{
    PKTHREAD t = KeGetCurrentThread();
    for (;;) {
        _disable();
        if (!KiKernelApcDeliverable(t)) {
            t->ApcState.KernelApcPending = !IsListEmpty(&t->ApcState.ApcListHead[KernelMode]) &&
                                           !t->ApcState.KernelApcInProgress && !t->KernelApcDisable;
            _enable();
            return;
        }
        PKAPC apc = CONTAINING_RECORD(RemoveHeadList(&t->ApcState.ApcListHead[KernelMode]), KAPC, ApcListEntry);
        apc->Inserted = FALSE;
        PKNORMAL_ROUTINE normal = apc->NormalRoutine;
        PVOID ctx = apc->NormalContext, a1 = apc->SystemArgument1, a2 = apc->SystemArgument2;
        _enable();
        KeTimelineEvent(KTL_APC, KernelMode, normal ? (PVOID)normal : (PVOID)apc->KernelRoutine);
        apc->KernelRoutine(apc, &normal, &ctx, &a1, &a2);
        if (normal) {
            t->ApcState.KernelApcInProgress = TRUE;
            normal(ctx, a1, a2);
            t->ApcState.KernelApcInProgress = FALSE;
        }
    }
}

/* Build the KiUserApcDispatcher frame on the user stack and point the trap frame at it. */
/* Zeros for the parts of a CONTEXT a user APC record does not use. */
static const UCHAR KiZeroContext[sizeof(CONTEXT)];

static BOOLEAN KiInitializeUserApc(PKTRAP_FRAME Tf, PKNORMAL_ROUTINE Normal, PVOID Context, PVOID A1, PVOID A2)
{
    PKTHREAD t = KeGetCurrentThread();
    CONTEXT c;
    c.ContextFlags = CONTEXT_FULL | CONTEXT_DEBUG_REGISTERS;
    KeTrapFrameToContext(t, Tf, &c);
    ULONG ctxVa = (c.Esp - sizeof(CONTEXT)) & ~3u;
    ULONG esp = ctxVa - 4 * sizeof(ULONG);
    ULONG args[4] = { (ULONG)Normal, (ULONG)Context, (ULONG)A1, (ULONG)A2 };
    /* The record goes out whole: the fields KeTrapFrameToContext filled (flags and debug
       registers; segments, integer and control registers) from c, the floating-point and
       extended areas it does not fill as zeros, so no kernel-stack byte reaches user mode. */
    PUCHAR out = (PUCHAR)ctxVa;
    const ULONG fpu = offsetof(CONTEXT, FloatSave), regs = offsetof(CONTEXT, SegGs),
                ext = offsetof(CONTEXT, ExtendedRegisters);
    if (esp >= c.Esp || ctxVa + sizeof(CONTEXT) > MM_USER_PROBE_ADDRESS ||
        !NT_SUCCESS(KiSafeCopy((PVOID)esp, args, sizeof(args))) ||
        !NT_SUCCESS(KiSafeCopy(out, &c, fpu)) ||
        !NT_SUCCESS(KiSafeCopy(out + fpu, KiZeroContext, regs - fpu)) ||
        !NT_SUCCESS(KiSafeCopy(out + regs, (PUCHAR)&c + regs, ext - regs)) ||
        !NT_SUCCESS(KiSafeCopy(out + ext, KiZeroContext, sizeof(CONTEXT) - ext)))
        return FALSE;
    KiRedirectToUserDispatcher(t, Tf, KeUserApcDispatcher, esp, &c);
    return TRUE;
}

/*
 * KiDeliverUserApc - on the way to user mode with UserApcPending: take the first user APC, run its
 * kernel routine, and send the thread to KiUserApcDispatcher with the rest. One APC per return;
 * NtContinue(TestAlert = TRUE) at the end of the dispatcher brings the next. A user stack that
 * cannot take the frame raises an access violation there (which ends the process if it cannot
 * be delivered either). Interrupts enabled on entry and exit.
 */
BOOLEAN KiDeliverUserApc(PKTRAP_FRAME Tf)
{
    PKTHREAD t = KeGetCurrentThread();
    _disable();
    t->ApcState.UserApcPending = FALSE;
    PLIST_ENTRY head = &t->ApcState.ApcListHead[UserMode];
    if (IsListEmpty(head)) {
        _enable();
        return FALSE;
    }
    PKAPC apc = CONTAINING_RECORD(RemoveHeadList(head), KAPC, ApcListEntry);
    apc->Inserted = FALSE;
    PKNORMAL_ROUTINE normal = apc->NormalRoutine;
    PVOID ctx = apc->NormalContext, a1 = apc->SystemArgument1, a2 = apc->SystemArgument2;
    _enable();
    KeTimelineEvent(KTL_APC, UserMode, normal ? (PVOID)normal : (PVOID)apc->KernelRoutine);
    apc->KernelRoutine(apc, &normal, &ctx, &a1, &a2);
    if (!normal) {
        KeTestAlertThread(UserMode);
        return TRUE;
    }
    if (!KiInitializeUserApc(Tf, normal, ctx, a1, a2))
        KiDispatchUserException(Tf, STATUS_ACCESS_VIOLATION, 2, 1, Tf->HardwareEsp);
    return TRUE;
}

/*
 * KiRundownThread - the thread is ending: refuse new APCs and run down the queued ones (their
 * rundown routine, if any, e.g. to free them or to release a waiter).
 */
VOID KiRundownThread(PKTHREAD Thread)
{
    ULONG flags = KiDisableInterrupts();
    KeGetThreadExtension(Thread)->ApcQueueable = FALSE;
    for (int mode = KernelMode; mode <= UserMode; mode++) {
        PLIST_ENTRY head = &Thread->ApcState.ApcListHead[mode];
        while (!IsListEmpty(head)) {
            PKAPC apc = CONTAINING_RECORD(RemoveHeadList(head), KAPC, ApcListEntry);
            apc->Inserted = FALSE;
            if (apc->RundownRoutine) {
                KiRestoreInterrupts(flags);
                apc->RundownRoutine(apc);
                flags = KiDisableInterrupts();
            }
        }
    }
    Thread->ApcState.KernelApcPending = Thread->ApcState.UserApcPending = FALSE;
    KiRestoreInterrupts(flags);
}

/*
 * KeTestAlertThread - In: the mode. Clears and returns the thread's alerted flag for that mode;
 * for user mode, queued user APCs become deliverable on the way out (NtTestAlert, NtContinue).
 */
BOOLEAN KeTestAlertThread(KPROCESSOR_MODE AlertMode)
{
    PKTHREAD t = KeGetCurrentThread();
    ULONG flags = KiDisableInterrupts();
    BOOLEAN alerted = t->Alerted[AlertMode];
    t->Alerted[AlertMode] = FALSE;
    if (AlertMode == UserMode && !IsListEmpty(&t->ApcState.ApcListHead[UserMode]))
        KiSetUserApcPending(t);
    KiRestoreInterrupts(flags);
    return alerted;
}

/*
 * KeAlertThread - alert a thread: an alertable wait of a compatible mode ends with STATUS_ALERTED,
 * otherwise the alert is remembered for the next one. Result: the previous alerted state.
 */
BOOLEAN KeAlertThread(PKTHREAD Thread, KPROCESSOR_MODE AlertMode)
{
    ULONG flags = KiDisableInterrupts();
    BOOLEAN was = Thread->Alerted[AlertMode];
    if (!was) {
        if (Thread->State == Waiting && Thread->Alertable && AlertMode <= Thread->WaitMode)
            KiUnwaitThread(Thread, STATUS_ALERTED);
        else
            Thread->Alerted[AlertMode] = TRUE;
    }
    KiRestoreInterrupts(flags);
    return was;
}

