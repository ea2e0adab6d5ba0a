/*
 * ps.h - process and thread structures: TEB, PEB and process parameters (user-visible, NT x86
 * offsets), EPROCESS and ETHREAD (kernel, WRK's offsets for the fields NanoNT has; docs/structures.md).
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
    ULONG StartingX, StartingY, CountX, CountY, CountCharsX, CountCharsY; /* 0x4C */
    ULONG FillAttribute;               /* 0x64 */
    ULONG WindowFlags;                 /* 0x68 */
    ULONG ShowWindowFlags;             /* 0x6C */
    UNICODE_STRING WindowTitle;        /* 0x70 */
    UNICODE_STRING DesktopInfo;        /* 0x78 */
    UNICODE_STRING ShellInfo;          /* 0x80 */
    UNICODE_STRING RuntimeData;        /* 0x88 */
} RTL_USER_PROCESS_PARAMETERS, *PRTL_USER_PROCESS_PARAMETERS;
#define RTL_USER_PROC_PARAMS_NORMALIZED 0x00000001   /* Flags: the string pointers are addresses */
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
    UCHAR Reserved1[0x64 - 0x1C];      /* FastPebLock ... UnicodeCaseTableData */
    ULONG NumberOfProcessors;          /* 0x64 */
    ULONG NtGlobalFlag;                /* 0x68 */
    UCHAR Reserved2[0xA4 - 0x6C];      /* CriticalSectionTimeout ... LoaderLock */
    ULONG OSMajorVersion;              /* 0xA4: 5 */
    ULONG OSMinorVersion;              /* 0xA8: 2 */
    USHORT OSBuildNumber;              /* 0xAC: 3790 */
    USHORT OSCSDVersion;               /* 0xAE */
    ULONG OSPlatformId;                /* 0xB0: VER_PLATFORM_WIN32_NT */
    ULONG ImageSubsystem;              /* 0xB4 */
    ULONG ImageSubsystemMajorVersion;  /* 0xB8 */
    ULONG ImageSubsystemMinorVersion;  /* 0xBC */
    UCHAR Reserved3[0x1D4 - 0xC0];     /* ImageProcessAffinityMask ... TlsExpansionBitmapBits */
    ULONG SessionId;                   /* 0x1D4 */
    UCHAR Reserved4[0x230 - 0x1D8];    /* AppCompatFlags ... FlsHighIndex: WRK's PEB ends at 0x230 */
    ULONG NanoNtNtdllBase;             /* 0x230, NanoNT: where ntdll is mapped */
    ULONG NanoNtImageSize;             /* 0x234, NanoNT: the image file's size */
} PEB, *PPEB;
#define VER_PLATFORM_WIN32_NT 2
_Static_assert(offsetof(PEB, Mutant) == 0x04, "PEB.Mutant");
_Static_assert(offsetof(PEB, ImageBaseAddress) == 0x08, "PEB.ImageBaseAddress");
_Static_assert(offsetof(PEB, Ldr) == 0x0C, "PEB.Ldr");
_Static_assert(offsetof(PEB, ProcessParameters) == 0x10, "PEB.ProcessParameters");
_Static_assert(offsetof(PEB, ProcessHeap) == 0x18, "PEB.ProcessHeap");
_Static_assert(offsetof(PEB, NumberOfProcessors) == 0x64, "PEB.NumberOfProcessors");
_Static_assert(offsetof(PEB, OSMajorVersion) == 0xA4, "PEB.OSMajorVersion");
_Static_assert(offsetof(PEB, OSBuildNumber) == 0xAC, "PEB.OSBuildNumber");
_Static_assert(offsetof(PEB, OSPlatformId) == 0xB0, "PEB.OSPlatformId");
_Static_assert(offsetof(PEB, ImageSubsystem) == 0xB4, "PEB.ImageSubsystem");
_Static_assert(offsetof(PEB, SessionId) == 0x1D4, "PEB.SessionId");
_Static_assert(offsetof(PEB, NanoNtNtdllBase) == 0x230, "PEB: NanoNT's fields after WRK's");

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
    ULONG CountOfOwnedCriticalSections; /* 0x038 */
    PVOID CsrClientThread;             /* 0x03C */
    PVOID Win32ThreadInfo;             /* 0x040 */
    UCHAR Reserved1[0x1A4 - 0x44];     /* User32Reserved ... SystemReserved1 */
    NTSTATUS ExceptionCode;            /* 0x1A4 */
    UCHAR Reserved1a[0x1D4 - 0x1A8];   /* ActivationContextStackPointer, SpareBytes1 */
    GDI_TEB_BATCH GdiTebBatch;         /* 0x1D4 */
    UCHAR Reserved2[0xF70 - 0x1D4 - sizeof(GDI_TEB_BATCH)];
    ULONG GdiBatchCount;               /* 0xF70 */
    UCHAR Reserved3[0xFB8 - 0xF74];    /* InDbgPrint ... SafeThunkCall: WRK's TEB ends at 0xFB8 */
    UCHAR Reserved4[0xFF0 - 0xFB8];
    ULONG NanoNtUserStackBase;         /* 0xFF0, NanoNT: the stack allocation, for thread exit */
    ULONG NanoNtUserStackSize;
    ULONG NanoNtTestScratch[2];
} TEB, *PTEB;
_Static_assert(offsetof(TEB, NtTib.Self) == 0x18, "TEB.Self");
_Static_assert(offsetof(TEB, EnvironmentPointer) == 0x1C, "TEB.EnvironmentPointer");
_Static_assert(offsetof(TEB, ClientId) == 0x20, "TEB.ClientId");
_Static_assert(offsetof(TEB, ActiveRpcHandle) == 0x28, "TEB.ActiveRpcHandle");
_Static_assert(offsetof(TEB, ThreadLocalStoragePointer) == 0x2C, "TEB.ThreadLocalStoragePointer");
_Static_assert(offsetof(TEB, ProcessEnvironmentBlock) == 0x30, "TEB.Peb");
_Static_assert(offsetof(TEB, LastErrorValue) == 0x34, "TEB.LastErrorValue");
_Static_assert(offsetof(TEB, Win32ThreadInfo) == 0x40, "TEB.Win32ThreadInfo");
_Static_assert(offsetof(TEB, ExceptionCode) == 0x1A4, "TEB.ExceptionCode");
_Static_assert(offsetof(TEB, GdiTebBatch) == 0x1D4, "TEB.GdiTebBatch");
_Static_assert(sizeof(GDI_TEB_BATCH) == 0x4E0, "GDI_TEB_BATCH size");
_Static_assert(offsetof(TEB, NanoNtUserStackBase) == 0xFF0, "TEB: NanoNT's fields after WRK's");
_Static_assert(offsetof(TEB, GdiBatchCount) == 0xF70, "TEB.GdiBatchCount");
_Static_assert(sizeof(TEB) <= 0x1000, "TEB fits a page");

#ifdef NANONT_KERNEL
struct _HANDLE_TABLE;
struct _KI_IMAGE_INFO;

/* WRK's x86 EPROCESS (Windows Server 2003 SP1, 0x278 bytes): the fields NanoNT has at WRK's
   offsets (asserted below), reserved space named after the first and last WRK field it spans for
   the rest, NanoNT's own fields after WRK's last. */
typedef struct _EPROCESS {
    KPROCESS Pcb;                      /* 0x000 */
    UCHAR Reserved078[0x094 - 0x078];  /* ProcessLock ... RundownProtect */
    ULONG UniqueProcessId;             /* 0x094: WRK's type is HANDLE, with the same value */
    LIST_ENTRY ActiveProcessLinks;     /* 0x098: in PsActiveProcessHead */
    UCHAR Reserved0A0[0x0D4 - 0x0A0];  /* QuotaUsage ... ExceptionPort */
    struct _HANDLE_TABLE *ObjectTable; /* 0x0D4 */
    UCHAR Reserved0D8[0x164 - 0x0D8];  /* Token ... Session */
    CHAR ImageFileName[16];            /* 0x164 */
    UCHAR Reserved174[0x190 - 0x174];  /* JobLinks ... PaeTop (WRK's ThreadListHead: NanoNT uses Pcb's) */
    ULONG ActiveThreads;               /* 0x190 */
    UCHAR Reserved194[0x1A0 - 0x194];  /* GrantedAccess ... LastThreadExitStatus */
    PPEB Peb;                          /* 0x1A0: user address */
    UCHAR Reserved1A4[0x244 - 0x1A4];  /* PrefetchTrace ... Flags */
    NTSTATUS ExitStatus;               /* 0x244 */
    UCHAR Reserved248[0x250 - 0x248];  /* NextPageColor ... PriorityClass */
    struct _MMVAD *VadRoot;            /* 0x250: user allocations (mm/virtual.c), a sorted list where
                                          WRK keeps an MM_AVL_TABLE (0x20 bytes) */
    UCHAR Reserved254[0x278 - 0x254];  /* the rest of WRK's VadRoot, Cookie */

    /* NanoNT's own, from WRK's size 0x278 */
    BOOLEAN Exiting;                   /* WRK: the ProcessExiting bit of Flags */
    BOOLEAN IsInitialProcess;
    BOOLEAN PeImage;                   /* the executable is a PE image (the loader APC's flag) */
    UCHAR Spare;
    ULONG TebBitmap[4];                /* TEB slots below the PEB (PSP_TEB_SLOTS) */
    PVOID ImageBytes;                  /* the image file (a boot module, or a kernel copy): identity */
    ULONG ImageSize;
    ULONG ImageIdentity[8];            /* filled by ps for the trap-record service */
    ULONG PageTablePages;              /* accounting */
    ULONG UserPages;
} EPROCESS, *PEPROCESS;
_Static_assert(offsetof(EPROCESS, UniqueProcessId) == 0x094, "EPROCESS.UniqueProcessId");
_Static_assert(offsetof(EPROCESS, ActiveProcessLinks) == 0x098, "EPROCESS.ActiveProcessLinks");
_Static_assert(offsetof(EPROCESS, ObjectTable) == 0x0D4, "EPROCESS.ObjectTable");
_Static_assert(offsetof(EPROCESS, ImageFileName) == 0x164, "EPROCESS.ImageFileName");
_Static_assert(offsetof(EPROCESS, ActiveThreads) == 0x190, "EPROCESS.ActiveThreads");
_Static_assert(offsetof(EPROCESS, Peb) == 0x1A0, "EPROCESS.Peb");
_Static_assert(offsetof(EPROCESS, ExitStatus) == 0x244, "EPROCESS.ExitStatus");
_Static_assert(offsetof(EPROCESS, VadRoot) == 0x250, "EPROCESS.VadRoot");
_Static_assert(offsetof(EPROCESS, Exiting) == 0x278, "EPROCESS: NanoNT's fields after WRK's 0x278");

/* WRK's x86 ETHREAD (Windows Server 2003 SP1, 0x250 bytes) after WRK's KTHREAD, the same way;
   then the kernel's KTHREAD_EXTENSION (inc/ke.h) at KTHREAD_EXTENSION_OFFSET, then the process
   structure's own fields. */
typedef struct _ETHREAD {
    KTHREAD Tcb;                       /* 0x000 */
    UCHAR Reserved1B8[0x1C8 - 0x1B8];  /* CreateTime, ExitTime */
    NTSTATUS ExitStatus;               /* 0x1C8 */
    UCHAR Reserved1CC[0x1E4 - 0x1CC];  /* PostBlockList ... ActiveTimerListHead */
    CLIENT_ID Cid;                     /* 0x1E4 */
    UCHAR Reserved1EC[0x218 - 0x1EC];  /* LpcReplySemaphore ... DeviceToVerify */
    struct _EPROCESS *ThreadsProcess;  /* 0x218: the process, as Tcb.Process */
    PVOID StartAddress;                /* 0x21C */
    UCHAR Reserved220[0x250 - 0x220];  /* Win32StartAddress ... ActiveFaultCount (ThreadListEntry
                                          among them: NanoNT links a process's threads through
                                          Tcb.ThreadListEntry only) */

    KTHREAD_EXTENSION TcbExtension;    /* 0x250: the kernel's, reached through KeGetThreadExtension */

    /* the process structure's own */
    PVOID StartContext;                /* system threads */
    LIST_ENTRY ReaperListEntry;        /* on the reaper list once the thread has ended (ps/exit.c) */
    ULONG TebVa;
    ULONG UserStackBase, UserStackSize; /* a stack the kernel allocated, freed at exit */
    BOOLEAN Reaped;
} ETHREAD, *PETHREAD;
_Static_assert(offsetof(ETHREAD, ExitStatus) == 0x1C8, "ETHREAD.ExitStatus");
_Static_assert(offsetof(ETHREAD, Cid) == 0x1E4, "ETHREAD.Cid");
_Static_assert(offsetof(ETHREAD, ThreadsProcess) == 0x218, "ETHREAD.ThreadsProcess");
_Static_assert(offsetof(ETHREAD, StartAddress) == 0x21C, "ETHREAD.StartAddress");
_Static_assert(offsetof(ETHREAD, TcbExtension) == KTHREAD_EXTENSION_OFFSET, "ETHREAD: the kernel's extension");

#define PsGetCurrentThread() ((PETHREAD)KeGetCurrentThread())
#define PsGetCurrentProcess() ((PEPROCESS)KeGetCurrentThread()->ApcState.Process)

/* ps/psgui.c: win32k's per-thread GUI set-up and teardown, set by win32k at its start-up */
extern NTSTATUS (*PsW32ThreadCallout)(PETHREAD Thread, BOOLEAN Initialize);
#endif

/* ps/psinit.c: the process structure at boot, phase 0 and 1 (ex/exinit.c) */
VOID PsInitSystem(ULONG Phase);
/* ps/psquery.c: NtQuerySystemInformation(SystemProcessInformation) */
NTSTATUS PsQuerySystemProcessInformation(PVOID Buffer, ULONG Length, PULONG ReturnLength);
NTSTATUS PsQuerySystemHandleInformation(PVOID Buffer, ULONG Length, PULONG ReturnLength);   /* class 16 */
/* ps/psgui.c: a thread's first GUI service makes it a GUI thread (through KeProcessCallouts) */
NTSTATUS PsConvertToGuiThread(PKTRAP_FRAME TrapFrame);

#endif
