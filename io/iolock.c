/*
 * iolock.c - the file-system lock: one lock serialises every FAT library call, every disk
 * command and the I/O manager's file-object state. It is a recursive owner flag, not a
 * dispatcher object (ke/wait.c is being rewritten): a thread that finds it taken yields
 * (KiYieldThread) until it is free. Kernel code is not preempted, so the owner only loses the
 * processor while the disk driver waits for an interrupt, and then runs again as soon as the
 * waiter yields back. Caveat: a waiter of higher priority than the owner would spin; user
 * threads all run at the same priority today (docs/io.md).
 */
#include "iop.h"
#include "ki.h"

static PKTHREAD IopFsLockOwner;
static ULONG IopFsLockDepth;

/* IopAcquireFsLock - take the lock (again, if the current thread holds it). */
VOID IopAcquireFsLock(VOID)
{
    PKTHREAD self = KeGetCurrentThread();
    for (;;) {
        ULONG flags = KeDisableInterrupts();
        if (!IopFsLockOwner || IopFsLockOwner == self) {
            IopFsLockOwner = self;
            IopFsLockDepth++;
            KeRestoreInterrupts(flags);
            return;
        }
        KeRestoreInterrupts(flags);
        KiYieldThread();
    }
}

/* IopReleaseFsLock - undo one IopAcquireFsLock of the current thread. */
VOID IopReleaseFsLock(VOID)
{
    ULONG flags = KeDisableInterrupts();
    ASSERT(IopFsLockOwner == KeGetCurrentThread() && IopFsLockDepth);
    if (--IopFsLockDepth == 0)
        IopFsLockOwner = NULL;
    KeRestoreInterrupts(flags);
}
