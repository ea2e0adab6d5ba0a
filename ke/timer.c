/*
 * timer.c - dispatcher timers. Due times are kept in clock ticks (HAL_CLOCK_HZ per second) in one
 * list sorted by due tick; the clock interrupt (KiClockTick -> KiCheckTimers) signals every timer
 * that is due, wakes its waiters, re-arms periodic timers and runs the timer's DPC directly (there
 * is no DPC queue: the routine runs at the end of the clock interrupt, interrupts disabled).
 *
 * Times are NT's 100 ns units: negative = relative to now, positive = absolute. NanoNT has no
 * real-time clock yet, so absolute times count from boot (KeTickCount * 100000).
 */
#include "ke.h"
#include "ki.h"
#include "hal.h"
#include "ntlist.h"

static LIST_ENTRY KiTimerListHead = { &KiTimerListHead, &KiTimerListHead };

#define KI_100NS_PER_TICK (10000000ULL / HAL_CLOCK_HZ)

/* KiTimeToTick - the clock tick at which a due time (100 ns units) has passed. */
ULONGLONG KiTimeToTick(LONGLONG Time)
{
    ULONGLONG now = KeTickCount;
    if (Time < 0) {
        ULONGLONG rel = (ULONGLONG)(-(Time + 1)) + 1;      /* no overflow at the minimum */
        ULONGLONG ticks = rel / KI_100NS_PER_TICK + (rel % KI_100NS_PER_TICK != 0);
        return now + ticks;
    }
    ULONGLONG abs = (ULONGLONG)Time / KI_100NS_PER_TICK + ((ULONGLONG)Time % KI_100NS_PER_TICK != 0);
    return abs > now ? abs : now;
}

/* Link a timer into the sorted list (interrupts disabled). */
VOID KiInsertTimer(PKTIMER Timer, ULONGLONG DueTick)
{
    Timer->DueTick = DueTick;
    PLIST_ENTRY e = KiTimerListHead.Flink;
    while (e != &KiTimerListHead && CONTAINING_RECORD(e, KTIMER, TimerListEntry)->DueTick <= DueTick)
        e = e->Flink;
    InsertTailList(e, &Timer->TimerListEntry);        /* i.e. just before e */
    Timer->Header.Inserted = TRUE;
}

VOID KiRemoveTimer(PKTIMER Timer)
{
    RemoveEntryList(&Timer->TimerListEntry);
    Timer->Header.Inserted = FALSE;
}

/* A timer is due: signal it, wake its waiters, re-arm it if periodic, run its DPC. */
static VOID KiExpireTimer(PKTIMER Timer)
{
    Timer->Header.SignalState = 1;
    KiWaitTest(&Timer->Header);
    if (Timer->Period) {
        ULONGLONG ticks = ((ULONGLONG)Timer->Period * HAL_CLOCK_HZ + 999) / 1000;
        KiInsertTimer(Timer, KeTickCount + (ticks ? ticks : 1));
    }
    if (Timer->Dpc)
        Timer->Dpc->DeferredRoutine(Timer->Dpc, Timer->Dpc->DeferredContext, Timer->Dpc->SystemArgument1,
                                    Timer->Dpc->SystemArgument2);
}

/* From the clock interrupt (interrupts disabled). */
VOID KiCheckTimers(VOID)
{
    while (!IsListEmpty(&KiTimerListHead)) {
        PKTIMER timer = CONTAINING_RECORD(KiTimerListHead.Flink, KTIMER, TimerListEntry);
        if (timer->DueTick > KeTickCount)
            break;
        KiRemoveTimer(timer);
        KiExpireTimer(timer);
    }
}

/* KeInitializeTimerEx - In: the timer and its type (TimerNotificationObject or
   TimerSynchronizationObject). The timer starts not signalled and not set. */
VOID KeInitializeTimerEx(PKTIMER Timer, KOBJECTS Type)
{
    Timer->Header.Type = (UCHAR)Type;
    Timer->Header.SignalState = 0;
    InitializeListHead(&Timer->Header.WaitListHead);
    Timer->Header.Inserted = FALSE;
    Timer->Period = 0;
    Timer->Dpc = NULL;
}

/*
 * KeSetTimerEx - (re)arm a timer. In: due time (100 ns units), period in ms (0 = once), an
 * optional DPC. The timer becomes not signalled; a due time already passed expires it at once.
 * Result: TRUE if the timer was set before (it is cancelled first).
 */
BOOLEAN KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period, PKDPC Dpc)
{
    ULONG flags = KeDisableInterrupts();
    BOOLEAN was = Timer->Header.Inserted;
    if (was)
        KiRemoveTimer(Timer);
    Timer->Header.SignalState = 0;
    Timer->Period = Period > 0 ? Period : 0;
    Timer->Dpc = Dpc;
    ULONGLONG due = KiTimeToTick(DueTime.QuadPart);
    if (due <= KeTickCount)
        KiExpireTimer(Timer);
    else
        KiInsertTimer(Timer, due);
    KeRestoreInterrupts(flags);
    return was;
}

/* KeCancelTimer - stop a timer (its signal state is unchanged). Result: TRUE if it was set. */
BOOLEAN KeCancelTimer(PKTIMER Timer)
{
    ULONG flags = KeDisableInterrupts();
    BOOLEAN was = Timer->Header.Inserted;
    if (was)
        KiRemoveTimer(Timer);
    KeRestoreInterrupts(flags);
    return was;
}
