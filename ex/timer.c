/*
 * timer.c - timer objects: NtCreateTimer, NtSetTimer, NtCancelTimer (NT signatures). The body is
 * a KTIMER; the clock signals it (ke/timer.c). A timer APC routine is not supported yet.
 */
#include "ob.h"
#include "mm.h"
#include "ntpsapi.h"

static VOID ExpDeleteTimer(PVOID Object)
{
    KeCancelTimer(Object);
}

static OBJECT_TYPE ExpTimerType = {
    .Name = "Timer", .ValidAccessMask = TIMER_ALL_ACCESS, .GenericAll = TIMER_ALL_ACCESS,
    .DeleteProcedure = ExpDeleteTimer, .PoolTag = 'miT ', .Waitable = TRUE,
};
POBJECT_TYPE ExTimerType = &ExpTimerType;

/* NtCreateTimer - In: handle out, access, unnamed attributes, NotificationTimer or
   SynchronizationTimer. Result: as NtCreateEvent. */
NTSTATUS NTAPI NtCreateTimer(PHANDLE TimerHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                             TIMER_TYPE TimerType)
{
    if (TimerType != NotificationTimer && TimerType != SynchronizationTimer)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = ObCheckObjectAttributes(ObjectAttributes);
    if (!NT_SUCCESS(status))
        return status;
    PKTIMER timer;
    status = ObCreateObject(ExTimerType, sizeof(KTIMER), (PVOID *)&timer);
    if (!NT_SUCCESS(status))
        return status;
    KeInitializeTimerEx(timer, TimerType == NotificationTimer ? TimerNotificationObject : TimerSynchronizationObject);
    status = ObInsertObjectReturnHandle(timer, DesiredAccess, TimerHandle);
    ObDereferenceObject(timer);
    return status;
}

static NTSTATUS ExpReferenceTimer(HANDLE TimerHandle, ACCESS_MASK Access, PKTIMER *Timer)
{
    return ObReferenceObjectByHandle(TimerHandle, Access, ExTimerType, UserMode, (PVOID *)Timer, NULL);
}

/*
 * NtSetTimer - arm the timer. In: DueTime (100 ns units, negative relative), an APC routine (must
 * be NULL in NanoNT for now) and its context, ResumeTimer (ignored: no power management), Period
 * in ms (0 = once, >= 0), PreviousState (optional: whether the timer was signalled). Result:
 * STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED, handle errors,
 * STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtSetTimer(HANDLE TimerHandle, PLARGE_INTEGER DueTime, PTIMER_APC_ROUTINE TimerApcRoutine,
                          PVOID TimerContext, BOOLEAN ResumeTimer, LONG Period, PBOOLEAN PreviousState)
{
    UNREFERENCED_PARAMETER(TimerContext);
    UNREFERENCED_PARAMETER(ResumeTimer);
    if (Period < 0)
        return STATUS_INVALID_PARAMETER;
    if (TimerApcRoutine)
        return STATUS_NOT_SUPPORTED;
    LARGE_INTEGER due;
    NTSTATUS status = MmCopyFromUser(&due, DueTime, sizeof(due));
    if (!NT_SUCCESS(status))
        return status;
    PKTIMER timer;
    status = ExpReferenceTimer(TimerHandle, TIMER_MODIFY_STATE, &timer);
    if (!NT_SUCCESS(status))
        return status;
    BOOLEAN old = timer->Header.SignalState != 0;
    KeSetTimerEx(timer, due, Period, NULL);
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
    KeCancelTimer(timer);
    BOOLEAN state = timer->Header.SignalState != 0;
    ObDereferenceObject(timer);
    return CurrentState ? MmCopyToUser(CurrentState, &state, sizeof(state)) : STATUS_SUCCESS;
}
