/*
 * psctx.c - NtGetContextThread and NtSetContextThread (NT signatures).
 *
 * The current thread reads or writes its own trap frame. Another thread's user state is only
 * stable in that thread's own context, so - as NT does - the caller queues a special kernel APC
 * to it and waits: the APC runs in the target (on its way to user mode, or inside the wait or
 * suspension it is in), copies its trap frame to or from the CONTEXT with the sanitizing of
 * KeTrapFrameToContext / KeContextToTrapFrame (docs/spec.md §8), and signals the caller. A context set
 * this way edits the frame, which then leaves the kernel by iretd.
 */
#include "psp.h"
#include "mm.h"
#include "rtl.h"

typedef struct _PSP_GET_SET_CONTEXT {
    KAPC Apc;
    KEVENT Done;
    CONTEXT Context;
    BOOLEAN Set;
    NTSTATUS Status;
} PSP_GET_SET_CONTEXT, *PPSP_GET_SET_CONTEXT;

#define PSP_CONTEXT_FLAGS (CONTEXT_FULL | CONTEXT_DEBUG_REGISTERS)

/* Read or write the current thread's user state. Result: STATUS_SUCCESS or STATUS_INVALID_PARAMETER
   (a system thread has none). */
static NTSTATUS PspGetSetOwnContext(PCONTEXT Context, BOOLEAN Set)
{
    PKTHREAD t = KeGetCurrentThread();
    PKTRAP_FRAME tf = t->TrapFrame;
    if (!tf)
        return STATUS_INVALID_PARAMETER;
    if (Set)
        return KeContextToTrapFrame(t, tf, Context, PSP_CONTEXT_FLAGS);
    KeTrapFrameToContext(t, tf, Context);
    return STATUS_SUCCESS;
}

/* The special kernel APC, in the target thread. */
static VOID PspGetSetContextApc(PKAPC Apc, PKNORMAL_ROUTINE *Normal, PVOID *NormalContext, PVOID *A1, PVOID *A2)
{
    UNREFERENCED_PARAMETER(Normal); UNREFERENCED_PARAMETER(NormalContext);
    UNREFERENCED_PARAMETER(A1); UNREFERENCED_PARAMETER(A2);
    PPSP_GET_SET_CONTEXT req = CONTAINING_RECORD(Apc, PSP_GET_SET_CONTEXT, Apc);
    req->Status = PspGetSetOwnContext(&req->Context, req->Set);
    KeSetEvent(&req->Done);
}

/* The target ended before the APC ran. */
static VOID PspGetSetContextRundown(PKAPC Apc)
{
    PPSP_GET_SET_CONTEXT req = CONTAINING_RECORD(Apc, PSP_GET_SET_CONTEXT, Apc);
    req->Status = STATUS_THREAD_IS_TERMINATING;
    KeSetEvent(&req->Done);
}

static NTSTATUS PspGetSetContextThread(HANDLE ThreadHandle, PCONTEXT UserContext, BOOLEAN Set)
{
    PSP_GET_SET_CONTEXT req;
    memset(&req, 0, sizeof(req));
    NTSTATUS status = Set ? MmCopyFromUser(&req.Context, UserContext, sizeof(CONTEXT))
                          : MmCopyFromUser(&req.Context.ContextFlags, &UserContext->ContextFlags, sizeof(ULONG));
    if (!NT_SUCCESS(status))
        return status;
    PETHREAD thread;
    status = ObReferenceObjectByHandle(ThreadHandle, Set ? THREAD_SET_CONTEXT : THREAD_GET_CONTEXT,
                                       PsThreadType, UserMode, (PVOID *)&thread, NULL);
    if (!NT_SUCCESS(status))
        return status;
    req.Set = Set;
    if (thread->TcbExtension.SystemThread) {
        status = STATUS_INVALID_HANDLE;
    } else if (thread == PsGetCurrentThread()) {
        status = PspGetSetOwnContext(&req.Context, Set);
        /* a set EAX must survive the service's own return value: return it (as NtContinue does) */
        if (NT_SUCCESS(status) && Set && (req.Context.ContextFlags & CONTEXT_INTEGER) == CONTEXT_INTEGER)
            status = (NTSTATUS)thread->Tcb.TrapFrame->Eax;
        else if (NT_SUCCESS(status) && !Set)
            status = MmCopyToUser(UserContext, &req.Context, sizeof(CONTEXT));
        ObDereferenceObject(thread);
        return status;
    } else {
        KeInitializeEvent(&req.Done, EventNotificationObject, FALSE);
        KeInitializeApc(&req.Apc, &thread->Tcb, PspGetSetContextApc, PspGetSetContextRundown, NULL, KernelMode, NULL);
        if (KeInsertQueueApc(&req.Apc, NULL, NULL)) {
            KeWaitForSingleObject(&req.Done, Executive, KernelMode, FALSE, NULL);
            status = req.Status;
        } else {
            status = STATUS_THREAD_IS_TERMINATING;
        }
    }
    ObDereferenceObject(thread);
    if (NT_SUCCESS(status) && !Set)
        status = MmCopyToUser(UserContext, &req.Context, sizeof(CONTEXT));
    return status;
}

/*
 * NtGetContextThread - In: a thread handle (THREAD_GET_CONTEXT) and a CONTEXT whose ContextFlags
 * say which parts to return (CONTEXT_CONTROL, _INTEGER, _SEGMENTS, _DEBUG_REGISTERS). For another
 * thread, call it while that thread is suspended for a state that stays put. Result:
 * STATUS_SUCCESS, STATUS_THREAD_IS_TERMINATING, handle errors, STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtGetContextThread(HANDLE ThreadHandle, PCONTEXT ThreadContext)
{
    return PspGetSetContextThread(ThreadHandle, ThreadContext, FALSE);
}

/*
 * NtSetContextThread - In: a thread handle (THREAD_SET_CONTEXT) and a CONTEXT; the parts its
 * ContextFlags name replace the thread's user state, sanitized: user selectors forced, EFLAGS
 * limited to user bits with IF set (no IOPL, VM, NT...), kernel debug addresses dropped; an EIP
 * or ESP in kernel space simply faults in user mode. The thread resumes through iretd. Setting the
 * current thread's CONTEXT_INTEGER returns its EAX as the status. Result: as NtGetContextThread.
 */
NTSTATUS NTAPI NtSetContextThread(HANDLE ThreadHandle, PCONTEXT ThreadContext)
{
    return PspGetSetContextThread(ThreadHandle, ThreadContext, TRUE);
}
