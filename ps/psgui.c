/*
 * psgui.c - PsConvertToGuiThread: a thread's first call into the GUI service table makes it a GUI
 * thread (docs/spec.md §6.3). As on NT: the GUI component allocates the thread's Win32Thread state
 * (through the callout it registered), the thread moves to a large kernel stack, and
 * KTHREAD.ServiceTable points at KeServiceDescriptorTableShadow. Threads that never call table 1
 * keep the small stack and the plain table. Thread exit gives the GUI component the state back.
 */
#include "psp.h"
#include "mm.h"
#include "rtl.h"

/* Set by the GUI component (win32k) when it initialises. */
NTSTATUS (*PsW32ThreadCallout)(PETHREAD Thread, BOOLEAN Initialize);

static PVOID PspOldStackBase;            /* the small stack, freed once we are off it */
static ULONG PspOldStackPages;

/*
 * PsConvertToGuiThread - In: the current thread's service trap frame, the only thing on its stack
 * (the dispatcher calls from there). Result: STATUS_SUCCESS with KTHREAD.TrapFrame pointing at
 * the frame's copy on the large stack (the caller switches to it and then calls
 * KiFreeSmallStackAfterConversion); STATUS_ACCESS_DENIED for a thread that may not convert (a
 * system thread); STATUS_NO_MEMORY / the callout's status on failure, with nothing changed.
 */
NTSTATUS PsConvertToGuiThread(PKTRAP_FRAME TrapFrame)
{
    PETHREAD thread = PsGetCurrentThread();
    PKTHREAD t = &thread->Tcb;
    if (KeGetThreadExtension(t)->SystemThread || t->Teb == NULL)
        return STATUS_ACCESS_DENIED;
    if (!PsW32ThreadCallout)
        return STATUS_INVALID_SYSTEM_SERVICE;

    ULONG pages = KERNEL_LARGE_STACK_SIZE / PAGE_SIZE;
    PVOID limit;
    PVOID base = MmCreateKernelStack(pages, &limit);
    if (!base)
        return STATUS_NO_MEMORY;
    NTSTATUS status = PsW32ThreadCallout(thread, TRUE);
    if (!NT_SUCCESS(status)) {
        MmDeleteKernelStack(base, pages);
        return status;
    }

    /* copy the top of the stack (NPX area and trap frame) to the same place on the new one */
    ULONG used = (ULONG)t->StackBase - (ULONG)TrapFrame;
    PUCHAR newTop = (PUCHAR)base - used;
    ULONG flags = KeDisableInterrupts();
    memcpy(newTop, TrapFrame, used);
    PspOldStackBase = t->StackBase;
    PspOldStackPages = KeGetThreadExtension(t)->StackPages;
    t->StackBase = base;
    t->StackLimit = limit;
    KeGetThreadExtension(t)->StackPages = pages;
    t->TrapFrame = (PKTRAP_FRAME)newTop;
    KeSetInitialStackCurrentThread(base);
    t->ServiceTable = KeServiceDescriptorTableShadow;
    KeRestoreInterrupts(flags);
    return STATUS_SUCCESS;
}

/* Called on the new stack right after the switch: the small stack is no longer in use. */
VOID PspFreeSmallStackAfterConversion(VOID)
{
    if (PspOldStackBase) {
        MmDeleteKernelStack(PspOldStackBase, PspOldStackPages);
        PspOldStackBase = NULL;
    }
}
