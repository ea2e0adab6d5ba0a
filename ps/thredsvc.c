/*
 * thredsvc.c - thread services with NT's signatures: NtCreateThread, NtTerminateThread,
 * NtSuspendThread, NtResumeThread, NtAlertThread, NtQueueApcThread, NtQueryInformationThread and
 * NtSetInformationThread.
 */
#include "psp.h"
#include "mm.h"
#include "pool.h"
#include "rtl.h"

/*
 * PspReferenceThread - the user thread behind ThreadHandle, with Access. NULL is no handle:
 * STATUS_INVALID_HANDLE, as in NT, where only NtTerminateThread gives NULL a meaning (it checks
 * for NULL itself). Taking NULL for the current thread let a zeroed handle variable suspend,
 * alert, queue APCs to or change the caller instead of failing. System threads are no user's
 * to touch: STATUS_INVALID_HANDLE too.
 */
static NTSTATUS PspReferenceThread(HANDLE ThreadHandle, ACCESS_MASK Access, PETHREAD *Thread)
{
    if (!ThreadHandle)
        return STATUS_INVALID_HANDLE;
    NTSTATUS status = ObReferenceObjectByHandle(ThreadHandle, Access, PsThreadType, UserMode, (PVOID *)Thread, NULL);
    if (NT_SUCCESS(status) && (*Thread)->TcbExtension.SystemThread) {
        ObDereferenceObject(*Thread);
        status = STATUS_INVALID_HANDLE;
    }
    return status;
}

/*
 * NtCreateThread - In: handle out and its access, unnamed attributes, the process
 * (PROCESS_CREATE_THREAD), an optional CLIENT_ID out, the initial CONTEXT (the thread starts with
 * exactly these registers, sanitized as docs/spec.md §8 says), the INITIAL_TEB describing its stack
 * (StackAllocationBase is released when the thread ends), CreateSuspended. Result:
 * STATUS_SUCCESS, STATUS_ACCESS_VIOLATION, STATUS_PROCESS_IS_TERMINATING, STATUS_NO_MEMORY,
 * handle errors.
 */
NTSTATUS NTAPI NtCreateThread(PHANDLE ThreadHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                              HANDLE ProcessHandle, PCLIENT_ID ClientId, PCONTEXT ThreadContext,
                              PINITIAL_TEB InitialTeb, BOOLEAN CreateSuspended)
{
    CONTEXT context;
    INITIAL_TEB stack;
    NTSTATUS status = ObCheckObjectAttributes(ObjectAttributes);
    if (NT_SUCCESS(status))
        status = MmCopyFromUser(&context, ThreadContext, sizeof(context));
    if (NT_SUCCESS(status))
        status = MmCopyFromUser(&stack, InitialTeb, sizeof(stack));
    if (NT_SUCCESS(status))
        status = ProbeForWrite(ThreadHandle, sizeof(HANDLE), sizeof(ULONG));
    if (NT_SUCCESS(status) && ClientId)
        status = ProbeForWrite(ClientId, sizeof(CLIENT_ID), sizeof(ULONG));
    if (!NT_SUCCESS(status))
        return status;
    PEPROCESS process;
    status = ObReferenceObjectByHandle(ProcessHandle, PROCESS_CREATE_THREAD, PsProcessType, UserMode,
                                       (PVOID *)&process, NULL);
    if (!NT_SUCCESS(status))
        return status;
    PETHREAD thread;
    status = PspCreateThread(process, 0, 0, &context, &stack, CreateSuspended, &thread);
    if (NT_SUCCESS(status)) {
        status = PspQueueLoaderApcForNewThread(process, thread);
        if (!NT_SUCCESS(status)) {
            PspTerminateThreadByPointer(thread, status);
            ObDereferenceObject(thread);
        }
    }
    ObDereferenceObject(process);
    if (!NT_SUCCESS(status))
        return status;
    status = ObInsertObjectReturnHandle(thread, DesiredAccess, ThreadHandle);
    if (NT_SUCCESS(status) && ClientId)
        status = MmCopyToUser(ClientId, &thread->Cid, sizeof(CLIENT_ID));
    if (!NT_SUCCESS(status))
        PspTerminateThreadByPointer(thread, status);
    ObDereferenceObject(thread);
    return status;
}

/*
 * NtTerminateThread - In: a thread handle with THREAD_TERMINATE (NtCurrentThread(): the caller,
 * which does not return) and its exit status. The last thread of a process ends the process with
 * that status. NULL also means the caller, as in NT, but only while other threads of its process
 * remain: the last one gets STATUS_CANT_TERMINATE_SELF (it must end the process explicitly).
 * Result: STATUS_SUCCESS, STATUS_CANT_TERMINATE_SELF, handle errors.
 */
NTSTATUS NTAPI NtTerminateThread(HANDLE ThreadHandle, NTSTATUS ExitStatus)
{
    if (!ThreadHandle) {
        if (PsGetCurrentProcess()->ActiveThreads == 1)
            return STATUS_CANT_TERMINATE_SELF;
        ThreadHandle = NtCurrentThread();
    }
    PETHREAD thread;
    NTSTATUS status = PspReferenceThread(ThreadHandle, THREAD_TERMINATE, &thread);
    if (!NT_SUCCESS(status))
        return status;
    if (thread == PsGetCurrentThread()) {
        ObDereferenceObject(thread);           /* a live thread holds its own reference */
        PspExitThread(ExitStatus);
    }
    PspTerminateThreadByPointer(thread, ExitStatus);
    ObDereferenceObject(thread);
    return STATUS_SUCCESS;
}

/* The previous suspend count out, if asked for. */
static NTSTATUS PspReturnCount(PULONG UserCount, ULONG Count)
{
    return UserCount ? MmCopyToUser(UserCount, &Count, sizeof(Count)) : STATUS_SUCCESS;
}

/*
 * NtSuspendThread - In: a thread handle (THREAD_SUSPEND_RESUME), optional previous count out.
 * The thread stops at its next clean point (on its way to user mode, or in a wait) until resumed
 * as often as suspended. Result: STATUS_SUCCESS, STATUS_SUSPEND_COUNT_EXCEEDED,
 * STATUS_THREAD_IS_TERMINATING, handle errors, STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtSuspendThread(HANDLE ThreadHandle, PULONG PreviousSuspendCount)
{
    PETHREAD thread;
    NTSTATUS status = PspReferenceThread(ThreadHandle, THREAD_SUSPEND_RESUME, &thread);
    if (!NT_SUCCESS(status))
        return status;
    ULONG old = KeSuspendThread(&thread->Tcb);
    if (old == (ULONG)-1)
        status = thread->TcbExtension.Terminating || !thread->TcbExtension.ApcQueueable ? STATUS_THREAD_IS_TERMINATING
                                                                      : STATUS_SUSPEND_COUNT_EXCEEDED;
    ObDereferenceObject(thread);
    return NT_SUCCESS(status) ? PspReturnCount(PreviousSuspendCount, old) : status;
}

/* NtResumeThread - In: a thread handle (THREAD_SUSPEND_RESUME), optional previous count out.
   Result: STATUS_SUCCESS, handle errors, STATUS_ACCESS_VIOLATION. */
NTSTATUS NTAPI NtResumeThread(HANDLE ThreadHandle, PULONG PreviousSuspendCount)
{
    PETHREAD thread;
    NTSTATUS status = PspReferenceThread(ThreadHandle, THREAD_SUSPEND_RESUME, &thread);
    if (!NT_SUCCESS(status))
        return status;
    ULONG old = KeResumeThread(&thread->Tcb);
    ObDereferenceObject(thread);
    return PspReturnCount(PreviousSuspendCount, old);
}

/* NtAlertThread - In: a thread handle (THREAD_ALERT). Its alertable user-mode wait ends with
   STATUS_ALERTED (or the next one does). Result: STATUS_SUCCESS, handle errors. */
NTSTATUS NTAPI NtAlertThread(HANDLE ThreadHandle)
{
    PETHREAD thread;
    NTSTATUS status = PspReferenceThread(ThreadHandle, THREAD_ALERT, &thread);
    if (!NT_SUCCESS(status))
        return status;
    KeAlertThread(&thread->Tcb, UserMode);
    ObDereferenceObject(thread);
    return STATUS_SUCCESS;
}

/*
 * User APCs from NtQueueApcThread: a one-entry lookaside (one spare KAPC, claimed by an atomic
 * exchange, so processors racing for it get it at most once) serves whenever it is free, others
 * come from pool; each is freed before its routine runs, or at rundown. The common case, an APC
 * queued and delivered before the next is queued, then takes no pool page (the pool returns an
 * empty page at once, so a KAPC from pool costs a page taken and given back).
 */
static KAPC PspSpareApc;
static volatile BOOLEAN PspSpareApcInUse;

static PKAPC PspAllocateApc(VOID)
{
    if (!__atomic_exchange_n(&PspSpareApcInUse, TRUE, __ATOMIC_ACQUIRE))
        return &PspSpareApc;
    return ExAllocatePoolWithTag(NonPagedPool, sizeof(KAPC), 'cpAP');
}

static VOID PspFreeApc(PKAPC Apc)
{
    if (Apc == &PspSpareApc)
        __atomic_store_n(&PspSpareApcInUse, FALSE, __ATOMIC_RELEASE);
    else
        ExFreePoolWithTag(Apc, 'cpAP');
}

static VOID PspApcKernelRoutine(PKAPC Apc, PKNORMAL_ROUTINE *Normal, PVOID *Context, PVOID *A1, PVOID *A2)
{
    UNREFERENCED_PARAMETER(Normal); UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(A1); UNREFERENCED_PARAMETER(A2);
    PspFreeApc(Apc);
}

/*
 * NtQueueApcThread - In: a thread handle (THREAD_SET_CONTEXT), the user routine (called NTAPI
 * with the three arguments) and its arguments. The routine runs in that thread when it is next
 * alertable (an alertable wait, NtTestAlert). Result: STATUS_SUCCESS, STATUS_INVALID_PARAMETER
 * (no routine), STATUS_UNSUCCESSFUL (the thread is ending), STATUS_NO_MEMORY, handle errors.
 */
NTSTATUS NTAPI NtQueueApcThread(HANDLE ThreadHandle, PPS_APC_ROUTINE ApcRoutine, PVOID ApcArgument1,
                                PVOID ApcArgument2, PVOID ApcArgument3)
{
    if (!ApcRoutine)
        return STATUS_INVALID_PARAMETER;
    PETHREAD thread;
    NTSTATUS status = PspReferenceThread(ThreadHandle, THREAD_SET_CONTEXT, &thread);
    if (!NT_SUCCESS(status))
        return status;
    PKAPC apc = PspAllocateApc();
    if (!apc) {
        status = STATUS_NO_MEMORY;
    } else {
        KeInitializeApc(apc, &thread->Tcb, PspApcKernelRoutine, PspFreeApc, (PKNORMAL_ROUTINE)ApcRoutine,
                        UserMode, ApcArgument1);
        if (!KeInsertQueueApc(apc, ApcArgument2, ApcArgument3)) {
            PspFreeApc(apc);
            status = STATUS_UNSUCCESSFUL;
        }
    }
    ObDereferenceObject(thread);
    return status;
}

/*
 * NtQueryInformationThread - In: a thread handle (THREAD_QUERY_INFORMATION), the class, a buffer
 * and its exact length, optional ReturnLength. Class: ThreadBasicInformation
 * (THREAD_BASIC_INFORMATION; ExitStatus STATUS_PENDING while the thread runs). Result:
 * STATUS_SUCCESS, STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_INFO_CLASS, handle errors,
 * STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtQueryInformationThread(HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
                                        PVOID ThreadInformation, ULONG ThreadInformationLength, PULONG ReturnLength)
{
    if (ThreadInformationClass != ThreadBasicInformation)
        return STATUS_INVALID_INFO_CLASS;
    THREAD_BASIC_INFORMATION info;
    ULONG size = sizeof(info);
    if (ThreadInformationLength != size)
        return STATUS_INFO_LENGTH_MISMATCH;
    PETHREAD thread;
    NTSTATUS status = PspReferenceThread(ThreadHandle, THREAD_QUERY_INFORMATION, &thread);
    if (!NT_SUCCESS(status))
        return status;
    memset(&info, 0, sizeof(info));
    info.ExitStatus = thread->Tcb.Header.SignalState ? thread->ExitStatus : STATUS_PENDING;
    info.TebBaseAddress = thread->Tcb.Teb;
    info.ClientId = thread->Cid;
    info.AffinityMask = 1;
    info.Priority = thread->Tcb.Priority;
    info.BasePriority = thread->Tcb.BasePriority;
    ObDereferenceObject(thread);
    status = MmCopyToUser(ThreadInformation, &info, size);
    if (NT_SUCCESS(status) && ReturnLength)
        status = MmCopyToUser(ReturnLength, &size, sizeof(size));
    return status;
}

/*
 * NtSetInformationThread - In: a thread handle (THREAD_SET_INFORMATION), the class, a buffer and
 * its exact length. Class: ThreadPriority (KPRIORITY 1..31; NT asks a privilege for 16 and up,
 * NanoNT has none to ask). Result: STATUS_SUCCESS, STATUS_INVALID_PARAMETER,
 * STATUS_INFO_LENGTH_MISMATCH, STATUS_INVALID_INFO_CLASS, handle errors, STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtSetInformationThread(HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
                                      PVOID ThreadInformation, ULONG ThreadInformationLength)
{
    if (ThreadInformationClass != ThreadPriority)
        return STATUS_INVALID_INFO_CLASS;
    KPRIORITY priority;
    if (ThreadInformationLength != sizeof(priority))
        return STATUS_INFO_LENGTH_MISMATCH;
    NTSTATUS status = MmCopyFromUser(&priority, ThreadInformation, sizeof(priority));
    if (!NT_SUCCESS(status))
        return status;
    if (priority < 1 || priority > HIGH_PRIORITY)
        return STATUS_INVALID_PARAMETER;
    PETHREAD thread;
    status = PspReferenceThread(ThreadHandle, THREAD_SET_INFORMATION, &thread);
    if (!NT_SUCCESS(status))
        return status;
    KeSetPriorityThread(&thread->Tcb, priority);
    ObDereferenceObject(thread);
    return STATUS_SUCCESS;
}
