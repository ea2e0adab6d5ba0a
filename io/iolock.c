/*
 * iolock.c - the file-system lock: one kernel mutant serialises every FAT library call, every
 * disk command and the I/O manager's file-object state. A mutant is recursive for its owner,
 * makes a waiter block (so threads of any priority can share the disk without one spinning while
 * another holds the lock) and is abandoned, not leaked, if its owner is terminated.
 */
#include "iop.h"

static KMUTANT IopFsMutant;
static BOOLEAN IopFsMutantReady;

/* IopAcquireFsLock - take the lock (again, if the current thread holds it). */
VOID IopAcquireFsLock(VOID)
{
    if (!IopFsMutantReady) {
        KeInitializeMutant(&IopFsMutant, FALSE);        /* first use, during boot */
        IopFsMutantReady = TRUE;
    }
    KeWaitForSingleObject(&IopFsMutant, Executive, KernelMode, FALSE, NULL);
}

/* IopReleaseFsLock - undo one IopAcquireFsLock of the current thread. */
VOID IopReleaseFsLock(VOID)
{
    NTSTATUS status = KeReleaseMutant(&IopFsMutant, FALSE, NULL);
    ASSERT(NT_SUCCESS(status));
}
