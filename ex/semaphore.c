/* semaphore.c - semaphore objects: NtCreateSemaphore, NtReleaseSemaphore (NT signatures). */
#include "ob.h"
#include "mm.h"
#include "ntpsapi.h"

static OBJECT_TYPE ExpSemaphoreType = {
    .Name = "Semaphore", .ValidAccessMask = SEMAPHORE_ALL_ACCESS,
    .GenericRead = STANDARD_RIGHTS_READ | SEMAPHORE_QUERY_STATE,
    .GenericWrite = STANDARD_RIGHTS_WRITE | SEMAPHORE_MODIFY_STATE,
    .GenericExecute = STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, .GenericAll = SEMAPHORE_ALL_ACCESS,
    .PoolTag = 'meS ', .Waitable = TRUE,
};
POBJECT_TYPE ExSemaphoreObjectType = &ExpSemaphoreType;

/*
 * NtCreateSemaphore - In: handle out, access, attributes (a name: as NtCreateEvent), InitialCount (0..Maximum),
 * MaximumCount (> 0). Result: STATUS_SUCCESS, STATUS_INVALID_PARAMETER, and those of
 * NtCreateEvent.
 */
NTSTATUS NTAPI NtCreateSemaphore(PHANDLE SemaphoreHandle, ACCESS_MASK DesiredAccess,
                                 POBJECT_ATTRIBUTES ObjectAttributes, LONG InitialCount, LONG MaximumCount)
{
    if (MaximumCount <= 0 || InitialCount < 0 || InitialCount > MaximumCount)
        return STATUS_INVALID_PARAMETER;
    OBJECT_CREATE_INFORMATION info;
    NTSTATUS status = ObCaptureObjectAttributes(ObjectAttributes, &info);
    if (!NT_SUCCESS(status))
        return status;
    PKSEMAPHORE sem;
    status = ObCreateObject(ExSemaphoreObjectType, sizeof(KSEMAPHORE), (PVOID *)&sem);
    if (!NT_SUCCESS(status)) {
        ObReleaseObjectCreateInformation(&info);
        return status;
    }
    KeInitializeSemaphore(sem, InitialCount, MaximumCount);
    status = ObInsertObjectByName(sem, &info, DesiredAccess, SemaphoreHandle);
    ObDereferenceObject(sem);
    return status;
}

/* NtOpenSemaphore - open a named semaphore; as NtOpenEvent. */
NTSTATUS NTAPI NtOpenSemaphore(PHANDLE SemaphoreHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes)
{
    return ObOpenObjectByName(ObjectAttributes, ExSemaphoreObjectType, DesiredAccess, SemaphoreHandle);
}

/*
 * NtReleaseSemaphore - add ReleaseCount (> 0) to the count; PreviousCount (optional) gets the old
 * count. Result: STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_SEMAPHORE_LIMIT_EXCEEDED,
 * STATUS_INVALID_HANDLE, STATUS_OBJECT_TYPE_MISMATCH, STATUS_ACCESS_DENIED, STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtReleaseSemaphore(HANDLE SemaphoreHandle, LONG ReleaseCount, PLONG PreviousCount)
{
    if (ReleaseCount <= 0)
        return STATUS_INVALID_PARAMETER;
    PKSEMAPHORE sem;
    NTSTATUS status = ObReferenceObjectByHandle(SemaphoreHandle, SEMAPHORE_MODIFY_STATE, ExSemaphoreObjectType,
                                                UserMode, (PVOID *)&sem, NULL);
    if (!NT_SUCCESS(status))
        return status;
    LONG old;
    status = KeReleaseSemaphore(sem, ReleaseCount, &old);
    ObDereferenceObject(sem);
    if (NT_SUCCESS(status) && PreviousCount)
        status = MmCopyToUser(PreviousCount, &old, sizeof(old));
    return status;
}
