/*
 * ps.h - process and thread structures: TEB, PEB and process parameters (user-visible, NT x86
 * offsets where docs/spec.md §4 fixes them), EPROCESS and ETHREAD (kernel, our layout around NT names).
 */
#ifndef NANONT_PS_H
#define NANONT_PS_H

#include "ke.h"

typedef struct _RTL_USER_PROCESS_PARAMETERS {
    ULONG MaximumLength;               /* 0x00 */
    ULONG Length;                      /* 0x04 */
    ULONG Flags;                       /* 0x08 */
    ULONG DebugFlags;                  /* 0x0C */
    HANDLE ConsoleHandle;              /* 0x10 */
    ULONG ConsoleFlags;                /* 0x14 */
    HANDLE StandardInput, StandardOutput, StandardError; /* 0x18 */
    UNICODE_STRING CurrentDirectoryPath; /* 0x24 */
    HANDLE CurrentDirectoryHandle;     /* 0x2C */
    UNICODE_STRING DllPath;            /* 0x30 */
    UNICODE_STRING ImagePathName;      /* 0x38 */
    UNICODE_STRING CommandLine;        /* 0x40 */
    PVOID Environment;                 /* 0x48 */
} RTL_USER_PROCESS_PARAMETERS, *PRTL_USER_PROCESS_PARAMETERS;
_Static_assert(offsetof(RTL_USER_PROCESS_PARAMETERS, CommandLine) == 0x40, "CommandLine");

typedef struct _PEB {
    BOOLEAN InheritedAddressSpace;     /* 0x00 */
    BOOLEAN ReadImageFileExecOptions;
    BOOLEAN BeingDebugged;
    BOOLEAN SpareBool;
    HANDLE Mutant;                     /* 0x04 */
    PVOID ImageBaseAddress;            /* 0x08 */
    PVOID Ldr;                         /* 0x0C */
    PRTL_USER_PROCESS_PARAMETERS ProcessParameters; /* 0x10 */
    PVOID SubSystemData;               /* 0x14 */
    PVOID ProcessHeap;                 /* 0x18 */
    ULONG NanoNtNtdllBase;             /* NanoNT: where ntdll is mapped */
    ULONG NanoNtImageSize;
} PEB, *PPEB;

#define GDI_BATCH_BUFFER_SIZE 310
typedef struct _GDI_TEB_BATCH {
    ULONG Offset;
    ULONG HDC;
    ULONG Buffer[GDI_BATCH_BUFFER_SIZE];
} GDI_TEB_BATCH;

typedef struct _TEB {
    NT_TIB NtTib;                      /* 0x000; NtTib.Self at 0x018 */
    PVOID EnvironmentPointer;          /* 0x01C */
    CLIENT_ID ClientId;                /* 0x020 */
    PVOID ActiveRpcHandle;             /* 0x028 */
    PVOID ThreadLocalStoragePointer;   /* 0x02C */
    PPEB ProcessEnvironmentBlock;      /* 0x030 */
    ULONG LastErrorValue;              /* 0x034 */
    UCHAR Reserved1[0x1FC - 0x38];
    GDI_TEB_BATCH GdiTebBatch;         /* 0x1FC */
    UCHAR Reserved2[0xF70 - 0x1FC - sizeof(GDI_TEB_BATCH)];
    ULONG GdiBatchCount;               /* 0xF70 */
    UCHAR Reserved3[0xFF0 - 0xF74];
    ULONG NanoNtUserStackBase;         /* NanoNT: the stack allocation, for thread exit */
    ULONG NanoNtUserStackSize;
    ULONG NanoNtTestScratch[2];
} TEB, *PTEB;
_Static_assert(offsetof(TEB, NtTib.Self) == 0x18, "TEB.Self");
_Static_assert(offsetof(TEB, ProcessEnvironmentBlock) == 0x30, "TEB.Peb");
_Static_assert(offsetof(TEB, GdiBatchCount) == 0xF70, "TEB.GdiBatchCount");
_Static_assert(sizeof(TEB) <= 0x1000, "TEB fits a page");

#ifdef NANONT_KERNEL
struct _HANDLE_TABLE;
struct _KI_IMAGE_INFO;

typedef struct _EPROCESS {
    KPROCESS Pcb;
    ULONG UniqueProcessId;
    NTSTATUS ExitStatus;
    CHAR ImageFileName[16];
    PPEB Peb;                          /* user address */
    struct _HANDLE_TABLE *ObjectTable;
    LIST_ENTRY ActiveProcessLinks;
    ULONG ActiveThreads;
    BOOLEAN Exiting;
    BOOLEAN IsInitialProcess;
    UCHAR Spare[2];
    ULONG TebBitmap[4];                /* TEB slots below the PEB (PSP_TEB_SLOTS) */
    struct _MMVAD *VadRoot;            /* user allocations (mm/virtual.c): a sorted list */
    PVOID ImageBytes;                  /* the image file (a boot module, or a kernel copy): identity */
    ULONG ImageSize;
    ULONG ImageIdentity[8];            /* filled by ps for the trap-record service */
    ULONG PageTablePages;              /* accounting */
    ULONG UserPages;
} EPROCESS, *PEPROCESS;

typedef struct _ETHREAD {
    KTHREAD Tcb;
    CLIENT_ID Cid;
    NTSTATUS ExitStatus;
    LIST_ENTRY ThreadListEntry;
    PVOID StartAddress;
    PVOID StartContext;                /* system threads */
    ULONG TebVa;
    ULONG UserStackBase, UserStackSize; /* a stack the kernel allocated, freed at exit */
    BOOLEAN Reaped;
} ETHREAD, *PETHREAD;

#define PsGetCurrentThread() ((PETHREAD)KeGetCurrentThread())
#define PsGetCurrentProcess() ((PEPROCESS)KeGetCurrentThread()->ApcState.Process)

/* ps/psgui.c: win32k's per-thread GUI set-up and teardown, set by win32k at its start-up */
extern NTSTATUS (*PsW32ThreadCallout)(PETHREAD Thread, BOOLEAN Initialize);
#endif

/* ps/psinit.c: the process structure at boot, phase 0 and 1 (ex/exinit.c) */
VOID PsInitSystem(ULONG Phase);
/* ps/psquery.c: NtQuerySystemInformation(SystemProcessInformation) */
NTSTATUS PsQuerySystemProcessInformation(PVOID Buffer, ULONG Length, PULONG ReturnLength);
/* ps/psgui.c: a thread's first GUI service makes it a GUI thread (through KeProcessCallouts) */
NTSTATUS PsConvertToGuiThread(PKTRAP_FRAME TrapFrame);

#endif
