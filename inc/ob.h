/*
 * ob.h - the object manager: typed, reference-counted objects and per-process handle tables.
 * Every object is preceded by an OBJECT_HEADER; an object is deleted (its type's DeleteProcedure,
 * then the memory) when its last reference goes. A handle holds one reference.
 */
#ifndef NANONT_OB_H
#define NANONT_OB_H

#include "ke.h"

typedef struct _EPROCESS *PEPROCESS_OB;

typedef struct _OBJECT_TYPE {
    PCSTR Name;
    ACCESS_MASK ValidAccessMask;       /* rights that mean something for this type; a handle has no others */
    /* NT's GENERIC_MAPPING: the type's rights each generic right stands for (ObMapDesiredAccess) */
    ACCESS_MASK GenericRead;
    ACCESS_MASK GenericWrite;
    ACCESS_MASK GenericExecute;
    ACCESS_MASK GenericAll;            /* what GENERIC_ALL grants, and MAXIMUM_ALLOWED on an open */
    VOID (*DeleteProcedure)(PVOID Object);
    VOID (*CloseProcedure)(PVOID Object, ULONG HandleCountBefore); /* a handle went away */
    ULONG PoolTag;
    LONG ObjectCount;                  /* live objects of this type (leak checks) */
    BOOLEAN Waitable;                  /* the body begins with a DISPATCHER_HEADER (NtWaitForSingleObject, ...) */
} OBJECT_TYPE, *POBJECT_TYPE;

typedef struct _OBJECT_HEADER {
    LONG PointerCount;
    LONG HandleCount;
    POBJECT_TYPE Type;
    struct _OBJECT_DIRECTORY_ENTRY *NameEntry; /* its name in the namespace (ob/obdir.c), or NULL */
} OBJECT_HEADER, *POBJECT_HEADER;

#define OBJECT_TO_OBJECT_HEADER(o) ((POBJECT_HEADER)(o) - 1)

#include "ntaccess.h"

NTSTATUS ObCreateObject(POBJECT_TYPE Type, ULONG BodySize, PVOID *Object);  /* one reference, zeroed */
VOID ObReferenceObject(PVOID Object);
VOID ObDereferenceObject(PVOID Object);
/* Add a handle to Object in the current process (takes a new reference). */
NTSTATUS ObInsertObject(PVOID Object, ACCESS_MASK DesiredAccess, PHANDLE Handle);
/* GrantedAccess must already be mapped (no generic rights); rights outside the type's
   ValidAccessMask are dropped, as NT's handle entries keep none. */
NTSTATUS ObInsertObjectInProcess(struct _EPROCESS *Process, PVOID Object, ACCESS_MASK GrantedAccess, PHANDLE Handle);
/* Resolve a handle of the current process (or NtCurrentProcess/NtCurrentThread) to a referenced
   object of the given type (NULL: any type) with at least DesiredAccess. */
NTSTATUS ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess, POBJECT_TYPE Type,
                                   KPROCESSOR_MODE AccessMode, PVOID *Object, PACCESS_MASK GrantedAccess);
NTSTATUS ObCloseHandle(HANDLE Handle);
NTSTATUS ObInitializeProcessHandleTable(struct _EPROCESS *Process);
VOID ObKillProcess(struct _EPROCESS *Process);           /* close every handle */
ULONG ObQueryHandleCount(struct _EPROCESS *Process);
/* SystemHandleInformation entries for one process (ob/obhandle.c); result: its handle count */
struct _SYSTEM_HANDLE_TABLE_ENTRY_INFO;
ULONG ObQueryProcessHandles(struct _EPROCESS *Process, struct _SYSTEM_HANDLE_TABLE_ENTRY_INFO *Entries,
                            ULONG MaxEntries);
/* Generic rights to the type's own (MAXIMUM_ALLOWED: GenericAll, there are no security
   descriptors to grant less); specific rights pass unchanged. */
ACCESS_MASK ObMapDesiredAccess(POBJECT_TYPE Type, ACCESS_MASK DesiredAccess);

extern POBJECT_TYPE PsProcessType, PsThreadType;   /* set by PsInitSystem (ps/psinit.c) */
extern POBJECT_TYPE ExEventObjectType, ExSemaphoreObjectType, ExMutantObjectType, ExTimerType;
extern POBJECT_TYPE MmSectionObjectType;                 /* mm/section.c */

/* helpers for the object services (ob/obattr.c, ob/obhandle.c) */
NTSTATUS ObCheckObjectAttributes(POBJECT_ATTRIBUTES ObjectAttributes);   /* unnamed objects only */
NTSTATUS ObInsertObjectReturnHandle(PVOID Object, ACCESS_MASK DesiredAccess, PHANDLE UserHandle);
NTSTATUS ObReferenceObjectByHandleInProcess(struct _EPROCESS *Process, HANDLE Handle, PVOID *Object,
                                            PACCESS_MASK GrantedAccess);
NTSTATUS ObCloseHandleInProcess(struct _EPROCESS *Process, HANDLE Handle);

/* Named objects (ob/obattr.c, ob/obdir.c): the namespace is \ and \BaseNamedObjects. */
typedef struct _OBJECT_CREATE_INFORMATION {
    ULONG Attributes;                  /* OBJ_CASE_INSENSITIVE, OBJ_OPENIF, ... */
    HANDLE RootDirectory;              /* a directory handle the name is relative to, or NULL */
    UNICODE_STRING ObjectName;         /* captured into pool; Buffer NULL: unnamed */
} OBJECT_CREATE_INFORMATION, *POBJECT_CREATE_INFORMATION;

#define OB_MAX_NAME_CHARS 255          /* longest object name (whole path) NanoNT accepts */

extern POBJECT_TYPE ObDirectoryType;
NTSTATUS ObCaptureObjectAttributes(POBJECT_ATTRIBUTES ObjectAttributes, POBJECT_CREATE_INFORMATION Info);
VOID ObReleaseObjectCreateInformation(POBJECT_CREATE_INFORMATION Info);
/* Give a new object its handle, entering its name first when Info has one (OBJ_OPENIF may open
   an existing object instead: STATUS_OBJECT_NAME_EXISTS). Always releases Info. */
NTSTATUS ObInsertObjectByName(PVOID Object, POBJECT_CREATE_INFORMATION Info, ACCESS_MASK DesiredAccess,
                              PHANDLE UserHandle);
NTSTATUS ObOpenObjectByName(POBJECT_ATTRIBUTES ObjectAttributes, POBJECT_TYPE Type, ACCESS_MASK DesiredAccess,
                            PHANDLE UserHandle);
VOID ObpDeleteNameCheck(PVOID Object);     /* the last handle went: drop the name */

#endif
