/* obref.c - object creation and reference counting. */
#include "ob.h"
#include "pool.h"
#include "rtl.h"
#include "arch.h"   /* the inline interrupt masking of these short sections */

NTSTATUS ObCreateObject(POBJECT_TYPE Type, ULONG BodySize, PVOID *Object)
{
    if (BodySize > 0x100000)
        return STATUS_INVALID_PARAMETER;
    POBJECT_HEADER h = ExAllocatePoolZero(NonPagedPool, sizeof(OBJECT_HEADER) + BodySize,
                                          Type->PoolTag ? Type->PoolTag : 'jbO ');
    if (!h)
        return STATUS_INSUFFICIENT_RESOURCES;
    h->PointerCount = 1;
    h->Type = Type;
    ULONG flags = KeDisableInterruptsInline();
    Type->ObjectCount++;
    KeRestoreInterruptsInline(flags);
    *Object = h + 1;
    return STATUS_SUCCESS;
}

VOID ObReferenceObject(PVOID Object)
{
    POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(Object);
    ULONG flags = KeDisableInterruptsInline();
    if (h->PointerCount <= 0)
        KeBugCheckEx(0x18 /* REFERENCE_BY_POINTER */, (ULONG_PTR)h->Type, (ULONG_PTR)Object, 1, h->PointerCount);
    h->PointerCount++;
    KeRestoreInterruptsInline(flags);
}

VOID ObDereferenceObject(PVOID Object)
{
    POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(Object);
    ULONG flags = KeDisableInterruptsInline();
    if (h->PointerCount <= 0)
        KeBugCheckEx(0x18 /* REFERENCE_BY_POINTER */, (ULONG_PTR)h->Type, (ULONG_PTR)Object, 2, h->PointerCount);
    LONG left = --h->PointerCount;
    KeRestoreInterruptsInline(flags);
    if (left)
        return;
    POBJECT_TYPE type = h->Type;
    if (type->DeleteProcedure)
        type->DeleteProcedure(Object);
    flags = KeDisableInterruptsInline();
    type->ObjectCount--;
    KeRestoreInterruptsInline(flags);
    ExFreePoolWithTag(h, type->PoolTag ? type->PoolTag : 'jbO ');
}

/*
 * ObMapDesiredAccess - NT's generic mapping: each generic right becomes the rights the type lists
 * for it (GENERIC_READ on a file is FILE_GENERIC_READ, never FILE_WRITE_DATA); GENERIC_ALL and
 * MAXIMUM_ALLOWED become GenericAll (with no security descriptors nothing grants less on an
 * open; NtDuplicateObject gives MAXIMUM_ALLOWED its own meaning). Specific rights pass unchanged.
 */
ACCESS_MASK ObMapDesiredAccess(POBJECT_TYPE Type, ACCESS_MASK DesiredAccess)
{
    const ACCESS_MASK generic = GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED;
    if (!(DesiredAccess & generic))
        return DesiredAccess;                       /* the usual case: every handle reference */
    ACCESS_MASK access = DesiredAccess & ~generic;
    if (DesiredAccess & GENERIC_READ)
        access |= Type->GenericRead;
    if (DesiredAccess & GENERIC_WRITE)
        access |= Type->GenericWrite;
    if (DesiredAccess & GENERIC_EXECUTE)
        access |= Type->GenericExecute;
    if (DesiredAccess & (GENERIC_ALL | MAXIMUM_ALLOWED))
        access |= Type->GenericAll;
    return access;
}
