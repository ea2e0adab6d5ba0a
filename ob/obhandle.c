/*
 * obhandle.c - per-process handle tables and NtClose. A handle value is (index + 1) * 4, as NT's
 * are multiples of 4; NtCurrentProcess() (-1) and NtCurrentThread() (-2) are pseudo handles.
 * Closing a handle twice, or a value that was never a handle, is STATUS_INVALID_HANDLE.
 */
#include "ob.h"
#include "ps.h"
#include "pool.h"
#include "rtl.h"
#include "ntpsapi.h"
#include "arch.h"   /* the inline interrupt masking of these short sections */

typedef struct _HANDLE_TABLE_ENTRY {
    PVOID Object;
    ACCESS_MASK GrantedAccess;
} HANDLE_TABLE_ENTRY;

typedef struct _HANDLE_TABLE {
    ULONG Capacity;
    ULONG HandleCount;
    HANDLE_TABLE_ENTRY *Entries;
} HANDLE_TABLE, *PHANDLE_TABLE;

#define OB_MAX_HANDLES 16384

POBJECT_TYPE PsProcessType, PsThreadType;

NTSTATUS ObInitializeProcessHandleTable(PEPROCESS Process)
{
    PHANDLE_TABLE t = ExAllocatePoolZero(NonPagedPool, sizeof(*t), 'btbO');
    if (!t)
        return STATUS_INSUFFICIENT_RESOURCES;
    Process->ObjectTable = (struct _HANDLE_TABLE *)t;
    return STATUS_SUCCESS;
}

NTSTATUS ObInsertObjectInProcess(PEPROCESS Process, PVOID Object, ACCESS_MASK GrantedAccess, PHANDLE Handle)
{
    PHANDLE_TABLE t = (PHANDLE_TABLE)Process->ObjectTable;
    if (!t)
        return STATUS_INVALID_PARAMETER;
    ULONG flags = KeDisableInterruptsInline();
    ULONG i;
    for (i = 0; i < t->Capacity && t->Entries[i].Object; i++)
        ;
    if (i == t->Capacity) {
        ULONG cap = t->Capacity ? t->Capacity * 2 : 32;
        if (cap > OB_MAX_HANDLES) {
            KeRestoreInterruptsInline(flags);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        KeRestoreInterruptsInline(flags);
        HANDLE_TABLE_ENTRY *e = ExAllocatePoolZero(NonPagedPool, cap * sizeof(*e), 'btbO');
        if (!e)
            return STATUS_INSUFFICIENT_RESOURCES;
        flags = KeDisableInterruptsInline();
        if (cap <= t->Capacity) {               /* someone else grew it meanwhile */
            KeRestoreInterruptsInline(flags);
            ExFreePoolWithTag(e, 'btbO');
            return ObInsertObjectInProcess(Process, Object, GrantedAccess, Handle);
        }
        if (t->Entries) {
            memcpy(e, t->Entries, t->Capacity * sizeof(*e));
            ExFreePoolWithTag(t->Entries, 'btbO');
        }
        t->Entries = e;
        t->Capacity = cap;
    }
    ObReferenceObject(Object);
    OBJECT_TO_OBJECT_HEADER(Object)->HandleCount++;
    t->Entries[i].Object = Object;
    /* a handle carries only rights of its type: a bit that means nothing today must not start
       meaning something to a later check */
    t->Entries[i].GrantedAccess = GrantedAccess & OBJECT_TO_OBJECT_HEADER(Object)->Type->ValidAccessMask;
    t->HandleCount++;
    KeRestoreInterruptsInline(flags);
    *Handle = (HANDLE)((i + 1) * 4);
    return STATUS_SUCCESS;
}

NTSTATUS ObInsertObject(PVOID Object, ACCESS_MASK DesiredAccess, PHANDLE Handle)
{
    POBJECT_TYPE type = OBJECT_TO_OBJECT_HEADER(Object)->Type;
    return ObInsertObjectInProcess(PsGetCurrentProcess(), Object, ObMapDesiredAccess(type, DesiredAccess), Handle);
}

static HANDLE_TABLE_ENTRY *ObpLookup(PHANDLE_TABLE t, HANDLE Handle)
{
    ULONG v = (ULONG)Handle;
    if (!t || !v || (v & 3))
        return NULL;
    ULONG i = v / 4 - 1;
    if (i >= t->Capacity || !t->Entries[i].Object)
        return NULL;
    return &t->Entries[i];
}

NTSTATUS ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess, POBJECT_TYPE Type,
                                   KPROCESSOR_MODE AccessMode, PVOID *Object, PACCESS_MASK GrantedAccess)
{
    UNREFERENCED_PARAMETER(AccessMode);
    PVOID object;
    ACCESS_MASK granted;
    if (Handle == NtCurrentProcess() || Handle == NtCurrentThread()) {
        POBJECT_TYPE pseudoType = Handle == NtCurrentProcess() ? PsProcessType : PsThreadType;
        if (!pseudoType || (Type && Type != pseudoType))
            return STATUS_OBJECT_TYPE_MISMATCH;
        object = Handle == NtCurrentProcess() ? (PVOID)PsGetCurrentProcess() : (PVOID)PsGetCurrentThread();
        granted = pseudoType->GenericAll;
        ObReferenceObject(object);
    } else {
        ULONG flags = KeDisableInterruptsInline();
        HANDLE_TABLE_ENTRY *e = ObpLookup((PHANDLE_TABLE)PsGetCurrentProcess()->ObjectTable, Handle);
        if (!e) {
            KeRestoreInterruptsInline(flags);
            return STATUS_INVALID_HANDLE;
        }
        object = e->Object;
        granted = e->GrantedAccess;
        POBJECT_HEADER header = OBJECT_TO_OBJECT_HEADER(object);
        if (Type && header->Type != Type) {
            KeRestoreInterruptsInline(flags);
            return STATUS_OBJECT_TYPE_MISMATCH;
        }
        /* ObReferenceObject, inline: interrupts are already off */
        if (header->PointerCount <= 0)
            KeBugCheckEx(0x18 /* REFERENCE_BY_POINTER */, (ULONG_PTR)header->Type, (ULONG_PTR)object, 1,
                         header->PointerCount);
        header->PointerCount++;
        KeRestoreInterruptsInline(flags);
    }
    if (DesiredAccess & (GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL | MAXIMUM_ALLOWED))
        DesiredAccess = ObMapDesiredAccess(OBJECT_TO_OBJECT_HEADER(object)->Type, DesiredAccess);
    if ((granted & DesiredAccess) != DesiredAccess) {
        ObDereferenceObject(object);
        return STATUS_ACCESS_DENIED;
    }
    *Object = object;
    if (GrantedAccess)
        *GrantedAccess = granted;
    return STATUS_SUCCESS;
}

static NTSTATUS ObpCloseHandleInTable(PHANDLE_TABLE t, HANDLE Handle)
{
    ULONG flags = KeDisableInterruptsInline();
    HANDLE_TABLE_ENTRY *e = ObpLookup(t, Handle);
    if (!e) {
        KeRestoreInterruptsInline(flags);
        return STATUS_INVALID_HANDLE;
    }
    PVOID object = e->Object;
    e->Object = NULL;
    e->GrantedAccess = 0;
    t->HandleCount--;
    POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(object);
    ULONG before = (ULONG)h->HandleCount--;
    KeRestoreInterruptsInline(flags);
    if (h->Type->CloseProcedure)
        h->Type->CloseProcedure(object, before);
    if (before == 1 && h->NameEntry)
        ObpDeleteNameCheck(object);                 /* a temporary name goes with the last handle */
    ObDereferenceObject(object);
    return STATUS_SUCCESS;
}

/* ObCloseHandleInProcess - close a handle of any process (NtDuplicateObject's CLOSE_SOURCE). */
NTSTATUS ObCloseHandleInProcess(PEPROCESS Process, HANDLE Handle)
{
    return ObpCloseHandleInTable((PHANDLE_TABLE)Process->ObjectTable, Handle);
}

/*
 * ObReferenceObjectByHandleInProcess - the object behind a real handle of Process (no pseudo
 * handles, no type or access check), referenced, with the handle's granted access.
 * Result: STATUS_SUCCESS or STATUS_INVALID_HANDLE.
 */
NTSTATUS ObReferenceObjectByHandleInProcess(PEPROCESS Process, HANDLE Handle, PVOID *Object,
                                            PACCESS_MASK GrantedAccess)
{
    ULONG flags = KeDisableInterruptsInline();
    HANDLE_TABLE_ENTRY *e = ObpLookup((PHANDLE_TABLE)Process->ObjectTable, Handle);
    if (!e) {
        KeRestoreInterruptsInline(flags);
        return STATUS_INVALID_HANDLE;
    }
    ObReferenceObject(e->Object);
    *Object = e->Object;
    *GrantedAccess = e->GrantedAccess;
    KeRestoreInterruptsInline(flags);
    return STATUS_SUCCESS;
}

NTSTATUS ObCloseHandle(HANDLE Handle)
{
    return ObpCloseHandleInTable((PHANDLE_TABLE)PsGetCurrentProcess()->ObjectTable, Handle);
}

VOID ObKillProcess(PEPROCESS Process)
{
    PHANDLE_TABLE t = (PHANDLE_TABLE)Process->ObjectTable;
    if (!t)
        return;
    for (ULONG i = 0; i < t->Capacity; i++)
        if (t->Entries[i].Object)
            ObpCloseHandleInTable(t, (HANDLE)((i + 1) * 4));
    if (t->Entries)
        ExFreePoolWithTag(t->Entries, 'btbO');
    ExFreePoolWithTag(t, 'btbO');
    Process->ObjectTable = NULL;
}

ULONG ObQueryHandleCount(PEPROCESS Process)
{
    PHANDLE_TABLE t = (PHANDLE_TABLE)Process->ObjectTable;
    return t ? t->HandleCount : 0;
}

/* The SystemHandleInformation index of an object type (OB_TYPE_INDEX_LIST, inc/ntpsapi.h),
   0 for a type the list does not name. */
static UCHAR ObpTypeIndex(POBJECT_TYPE Type)
{
#define OBP_TYPE_INDEX(Index, TypeName) if (!strcmp(Type->Name, TypeName)) return Index;
    OB_TYPE_INDEX_LIST(OBP_TYPE_INDEX)
#undef OBP_TYPE_INDEX
    return 0;
}

/*
 * ObQueryProcessHandles - Process's handles as SystemHandleInformation entries (NT's x86 layout),
 * at most MaxEntries of them into Entries. Object stays 0: no kernel address reaches user mode
 * (docs/security.md). Called with interrupts disabled by PsQuerySystemHandleInformation for one
 * consistent snapshot. Result: the number of handles the process has (may exceed MaxEntries).
 */
ULONG ObQueryProcessHandles(PEPROCESS Process, PSYSTEM_HANDLE_TABLE_ENTRY_INFO Entries, ULONG MaxEntries)
{
    PHANDLE_TABLE t = (PHANDLE_TABLE)Process->ObjectTable;
    ULONG n = 0;
    if (!t)
        return 0;
    ULONG flags = KeDisableInterrupts();
    for (ULONG i = 0; i < t->Capacity; i++) {
        PVOID object = t->Entries[i].Object;
        if (!object)
            continue;
        if (n < MaxEntries) {
            PSYSTEM_HANDLE_TABLE_ENTRY_INFO e = &Entries[n];
            memset(e, 0, sizeof(*e));
            e->UniqueProcessId = (USHORT)Process->UniqueProcessId;
            e->ObjectTypeIndex = ObpTypeIndex(OBJECT_TO_OBJECT_HEADER(object)->Type);
            e->HandleValue = (USHORT)((i + 1) * 4);
            e->GrantedAccess = t->Entries[i].GrantedAccess;
        }
        n++;
    }
    KeRestoreInterrupts(flags);
    return n;
}

/* NtClose - In: a handle of the calling process. Result: STATUS_SUCCESS, STATUS_INVALID_HANDLE. */
NTSTATUS NTAPI NtClose(HANDLE Handle)
{
    return ObCloseHandle(Handle);
}
