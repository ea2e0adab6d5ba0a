/*
 * obwait.c - the wait services: NtWaitForSingleObject and NtWaitForMultipleObjects (NT
 * signatures). Each handle must allow SYNCHRONIZE and name a waitable object (its body begins
 * with a DISPATCHER_HEADER); the objects stay referenced for the length of the wait.
 */
#include "ob.h"
#include "mm.h"
#include "pool.h"
#include "ntpsapi.h"

/* Copy an optional user timeout. */
static NTSTATUS ObpCaptureTimeout(PLARGE_INTEGER UserTimeout, PLARGE_INTEGER Captured, PLARGE_INTEGER *Use)
{
    *Use = NULL;
    if (!UserTimeout)
        return STATUS_SUCCESS;
    NTSTATUS status = MmCopyFromUser(Captured, UserTimeout, sizeof(*Captured));
    if (NT_SUCCESS(status))
        *Use = Captured;
    return status;
}

static NTSTATUS ObpReferenceWaitable(HANDLE Handle, PVOID *Object)
{
    NTSTATUS status = ObReferenceObjectByHandle(Handle, SYNCHRONIZE, NULL, UserMode, Object, NULL);
    if (NT_SUCCESS(status) && !OBJECT_TO_OBJECT_HEADER(*Object)->Type->Waitable) {
        ObDereferenceObject(*Object);
        status = STATUS_OBJECT_TYPE_MISMATCH;
    }
    return status;
}

/*
 * NtWaitForSingleObject - In: a handle, Alertable, an optional timeout (100 ns units, negative
 * relative, 0 = test only; NULL = forever). Result: STATUS_WAIT_0, STATUS_ABANDONED_WAIT_0,
 * STATUS_TIMEOUT, STATUS_USER_APC, STATUS_ALERTED, STATUS_INVALID_HANDLE,
 * STATUS_OBJECT_TYPE_MISMATCH, STATUS_ACCESS_DENIED, STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtWaitForSingleObject(HANDLE Handle, BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    LARGE_INTEGER t, *tp;
    NTSTATUS status = ObpCaptureTimeout(Timeout, &t, &tp);
    if (!NT_SUCCESS(status))
        return status;
    PVOID object;
    status = ObpReferenceWaitable(Handle, &object);
    if (!NT_SUCCESS(status))
        return status;
    status = KeWaitForSingleObject(object, UserRequest, UserMode, Alertable, tp);
    ObDereferenceObject(object);
    return status;
}

/*
 * NtWaitForMultipleObjects - In: Count (1..MAXIMUM_WAIT_OBJECTS) handles, WaitAll or WaitAny,
 * Alertable, an optional timeout. WaitAll may not name the same object twice. Result:
 * STATUS_WAIT_0 + index (WaitAny) / STATUS_WAIT_0 (WaitAll), STATUS_ABANDONED_WAIT_0 (+ index),
 * STATUS_TIMEOUT, STATUS_USER_APC, STATUS_ALERTED, STATUS_INVALID_PARAMETER_1 (count),
 * STATUS_INVALID_PARAMETER_3 (wait type), STATUS_INVALID_PARAMETER_MIX (duplicate in WaitAll),
 * the handle errors of NtWaitForSingleObject, STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtWaitForMultipleObjects(ULONG Count, HANDLE Handles[], WAIT_TYPE WaitType, BOOLEAN Alertable,
                                        PLARGE_INTEGER Timeout)
{
    if (Count == 0 || Count > MAXIMUM_WAIT_OBJECTS)
        return STATUS_INVALID_PARAMETER_1;
    if (WaitType != WaitAll && WaitType != WaitAny)
        return STATUS_INVALID_PARAMETER_3;
    HANDLE handles[MAXIMUM_WAIT_OBJECTS];
    PVOID objects[MAXIMUM_WAIT_OBJECTS];
    LARGE_INTEGER t, *tp;
    NTSTATUS status = MmCopyFromUser(handles, Handles, Count * sizeof(HANDLE));
    if (NT_SUCCESS(status))
        status = ObpCaptureTimeout(Timeout, &t, &tp);
    if (!NT_SUCCESS(status))
        return status;
    ULONG n = 0;
    for (; n < Count; n++) {
        status = ObpReferenceWaitable(handles[n], &objects[n]);
        if (!NT_SUCCESS(status))
            goto out;
        for (ULONG j = 0; WaitType == WaitAll && j < n; j++) {
            if (objects[j] == objects[n]) {
                n++;
                status = STATUS_INVALID_PARAMETER_MIX;
                goto out;
            }
        }
    }
    PKWAIT_BLOCK blocks = NULL;
    if (Count > THREAD_WAIT_OBJECTS) {
        blocks = ExAllocatePoolWithTag(NonPagedPool, Count * sizeof(KWAIT_BLOCK), 'tiaW');
        if (!blocks) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            goto out;
        }
    }
    status = KeWaitForMultipleObjects(Count, objects, WaitType, UserRequest, UserMode, Alertable, tp, blocks);
    if (blocks)
        ExFreePoolWithTag(blocks, 'tiaW');
out:
    while (n)
        ObDereferenceObject(objects[--n]);
    return status;
}
