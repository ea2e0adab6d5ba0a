/* psp.h - process-structure internals shared between ps/ files and the services that use them. */
#ifndef NANONT_PSP_H
#define NANONT_PSP_H

#include "ps.h"
#include "nti386.h"
#include "ob.h"
#include "ntpsapi.h"

#define NTDLL_BASE           0x77F00000UL
#define PSP_PEB_ADDRESS      0x7FFDF000UL
#define PSP_TEB_TOP          0x7FFDE000UL   /* first TEB; later ones below, one page each */
#define PSP_TEB_SLOTS        128
#define PSP_PARAMETERS_VA    0x00020000UL   /* RTL_USER_PROCESS_PARAMETERS and its strings */
#define PSP_PARAMETERS_SIZE  0x2000
#define PSP_IMAGE_MAXIMUM    0x6FFFFFFFUL   /* executables live below this */
#define PSP_STACK_REGION_TOP 0x7FF00000UL   /* initial thread stacks, top down */
#define PSP_DEFAULT_STACK    0x40000        /* 256 KiB committed, plus a guard page */

/* What the kernel needs to know about ntdll.dll: its entry points, found by name in its export
   table when it is loaded at boot (ps/sysdll.c). */
typedef struct _NTDLL_KERNEL_EXPORTS {
    ULONG DllBase;
    ULONG KiFastSystemCall;
    ULONG KiFastSystemCallRet;
    ULONG KiIntSystemCall;
    ULONG KiUserApcDispatcher;
    ULONG KiUserExceptionDispatcher;
    ULONG LdrInitializeThunk;          /* the user APC each process's first thread runs first */
    ULONG RtlUserThreadStart;
} NTDLL_KERNEL_EXPORTS;
extern NTDLL_KERNEL_EXPORTS PspSystemDll;

NTSTATUS PspInitializeSystemDll(VOID);
NTSTATUS PspMapSystemDll(ULONG DirectoryTableBase);

/* A new process with its initial thread (started). *Process comes back referenced (the caller
   dereferences it); *Thread (optional) is not referenced: valid until the caller next waits. */
NTSTATUS PspCreateProcess(PCSTR ImageName, const VOID *Image, ULONG ImageSize, PCSTR CommandLine,
                          BOOLEAN InitialProcess, PEPROCESS *Process, PETHREAD *Thread);
/* NtCreateProcessEx: a thread-less process around an image section (ps/create.c) */
NTSTATUS PspCreateProcessFromSection(PVOID Section, PEPROCESS *Process);
NTSTATUS PspQueueLoaderApcForNewThread(PEPROCESS Process, PETHREAD Thread);
/* A new user thread at Eip/Esp or at a CONTEXT, on a stack described by Stack (optional).
   *Thread comes back referenced (the caller dereferences it). */
struct _INITIAL_TEB;
NTSTATUS PspCreateThread(PEPROCESS Process, ULONG Eip, ULONG Esp, PCONTEXT Context,
                         const struct _INITIAL_TEB *Stack, BOOLEAN CreateSuspended, PETHREAD *Thread);
VOID PspTerminateThreadByPointer(PETHREAD Thread, NTSTATUS ExitStatus);
/* ps/image.c: find an executable by path; PspCloseImageFile releases what it returned */
NTSTATUS PspOpenImageFile(PCSTR Path, const VOID **Image, PULONG ImageSize, PCSTR *ImageName);
VOID PspCloseImageFile(const VOID *Image);
BOOLEAN PspIsBootModuleImage(const VOID *Image);
extern OBJECT_TYPE PspProcessObjectType, PspThreadObjectType;
NTSTATUS PspAllocateTeb(PEPROCESS Process, PULONG TebVa);
VOID PspFreeTeb(PEPROCESS Process, ULONG TebVa);
DECLSPEC_NORETURN VOID PspExitThread(NTSTATUS ExitStatus);
VOID PspTerminateProcess(PEPROCESS Process, NTSTATUS ExitStatus);
VOID PspReapDeadThreads(VOID);
VOID PspFreeSmallStackAfterConversion(VOID);
/* ps/exit.c: the object types' delete procedures (last reference gone) */
VOID PspDeleteProcess(PVOID Object);
VOID PspDeleteThread(PVOID Object);
/* Ask every thread of Process but the caller to end; the process itself goes on. */
VOID PspTerminateOtherThreads(PEPROCESS Process, NTSTATUS ExitStatus);
extern LIST_ENTRY PsActiveProcessHead;
extern ULONG PspProcessCount;

#endif
