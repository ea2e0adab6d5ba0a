/*
 * ntpsapi.h - types and constants of the process, thread, wait, synchronization-object and
 * virtual-memory services, shared by the kernel and user mode. NT's names, values and x86 layouts
 * (docs/spec.md §7); NanoNT additions are marked.
 */
#ifndef NANONT_NTPSAPI_H
#define NANONT_NTPSAPI_H

#include "ntdef.h"

/* ------------------------------------------------------------------ access rights */
#include "ntaccess.h"

#define PROCESS_TERMINATE         0x0001
#define PROCESS_CREATE_THREAD     0x0002
#define PROCESS_VM_OPERATION      0x0008
#define PROCESS_VM_READ           0x0010
#define PROCESS_VM_WRITE          0x0020
#define PROCESS_DUP_HANDLE        0x0040
#define PROCESS_CREATE_PROCESS    0x0080
#define PROCESS_SET_QUOTA         0x0100
#define PROCESS_SET_INFORMATION   0x0200
#define PROCESS_QUERY_INFORMATION 0x0400
#define PROCESS_SUSPEND_RESUME    0x0800
#define PROCESS_ALL_ACCESS        (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFF)

#define THREAD_TERMINATE          0x0001
#define THREAD_SUSPEND_RESUME     0x0002
#define THREAD_ALERT              0x0004
#define THREAD_GET_CONTEXT        0x0008
#define THREAD_SET_CONTEXT        0x0010
#define THREAD_SET_INFORMATION    0x0020
#define THREAD_QUERY_INFORMATION  0x0040
#define THREAD_ALL_ACCESS         (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3FF)

#define EVENT_QUERY_STATE         0x0001
#define EVENT_MODIFY_STATE        0x0002
#define EVENT_ALL_ACCESS          (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3)
#define SEMAPHORE_QUERY_STATE     0x0001
#define SEMAPHORE_MODIFY_STATE    0x0002
#define SEMAPHORE_ALL_ACCESS      (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3)
#define MUTANT_QUERY_STATE        0x0001
#define MUTANT_ALL_ACCESS         (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | MUTANT_QUERY_STATE)
#define TIMER_QUERY_STATE         0x0001
#define TIMER_MODIFY_STATE        0x0002
#define TIMER_ALL_ACCESS          (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3)
#define DIRECTORY_QUERY           0x0001
#define DIRECTORY_TRAVERSE        0x0002
#define DIRECTORY_CREATE_OBJECT   0x0004
#define DIRECTORY_CREATE_SUBDIRECTORY 0x0008
#define DIRECTORY_ALL_ACCESS      (STANDARD_RIGHTS_REQUIRED | 0xF)

/* ------------------------------------------------------------------ synchronization objects */
typedef enum _EVENT_TYPE { NotificationEvent = 0, SynchronizationEvent = 1 } EVENT_TYPE;
typedef enum _TIMER_TYPE { NotificationTimer = 0, SynchronizationTimer = 1 } TIMER_TYPE;
/* WAIT_TYPE (WaitAll 0, WaitAny 1) and MAXIMUM_WAIT_OBJECTS (64) are in ke.h */
typedef VOID (NTAPI *PTIMER_APC_ROUTINE)(PVOID TimerContext, ULONG TimerLowValue, LONG TimerHighValue);
typedef VOID (NTAPI *PPS_APC_ROUTINE)(PVOID ApcArgument1, PVOID ApcArgument2, PVOID ApcArgument3);

/* ------------------------------------------------------------------ processes and threads */
typedef struct _INITIAL_TEB {
    struct {
        PVOID OldStackBase;
        PVOID OldStackLimit;
    } OldInitialTeb;
    PVOID StackBase;                   /* highest address of the committed stack */
    PVOID StackLimit;                  /* lowest committed address */
    PVOID StackAllocationBase;         /* base of the reservation (freed when the thread ends) */
} INITIAL_TEB, *PINITIAL_TEB;
_Static_assert(sizeof(INITIAL_TEB) == 20, "INITIAL_TEB size");

typedef enum _PROCESSINFOCLASS {
    ProcessBasicInformation = 0,
    ProcessHandleCount = 20,
} PROCESSINFOCLASS;

typedef struct _PROCESS_BASIC_INFORMATION {
    NTSTATUS ExitStatus;               /* STATUS_PENDING while the process runs */
    PVOID PebBaseAddress;
    ULONG_PTR AffinityMask;
    KPRIORITY BasePriority;
    ULONG_PTR UniqueProcessId;
    ULONG_PTR InheritedFromUniqueProcessId;
} PROCESS_BASIC_INFORMATION, *PPROCESS_BASIC_INFORMATION;
_Static_assert(sizeof(PROCESS_BASIC_INFORMATION) == 24, "PROCESS_BASIC_INFORMATION size");

typedef enum _THREADINFOCLASS {
    ThreadBasicInformation = 0,
    ThreadPriority = 2,
} THREADINFOCLASS;

typedef struct _THREAD_BASIC_INFORMATION {
    NTSTATUS ExitStatus;               /* STATUS_PENDING while the thread runs */
    PVOID TebBaseAddress;
    CLIENT_ID ClientId;
    ULONG_PTR AffinityMask;
    KPRIORITY Priority;
    KPRIORITY BasePriority;
} THREAD_BASIC_INFORMATION, *PTHREAD_BASIC_INFORMATION;
_Static_assert(sizeof(THREAD_BASIC_INFORMATION) == 28, "THREAD_BASIC_INFORMATION size");

#define LOW_PRIORITY      0
#define LOW_REALTIME_PRIORITY 16
#define HIGH_PRIORITY     31
#define MAXIMUM_PRIORITY  32

/* NanoNT: NtCreateUserProcessFromPath flags (the values of NT's THREAD_CREATE_FLAGS_*) */
#define THREAD_CREATE_FLAGS_CREATE_SUSPENDED 0x00000001

/* ------------------------------------------------------------------ virtual memory */
#define MEM_COMMIT   0x00001000
#define MEM_RESERVE  0x00002000
#define MEM_DECOMMIT 0x00004000
#define MEM_RELEASE  0x00008000
#define PAGE_NOACCESS          0x01
#define PAGE_READONLY          0x02
#define PAGE_READWRITE         0x04
#define PAGE_EXECUTE           0x10
#define PAGE_EXECUTE_READ      0x20
#define PAGE_EXECUTE_READWRITE 0x40
#define PAGE_WRITECOPY         0x08
#define PAGE_EXECUTE_WRITECOPY 0x80

/* ------------------------------------------------------------------ sections (docs/sections.md) */
#define SECTION_QUERY        0x0001
#define SECTION_MAP_WRITE    0x0002
#define SECTION_MAP_READ     0x0004
#define SECTION_MAP_EXECUTE  0x0008
#define SECTION_EXTEND_SIZE  0x0010
#define SECTION_ALL_ACCESS   (STANDARD_RIGHTS_REQUIRED | 0x001F)

/* NtCreateSection AllocationAttributes */
#define SEC_BASED    0x00200000
#define SEC_NO_CHANGE 0x00400000
#define SEC_FILE     0x00800000
#define SEC_IMAGE    0x01000000
#define SEC_RESERVE  0x04000000
#define SEC_COMMIT   0x08000000
#define SEC_NOCACHE  0x10000000

typedef enum _SECTION_INHERIT { ViewShare = 1, ViewUnmap = 2 } SECTION_INHERIT;

typedef enum _SECTION_INFORMATION_CLASS {
    SectionBasicInformation = 0,
    SectionImageInformation = 1
} SECTION_INFORMATION_CLASS;

/* NT's x86 layouts: 0x10 and 0x30 bytes */
typedef struct _SECTION_BASIC_INFORMATION {
    PVOID BaseAddress;                 /* SEC_BASED only: 0 in NanoNT */
    ULONG AllocationAttributes;        /* SEC_IMAGE or SEC_COMMIT, with SEC_FILE when file-backed */
    LARGE_INTEGER MaximumSize;         /* bytes (an image: its SizeOfImage) */
} SECTION_BASIC_INFORMATION, *PSECTION_BASIC_INFORMATION;

typedef struct _SECTION_IMAGE_INFORMATION {
    PVOID TransferAddress;             /* entry point at the preferred base (0: none) */
    ULONG ZeroBits;
    SIZE_T MaximumStackSize;           /* SizeOfStackReserve */
    SIZE_T CommittedStackSize;         /* SizeOfStackCommit */
    ULONG SubSystemType;
    union {
        struct {
            USHORT SubSystemMinorVersion;
            USHORT SubSystemMajorVersion;
        };
        ULONG SubSystemVersion;
    };
    ULONG GpValue;
    USHORT ImageCharacteristics;
    USHORT DllCharacteristics;
    USHORT Machine;
    BOOLEAN ImageContainsCode;
    BOOLEAN Spare1;
    ULONG LoaderFlags;
    ULONG ImageFileSize;
    ULONG Reserved[1];
} SECTION_IMAGE_INFORMATION, *PSECTION_IMAGE_INFORMATION;

/* SystemProcessInformation (NtQuerySystemInformation class 5), NT's x86 layout: one
   SYSTEM_PROCESS_INFORMATION per process, each followed by its threads' SYSTEM_THREAD_INFORMATION,
   chained by NextEntryOffset (0 ends the list); the image names are stored after the records and
   ImageName.Buffer points at them in the caller's buffer. NanoNT fills the identities, counts,
   priorities, states and page counts; the times and I/O counters stay zero. */
#define SystemProcessInformation 5
typedef struct _SYSTEM_THREAD_INFORMATION {
    LARGE_INTEGER KernelTime;
    LARGE_INTEGER UserTime;
    LARGE_INTEGER CreateTime;
    ULONG WaitTime;
    PVOID StartAddress;
    CLIENT_ID ClientId;
    LONG Priority;
    LONG BasePriority;
    ULONG ContextSwitches;
    ULONG ThreadState;                 /* KTHREAD_STATE: 1 ready, 2 running, 5 waiting, 4 terminated */
    ULONG WaitReason;
    ULONG Reserved;
} SYSTEM_THREAD_INFORMATION, *PSYSTEM_THREAD_INFORMATION;

typedef struct _SYSTEM_PROCESS_INFORMATION {
    ULONG NextEntryOffset;
    ULONG NumberOfThreads;
    LARGE_INTEGER SpareLi1, SpareLi2, SpareLi3;
    LARGE_INTEGER CreateTime, UserTime, KernelTime;
    UNICODE_STRING ImageName;
    LONG BasePriority;
    HANDLE UniqueProcessId;
    HANDLE InheritedFromUniqueProcessId;
    ULONG HandleCount;
    ULONG SessionId;
    ULONG PageDirectoryBase;
    SIZE_T PeakVirtualSize, VirtualSize;
    ULONG PageFaultCount;
    SIZE_T PeakWorkingSetSize, WorkingSetSize;
    SIZE_T QuotaPeakPagedPoolUsage, QuotaPagedPoolUsage, QuotaPeakNonPagedPoolUsage, QuotaNonPagedPoolUsage;
    SIZE_T PagefileUsage, PeakPagefileUsage, PrivatePageCount;
    LARGE_INTEGER ReadOperationCount, WriteOperationCount, OtherOperationCount;
    LARGE_INTEGER ReadTransferCount, WriteTransferCount, OtherTransferCount;
} SYSTEM_PROCESS_INFORMATION, *PSYSTEM_PROCESS_INFORMATION;
_Static_assert(sizeof(SYSTEM_THREAD_INFORMATION) == 0x40, "NT x86 SYSTEM_THREAD_INFORMATION");
_Static_assert(sizeof(SYSTEM_PROCESS_INFORMATION) == 0xB8, "NT x86 SYSTEM_PROCESS_INFORMATION");

/* SystemHandleInformation (NtQuerySystemInformation class 16), NT's x86 layout: the count, then
   one entry per handle of every process. ObjectTypeIndex numbers NanoNT's object types as
   OB_TYPE_INDEX_LIST below does (NT's numbers differ from build to build too; NT tools name them
   through NtQueryObject). Object, the body's kernel address in NT, is always 0 here
   (docs/security.md). */
#define SystemHandleInformation 16

typedef struct _SYSTEM_HANDLE_TABLE_ENTRY_INFO {
    USHORT UniqueProcessId;
    USHORT CreatorBackTraceIndex;
    UCHAR ObjectTypeIndex;
    UCHAR HandleAttributes;
    USHORT HandleValue;
    PVOID Object;
    ULONG GrantedAccess;
} SYSTEM_HANDLE_TABLE_ENTRY_INFO, *PSYSTEM_HANDLE_TABLE_ENTRY_INFO;

typedef struct _SYSTEM_HANDLE_INFORMATION {
    ULONG NumberOfHandles;
    SYSTEM_HANDLE_TABLE_ENTRY_INFO Handles[1];
} SYSTEM_HANDLE_INFORMATION, *PSYSTEM_HANDLE_INFORMATION;

_Static_assert(sizeof(SYSTEM_HANDLE_TABLE_ENTRY_INFO) == 0x10, "NT x86 SYSTEM_HANDLE_TABLE_ENTRY_INFO");
_Static_assert(sizeof(SYSTEM_HANDLE_INFORMATION) == 0x14, "NT x86 SYSTEM_HANDLE_INFORMATION");

/* The object type indexes of SystemHandleInformation, and the types' names (OBJECT_TYPE.Name):
   X(Index, Name). 0 is no known type. */
#define OB_TYPE_INDEX_LIST(X) \
    X(1, "Directory") X(2, "Process") X(3, "Thread") X(4, "File") X(5, "Event") \
    X(6, "Semaphore") X(7, "Mutant") X(8, "Timer") X(9, "Section")


#endif
