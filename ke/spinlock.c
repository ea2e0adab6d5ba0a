/*
 * spinlock.c - spin locks, NT's model: KeAcquireSpinLock raises to DISPATCH_LEVEL and then spins
 * on the lock word, KeAcquireSpinLockAtDpcLevel only spins. The lock word holds the owning thread
 * with bit 0 set, so a second acquire by the owner is a bugcheck (SPIN_LOCK_ALREADY_OWNED) instead
 * of a hang, and a release by another thread is one too (SPIN_LOCK_NOT_OWNED).
 *
 * Queued spin locks serve waiters in the order they asked, as NT's do; here they are ticket locks
 * (every waiter spins on the lock word, not on its own queue entry as in NT's list of waiters).
 * KeAcquireQueuedSpinLock takes one of the kernel's numbered locks with this processor's own
 * queue entry for it (LockQueueDispatcherLock: the dispatcher database);
 * KeAcquireInStackQueuedSpinLock any lock with a caller's handle.
 */
#include "ke.h"
#include "ki.h"
#include "hal.h"
#include "arch.h"

static KSPIN_LOCK KiQueuedSpinLock[LockQueueMaximumLock];
static KSPIN_LOCK_QUEUE KiLockQueue[HAL_MAXIMUM_PROCESSORS][LockQueueMaximumLock];

VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock)
{
    *SpinLock = 0;
}

VOID KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    KSPIN_LOCK me = (KSPIN_LOCK)KeGetCurrentThread() | 1;
    if (*(volatile KSPIN_LOCK *)SpinLock == me)
        KeBugCheckEx(SPIN_LOCK_ALREADY_OWNED, (ULONG_PTR)SpinLock, me, 0, 0);
    for (;;) {
        KSPIN_LOCK expected = 0;
        if (__atomic_compare_exchange_n(SpinLock, &expected, me, FALSE, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            return;
        while (*(volatile KSPIN_LOCK *)SpinLock)
            __asm__ volatile("pause");
    }
}

VOID KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
    KSPIN_LOCK me = (KSPIN_LOCK)KeGetCurrentThread() | 1;
    if (*(volatile KSPIN_LOCK *)SpinLock != me)
        KeBugCheckEx(SPIN_LOCK_NOT_OWNED, (ULONG_PTR)SpinLock, *SpinLock, me, 0);
    __atomic_store_n(SpinLock, 0, __ATOMIC_RELEASE);
}

BOOLEAN KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    KSPIN_LOCK expected = 0;
    return __atomic_compare_exchange_n(SpinLock, &expected, (KSPIN_LOCK)KeGetCurrentThread() | 1,
                                       FALSE, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

VOID KeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql)
{
    *OldIrql = KfRaiseIrql(DISPATCH_LEVEL);
    KeAcquireSpinLockAtDpcLevel(SpinLock);
}

VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    KeReleaseSpinLockFromDpcLevel(SpinLock);
    KfLowerIrql(NewIrql);
}

/*
 * The queued acquire and release: a ticket lock. The lock word's low half is the ticket being
 * served, its high half the next ticket to hand out; a waiter takes a ticket and spins until it
 * is served, so waiters get the lock in the order they asked. Entry records the lock and the
 * ticket (NT's KSPIN_LOCK_QUEUE fields Lock and Next, used here as lock and ticket).
 */
static VOID KiAcquireQueuedSpinLock(PKSPIN_LOCK SpinLock, PKSPIN_LOCK_QUEUE Entry)
{
    ULONG ticket = __atomic_fetch_add(SpinLock, 0x10000, __ATOMIC_ACQUIRE) >> 16;
    Entry->Lock = SpinLock;
    Entry->Next = (PKSPIN_LOCK_QUEUE)(ULONG_PTR)ticket;
    while ((__atomic_load_n(SpinLock, __ATOMIC_ACQUIRE) & 0xFFFF) != ticket)
        __asm__ volatile("pause");
}

static VOID KiReleaseQueuedSpinLock(PKSPIN_LOCK_QUEUE Entry)
{
    PKSPIN_LOCK lock = Entry->Lock;
    ULONG next = ((ULONG)(ULONG_PTR)Entry->Next + 1) & 0xFFFF;
    /* only the holder writes the low half: a 16-bit store leaves the ticket counter alone */
    __atomic_store_n((volatile USHORT *)lock, (USHORT)next, __ATOMIC_RELEASE);
}

static PKSPIN_LOCK_QUEUE KiCurrentLockQueue(KSPIN_LOCK_QUEUE_NUMBER Number)
{
    return &KiLockQueue[KeNumberProcessors > 1 ? KeGetPcr()->Number : 0][Number];
}

/* KeAcquireQueuedSpinLock - one of the kernel's numbered locks, at DISPATCH_LEVEL (the dispatcher
   database lock at SYNCH_LEVEL: the clock interrupt takes it). Result: the previous IRQL. */
KIRQL KeAcquireQueuedSpinLock(KSPIN_LOCK_QUEUE_NUMBER Number)
{
    KIRQL old = KfRaiseIrql(Number == LockQueueDispatcherLock ? SYNCH_LEVEL : DISPATCH_LEVEL);
    KiAcquireQueuedSpinLock(&KiQueuedSpinLock[Number], KiCurrentLockQueue(Number));
    return old;
}

VOID KeReleaseQueuedSpinLock(KSPIN_LOCK_QUEUE_NUMBER Number, KIRQL OldIrql)
{
    KiReleaseQueuedSpinLock(KiCurrentLockQueue(Number));
    KfLowerIrql(OldIrql);
}

VOID KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    LockHandle->OldIrql = KfRaiseIrql(DISPATCH_LEVEL);
    KiAcquireQueuedSpinLock(SpinLock, &LockHandle->LockQueue);
}

VOID KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle)
{
    KiReleaseQueuedSpinLock(&LockHandle->LockQueue);
    KfLowerIrql(LockHandle->OldIrql);
}

VOID KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    KiAcquireQueuedSpinLock(SpinLock, &LockHandle->LockQueue);
}

VOID KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle)
{
    KiReleaseQueuedSpinLock(&LockHandle->LockQueue);
}

/* KiLockDispatcherDatabase / KiUnlockDispatcherDatabase - the dispatcher database lock: SYNCH_LEVEL
   (interrupts off) and the queued lock LockQueueDispatcherLock. */
KIRQL KiLockDispatcherDatabase(VOID)
{
    return KeAcquireQueuedSpinLock(LockQueueDispatcherLock);
}

VOID KiUnlockDispatcherDatabase(KIRQL OldIrql)
{
    KeReleaseQueuedSpinLock(LockQueueDispatcherLock, OldIrql);
}
