/*
 * mutant.c - mutant (mutex) objects: NtCreateMutant, NtReleaseMutant (NT signatures). Deleting a
 * mutant that is still owned takes it off its owner's list (as an abandonment).
 */
#include "ob.h"
#include "mm.h"
#include "ntpsapi.h"

static VOID ExpDeleteMutant(PVOID Object)
{
    PKMUTANT m = Object;
    if (m->OwnerThread)
        KeReleaseMutant(m, TRUE, NULL);
}

static OBJECT_TYPE ExpMutantType = {
    .Name = "Mutant", .ValidAccessMask = MUTANT_ALL_ACCESS, .GenericRead = STANDARD_RIGHTS_READ | MUTANT_QUERY_STATE,
    .GenericWrite = STANDARD_RIGHTS_WRITE, .GenericExecute = STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
    .GenericAll = MUTANT_ALL_ACCESS,
    .DeleteProcedure = ExpDeleteMutant, .PoolTag = 'tuM ', .Waitable = TRUE,
};
POBJECT_TYPE ExMutantObjectType = &ExpMutantType;

/* NtCreateMutant - In: handle out, access, attributes (a name: as NtCreateEvent), whether the
   caller owns it at once (not when OBJ_OPENIF opens an existing one). Result: as NtCreateEvent. */
NTSTATUS NTAPI NtCreateMutant(PHANDLE MutantHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                              BOOLEAN InitialOwner)
{
    OBJECT_CREATE_INFORMATION info;
    NTSTATUS status = ObCaptureObjectAttributes(ObjectAttributes, &info);
    if (!NT_SUCCESS(status))
        return status;
    PKMUTANT m;
    status = ObCreateObject(ExMutantObjectType, sizeof(KMUTANT), (PVOID *)&m);
    if (!NT_SUCCESS(status)) {
        ObReleaseObjectCreateInformation(&info);
        return status;
    }
    KeInitializeMutant(m, InitialOwner);
    status = ObInsertObjectByName(m, &info, DesiredAccess, MutantHandle);
    ObDereferenceObject(m);
    return status;
}

/* NtOpenMutant - open a named mutant; as NtOpenEvent. */
NTSTATUS NTAPI NtOpenMutant(PHANDLE MutantHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes)
{
    return ObOpenObjectByName(ObjectAttributes, ExMutantObjectType, DesiredAccess, MutantHandle);
}

/*
 * NtReleaseMutant - release one level of the caller's ownership; PreviousCount (optional) gets
 * the old signal state (0 = owned once). Result: STATUS_SUCCESS, STATUS_MUTANT_NOT_OWNED,
 * STATUS_INVALID_HANDLE, STATUS_OBJECT_TYPE_MISMATCH, STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtReleaseMutant(HANDLE MutantHandle, PLONG PreviousCount)
{
    PKMUTANT m;
    NTSTATUS status = ObReferenceObjectByHandle(MutantHandle, 0, ExMutantObjectType, UserMode, (PVOID *)&m, NULL);
    if (!NT_SUCCESS(status))
        return status;
    LONG old;
    status = KeReleaseMutant(m, FALSE, &old);
    ObDereferenceObject(m);
    if (NT_SUCCESS(status) && PreviousCount)
        status = MmCopyToUser(PreviousCount, &old, sizeof(old));
    return status;
}
