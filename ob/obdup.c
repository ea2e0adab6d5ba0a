/*
 * obdup.c - NtDuplicateObject: copy a handle from one process's table into another's (or the
 * same one), with the same or a smaller access, optionally closing the source handle.
 *
 * A copy never has a right its source lacks. NT decides a copy's new access by an access check
 * against the object's security descriptor; NanoNT has no security descriptors, so the source
 * handle's granted access is the only thing that says what the holder may do, and it is the
 * ceiling. Without it a handle opened for reading - the only open a file's share mode allowed -
 * could be copied into a writable one, defeating both the access check and the share mode
 * (docs/security.md).
 */
#include "ob.h"
#include "ps.h"
#include "mm.h"
#include "ntpsapi.h"

/*
 * NtDuplicateObject - In: the source process (a handle with PROCESS_DUP_HANDLE, or
 * NtCurrentProcess()), the handle there (pseudo handles only when the source is the caller), the
 * target process (PROCESS_DUP_HANDLE) and where to write the new handle (optional with
 * DUPLICATE_CLOSE_SOURCE alone), the access for it (ignored with DUPLICATE_SAME_ACCESS; generic
 * rights are mapped; MAXIMUM_ALLOWED adds every right of the source; any right the source
 * handle lacks is STATUS_ACCESS_DENIED), HandleAttributes (ignored: there is no inheritance) and
 * Options (DUPLICATE_CLOSE_SOURCE, DUPLICATE_SAME_ACCESS). DUPLICATE_CLOSE_SOURCE closes the
 * source handle even when the copy fails, as NT does. Result: STATUS_SUCCESS,
 * STATUS_INVALID_HANDLE, STATUS_OBJECT_TYPE_MISMATCH,
 * STATUS_ACCESS_DENIED, STATUS_INVALID_PARAMETER, STATUS_ACCESS_VIOLATION,
 * STATUS_PROCESS_IS_TERMINATING.
 */
NTSTATUS NTAPI NtDuplicateObject(HANDLE SourceProcessHandle, HANDLE SourceHandle, HANDLE TargetProcessHandle,
                                 PHANDLE TargetHandle, ACCESS_MASK DesiredAccess, ULONG HandleAttributes,
                                 ULONG Options)
{
    UNREFERENCED_PARAMETER(HandleAttributes);
    if (Options & ~(DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS))
        return STATUS_INVALID_PARAMETER;
    PEPROCESS source, target = NULL;
    NTSTATUS status = ObReferenceObjectByHandle(SourceProcessHandle, PROCESS_DUP_HANDLE, PsProcessType,
                                                UserMode, (PVOID *)&source, NULL);
    if (!NT_SUCCESS(status))
        return status;

    PVOID object = NULL;
    ACCESS_MASK granted;
    if (source == PsGetCurrentProcess())
        status = ObReferenceObjectByHandle(SourceHandle, 0, NULL, UserMode, &object, &granted);
    else if (!source->ObjectTable)
        status = STATUS_PROCESS_IS_TERMINATING;
    else
        status = ObReferenceObjectByHandleInProcess(source, SourceHandle, &object, &granted);
    if (NT_SUCCESS(status) && (Options & DUPLICATE_CLOSE_SOURCE) &&
        SourceHandle != NtCurrentProcess() && SourceHandle != NtCurrentThread())
        ObCloseHandleInProcess(source, SourceHandle);
    if (!NT_SUCCESS(status))
        goto out;

    if (!TargetProcessHandle && (Options & DUPLICATE_CLOSE_SOURCE))
        goto out;                                   /* only closing was asked for */
    ACCESS_MASK access = granted;
    if (!(Options & DUPLICATE_SAME_ACCESS)) {
        POBJECT_TYPE type = OBJECT_TO_OBJECT_HEADER(object)->Type;
        access = ObMapDesiredAccess(type, DesiredAccess & ~MAXIMUM_ALLOWED) & type->ValidAccessMask;
        if (DesiredAccess & MAXIMUM_ALLOWED)
            access |= granted;                      /* the most a copy can have */
        if (access & ~granted) {
            status = STATUS_ACCESS_DENIED;          /* more than the source handle was granted */
            goto out;
        }
    }
    status = ObReferenceObjectByHandle(TargetProcessHandle, PROCESS_DUP_HANDLE, PsProcessType, UserMode,
                                       (PVOID *)&target, NULL);
    if (!NT_SUCCESS(status))
        goto out;
    if (!TargetHandle) {
        status = STATUS_INVALID_PARAMETER;
        goto out;
    }
    status = ProbeForWrite(TargetHandle, sizeof(HANDLE), sizeof(ULONG));
    if (!NT_SUCCESS(status))
        goto out;
    HANDLE h;
    status = ObInsertObjectInProcess(target, object, access, &h);
    if (NT_SUCCESS(status)) {
        status = MmCopyToUser(TargetHandle, &h, sizeof(h));
        if (!NT_SUCCESS(status))
            ObCloseHandleInProcess(target, h);
    } else if (status == STATUS_INVALID_PARAMETER) {
        status = STATUS_PROCESS_IS_TERMINATING;     /* its handle table is gone */
    }
out:
    if (object)
        ObDereferenceObject(object);
    if (target)
        ObDereferenceObject(target);
    ObDereferenceObject(source);
    return status;
}
