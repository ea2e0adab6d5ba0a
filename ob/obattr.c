/*
 * obattr.c - small helpers every object-creating service shares: checking OBJECT_ATTRIBUTES
 * (NanoNT has no object namespace yet, so objects are unnamed) and handing a new handle back to
 * user mode.
 */
#include "ob.h"
#include "mm.h"

/*
 * ObCheckObjectAttributes - In: the caller's OBJECT_ATTRIBUTES pointer (may be NULL). Result:
 * STATUS_SUCCESS, STATUS_ACCESS_VIOLATION, STATUS_INVALID_PARAMETER (wrong Length),
 * STATUS_OBJECT_NAME_INVALID (a name: there is no namespace for these objects yet).
 */
NTSTATUS ObCheckObjectAttributes(POBJECT_ATTRIBUTES ObjectAttributes)
{
    if (!ObjectAttributes)
        return STATUS_SUCCESS;
    OBJECT_ATTRIBUTES oa;
    NTSTATUS status = MmCopyFromUser(&oa, ObjectAttributes, sizeof(oa));
    if (!NT_SUCCESS(status))
        return status;
    if (oa.Length != sizeof(oa))
        return STATUS_INVALID_PARAMETER;
    if (oa.ObjectName || oa.RootDirectory)
        return STATUS_OBJECT_NAME_INVALID;
    return STATUS_SUCCESS;
}

/*
 * ObInsertObjectReturnHandle - add a handle to Object in the current process and write it to the
 * caller's PHANDLE; if that write faults the handle is closed again. The caller keeps (and later
 * drops) its own reference. Result: STATUS_SUCCESS, STATUS_INSUFFICIENT_RESOURCES,
 * STATUS_ACCESS_VIOLATION.
 */
NTSTATUS ObInsertObjectReturnHandle(PVOID Object, ACCESS_MASK DesiredAccess, PHANDLE UserHandle)
{
    HANDLE h;
    NTSTATUS status = ObInsertObject(Object, DesiredAccess, &h);
    if (!NT_SUCCESS(status))
        return status;
    status = MmCopyToUser(UserHandle, &h, sizeof(h));
    if (!NT_SUCCESS(status))
        ObCloseHandle(h);
    return status;
}
