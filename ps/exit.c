/*
 * exit.c - thread and process termination, and the end of their objects.
 *
 * A thread ends only by itself (PspExitThread): others ask it to (Terminating, plus waking its
 * user-mode wait and clearing its suspension) and it notices on its way back to user mode. It
 * runs down its APCs and mutants, frees its TEB and user stack, is signalled, and - the last
 * thread of its process - closes the process's handles (ObKillProcess), deletes the address
 * space and signals the process; the initial process powers the machine off with its status
 * (docs/spec.md §1). A thread cannot free the kernel stack it runs on, so it goes on the reaper list and
 * whichever thread runs next frees the stack and drops the thread's life reference
 * (PspReapDeadThreads). The ETHREAD / EPROCESS memory goes when their last reference goes.
 */
#include "psp.h"
#include "mm.h"
#include "pool.h"
#include "hal.h"
#include "rtl.h"
#include "arch.h"
#include "ntlist.h"

static LIST_ENTRY PspReaperList = { &PspReaperList, &PspReaperList };

/* The entries removed here are left as empty lists (InitializeListHead after RemoveEntryList):
   a removed entry then points at itself rather than into a list it is no longer on. */


/* Delete procedure of process objects: whatever creation or exit left behind. */
VOID PspDeleteProcess(PVOID Object)
{
    PEPROCESS process = Object;
    /* a process that never had a thread (NtCreateProcessEx) is still on the active list */
    ULONG flags = KeDisableInterrupts();
    if (!IsListEmpty(&process->ActiveProcessLinks)) {
        RemoveEntryList(&process->ActiveProcessLinks);
        InitializeListHead(&process->ActiveProcessLinks);
        PspProcessCount--;
    }
    KeRestoreInterrupts(flags);
    ObKillProcess(process);
    if (process->Pcb.DirectoryTableBase && process->Pcb.DirectoryTableBase != MmSystemDirectoryTableBase)
        MmDeleteProcessAddressSpace(process->Pcb.DirectoryTableBase);
    MmDeleteVads(process);
    if (process->ImageBytes && !PspIsBootModuleImage(process->ImageBytes))
        ExFreePoolWithTag(process->ImageBytes, 'gmIP');
}

/* Delete procedure of thread objects: a thread that never ran still has its stack and TEB. */
VOID PspDeleteThread(PVOID Object)
{
    PETHREAD thread = Object;
    PEPROCESS process = thread->ThreadsProcess;
    if (thread->Tcb.StackBase)
        MmDeleteKernelStack(thread->Tcb.StackBase, thread->TcbExtension.StackPages);
    if (process) {
        if (thread->TebVa && !process->Exiting)
            PspFreeTeb(process, thread->TebVa);
        ObDereferenceObject(process);
    }
}

/* Free the stacks of threads that died, except the one running now; drop their life reference. */
VOID PspReapDeadThreads(VOID)
{
    if (IsListEmpty(&PspReaperList))        /* after every switch: usually nothing died */
        return;
    ULONG flags = KeDisableInterruptsInline();
    PKTHREAD current = KeGetCurrentThread();
    PLIST_ENTRY e = PspReaperList.Flink;
    while (e != &PspReaperList) {
        PETHREAD thread = CONTAINING_RECORD(e, ETHREAD, ReaperListEntry);
        e = e->Flink;
        if (&thread->Tcb == current)
            continue;
        RemoveEntryList(&thread->ReaperListEntry);
        InitializeListHead(&thread->ReaperListEntry);
        MmDeleteKernelStack(thread->Tcb.StackBase, thread->TcbExtension.StackPages);
        thread->Tcb.StackBase = NULL;
        thread->Reaped = TRUE;
        ObDereferenceObject(thread);
    }
    KeRestoreInterruptsInline(flags);
}

/* The last thread is leaving: close the handles, free the address space. */
static VOID PspExitProcess(PEPROCESS Process, NTSTATUS ExitStatus)
{
    Process->Exiting = TRUE;
    if (Process->ExitStatus == STATUS_PENDING)
        Process->ExitStatus = ExitStatus;
    ObKillProcess(Process);
    if (Process->IsInitialProcess) {
        DbgPrint("init exited with status 0x%08X\n", (unsigned)Process->ExitStatus);
        HalPowerOff(Process->ExitStatus == STATUS_SUCCESS ? 0 : 1);
    }
    /* leave the address space before deleting it; the kernel half is the same everywhere */
    KeSetCr3(MmSystemDirectoryTableBase);
    MmDeleteProcessAddressSpace(Process->Pcb.DirectoryTableBase);
    Process->Pcb.DirectoryTableBase = MmSystemDirectoryTableBase;
    MmDeleteVads(Process);
}

/*
 * PspExitThread - end the current thread with ExitStatus (never returns). Interrupts may be on
 * or off on entry.
 */
DECLSPEC_NORETURN VOID PspExitThread(NTSTATUS ExitStatus)
{
    PETHREAD thread = PsGetCurrentThread();
    PKTHREAD t = &thread->Tcb;
    PEPROCESS process = PsGetCurrentProcess();

    _enable();
    KeGetThreadExtension(t)->Terminating = TRUE;
    thread->ExitStatus = ExitStatus;
    KiRundownThread(t);
    KeRundownMutants(t);
    KeCancelTimer(&t->Timer);
    if (t->Win32Thread && PsW32ThreadCallout)
        PsW32ThreadCallout(thread, FALSE);       /* the GUI component frees its thread state */
    BOOLEAN last = process->ActiveThreads == 1;
    if (last) {
        PspExitProcess(process, ExitStatus);
    } else {
        if (thread->TebVa)
            PspFreeTeb(process, thread->TebVa);
        if (thread->UserStackBase) {
            ULONG base = thread->UserStackBase, size = 0;
            MmFreeVirtualMemory(process, &base, &size, MEM_RELEASE);
        }
    }
    thread->TebVa = 0;

    _disable();
    PLIST_ENTRY entry = &t->ThreadListEntry;
    RemoveEntryList(entry);
    InitializeListHead(entry);
    process->ActiveThreads--;
    t->Header.SignalState = 1;
    KiWaitTest(&t->Header);
    if (last) {
        RemoveEntryList(&process->ActiveProcessLinks);
        InitializeListHead(&process->ActiveProcessLinks);
        PspProcessCount--;
        process->Pcb.Header.SignalState = 1;
        KiWaitTest(&process->Pcb.Header);
    }

    /* onto the reaper list and away for good */
    InsertTailList(&PspReaperList, &thread->ReaperListEntry);
    KeTerminateThread();
}

/*
 * PspTerminateThreadByPointer - ask another thread to end with ExitStatus: it stops waiting in
 * user mode, any suspension is lifted, and it exits on its way back to user mode (its service
 * frame is unmarked so that the sysexit fast exit cannot skip that).
 */
VOID PspTerminateThreadByPointer(PETHREAD Thread, NTSTATUS ExitStatus)
{
    PKTHREAD t = &Thread->Tcb;
    ULONG flags = KeDisableInterruptsInline();
    if (!KeGetThreadExtension(t)->Terminating && t->State != Terminated) {
        KeGetThreadExtension(t)->Terminating = TRUE;
        Thread->ExitStatus = ExitStatus;
        KeForceGeneralExit(t);
        KiWakeForTermination(t);
        KeForceResumeThread(t);
    }
    KeRestoreInterruptsInline(flags);
}

/* Ask every thread of a process except the caller to end (NtTerminateProcess(NULL, ...) alone;
   the process's exit status stays that of its last thread). */
VOID PspTerminateOtherThreads(PEPROCESS Process, NTSTATUS ExitStatus)
{
    ULONG flags = KeDisableInterruptsInline();
    PKTHREAD current = KeGetCurrentThread();
    for (PLIST_ENTRY e = Process->Pcb.ThreadListHead.Flink; e != &Process->Pcb.ThreadListHead; e = e->Flink) {
        PKTHREAD t = CONTAINING_RECORD(e, KTHREAD, ThreadListEntry);
        if (t != current)
            PspTerminateThreadByPointer((PETHREAD)t, ExitStatus);
    }
    KeRestoreInterruptsInline(flags);
}

/* Ask every thread of a process to end; the caller's own thread ends last if it belongs to it. */
VOID PspTerminateProcess(PEPROCESS Process, NTSTATUS ExitStatus)
{
    ULONG flags = KeDisableInterruptsInline();
    if (Process->ExitStatus == STATUS_PENDING)
        Process->ExitStatus = ExitStatus;
    KeRestoreInterruptsInline(flags);
    PspTerminateOtherThreads(Process, ExitStatus);
    if (PsGetCurrentProcess() == Process)
        PspExitThread(ExitStatus);
}
