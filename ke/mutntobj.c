/*
 * mutntobj.c - mutant dispatcher objects. SignalState 1 = free; an owner's recursive acquisitions
 * count down from 0. The owner keeps its mutants on KTHREAD.MutantListHead; a thread that ends
 * still owning one abandons it: the next thread to acquire it gets STATUS_ABANDONED_WAIT_0 + index.
 */
#include "ke.h"
#include "ki.h"
#include "ntlist.h"

/* KeInitializeMutant - In: the mutant and whether the current thread owns it from the start. */
VOID KeInitializeMutant(PKMUTANT Mutant, BOOLEAN InitialOwner)
{
    Mutant->Header.Type = MutantObject;
    InitializeListHead(&Mutant->Header.WaitListHead);
    Mutant->Abandoned = FALSE;
    if (InitialOwner) {
        PKTHREAD t = KeGetCurrentThread();
        ULONG flags = KiDisableInterrupts();
        Mutant->Header.SignalState = 0;
        Mutant->OwnerThread = t;
        InsertTailList(&t->MutantListHead, &Mutant->MutantListEntry);
        KiRestoreInterrupts(flags);
    } else {
        Mutant->Header.SignalState = 1;
        Mutant->OwnerThread = NULL;
    }
}

/*
 * KeReleaseMutant - release one level of ownership (Abandoned: all of it, from any thread: the
 * owner ended, or the mutant is being deleted). When it becomes free a waiter may take it.
 * Result: STATUS_SUCCESS (PreviousCount gets the old signal state) or STATUS_MUTANT_NOT_OWNED.
 */
NTSTATUS KeReleaseMutant(PKMUTANT Mutant, BOOLEAN Abandoned, PLONG PreviousCount)
{
    ULONG flags = KiDisableInterrupts();
    LONG old = Mutant->Header.SignalState;
    if (Abandoned) {
        if (Mutant->OwnerThread)
            RemoveEntryList(&Mutant->MutantListEntry);
        Mutant->Header.SignalState = 1;
        Mutant->Abandoned = Mutant->OwnerThread != NULL;
    } else {
        if (Mutant->OwnerThread != KeGetCurrentThread()) {
            KiRestoreInterrupts(flags);
            return STATUS_MUTANT_NOT_OWNED;
        }
        if (++Mutant->Header.SignalState == 1)
            RemoveEntryList(&Mutant->MutantListEntry);
    }
    if (Mutant->Header.SignalState == 1) {
        Mutant->OwnerThread = NULL;
        KiWaitTest(&Mutant->Header);
    }
    KiRestoreInterrupts(flags);
    if (PreviousCount)
        *PreviousCount = old;
    return STATUS_SUCCESS;
}

/* KeRundownMutants - the thread is ending: abandon every mutant it still owns. */
VOID KeRundownMutants(PKTHREAD Thread)
{
    ULONG flags = KiDisableInterrupts();
    /* (a thread whose KTHREAD was never initialised has a NULL list head: nothing to abandon) */
    while (Thread->MutantListHead.Flink && !IsListEmpty(&Thread->MutantListHead)) {
        PKMUTANT m = CONTAINING_RECORD(Thread->MutantListHead.Flink, KMUTANT, MutantListEntry);
        KeReleaseMutant(m, TRUE, NULL);
    }
    KiRestoreInterrupts(flags);
}
