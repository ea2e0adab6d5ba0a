/*
 * timer.c - timer objects: NtCreateTimer, NtSetTimer, NtCancelTimer (NT signatures). The body is
 * an ETIMER: a KTIMER the clock signals (ke/timer.c) and, when NtSetTimer is given an APC routine,
 * a DPC that queues a user APC to the thread that set the timer, as NT does: the routine runs
 * as TimerApcRoutine(TimerContext, TimerLowValue, TimerHighValue) when that thread is alertable.
 * The timer holds a reference on that thread while the APC is armed, so the APC never outlives
 * its target (a thread that ended no longer accepts APCs).
 */
#include "ob.h"
#include "mm.h"
#include "ps.h"
#include "ntpsapi.h"

typedef struct _ETIMER {
    KTIMER KeTimer;                    /* first: the dispatcher object waits see */
    KAPC TimerApc;
    KDPC TimerDpc;
    PETHREAD ApcThread;                /* referenced while an APC routine is armed */
} ETIMER, *PETIMER;

/* The DPC, from the clock interrupt: queue the user APC with the expiry time (ticks). */
static VOID ExpTimerDpcRoutine(PKDPC Dpc, PVOID DeferredContext, PVOID SystemArgument1, PVOID SystemArgument2)
{
    UNREFERENCED_PARAMETER(Dpc); UNREFERENCED_PARAMETER(SystemArgument1); UNREFERENCED_PARAMETER(SystemArgument2);
    PETIMER timer = DeferredContext;
    KeInsertQueueApc(&timer->TimerApc, (PVOID)(ULONG)KeTickCount, (PVOID)(ULONG)(KeTickCount >> 32));
}

/* Kernel routine of the timer APC: nothing to free, the APC lives in the timer. */
static VOID ExpTimerApcKernelRoutine(PKAPC Apc, PKNORMAL_ROUTINE *Normal, PVOID *Context, PVOID *A1, PVOID *A2)
{
    UNREFERENCED_PARAMETER(Apc); UNREFERENCED_PARAMETER(Normal); UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(A1); UNREFERENCED_PARAMETER(A2);
}

static VOID ExpTimerApcRundown(PKAPC Apc)
{
    UNREFERENCED_PARAMETER(Apc);
}

/* Stop the timer and disarm its APC (drop the queued APC and the thread reference). */
static VOID ExpDisarmTimer(PETIMER Timer)
{
    KeCancelTimer(&Timer->KeTimer);
    KeRemoveQueueApc(&Timer->TimerApc);
    PETHREAD thread = Timer->ApcThread;
    Timer->ApcThread = NULL;
    if (thread)
        ObDereferenceObject(thread);
}

static VOID ExpDeleteTimer(PVOID Object)
{
    ExpDisarmTimer(Object);
}

static OBJECT_TYPE ExpTimerType = {
    .Name = "Timer", .ValidAccessMask = TIMER_ALL_ACCESS, .GenericRead = STANDARD_RIGHTS_READ | TIMER_QUERY_STATE,
    .GenericWrite = STANDARD_RIGHTS_WRITE | TIMER_MODIFY_STATE, .GenericExecute = STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
    .GenericAll = TIMER_ALL_ACCESS,
    .DeleteProcedure = ExpDeleteTimer, .PoolTag = 'miT ', .Waitable = TRUE,
};
POBJECT_TYPE ExTimerType = &ExpTimerType;

/* NtCreateTimer - In: handle out, access, attributes (a name: as NtCreateEvent), NotificationTimer
   or SynchronizationTimer. Result: as NtCreateEvent. */
NTSTATUS NTAPI NtCreateTimer(PHANDLE TimerHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                             TIMER_TYPE TimerType)
{
    if (TimerType != NotificationTimer && TimerType != SynchronizationTimer)
        return STATUS_INVALID_PARAMETER;
    OBJECT_CREATE_INFORMATION info;
    NTSTATUS status = ObCaptureObjectAttributes(ObjectAttributes, &info);
    if (!NT_SUCCESS(status))
        return status;
    PKTIMER timer;
    status = ObCreateObject(ExTimerType, sizeof(ETIMER), (PVOID *)&timer);
    if (!NT_SUCCESS(status)) {
        ObReleaseObjectCreateInformation(&info);
        return status;
    }
    KeInitializeTimerEx(timer, TimerType == NotificationTimer ? TimerNotificationObject : TimerSynchronizationObject);
    status = ObInsertObjectByName(timer, &info, DesiredAccess, TimerHandle);
    ObDereferenceObject(timer);
    return status;
}

/* NtOpenTimer - open a named timer; as NtOpenEvent. */
NTSTATUS NTAPI NtOpenTimer(PHANDLE TimerHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes)
{
    return ObOpenObjectByName(ObjectAttributes, ExTimerType, DesiredAccess, TimerHandle);
}

static NTSTATUS ExpReferenceTimer(HANDLE TimerHandle, ACCESS_MASK Access, PKTIMER *Timer)
{
    return ObReferenceObjectByHandle(TimerHandle, Access, ExTimerType, UserMode, (PVOID *)Timer, NULL);
}

/*
 * NtSetTimer - arm the timer. In: DueTime (100 ns units, negative relative), an optional APC
 * routine and its context (queued to the calling thread at each expiry), ResumeTimer (ignored: no
 * power management), Period in ms (0 = once, >= 0), PreviousState (optional: whether the timer
 * was signalled). Setting a timer again replaces its APC. Result: STATUS_SUCCESS,
 * STATUS_INVALID_PARAMETER, handle errors, STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtSetTimer(HANDLE TimerHandle, PLARGE_INTEGER DueTime, PTIMER_APC_ROUTINE TimerApcRoutine,
                          PVOID TimerContext, BOOLEAN ResumeTimer, LONG Period, PBOOLEAN PreviousState)
{
    UNREFERENCED_PARAMETER(ResumeTimer);
    if (Period < 0)
        return STATUS_INVALID_PARAMETER;
    if ((ULONG)TimerApcRoutine >= MM_USER_PROBE_ADDRESS)
        return STATUS_INVALID_PARAMETER;
    LARGE_INTEGER due;
    NTSTATUS status = MmCopyFromUser(&due, DueTime, sizeof(due));
    if (!NT_SUCCESS(status))
        return status;
    PKTIMER timer;
    status = ExpReferenceTimer(TimerHandle, TIMER_MODIFY_STATE, &timer);
    if (!NT_SUCCESS(status))
        return status;
    PETIMER et = (PETIMER)timer;
    BOOLEAN old = timer->Header.SignalState != 0;
    ExpDisarmTimer(et);
    PKDPC dpc = NULL;
    if (TimerApcRoutine) {
        PETHREAD self = PsGetCurrentThread();
        ObReferenceObject(self);
        et->ApcThread = self;
        KeInitializeApc(&et->TimerApc, &self->Tcb, ExpTimerApcKernelRoutine, ExpTimerApcRundown,
                        (PKNORMAL_ROUTINE)(ULONG_PTR)TimerApcRoutine, UserMode, TimerContext);
        et->TimerDpc.DeferredRoutine = ExpTimerDpcRoutine;
        et->TimerDpc.DeferredContext = et;
        dpc = &et->TimerDpc;
    }
    KeSetTimerEx(timer, due, Period, dpc);
    ObDereferenceObject(timer);
    return PreviousState ? MmCopyToUser(PreviousState, &old, sizeof(old)) : STATUS_SUCCESS;
}

/* NtCancelTimer - stop the timer; CurrentState (optional) gets whether it is signalled. */
NTSTATUS NTAPI NtCancelTimer(HANDLE TimerHandle, PBOOLEAN CurrentState)
{
    PKTIMER timer;
    NTSTATUS status = ExpReferenceTimer(TimerHandle, TIMER_MODIFY_STATE, &timer);
    if (!NT_SUCCESS(status))
        return status;
    ExpDisarmTimer((PETIMER)timer);
    BOOLEAN state = timer->Header.SignalState != 0;
    ObDereferenceObject(timer);
    return CurrentState ? MmCopyToUser(CurrentState, &state, sizeof(state)) : STATUS_SUCCESS;
}
