/*
 * w32thread.c - the per-thread GUI state. PsConvertToGuiThread calls W32pThreadCallout (through
 * PsW32ThreadCallout) when a thread first uses table 1; thread exit calls it again to free the
 * state. The first GUI thread also takes the screen from the boot console.
 */
#include "w32p.h"
#include "pool.h"
#include "rtl.h"

#define W32P_THREAD_TAG POOL_TAG('U', 's', 't', 'i')

ULONG W32pGuiThreadLimit = 256;          /* kernel word guithreads=N (w32init.c) */
W32P_STATISTICS W32pStatistics;

/*
 * W32pThreadCallout - In: the thread; Initialize TRUE when it converts (its KTHREAD.Win32Thread
 * is then set), FALSE when it exits (the state is freed). Result: STATUS_SUCCESS,
 * STATUS_QUOTA_EXCEEDED when guithreads=N GUI threads already exist, STATUS_NO_MEMORY.
 */
NTSTATUS W32pThreadCallout(PETHREAD Thread, BOOLEAN Initialize)
{
    PKTHREAD t = &Thread->Tcb;
    if (!Initialize) {
        PW32THREAD w = t->Win32Thread;
        if (w) {
            t->Win32Thread = NULL;
            ExFreePoolWithTag(w, W32P_THREAD_TAG);
            W32pStatistics.GuiThreads--;
        }
        return STATUS_SUCCESS;
    }
    if (W32pStatistics.GuiThreads >= W32pGuiThreadLimit)
        return STATUS_QUOTA_EXCEEDED;
    PW32THREAD w = ExAllocatePoolZero(NonPagedPool, sizeof(W32THREAD), W32P_THREAD_TAG);
    if (!w)
        return STATUS_NO_MEMORY;
    w->Thread = Thread;
    t->Win32Thread = w;
    W32pStatistics.ThreadsConverted++;
    W32pStatistics.GuiThreads++;
    if (W32pConsoleActive)
        W32pReleaseConsole();               /* the screen is the GUI's now; COM1 goes on */
    return STATUS_SUCCESS;
}
