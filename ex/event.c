/*
 * event.c - event objects and their services: NtCreateEvent, NtSetEvent, NtResetEvent,
 * NtPulseEvent (NT signatures). The object body is a KEVENT.
 */
#include "ob.h"
#include "mm.h"
#include "ntpsapi.h"

static OBJECT_TYPE ExpEventType = {
    .Name = "Event", .ValidAccessMask = EVENT_ALL_ACCESS, .GenericRead = STANDARD_RIGHTS_READ | EVENT_QUERY_STATE,
    .GenericWrite = STANDARD_RIGHTS_WRITE | EVENT_MODIFY_STATE, .GenericExecute = STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
    .GenericAll = EVENT_ALL_ACCESS,
    .PoolTag = 'tvE ', .Waitable = TRUE,
};
POBJECT_TYPE ExEventObjectType = &ExpEventType;

/*
 * NtCreateEvent - In: where to return the handle, its access, OBJECT_ATTRIBUTES (or NULL; a
 * name such as "\BaseNamedObjects\X" enters the namespace, see ob/obdir.c), NotificationEvent
 * or SynchronizationEvent, the initial state. Result: STATUS_SUCCESS, STATUS_OBJECT_NAME_EXISTS
 * (OBJ_OPENIF opened an existing event), STATUS_OBJECT_NAME_COLLISION,
 * STATUS_OBJECT_TYPE_MISMATCH, STATUS_OBJECT_NAME_INVALID, STATUS_OBJECT_PATH_NOT_FOUND,
 * STATUS_OBJECT_PATH_SYNTAX_BAD, STATUS_INVALID_PARAMETER, STATUS_ACCESS_VIOLATION,
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS NTAPI NtCreateEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                             EVENT_TYPE EventType, BOOLEAN InitialState)
{
    if (EventType != NotificationEvent && EventType != SynchronizationEvent)
        return STATUS_INVALID_PARAMETER;
    OBJECT_CREATE_INFORMATION info;
    NTSTATUS status = ObCaptureObjectAttributes(ObjectAttributes, &info);
    if (!NT_SUCCESS(status))
        return status;
    PKEVENT event;
    status = ObCreateObject(ExEventObjectType, sizeof(KEVENT), (PVOID *)&event);
    if (!NT_SUCCESS(status)) {
        ObReleaseObjectCreateInformation(&info);
        return status;
    }
    KeInitializeEvent(event, EventType == NotificationEvent ? EventNotificationObject : EventSynchronizationObject,
                      InitialState);
    status = ObInsertObjectByName(event, &info, DesiredAccess, EventHandle);
    ObDereferenceObject(event);
    return status;
}

/* NtOpenEvent - In: where to write the handle, the access, attributes naming an event. Result:
   STATUS_SUCCESS, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_TYPE_MISMATCH, the name errors of
   NtCreateEvent, STATUS_ACCESS_VIOLATION. */
NTSTATUS NTAPI NtOpenEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes)
{
    return ObOpenObjectByName(ObjectAttributes, ExEventObjectType, DesiredAccess, EventHandle);
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
