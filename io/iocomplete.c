/*
 * iocomplete.c - the completion side of NtReadFile, NtWriteFile and NtQueryDirectoryFile. Every
 * request completes before the service returns, but the caller's Event and ApcRoutine still
 * behave as on NT for a request that completed: the event is reset when the request starts and
 * set when it completes, and ApcRoutine(ApcContext, IoStatusBlock, 0) is queued to the calling
 * thread as a user APC (it runs when the thread next waits alertably or calls NtTestAlert). A
 * request that fails with an error status sets no event and queues no APC, as NT does for
 * requests that fail at once.
 */
#include "iop.h"
#include "ob.h"
#include "ps.h"
#include "pool.h"
#include "ntpsapi.h"

#define IOP_APC_TAG 'cpAI'

/*
 * IopBeginUserRequest - In: the caller's Event handle (may be NULL). Result: *KernelEvent
 * referenced and reset (NULL without a handle), or STATUS_INVALID_HANDLE,
 * STATUS_OBJECT_TYPE_MISMATCH, STATUS_ACCESS_DENIED before anything was done.
 */
NTSTATUS IopBeginUserRequest(HANDLE Event, PKEVENT *KernelEvent)
{
    *KernelEvent = NULL;
    if (!Event)
        return STATUS_SUCCESS;
    NTSTATUS status = ObReferenceObjectByHandle(Event, EVENT_MODIFY_STATE, ExEventObjectType, UserMode,
                                                (PVOID *)KernelEvent, NULL);
    if (NT_SUCCESS(status))
        KeResetEvent(*KernelEvent);
    return status;
}

static VOID IopFreeApc(PKAPC Apc)
{
    ExFreePoolWithTag(Apc, IOP_APC_TAG);
}

static VOID IopApcKernelRoutine(PKAPC Apc, PKNORMAL_ROUTINE *Normal, PVOID *Context, PVOID *A1, PVOID *A2)
{
    UNREFERENCED_PARAMETER(Normal); UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(A1); UNREFERENCED_PARAMETER(A2);
    IopFreeApc(Apc);              /* the user part still runs: its arguments are copies */
}

/*
 * IopCompleteUserRequest - In: what IopBeginUserRequest returned, the caller's ApcRoutine,
 * ApcContext and IoStatusBlock, and the request's final status. Sets the event and queues the
 * APC unless the status is an error; always drops the event reference.
 */
VOID IopCompleteUserRequest(PKEVENT KernelEvent, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                            PIO_STATUS_BLOCK IoStatusBlock, NTSTATUS Status)
{
    BOOLEAN completed = (ULONG)Status >> 30 != 3;          /* success, informational or warning */
    if (KernelEvent) {
        if (completed)
            KeSetEvent(KernelEvent);
        ObDereferenceObject(KernelEvent);
    }
    if (!completed || !ApcRoutine)
        return;
    PKAPC apc = ExAllocatePoolWithTag(NonPagedPool, sizeof(KAPC), IOP_APC_TAG);
    if (!apc)
        return;
    KeInitializeApc(apc, KeGetCurrentThread(), IopApcKernelRoutine, IopFreeApc,
                    (PKNORMAL_ROUTINE)(ULONG_PTR)ApcRoutine, UserMode, ApcContext);
    if (!KeInsertQueueApc(apc, IoStatusBlock, NULL))
        IopFreeApc(apc);
}
