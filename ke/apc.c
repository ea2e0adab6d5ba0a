/*
 * apc.c - asynchronous procedure calls (phase 1: queue rundown at thread exit).
 */
#include "ke.h"
#include "ki.h"

VOID KiRundownThread(PKTHREAD Thread)
{
    UNREFERENCED_PARAMETER(Thread);
}

BOOLEAN KiDeliverUserApc(PKTRAP_FRAME TrapFrame)
{
    UNREFERENCED_PARAMETER(TrapFrame);
    KeGetCurrentThread()->ApcState.UserApcPending = FALSE;
    return FALSE;
}

VOID KiDeliverKernelApcs(VOID)
{
    KeGetCurrentThread()->ApcState.KernelApcPending = FALSE;
}

/* KeTestAlertThread - make queued user APCs deliverable on the way out (NtTestAlert). */
BOOLEAN KeTestAlertThread(KPROCESSOR_MODE AlertMode)
{
    PKTHREAD t = KeGetCurrentThread();
    ULONG flags = KeDisableInterrupts();
    BOOLEAN alerted = t->Alerted[AlertMode];
    t->Alerted[AlertMode] = FALSE;
    if (AlertMode == UserMode && t->ApcState.ApcListHead[UserMode].Flink != &t->ApcState.ApcListHead[UserMode]) {
        t->ApcState.UserApcPending = TRUE;
        if (t->TrapFrame)
            t->TrapFrame->ErrCode = 0;     /* the fast exit's one test now fails: see NOTES.md */
    }
    KeRestoreInterrupts(flags);
    return alerted;
}
