/*
 * eventobj.c - event dispatcher objects. A notification event stays signalled and releases every
 * waiter; a synchronization event releases one waiter and resets itself (KiSatisfyObjectWait).
 */
#include "ke.h"
#include "ki.h"
#include "ntlist.h"

/* KeInitializeEvent - In: the event, EventNotificationObject or EventSynchronizationObject, and
   its initial state. */
VOID KeInitializeEvent(PKEVENT Event, KOBJECTS Type, BOOLEAN State)
{
    Event->Header.Type = (UCHAR)Type;
    Event->Header.SignalState = State ? 1 : 0;
    InitializeListHead(&Event->Header.WaitListHead);
}

/* KeSetEvent - signal the event and release its waiters. Result: the previous state. */
LONG KeSetEvent(PKEVENT Event)
{
    ULONG flags = KiDisableInterrupts();
    LONG old = Event->Header.SignalState;
    Event->Header.SignalState = 1;
    if (!old)
        KiWaitTest(&Event->Header);
    KiRestoreInterrupts(flags);
    return old;
}

/* KeResetEvent - make the event not signalled. Result: the previous state. */
LONG KeResetEvent(PKEVENT Event)
{
    ULONG flags = KiDisableInterrupts();
    LONG old = Event->Header.SignalState;
    Event->Header.SignalState = 0;
    KiRestoreInterrupts(flags);
    return old;
}

/* KePulseEvent - release the current waiters (all, or one for a synchronization event), then
   leave the event not signalled. Result: the previous state. */
LONG KePulseEvent(PKEVENT Event)
{
    ULONG flags = KiDisableInterrupts();
    LONG old = Event->Header.SignalState;
    if (!old) {
        Event->Header.SignalState = 1;
        KiWaitTest(&Event->Header);
    }
    Event->Header.SignalState = 0;
    KiRestoreInterrupts(flags);
    return old;
}
