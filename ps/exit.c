/*
 * exit.c - thread and process termination. A thread cannot free the kernel stack it runs on, so
 * a dead thread goes on the reaper list and whichever thread runs next frees it
 * (KiReapDeadThreads). The last thread of a process tears down the address space (after moving to
 * the system page directory) and signals the process; the initial process powers the machine off
 * with its status (SPEC 1).
 */
#include "psp.h"
#include "ki.h"
#include "mm.h"
#include "pool.h"
#include "hal.h"
#include "rtl.h"
#include "arch.h"

static LIST_ENTRY PspReaperList = { &PspReaperList, &PspReaperList };

static VOID RemoveEntry(PLIST_ENTRY e)
{
    e->Blink->Flink = e->Flink;
    e->Flink->Blink = e->Blink;
    e->Flink = e->Blink = e;
}

VOID KiSignalDispatcherObject(DISPATCHER_HEADER *Header);   /* ke/wait.c */
VOID KiRundownThread(PKTHREAD Thread);
extern NTSTATUS (*PsW32ThreadCallout)(PETHREAD Thread, BOOLEAN Initialize);                       /* ke/apc.c: flush APC queues */

VOID PspDeleteProcessObject(PEPROCESS Process)
{
    if (Process->ImageBytes)
        ExFreePoolWithTag(Process->ImageBytes, 'gmIP');
    ExFreePoolWithTag(Process, 'orPP');
}

/* Free threads that died, except the one running now (interrupts may be on or off). */
VOID KiReapDeadThreads(VOID)
{
    ULONG flags = KeDisableInterrupts();
    PKTHREAD current = KeGetCurrentThread();
    PLIST_ENTRY e = PspReaperList.Flink;
    while (e != &PspReaperList) {
        PETHREAD thread = CONTAINING_RECORD(e, ETHREAD, ThreadListEntry);
        e = e->Flink;
        if (&thread->Tcb == current)
            continue;
        RemoveEntry(&thread->ThreadListEntry);
        MmDeleteKernelStack(thread->Tcb.StackBase, thread->Tcb.StackPages);
        PEPROCESS process = (PEPROCESS)thread->Tcb.Process;
        BOOLEAN lastThread = (--process->Pcb.ThreadCount == 0);
        ExFreePoolWithTag(thread, 'rhTP');
        if (lastThread)
            PspDeleteProcessObject(process);
    }
    KeRestoreInterrupts(flags);
}

DECLSPEC_NORETURN VOID PspExitThread(NTSTATUS ExitStatus)
{
    PETHREAD thread = PsGetCurrentThread();
    PKTHREAD t = &thread->Tcb;
    PEPROCESS process = PsGetCurrentProcess();

    KiRundownThread(t);
    if (t->Win32Thread && PsW32ThreadCallout)
        PsW32ThreadCallout(thread, FALSE);     /* the GUI component frees its thread state */
    _disable();
    thread->ExitStatus = ExitStatus;
    RemoveEntry(&t->ThreadListEntry);
    if (thread->TebVa)
        PspFreeTeb(process, thread->TebVa);
    if (thread->UserStackSize)
        MmFreeUserRange(process->Pcb.DirectoryTableBase, thread->UserStackBase, thread->UserStackSize);
    t->Header.SignalState = 1;
    KiSignalDispatcherObject(&t->Header);

    if (--process->ActiveThreads == 0) {
        if (process->ExitStatus == STATUS_PENDING)
            process->ExitStatus = ExitStatus;
        if (process->IsInitialProcess) {
            DbgPrint("init exited with status 0x%08X\n", (unsigned)process->ExitStatus);
            HalPowerOff(process->ExitStatus == STATUS_SUCCESS ? 0 : 1);
        }
        /* leave the address space before deleting it; the kernel half is the same everywhere */
        KeSetCr3(MmSystemDirectoryTableBase);
        MmDeleteProcessAddressSpace(process->Pcb.DirectoryTableBase);
        process->Pcb.DirectoryTableBase = MmSystemDirectoryTableBase;
        RemoveEntry(&process->ActiveProcessLinks);
        PspProcessCount--;
        process->Pcb.Header.SignalState = 1;
        KiSignalDispatcherObject(&process->Pcb.Header);
    }

    /* onto the reaper list (reusing ThreadListEntry of the ETHREAD) and away for good */
    thread->ThreadListEntry.Flink = &PspReaperList;
    thread->ThreadListEntry.Blink = PspReaperList.Blink;
    PspReaperList.Blink->Flink = &thread->ThreadListEntry;
    PspReaperList.Blink = &thread->ThreadListEntry;
    t->State = Terminated;
    KiSwapThread();
    KeBugCheckEx(TRAP_CAUSE_UNKNOWN, 0xDEAD, (ULONG_PTR)t, 0, 0);
}

/* Ask every thread of a process to end; the caller's own thread ends last if it belongs to it. */
VOID PspTerminateProcess(PEPROCESS Process, NTSTATUS ExitStatus)
{
    ULONG flags = KeDisableInterrupts();
    if (Process->ExitStatus == STATUS_PENDING)
        Process->ExitStatus = ExitStatus;
    for (PLIST_ENTRY e = Process->Pcb.ThreadListHead.Flink; e != &Process->Pcb.ThreadListHead; e = e->Flink) {
        PKTHREAD t = CONTAINING_RECORD(e, KTHREAD, ThreadListEntry);
        t->Terminating = TRUE;
        PETHREAD et = (PETHREAD)t;
        et->ExitStatus = ExitStatus;
        extern VOID KiWakeForTermination(PKTHREAD Thread);
        KiWakeForTermination(t);
    }
    KeRestoreInterrupts(flags);
    if (PsGetCurrentProcess() == Process)
        PspExitThread(ExitStatus);
}

/* A frame that could not be restored (ke/i386/trap.S KiExitFault): the thread ends cleanly. */
VOID KiTerminateAfterExitFault(VOID)
{
    DbgPrint("NanoNT: thread %p could not return to user mode (bad frame): terminated\n",
             KeGetCurrentThread());
    PspExitThread(STATUS_ACCESS_VIOLATION);
}
