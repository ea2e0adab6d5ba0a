/*
 * event.c - event objects and their services: NtCreateEvent, NtSetEvent, NtResetEvent,
 * NtPulseEvent (NT signatures). The object body is a KEVENT.
 */
#include "ob.h"
#include "mm.h"
#include "ntpsapi.h"

static OBJECT_TYPE ExpEventType = {
    .Name = "Event", .ValidAccessMask = EVENT_ALL_ACCESS, .GenericAll = EVENT_ALL_ACCESS,
    .PoolTag = 'tvE ', .Waitable = TRUE,
};
POBJECT_TYPE ExEventObjectType = &ExpEventType;

/*
 * NtCreateEvent - In: where to return the handle, its access, unnamed OBJECT_ATTRIBUTES (or
 * NULL), NotificationEvent or SynchronizationEvent, the initial state. Result: STATUS_SUCCESS,
 * STATUS_INVALID_PARAMETER, STATUS_OBJECT_NAME_INVALID, STATUS_ACCESS_VIOLATION,
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS NTAPI NtCreateEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                             EVENT_TYPE EventType, BOOLEAN InitialState)
{
    if (EventType != NotificationEvent && EventType != SynchronizationEvent)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = ObCheckObjectAttributes(ObjectAttributes);
    if (!NT_SUCCESS(status))
        return status;
    PKEVENT event;
    status = ObCreateObject(ExEventObjectType, sizeof(KEVENT), (PVOID *)&event);
    if (!NT_SUCCESS(status))
        return status;
    KeInitializeEvent(event, EventType == NotificationEvent ? EventNotificationObject : EventSynchronizationObject,
                      InitialState);
    status = ObInsertObjectReturnHandle(event, DesiredAccess, EventHandle);
    ObDereferenceObject(event);
    return status;
}

/* The event behind a handle with EVENT_MODIFY_STATE, then an optional previous state out. */
static NTSTATUS ExpModifyEvent(HANDLE EventHandle, PLONG PreviousState, LONG (*Operation)(PKEVENT))
{
    PKEVENT event;
    NTSTATUS status = ObReferenceObjectByHandle(EventHandle, EVENT_MODIFY_STATE, ExEventObjectType, UserMode,
                                                (PVOID *)&event, NULL);
    if (!NT_SUCCESS(status))
        return status;
    LONG old = Operation(event);
    ObDereferenceObject(event);
    return PreviousState ? MmCopyToUser(PreviousState, &old, sizeof(old)) : STATUS_SUCCESS;
}

/* NtSetEvent - signal the event (releasing its waiters). PreviousState (optional) gets the old
   state. Result: STATUS_SUCCESS, STATUS_INVALID_HANDLE, STATUS_OBJECT_TYPE_MISMATCH,
   STATUS_ACCESS_DENIED, STATUS_ACCESS_VIOLATION. */
NTSTATUS NTAPI NtSetEvent(HANDLE EventHandle, PLONG PreviousState)
{
    return ExpModifyEvent(EventHandle, PreviousState, KeSetEvent);
}

/* NtResetEvent - make the event not signalled; as NtSetEvent otherwise. */
NTSTATUS NTAPI NtResetEvent(HANDLE EventHandle, PLONG PreviousState)
{
    return ExpModifyEvent(EventHandle, PreviousState, KeResetEvent);
}

/* NtPulseEvent - release the current waiters and leave the event not signalled. */
NTSTATUS NTAPI NtPulseEvent(HANDLE EventHandle, PLONG PreviousState)
{
    return ExpModifyEvent(EventHandle, PreviousState, KePulseEvent);
}
