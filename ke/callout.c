/*
 * callout.c - the kernel's calls into the layers above it go through what those layers register
 * here at boot (inc/ke.h explains which and why): the process structure's routines, and the
 * user-mode entry points of the system ntdll.
 */
#include "ke.h"
#include "ki.h"

KE_PROCESS_CALLOUTS KeProcessCallouts;
ULONG KeUserApcDispatcher;
ULONG KeUserExceptionDispatcher;
ULONG KeUserFastSystemCall;
ULONG KeUserFastSystemCallRet;
ULONG KeUserIntSystemCall;

/* KeRegisterProcessCallouts - ps/ registers its routines once, before the first thread runs. */
VOID KeRegisterProcessCallouts(const KE_PROCESS_CALLOUTS *Callouts)
{
    if (Callouts->ExitThread == NULL || Callouts->ExitTerminatingThread == NULL ||
        Callouts->TerminateProcess == NULL ||
        Callouts->ReapDeadThreads == NULL || Callouts->ConvertToGuiThread == NULL ||
        Callouts->FreeSmallStackAfterConversion == NULL) {
        KeBugCheckEx(PHASE0_INITIALIZATION_FAILED, 0x4B43, 0, 0, 0);
    }
    KeProcessCallouts = *Callouts;
}

/* KiTerminateAfterExitFault - the return to user mode faulted on the user's frame (trap.S):
   the thread cannot continue, so it ends with STATUS_ACCESS_VIOLATION. */
DECLSPEC_NORETURN VOID KiTerminateAfterExitFault(VOID)
{
    DbgPrint("NanoNT: thread %p could not return to user mode (bad frame): terminated\n",
             KeGetCurrentThread());
    KeProcessCallouts.ExitThread(STATUS_ACCESS_VIOLATION);
}
