/*
 * obattr.c - small helpers every object-creating service shares: checking OBJECT_ATTRIBUTES
 * (unnamed objects such as threads), capturing them with a name (events, semaphores, mutants,
 * timers: ob/obdir.c resolves the name) and handing a new handle back to user mode.
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
 * ObpCheckNameSyntax - In: a captured name. The checks that need no namespace: no NUL, no empty
 * component (a doubled or trailing backslash; a lone "\" is the root). Result: STATUS_SUCCESS
 * or STATUS_OBJECT_NAME_INVALID.
 */
static NTSTATUS ObpCheckNameSyntax(PCUNICODE_STRING Name)
{
    ULONG n = Name->Length / sizeof(WCHAR);
    if (n == 1 && Name->Buffer[0] == L'\\')
        return STATUS_SUCCESS;
    for (ULONG i = 0; i < n; i++) {
        if (Name->Buffer[i] == 0)
            return STATUS_OBJECT_NAME_INVALID;
        if (Name->Buffer[i] == L'\\' && i > 0 && Name->Buffer[i - 1] == L'\\')
            return STATUS_OBJECT_NAME_INVALID;
    }
    return Name->Buffer[n - 1] == L'\\' ? STATUS_OBJECT_NAME_INVALID : STATUS_SUCCESS;
}

/*
 * ObCaptureObjectAttributes - In: the caller's OBJECT_ATTRIBUTES (may be NULL: unnamed). Out: Info
 * with the attributes, the root directory handle and a pool copy of the name (release it with
 * ObReleaseObjectCreateInformation). Result: STATUS_SUCCESS, STATUS_ACCESS_VIOLATION,
 * STATUS_INVALID_PARAMETER (Length, unknown attribute bits), STATUS_OBJECT_NAME_INVALID (empty,
 * odd length, longer than OB_MAX_NAME_CHARS, a NUL, an empty component), STATUS_NO_MEMORY.
 */
NTSTATUS ObCaptureObjectAttributes(POBJECT_ATTRIBUTES ObjectAttributes, POBJECT_CREATE_INFORMATION Info)
{
    Info->Attributes = 0;
    Info->RootDirectory = NULL;
    Info->ObjectName.Buffer = NULL;
    Info->ObjectName.Length = Info->ObjectName.MaximumLength = 0;
    if (!ObjectAttributes)
        return STATUS_SUCCESS;
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING name;
    NTSTATUS status = MmCopyFromUser(&oa, ObjectAttributes, sizeof(oa));
    if (!NT_SUCCESS(status))
        return status;
    if (oa.Length != sizeof(oa) || (oa.Attributes & ~OBJ_VALID_ATTRIBUTES))
        return STATUS_INVALID_PARAMETER;
    Info->Attributes = oa.Attributes;
    if (!oa.ObjectName)
        return STATUS_SUCCESS;                      /* unnamed: RootDirectory means nothing */
    status = MmCopyFromUser(&name, oa.ObjectName, sizeof(name));
    if (!NT_SUCCESS(status))
        return status;
    if (name.Length == 0 || (name.Length & 1) || name.Length > OB_MAX_NAME_CHARS * sizeof(WCHAR))
        return STATUS_OBJECT_NAME_INVALID;
    status = MmCaptureUnicodeString(&Info->ObjectName, oa.ObjectName, OB_MAX_NAME_CHARS * sizeof(WCHAR));
    if (status == STATUS_INVALID_PARAMETER)
        status = STATUS_OBJECT_NAME_INVALID;        /* the caller changed it meanwhile */
    if (NT_SUCCESS(status) && Info->ObjectName.Length == 0)
        status = STATUS_OBJECT_NAME_INVALID;
    if (NT_SUCCESS(status))
        status = ObpCheckNameSyntax(&Info->ObjectName);
    if (!NT_SUCCESS(status)) {
        ObReleaseObjectCreateInformation(Info);
        return status;
    }
    Info->RootDirectory = oa.RootDirectory;
    return STATUS_SUCCESS;
}

/* ObReleaseObjectCreateInformation - free the captured name (if any); Info becomes unnamed. */
VOID ObReleaseObjectCreateInformation(POBJECT_CREATE_INFORMATION Info)
{
    MmFreeCapturedUnicodeString(&Info->ObjectName);
    Info->ObjectName.Length = 0;
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
