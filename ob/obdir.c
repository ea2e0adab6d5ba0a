/*
 * obdir.c - the object namespace: the root directory "\" holding the directory
 * "\BaseNamedObjects", where events, semaphores, mutants and timers get their names so that
 * unrelated processes can share them. The two directories are static kernel objects of type
 * "Directory" (NtOpenDirectoryObject gives handles to them, usable as RootDirectory); no others
 * can be created. Named objects are temporary, as on NT: the name goes when the last handle
 * closes (ObpDeleteNameCheck, from the handle close path), so a name never outlives its users.
 * The directory entry holds no reference: each handle does. Names are compared case-insensitively
 * with OBJ_CASE_INSENSITIVE, else exactly. The namespace is guarded as the dispatcher is, with
 * interrupts disabled (uniprocessor).
 */
#include "ob.h"
#include "mm.h"
#include "pool.h"
#include "rtl.h"
#include "ntpsapi.h"

#define OBP_HASH_BUCKETS 37
#define OBP_NAME_TAG 'mNbO'

typedef struct _OBJECT_DIRECTORY_ENTRY {
    struct _OBJECT_DIRECTORY_ENTRY *ChainLink;
    struct _OBJECT_DIRECTORY *Directory;  /* where it is linked */
    PVOID Object;
    ULONG HashValue;
    BOOLEAN Permanent;                    /* the static directories' own names */
    UNICODE_STRING Name;                  /* the last path component */
} OBJECT_DIRECTORY_ENTRY, *POBJECT_DIRECTORY_ENTRY;

typedef struct _OBJECT_DIRECTORY {
    POBJECT_DIRECTORY_ENTRY HashBuckets[OBP_HASH_BUCKETS];
} OBJECT_DIRECTORY, *POBJECT_DIRECTORY;

static OBJECT_TYPE ObpDirectoryTypeObject = {
    .Name = "Directory", .ValidAccessMask = DIRECTORY_ALL_ACCESS,
    .GenericRead = STANDARD_RIGHTS_READ | DIRECTORY_QUERY | DIRECTORY_TRAVERSE,
    .GenericWrite = STANDARD_RIGHTS_WRITE | DIRECTORY_CREATE_OBJECT | DIRECTORY_CREATE_SUBDIRECTORY,
    .GenericExecute = STANDARD_RIGHTS_EXECUTE | DIRECTORY_QUERY | DIRECTORY_TRAVERSE,
    .GenericAll = DIRECTORY_ALL_ACCESS,
    .PoolTag = 'eriD',
};
POBJECT_TYPE ObDirectoryType = &ObpDirectoryTypeObject;

/* A static object: its header then its body, with one reference that is never dropped. */
typedef struct _OBP_STATIC_DIRECTORY {
    OBJECT_HEADER Header;
    OBJECT_DIRECTORY Body;
} OBP_STATIC_DIRECTORY;

static OBP_STATIC_DIRECTORY ObpRootStorage = { { 1, 0, &ObpDirectoryTypeObject, NULL }, { { NULL } } };
static OBP_STATIC_DIRECTORY ObpBnoStorage = { { 1, 0, &ObpDirectoryTypeObject, NULL }, { { NULL } } };
static WCHAR ObpBnoName[] = u"BaseNamedObjects";
static OBJECT_DIRECTORY_ENTRY ObpBnoEntry = {
    NULL, &ObpRootStorage.Body, &ObpBnoStorage.Body, 0, TRUE,
    { sizeof(ObpBnoName) - sizeof(WCHAR), sizeof(ObpBnoName), ObpBnoName },
};
static POBJECT_DIRECTORY ObpRootDirectoryObject = &ObpRootStorage.Body;
static BOOLEAN ObpNamespaceReady;

/* The bucket hash: case-folded, so both kinds of comparison look in the same bucket. */
static ULONG ObpHashName(PCUNICODE_STRING Name)
{
    ULONG h = 0;
    for (ULONG i = 0; i < Name->Length / sizeof(WCHAR); i++)
        h = h * 31 + RtlUpcaseUnicodeChar(Name->Buffer[i]);
    return h;
}

static VOID ObpLinkEntry(POBJECT_DIRECTORY Directory, POBJECT_DIRECTORY_ENTRY Entry)
{
    Entry->HashValue = ObpHashName(&Entry->Name);
    Entry->Directory = Directory;
    POBJECT_DIRECTORY_ENTRY *bucket = &Directory->HashBuckets[Entry->HashValue % OBP_HASH_BUCKETS];
    Entry->ChainLink = *bucket;
    *bucket = Entry;
    OBJECT_TO_OBJECT_HEADER(Entry->Object)->NameEntry = Entry;
}

/* Link \BaseNamedObjects into the root on first use (callers hold the namespace lock). */
static VOID ObpEnsureNamespace(VOID)
{
    if (ObpNamespaceReady)
        return;
    ObpLinkEntry(ObpRootDirectoryObject, &ObpBnoEntry);
    ObpNamespaceReady = TRUE;
}

static POBJECT_DIRECTORY_ENTRY ObpLookupDirectoryEntry(POBJECT_DIRECTORY Directory, PCUNICODE_STRING Name,
                                                       BOOLEAN CaseInsensitive)
{
    POBJECT_DIRECTORY_ENTRY e = Directory->HashBuckets[ObpHashName(Name) % OBP_HASH_BUCKETS];
    for (; e; e = e->ChainLink)
        if (RtlEqualUnicodeString(&e->Name, Name, CaseInsensitive))
            return e;
    return NULL;
}

/*
 * ObpLookupObjectName - walk Path from Start (NULL: the root; Path must then begin with "\",
 * otherwise it must not). Out: the directory that holds or would hold the last component, that
 * component (pointing into Path), and the object found there (NULL if none). "\" alone is the
 * root itself. Namespace lock held. Result: STATUS_SUCCESS, STATUS_OBJECT_PATH_SYNTAX_BAD,
 * STATUS_OBJECT_PATH_NOT_FOUND (a missing directory), STATUS_OBJECT_TYPE_MISMATCH (a component
 * on the way is not a directory).
 */
static NTSTATUS ObpLookupObjectName(PCUNICODE_STRING Path, POBJECT_DIRECTORY Start, BOOLEAN CaseInsensitive,
                                    POBJECT_DIRECTORY *Parent, PUNICODE_STRING Leaf, PVOID *Found)
{
    ULONG n = Path->Length / sizeof(WCHAR), pos = 0;
    BOOLEAN rooted = n && Path->Buffer[0] == L'\\';
    POBJECT_DIRECTORY dir = Start ? Start : ObpRootDirectoryObject;
    *Found = NULL;
    if (rooted == (Start != NULL))
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    if (rooted)
        pos = 1;
    if (pos == n) {                              /* "\" */
        *Parent = NULL;
        *Found = dir;
        return STATUS_SUCCESS;
    }
    for (;;) {
        ULONG end = pos;
        while (end < n && Path->Buffer[end] != L'\\')
            end++;
        UNICODE_STRING part = { (USHORT)((end - pos) * sizeof(WCHAR)), (USHORT)((end - pos) * sizeof(WCHAR)),
                                Path->Buffer + pos };
        POBJECT_DIRECTORY_ENTRY e = ObpLookupDirectoryEntry(dir, &part, CaseInsensitive);
        if (end == n) {
            *Parent = dir;
            *Leaf = part;
            *Found = e ? e->Object : NULL;
            return STATUS_SUCCESS;
        }
        if (!e)
            return STATUS_OBJECT_PATH_NOT_FOUND;
        if (OBJECT_TO_OBJECT_HEADER(e->Object)->Type != ObDirectoryType)
            return STATUS_OBJECT_TYPE_MISMATCH;
        dir = e->Object;
        pos = end + 1;
    }
}

/* The directory Info->RootDirectory names (referenced), or NULL for none. Result: handle errors. */
static NTSTATUS ObpReferenceRootDirectory(POBJECT_CREATE_INFORMATION Info, ACCESS_MASK Access,
                                          POBJECT_DIRECTORY *Directory)
{
    *Directory = NULL;
    if (!Info->RootDirectory)
        return STATUS_SUCCESS;
    return ObReferenceObjectByHandle(Info->RootDirectory, Access, ObDirectoryType, UserMode, (PVOID *)Directory,
                                     NULL);
}

/*
 * ObInsertObjectByName - In: a new object (the caller's reference), captured attributes, the
 * access for the handle, where to write it. Unnamed: just the handle. Named: a free name is
 * entered and the handle made; a taken name is STATUS_OBJECT_NAME_COLLISION, or with OBJ_OPENIF a
 * handle to the existing object (STATUS_OBJECT_NAME_EXISTS, a success) if its type matches
 * (else STATUS_OBJECT_TYPE_MISMATCH); the new object is then unused and goes with the caller's
 * reference. Always releases Info. Result: those, the lookup errors, STATUS_INSUFFICIENT_RESOURCES,
 * STATUS_ACCESS_VIOLATION (the handle could not be written: nothing stays behind).
 */
NTSTATUS ObInsertObjectByName(PVOID Object, POBJECT_CREATE_INFORMATION Info, ACCESS_MASK DesiredAccess,
                              PHANDLE UserHandle)
{
    if (!Info->ObjectName.Buffer)
        return ObInsertObjectReturnHandle(Object, DesiredAccess, UserHandle);
    POBJECT_DIRECTORY start, parent;
    NTSTATUS status = ObpReferenceRootDirectory(Info, DIRECTORY_CREATE_OBJECT, &start);
    if (!NT_SUCCESS(status)) {
        ObReleaseObjectCreateInformation(Info);
        return status;
    }
    /* room for the last component, allocated before taking the lock */
    POBJECT_DIRECTORY_ENTRY entry = ExAllocatePoolZero(NonPagedPool, sizeof(*entry) + Info->ObjectName.Length,
                                                       OBP_NAME_TAG);
    PVOID found = NULL;
    UNICODE_STRING leaf;
    ULONG flags = KeDisableInterrupts();
    ObpEnsureNamespace();
    if (!entry)
        status = STATUS_INSUFFICIENT_RESOURCES;
    else
        status = ObpLookupObjectName(&Info->ObjectName, start, (Info->Attributes & OBJ_CASE_INSENSITIVE) != 0,
                                     &parent, &leaf, &found);
    if (NT_SUCCESS(status) && found) {
        if (!(Info->Attributes & OBJ_OPENIF))
            status = STATUS_OBJECT_NAME_COLLISION;
        else if (OBJECT_TO_OBJECT_HEADER(found)->Type != OBJECT_TO_OBJECT_HEADER(Object)->Type)
            status = STATUS_OBJECT_TYPE_MISMATCH;
        else
            ObReferenceObject(found);
    } else if (NT_SUCCESS(status)) {
        entry->Object = Object;
        entry->Name.Buffer = (PWSTR)(entry + 1);
        entry->Name.Length = entry->Name.MaximumLength = leaf.Length;
        memcpy(entry->Name.Buffer, leaf.Buffer, leaf.Length);
        ObpLinkEntry(parent, entry);
        entry = NULL;
    }
    KeRestoreInterrupts(flags);
    if (entry)
        ExFreePoolWithTag(entry, OBP_NAME_TAG);
    if (start)
        ObDereferenceObject(start);
    ObReleaseObjectCreateInformation(Info);
    if (!NT_SUCCESS(status))
        return status;
    if (found) {
        status = ObInsertObjectReturnHandle(found, DesiredAccess, UserHandle);
        ObDereferenceObject(found);
        return NT_SUCCESS(status) ? STATUS_OBJECT_NAME_EXISTS : status;
    }
    status = ObInsertObjectReturnHandle(Object, DesiredAccess, UserHandle);
    if (!NT_SUCCESS(status))
        ObpDeleteNameCheck(Object);                 /* no handle was ever made */
    return status;
}

/*
 * ObOpenObjectByName - In: the caller's OBJECT_ATTRIBUTES naming an object, the type it must have,
 * the access wanted, where to write the handle. Result: STATUS_SUCCESS, STATUS_INVALID_PARAMETER
 * (no attributes), STATUS_OBJECT_NAME_INVALID (no name), STATUS_OBJECT_NAME_NOT_FOUND,
 * STATUS_OBJECT_TYPE_MISMATCH, the capture and lookup errors, STATUS_ACCESS_VIOLATION.
 */
NTSTATUS ObOpenObjectByName(POBJECT_ATTRIBUTES ObjectAttributes, POBJECT_TYPE Type, ACCESS_MASK DesiredAccess,
                            PHANDLE UserHandle)
{
    if (!ObjectAttributes)
        return STATUS_INVALID_PARAMETER;
    OBJECT_CREATE_INFORMATION info;
    NTSTATUS status = ObCaptureObjectAttributes(ObjectAttributes, &info);
    if (!NT_SUCCESS(status))
        return status;
    if (!info.ObjectName.Buffer)
        return STATUS_OBJECT_NAME_INVALID;
    POBJECT_DIRECTORY start, parent;
    status = ObpReferenceRootDirectory(&info, DIRECTORY_TRAVERSE, &start);
    if (!NT_SUCCESS(status)) {
        ObReleaseObjectCreateInformation(&info);
        return status;
    }
    PVOID found;
    UNICODE_STRING leaf;
    ULONG flags = KeDisableInterrupts();
    ObpEnsureNamespace();
    status = ObpLookupObjectName(&info.ObjectName, start, (info.Attributes & OBJ_CASE_INSENSITIVE) != 0,
                                 &parent, &leaf, &found);
    if (NT_SUCCESS(status) && !found)
        status = STATUS_OBJECT_NAME_NOT_FOUND;
    else if (NT_SUCCESS(status) && OBJECT_TO_OBJECT_HEADER(found)->Type != Type)
        status = STATUS_OBJECT_TYPE_MISMATCH;
    else if (NT_SUCCESS(status))
        ObReferenceObject(found);
    KeRestoreInterrupts(flags);
    if (start)
        ObDereferenceObject(start);
    ObReleaseObjectCreateInformation(&info);
    if (!NT_SUCCESS(status))
        return status;
    status = ObInsertObjectReturnHandle(found, DesiredAccess, UserHandle);
    ObDereferenceObject(found);
    return status;
}

/*
 * ObpDeleteNameCheck - called when an object's handle count may have reached 0: a temporary name
 * is taken out of its directory and freed (an open that raced in and made a new handle keeps it).
 */
VOID ObpDeleteNameCheck(PVOID Object)
{
    POBJECT_HEADER h = OBJECT_TO_OBJECT_HEADER(Object);
    ULONG flags = KeDisableInterrupts();
    POBJECT_DIRECTORY_ENTRY entry = h->NameEntry;
    if (!entry || entry->Permanent || h->HandleCount != 0) {
        KeRestoreInterrupts(flags);
        return;
    }
    POBJECT_DIRECTORY_ENTRY *link = &entry->Directory->HashBuckets[entry->HashValue % OBP_HASH_BUCKETS];
    while (*link != entry)
        link = &(*link)->ChainLink;
    *link = entry->ChainLink;
    h->NameEntry = NULL;
    KeRestoreInterrupts(flags);
    ExFreePoolWithTag(entry, OBP_NAME_TAG);
}

/*
 * NtOpenDirectoryObject - In: where to write the handle, the access, attributes naming "\" or
 * "\BaseNamedObjects". The handle may serve as RootDirectory for relative names. Result: as
 * ObOpenObjectByName.
 */
NTSTATUS NTAPI NtOpenDirectoryObject(PHANDLE DirectoryHandle, ACCESS_MASK DesiredAccess,
                                     POBJECT_ATTRIBUTES ObjectAttributes)
{
    return ObOpenObjectByName(ObjectAttributes, ObDirectoryType, DesiredAccess, DirectoryHandle);
}
