/*
 * ke.h - kernel (Ke/Ki) structures: KPCR, KPRCB, KTSS, dispatcher header, KTHREAD, KPROCESS,
 * service descriptor tables. Field names are NT's; every field NanoNT has sits at WRK's offset
 * (checked below; docs/structures.md says what differs). Assembly reads offsets from
 * build/inc/ksoffsets.h (tools/genoffsets.c).
 */
#ifndef NANONT_KE_H
#define NANONT_KE_H

#include "ntdef.h"
#include "ntstatus.h"
#include "ktrap.h"
#include "nti386.h"
#include "timeline.h"

/* ------------------------------------------------------------------ address space (docs/spec.md §2) */
#define MM_HIGHEST_USER_ADDRESS   0x7FFEFFFFUL
#define MM_USER_PROBE_ADDRESS     0x7FFF0000UL
#define MM_SHARED_USER_DATA_VA    0x7FFE0000UL
#define KI_USER_SHARED_DATA       0xFFDF0000UL
#define KIP0PCRADDRESS            0xFFDFF000UL
#define MM_KSEG0_BASE             0x80000000UL   /* physical memory is mapped linearly from here */
#define MM_KSEG0_LIMIT            0xB0000000UL   /* at most 768 MiB of RAM is used */
#define MM_KERNEL_STACK_REGION    0xB0000000UL   /* kernel stacks with guard pages */
#define MM_KERNEL_STACK_REGION_END 0xB1000000UL
#define MM_KERNEL_VA_REGION       0xB1000000UL   /* other 4 KiB-mapped kernel space */
#define MM_KERNEL_VA_REGION_END   0xB2000000UL
#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12
#define PAGE_ALIGN(va) ((ULONG_PTR)(va) & ~(PAGE_SIZE - 1))
#define ROUND_TO_PAGES(n) (((ULONG_PTR)(n) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define MI_PA_TO_VA(pa) ((PVOID)((ULONG_PTR)(pa) + MM_KSEG0_BASE))
#define MI_VA_TO_PA(va) ((ULONG_PTR)(va) - MM_KSEG0_BASE)

/* ------------------------------------------------------------------ stacks */
#define KERNEL_STACK_SIZE     0x3000     /* 12 KiB, plus a guard page below */
#define KERNEL_LARGE_STACK_SIZE 0xF000   /* GUI threads (PsConvertToGuiThread) */
#define NPX_FRAME_LENGTH      0x210      /* NT's FPU save area, the top of the stack below InitialStack */
/* TSS.Esp0 (InitialStack - NPX_FRAME_LENGTH - 0x10) sits below the unused V86 part of the frame
   so the CPU's pushes line up with it. */
#define KI_V86_FRAME_SKIP     0x10

/* ------------------------------------------------------------------ TSS and per-CPU entry stack */
typedef struct _KTSS {
    USHORT Backlink, Reserved0;
    ULONG Esp0;
    USHORT Ss0, Reserved1;
    ULONG NotUsed1[4];
    ULONG CR3, Eip, EFlags, Eax, Ecx, Edx, Ebx, Esp, Ebp, Esi, Edi;
    USHORT Es, Reserved2, Cs, Reserved3, Ss, Reserved4, Ds, Reserved5, Fs, Reserved6, Gs, Reserved7;
    USHORT LDT, Reserved8;
    USHORT Flags, IoMapBase;
} KTSS, *PKTSS;
_Static_assert(offsetof(KTSS, Esp0) == 4, "KTSS.Esp0");
_Static_assert(sizeof(KTSS) == 0x68, "KTSS size");

/* SYSENTER_ESP_MSR points at Tss: the first instruction of KiFastCallEntry loads ESP from
   [esp + 4] = Tss.Esp0, and a single-step trap taken on that instruction pushes into EntryStack. */
#define KI_ENTRY_STACK_SIZE 0x200
typedef struct _KI_CPU_ENTRY_AREA {
    UCHAR EntryStack[KI_ENTRY_STACK_SIZE];
    KTSS Tss;
} KI_CPU_ENTRY_AREA;

/* ------------------------------------------------------------------ dispatcher objects */
typedef enum _KOBJECTS {
    EventNotificationObject = 0, EventSynchronizationObject = 1, MutantObject = 2,
    ProcessObject = 3, QueueObject = 4, SemaphoreObject = 5, ThreadObject = 6,
    TimerNotificationObject = 8, TimerSynchronizationObject = 9,
} KOBJECTS;

typedef struct _DISPATCHER_HEADER {
    UCHAR Type, Absolute, Size, Inserted;  /* Inserted: a timer is in the clock's list */
    LONG SignalState;
    LIST_ENTRY WaitListHead;
} DISPATCHER_HEADER;
_Static_assert(offsetof(DISPATCHER_HEADER, Inserted) == 0x03, "DISPATCHER_HEADER.Inserted");
_Static_assert(offsetof(DISPATCHER_HEADER, SignalState) == 0x04, "DISPATCHER_HEADER.SignalState");
_Static_assert(offsetof(DISPATCHER_HEADER, WaitListHead) == 0x08, "DISPATCHER_HEADER.WaitListHead");
_Static_assert(sizeof(DISPATCHER_HEADER) == 0x10, "DISPATCHER_HEADER size");

struct _KTHREAD;
struct _KPROCESS;

typedef struct _KWAIT_BLOCK {
    LIST_ENTRY WaitListEntry;          /* in the object's WaitListHead */
    struct _KTHREAD *Thread;
    PVOID Object;
    struct _KWAIT_BLOCK *NextWaitBlock; /* not used: NanoNT walks the thread's array */
    USHORT WaitKey;
    UCHAR WaitType;                    /* WaitAll = 0, WaitAny = 1 */
    UCHAR SpareByte;
} KWAIT_BLOCK, *PKWAIT_BLOCK;
_Static_assert(offsetof(KWAIT_BLOCK, Thread) == 0x08, "KWAIT_BLOCK.Thread");
_Static_assert(offsetof(KWAIT_BLOCK, Object) == 0x0C, "KWAIT_BLOCK.Object");
_Static_assert(offsetof(KWAIT_BLOCK, NextWaitBlock) == 0x10, "KWAIT_BLOCK.NextWaitBlock");
_Static_assert(offsetof(KWAIT_BLOCK, WaitKey) == 0x14, "KWAIT_BLOCK.WaitKey");
_Static_assert(offsetof(KWAIT_BLOCK, WaitType) == 0x16, "KWAIT_BLOCK.WaitType");
_Static_assert(sizeof(KWAIT_BLOCK) == 0x18, "KWAIT_BLOCK size");
#define THREAD_WAIT_OBJECTS 4
#define MAXIMUM_WAIT_OBJECTS 64

typedef enum _WAIT_TYPE { WaitAll = 0, WaitAny = 1 } WAIT_TYPE;
typedef enum _KWAIT_REASON {
    Executive = 0, Suspended = 5, UserRequest = 6, DelayExecution = 4
} KWAIT_REASON;

/* A deferred procedure call: NanoNT runs a timer's DPC directly from the clock interrupt. */
struct _KDPC;
typedef VOID (*PKDEFERRED_ROUTINE)(struct _KDPC *Dpc, PVOID DeferredContext, PVOID SystemArgument1,
                                   PVOID SystemArgument2);
typedef struct _KDPC {
    PKDEFERRED_ROUTINE DeferredRoutine;
    PVOID DeferredContext;
    PVOID SystemArgument1, SystemArgument2;
} KDPC, *PKDPC;

/* WRK's layout; DueTick sits where WRK keeps DueTime (an interrupt time in 100 ns units), and
   Header.Inserted says whether the timer is in the clock's list, as in WRK. */
typedef struct _KTIMER {
    DISPATCHER_HEADER Header;
    ULONGLONG DueTick;                 /* in KeTickCount units */
    LIST_ENTRY TimerListEntry;         /* in the clock's list, sorted by DueTick */
    PKDPC Dpc;                         /* run when the timer expires (ke/timer.c) */
    LONG Period;                       /* ms, 0 = one shot */
} KTIMER, *PKTIMER;
_Static_assert(offsetof(KTIMER, DueTick) == 0x10, "KTIMER.DueTime");
_Static_assert(offsetof(KTIMER, TimerListEntry) == 0x18, "KTIMER.TimerListEntry");
_Static_assert(offsetof(KTIMER, Dpc) == 0x20, "KTIMER.Dpc");
_Static_assert(offsetof(KTIMER, Period) == 0x24, "KTIMER.Period");
_Static_assert(sizeof(KTIMER) == 0x28, "KTIMER size");

typedef struct _KEVENT { DISPATCHER_HEADER Header; } KEVENT, *PKEVENT;
typedef struct _KSEMAPHORE { DISPATCHER_HEADER Header; LONG Limit; } KSEMAPHORE, *PKSEMAPHORE;
typedef struct _KMUTANT {
    DISPATCHER_HEADER Header;
    LIST_ENTRY MutantListEntry;
    struct _KTHREAD *OwnerThread;
    BOOLEAN Abandoned;
} KMUTANT, *PKMUTANT;

/* ------------------------------------------------------------------ APCs */
typedef struct _KAPC_STATE {
    LIST_ENTRY ApcListHead[2];         /* [KernelMode], [UserMode] */
    struct _KPROCESS *Process;
    BOOLEAN KernelApcInProgress;
    BOOLEAN KernelApcPending;
    BOOLEAN UserApcPending;            /* tested by the service exit with interrupts off */
    UCHAR Reserved;                    /* WRK's KTHREAD keeps ApcQueueable in this byte */
} KAPC_STATE;
_Static_assert(offsetof(KAPC_STATE, Process) == 0x10, "KAPC_STATE.Process");
_Static_assert(offsetof(KAPC_STATE, KernelApcInProgress) == 0x14, "KAPC_STATE.KernelApcInProgress");
_Static_assert(offsetof(KAPC_STATE, KernelApcPending) == 0x15, "KAPC_STATE.KernelApcPending");
_Static_assert(offsetof(KAPC_STATE, UserApcPending) == 0x16, "KAPC_STATE.UserApcPending");
_Static_assert(sizeof(KAPC_STATE) == 0x18, "KAPC_STATE size");

struct _KAPC;
typedef VOID (*PKNORMAL_ROUTINE)(PVOID NormalContext, PVOID SystemArgument1, PVOID SystemArgument2);
typedef VOID (*PKKERNEL_ROUTINE)(struct _KAPC *Apc, PKNORMAL_ROUTINE *NormalRoutine, PVOID *NormalContext,
                                 PVOID *SystemArgument1, PVOID *SystemArgument2);
typedef VOID (*PKRUNDOWN_ROUTINE)(struct _KAPC *Apc);

typedef struct _KAPC {
    UCHAR Type;                        /* ApcObject (18) */
    UCHAR SpareByte0;
    UCHAR Size;                        /* sizeof(KAPC) */
    UCHAR SpareByte1;
    ULONG SpareLong0;
    struct _KTHREAD *Thread;
    LIST_ENTRY ApcListEntry;
    PKKERNEL_ROUTINE KernelRoutine;
    PKRUNDOWN_ROUTINE RundownRoutine;
    PKNORMAL_ROUTINE NormalRoutine;
    PVOID NormalContext, SystemArgument1, SystemArgument2;
    CHAR ApcStateIndex;                /* always 0: NanoNT has no process attach */
    KPROCESSOR_MODE ApcMode;
    BOOLEAN Inserted;
} KAPC, *PKAPC;
#define ApcObject 18
_Static_assert(offsetof(KAPC, Thread) == 0x08, "KAPC.Thread");
_Static_assert(offsetof(KAPC, ApcListEntry) == 0x0C, "KAPC.ApcListEntry");
_Static_assert(offsetof(KAPC, KernelRoutine) == 0x14, "KAPC.KernelRoutine");
_Static_assert(offsetof(KAPC, RundownRoutine) == 0x18, "KAPC.RundownRoutine");
_Static_assert(offsetof(KAPC, NormalRoutine) == 0x1C, "KAPC.NormalRoutine");
_Static_assert(offsetof(KAPC, NormalContext) == 0x20, "KAPC.NormalContext");
_Static_assert(offsetof(KAPC, SystemArgument1) == 0x24, "KAPC.SystemArgument1");
_Static_assert(offsetof(KAPC, SystemArgument2) == 0x28, "KAPC.SystemArgument2");
_Static_assert(offsetof(KAPC, ApcStateIndex) == 0x2C, "KAPC.ApcStateIndex");
_Static_assert(offsetof(KAPC, ApcMode) == 0x2D, "KAPC.ApcMode");
_Static_assert(offsetof(KAPC, Inserted) == 0x2E, "KAPC.Inserted");
_Static_assert(sizeof(KAPC) == 0x30, "KAPC size");

/* ------------------------------------------------------------------ service descriptor tables */
typedef struct _KSERVICE_TABLE_DESCRIPTOR {
    PULONG_PTR Base;                   /* routine addresses */
    PULONG Count;                      /* per-service call counters */
    ULONG Limit;                       /* number of services */
    PUCHAR Number;                     /* argument bytes per service */
} KSERVICE_TABLE_DESCRIPTOR, *PKSERVICE_TABLE_DESCRIPTOR;
_Static_assert(sizeof(KSERVICE_TABLE_DESCRIPTOR) == 16, "descriptor size");

#define NUMBER_SERVICE_TABLES 4
#define SERVICE_NUMBER_MASK   0xFFF
#define SERVICE_TABLE_SHIFT   8
#define SERVICE_TABLE_MASK    0x30
#define SERVICE_TABLE_TEST    0x10
/* Entries of table 0's direct-path arrays (ke/syscall.c): a power of two above its limit. */
#define KI_FAST_SERVICE_SLOTS 512
#include "svclimit.h"                   /* SERVICE_MAXIMUM_ARGUMENT_DWORDS */

extern KSERVICE_TABLE_DESCRIPTOR KeServiceDescriptorTable[NUMBER_SERVICE_TABLES];
extern KSERVICE_TABLE_DESCRIPTOR KeServiceDescriptorTableShadow[NUMBER_SERVICE_TABLES];
/* Register service table Index (1-3) once (ke/syscall.c); FALSE for index 0, an index out of
   range, one already in use, or an empty/invalid table. */
BOOLEAN KeAddSystemServiceTable(PULONG_PTR Base, PULONG Count, ULONG Limit, PUCHAR Number, ULONG Index);

/* ------------------------------------------------------------------ threads and processes */
typedef enum _KTHREAD_STATE {
    Initialized, Ready, Running, Standby, Terminated, Waiting, Transition
} KTHREAD_STATE;

typedef struct _KTHREAD {
    /* WRK's x86 KTHREAD (0x1B8 bytes): every field NanoNT has that WRK keeps as a field of its own
       sits at WRK's offset (asserted below); WRK's fields NanoNT lacks are reserved space named
       after the first and last WRK field they span. NanoNT's own fields, and those WRK packs into
       spare bytes of other structures with a type NanoNT does not share, are in the
       KTHREAD_EXTENSION (below), outside the KTHREAD. */
    DISPATCHER_HEADER Header;          /* 0x000 */
    LIST_ENTRY MutantListHead;         /* 0x010 */
    PVOID InitialStack;                /* 0x018: the stack top (WRK): NPX area, then the first trap frame */
    PVOID StackLimit;                  /* 0x01C: lowest usable address (the guard page is below) */
    PVOID KernelStack;                 /* 0x020: saved ESP while switched out (KiSwapContext) */
    ULONG ThreadLock;                  /* 0x024 */
    KAPC_STATE ApcState;               /* 0x028 */
    UCHAR Reserved40[0x4C - 0x40];     /* NextProcessor ... ContextSwitches */
    UCHAR State;                       /* 0x04C */
    UCHAR Reserved4D[2];               /* NpxState, WaitIrql */
    KPROCESSOR_MODE WaitMode;          /* 0x04F */
    NTSTATUS WaitStatus;               /* 0x050 */
    PKWAIT_BLOCK WaitBlockList;        /* 0x054 */
    BOOLEAN Alertable;                 /* 0x058 */
    UCHAR Reserved59;                  /* WaitNext */
    UCHAR WaitReason;                  /* 0x05A */
    CHAR Priority;                     /* 0x05B */
    UCHAR Reserved5C[2];               /* EnableStackSwap, SwapBusy */
    BOOLEAN Alerted[2];                /* 0x05E */
    LIST_ENTRY ReadyListEntry;         /* 0x060: WRK's WaitListEntry, which WRK also links into the ready queues */
    UCHAR Reserved68[0x70 - 0x68];     /* Queue, WaitTime */
    SHORT KernelApcDisable;            /* 0x070: > 0: normal kernel APCs wait (NT's critical region; 0 here) */
    SHORT Reserved72;                  /* SpecialApcDisable */
    PVOID Teb;                         /* 0x074: user address of the TEB */
    KTIMER Timer;                      /* 0x078: wait timeouts and delays */
    UCHAR ReservedA0[0xD7 - 0xA0];     /* ThreadFlags, WRK's WaitBlock[0..1] up to PreviousMode */
    KPROCESSOR_MODE PreviousMode;      /* 0x0D7: a byte, as WRK (in WaitBlock[1]'s spare byte there):
                                          the entries load it with movzbl */
    UCHAR ReservedD8[0x110 - 0xD8];    /* the rest of WRK's WaitBlock[4], QueueListEntry */
    PKTRAP_FRAME TrapFrame;            /* 0x110: the current user-mode entry frame */
    PVOID CallbackStack;               /* 0x114 */
    PKSERVICE_TABLE_DESCRIPTOR ServiceTable; /* 0x118 */
    UCHAR Reserved11C[0x121 - 0x11C];  /* ApcStateIndex ... KernelStackResident */
    CHAR BasePriority;                 /* 0x121 */
    UCHAR Reserved122[0x128 - 0x122];  /* PriorityDecrement, Saturation, UserAffinity */
    struct _KPROCESS *Process;         /* 0x128 */
    UCHAR Reserved12C[0x154 - 0x12C];  /* Affinity, ApcStatePointer, SavedApcState (and the counts in its spare bytes) */
    PVOID Win32Thread;                 /* 0x154: GUI state, NULL until PsConvertToGuiThread */
    PVOID StackBase;                   /* 0x158: highest address of the kernel stack allocation */
    KAPC SuspendApc;                   /* 0x15C */
    ULONG Reserved18C;                 /* UserTime (WRK keeps it after SuspendApc's spare byte) */
    KSEMAPHORE SuspendSemaphore;       /* 0x190: the suspend APC waits here until resumed */
    ULONG Reserved1A4;                 /* SListFaultCount */
    LIST_ENTRY ThreadListEntry;        /* 0x1A8: in KPROCESS.ThreadListHead */
    UCHAR Reserved1B0[0x1B8 - 0x1B0];  /* SListFaultAddress, alignment */
} KTHREAD, *PKTHREAD;

/* NanoNT's per-thread kernel state that WRK's KTHREAD does not have, or packs into spare bytes of
   other fields with a type NanoNT does not share (Quantum a SCHAR in SuspendApc, SuspendCount a
   CCHAR in SavedApcState, ApcQueueable in ApcState, DebugActive in Header). The executive's thread
   object embeds it after WRK's last ETHREAD field, KTHREAD_EXTENSION_OFFSET bytes from the
   KTHREAD (inc/ps.h asserts the offset), so KTHREAD and ETHREAD keep WRK's layout; the kernel
   reaches it only through KeGetThreadExtension. The threads the kernel makes itself (the idle
   threads) are ETHREADs for the same reason. */
#define KTHREAD_EXTENSION_OFFSET 0x250     /* WRK's sizeof(ETHREAD) */
typedef struct _KTHREAD_EXTENSION {
    ULONG WaitCount;                   /* wait blocks in use */
    KWAIT_BLOCK WaitBlock[THREAD_WAIT_OBJECTS + 1]; /* one more than WRK's four: the array cannot sit at
                                          WRK's 0xA8 without running into TrapFrame */
    LONG Quantum;
    ULONG SuspendCount;
    UCHAR DebugActive;                 /* user debug registers are live (DR7 != 0) */
    BOOLEAN ApcQueueable;
    BOOLEAN Terminating;
    BOOLEAN SystemThread;
    ULONG StackPages;                  /* pages of the allocation, guard excluded */
    ULONG UserDr[8];                   /* Dr0-3, -, -, Dr6, Dr7 while DebugActive */
    ULONG SavedGs;                     /* live GS across switches (the kernel never changes GS) */
    BOOLEAN ServiceFrameEdited;        /* KiBeginTrapFrameEdit moved the frame link ... */
    BOOLEAN ServiceExitActive;         /* in KiServiceExitToUserMode: the frame's Eax is the result */
    PKTRAP_FRAME ServiceFrameLink;     /* ... here: the previous trap frame */
} KTHREAD_EXTENSION, *PKTHREAD_EXTENSION;

static inline PKTHREAD_EXTENSION KeGetThreadExtension(PKTHREAD Thread)
{
    return (PKTHREAD_EXTENSION)((PUCHAR)Thread + KTHREAD_EXTENSION_OFFSET);
}

/* WRK's x86 KPROCESS (0x78 bytes): the fields NanoNT has at WRK's offsets, reserved space for
   the rest. */
typedef struct _KPROCESS {
    DISPATCHER_HEADER Header;          /* 0x00 */
    LIST_ENTRY ProfileListHead;        /* 0x10 */
    ULONG DirectoryTableBase;          /* 0x18: physical address of the page directory (CR3) */
    ULONG DirectoryTableBaseHyper;     /* 0x1C: WRK's DirectoryTableBase[1] (hyperspace), unused */
    UCHAR Reserved1[0x50 - 0x20];      /* LdtDescriptor ... VdmTrapcHandler */
    LIST_ENTRY ThreadListHead;         /* 0x50 */
    UCHAR Reserved2[0x64 - 0x58];      /* ProcessLock, Affinity, ProcessFlags */
    CHAR BasePriority;                 /* 0x64 */
    UCHAR Reserved3[0x78 - 0x65];      /* QuantumReset ... ProcessListEntry */
} KPROCESS, *PKPROCESS;
_Static_assert(offsetof(KPROCESS, ProfileListHead) == 0x10, "KPROCESS.ProfileListHead");
_Static_assert(offsetof(KPROCESS, DirectoryTableBase) == 0x18, "KPROCESS.DirectoryTableBase");
_Static_assert(offsetof(KPROCESS, ThreadListHead) == 0x50, "KPROCESS.ThreadListHead");
_Static_assert(offsetof(KPROCESS, BasePriority) == 0x64, "KPROCESS.BasePriority");
_Static_assert(sizeof(KPROCESS) == 0x78, "KPROCESS size");

/* KTHREAD: the fields at WRK's offsets (docs/structures.md). */
_Static_assert(offsetof(KTHREAD, ApcState) == 0x28, "KTHREAD.ApcState");
_Static_assert(offsetof(KTHREAD, State) == 0x4C, "KTHREAD.State");
_Static_assert(offsetof(KTHREAD, WaitMode) == 0x4F, "KTHREAD.WaitMode");
_Static_assert(offsetof(KTHREAD, WaitStatus) == 0x50, "KTHREAD.WaitStatus");
_Static_assert(offsetof(KTHREAD, WaitBlockList) == 0x54, "KTHREAD.WaitBlockList");
_Static_assert(offsetof(KTHREAD, Alertable) == 0x58, "KTHREAD.Alertable");
_Static_assert(offsetof(KTHREAD, WaitReason) == 0x5A, "KTHREAD.WaitReason");
_Static_assert(offsetof(KTHREAD, Priority) == 0x5B, "KTHREAD.Priority");
_Static_assert(offsetof(KTHREAD, Alerted) == 0x5E, "KTHREAD.Alerted");
_Static_assert(offsetof(KTHREAD, ReadyListEntry) == 0x60, "KTHREAD.WaitListEntry");
_Static_assert(offsetof(KTHREAD, KernelApcDisable) == 0x70, "KTHREAD.KernelApcDisable");
_Static_assert(offsetof(KTHREAD, Teb) == 0x74, "KTHREAD.Teb");
_Static_assert(offsetof(KTHREAD, Timer) == 0x78, "KTHREAD.Timer");
_Static_assert(offsetof(KTHREAD, PreviousMode) == 0xD7, "KTHREAD.PreviousMode");
_Static_assert(offsetof(KTHREAD, TrapFrame) == 0x110, "KTHREAD.TrapFrame");
_Static_assert(offsetof(KTHREAD, CallbackStack) == 0x114, "KTHREAD.CallbackStack");
_Static_assert(offsetof(KTHREAD, ServiceTable) == 0x118, "KTHREAD.ServiceTable");
_Static_assert(offsetof(KTHREAD, BasePriority) == 0x121, "KTHREAD.BasePriority");
_Static_assert(offsetof(KTHREAD, Process) == 0x128, "KTHREAD.Process");
_Static_assert(offsetof(KTHREAD, Win32Thread) == 0x154, "KTHREAD.Win32Thread");
_Static_assert(offsetof(KTHREAD, StackBase) == 0x158, "KTHREAD.StackBase");
_Static_assert(offsetof(KTHREAD, SuspendApc) == 0x15C, "KTHREAD.SuspendApc");
_Static_assert(offsetof(KTHREAD, SuspendSemaphore) == 0x190, "KTHREAD.SuspendSemaphore");
_Static_assert(offsetof(KTHREAD, ThreadListEntry) == 0x1A8, "KTHREAD.ThreadListEntry");
_Static_assert(sizeof(KTHREAD) == 0x1B8, "KTHREAD size");

/* ------------------------------------------------------------------ KPCR / KPRCB (docs/spec.md §4) */
typedef struct _NT_TIB {
    PVOID ExceptionList;
    PVOID StackBase;
    PVOID StackLimit;
    PVOID SubSystemTib;
    PVOID FiberData;
    PVOID ArbitraryUserPointer;
    struct _NT_TIB *Self;
} NT_TIB, *PNT_TIB;

/* The x86 processor state WRK keeps in the PRCB for the debugger: NanoNT leaves it zero. */
typedef struct _KPROCESSOR_STATE {
    CONTEXT ContextFrame;
    UCHAR SpecialRegisters[0x54];      /* KSPECIAL_REGISTERS: Cr0-Cr4, KernelDr0-7, Gdtr, Idtr, Tr, Ldtr */
} KPROCESSOR_STATE;
_Static_assert(sizeof(KPROCESSOR_STATE) == 0x320, "KPROCESSOR_STATE size");

/* WRK's x86 PRCB (Windows Server 2003 SP1) up to QuantumEnd: the architectural part field for
   field, then NanoNT's counters at WRK's offsets with reserved space for what lies between (lock
   queues, lookaside lists, IPI and DPC data NanoNT does not keep here). WRK's PRCB goes on after
   QuantumEnd (timer and ready-queue data, the NPX save area, power state); NanoNT's ends there.
   WRK counts context switches in the KPCR (ContextSwitches), not here. */
typedef struct _KPRCB {
    USHORT MinorVersion, MajorVersion; /* +0x000 */
    PKTHREAD CurrentThread;            /* +0x004 (KPCR + 0x124) */
    PKTHREAD NextThread;               /* +0x008 */
    PKTHREAD IdleThread;               /* +0x00C */
    CHAR Number;                       /* +0x010 */
    CHAR Reserved;
    USHORT BuildType;                  /* +0x012: PRCB_BUILD_UNIPROCESSOR */
    ULONG SetMember;                   /* +0x014 */
    CHAR CpuType, CpuID;               /* +0x018 */
    USHORT CpuStep;                    /* +0x01A */
    KPROCESSOR_STATE ProcessorState;   /* +0x01C */
    ULONG KernelReserved[16];          /* +0x33C */
    ULONG HalReserved[16];             /* +0x37C */
    UCHAR Reserved3BC[0x524 - 0x3BC];  /* PrcbPad0, LockQueue[33], NpxThread */
    ULONG InterruptCount;              /* +0x524 */
    UCHAR Reserved528[0x598 - 0x528];  /* KernelTime ... the cache and TB counters */
    ULONG KeSystemCalls;               /* +0x598: per-CPU system-call counter (docs/spec.md §6.5) */
    UCHAR Reserved59C[0x981 - 0x59C];  /* the I/O counters ... ThreadDpcEnable */
    volatile BOOLEAN QuantumEnd;       /* +0x981: the clock asks for a reschedule */
    UCHAR Reserved982[2];              /* PrcbPad50, alignment */
} KPRCB, *PKPRCB;
#define PRCB_BUILD_UNIPROCESSOR 0x2
_Static_assert(offsetof(KPRCB, CurrentThread) == 0x004, "KPRCB.CurrentThread");
_Static_assert(offsetof(KPRCB, IdleThread) == 0x00C, "KPRCB.IdleThread");
_Static_assert(offsetof(KPRCB, Number) == 0x010, "KPRCB.Number");
_Static_assert(offsetof(KPRCB, SetMember) == 0x014, "KPRCB.SetMember");
_Static_assert(offsetof(KPRCB, CpuStep) == 0x01A, "KPRCB.CpuStep");
_Static_assert(offsetof(KPRCB, ProcessorState) == 0x01C, "KPRCB.ProcessorState");
_Static_assert(offsetof(KPRCB, KernelReserved) == 0x33C, "KPRCB.KernelReserved");
_Static_assert(offsetof(KPRCB, HalReserved) == 0x37C, "KPRCB.HalReserved");
_Static_assert(offsetof(KPRCB, InterruptCount) == 0x524, "KPRCB.InterruptCount");
_Static_assert(offsetof(KPRCB, KeSystemCalls) == 0x598, "KPRCB.KeSystemCalls");
_Static_assert(offsetof(KPRCB, QuantumEnd) == 0x981, "KPRCB.QuantumEnd");
_Static_assert(sizeof(KPRCB) == 0x984, "KPRCB: NanoNT's ends after WRK's QuantumEnd");

/* WRK's x86 KPCR, field for field. */
typedef struct _KPCR {
    union {
        NT_TIB NtTib;                  /* +0x00: ExceptionList; +0x18: Self = current TEB */
        struct {                       /* the TIB fields kernel mode does not use, as WRK overlays them */
            PVOID Used_ExceptionList;
            PVOID Used_StackBase;
            ULONG Reserved08[2];       /* PerfGlobalGroupMask, TssCopy */
            ULONG ContextSwitches;     /* +0x10: this processor's context switches */
            ULONG Reserved14;          /* SetMemberCopy */
            PVOID Used_Self;
        };
    };
    struct _KPCR *SelfPcr;             /* +0x1C */
    PKPRCB Prcb;                       /* +0x20 */
    KIRQL Irql;                        /* +0x24 */
    UCHAR Spare0[3];
    ULONG IRR, IrrActive, IDR;         /* +0x28 */
    PVOID KdVersionBlock;              /* +0x34 */
    PVOID IDT;                         /* +0x38 */
    PVOID GDT;                         /* +0x3C */
    PKTSS TSS;                         /* +0x40 */
    USHORT MajorVersion, MinorVersion; /* +0x44 */
    ULONG SetMember;                   /* +0x48 */
    ULONG StallScaleFactor;            /* +0x4C */
    UCHAR SpareUnused;                 /* +0x50 */
    UCHAR Number;                      /* +0x51 */
    UCHAR Spare1;
    UCHAR SecondLevelCacheAssociativity;
    ULONG VdmAlert;                    /* +0x54 */
    ULONG KernelReserved[14];          /* +0x58 */
    ULONG SecondLevelCacheSize;        /* +0x90 */
    ULONG HalReserved[16];             /* +0x94 */
    ULONG InterruptMode;               /* +0xD4 */
    UCHAR Spare2;                      /* +0xD8 */
    UCHAR Spare2Pad[3];
    ULONG KernelReserved2[17];         /* +0xDC */
    KPRCB PrcbData;                    /* +0x120 */
} KPCR, *PKPCR;
_Static_assert(offsetof(KPCR, NtTib.ExceptionList) == 0x00, "KPCR.ExceptionList");
_Static_assert(offsetof(KPCR, NtTib.Self) == 0x18, "KPCR.Teb");
_Static_assert(offsetof(KPCR, ContextSwitches) == 0x10, "KPCR.ContextSwitches");
_Static_assert(offsetof(KPCR, Used_Self) == 0x18, "KPCR.Used_Self");
_Static_assert(offsetof(KPCR, SelfPcr) == 0x1C, "KPCR.SelfPcr");
_Static_assert(offsetof(KPCR, Prcb) == 0x20, "KPCR.Prcb");
_Static_assert(offsetof(KPCR, Irql) == 0x24, "KPCR.Irql");
_Static_assert(offsetof(KPCR, IRR) == 0x28, "KPCR.IRR");
_Static_assert(offsetof(KPCR, KdVersionBlock) == 0x34, "KPCR.KdVersionBlock");
_Static_assert(offsetof(KPCR, IDT) == 0x38, "KPCR.IDT");
_Static_assert(offsetof(KPCR, GDT) == 0x3C, "KPCR.GDT");
_Static_assert(offsetof(KPCR, TSS) == 0x40, "KPCR.TSS");
_Static_assert(offsetof(KPCR, MajorVersion) == 0x44, "KPCR.MajorVersion");
_Static_assert(offsetof(KPCR, SetMember) == 0x48, "KPCR.SetMember");
_Static_assert(offsetof(KPCR, SpareUnused) == 0x50, "KPCR.SpareUnused");
_Static_assert(offsetof(KPCR, Number) == 0x51, "KPCR.Number");
_Static_assert(offsetof(KPCR, VdmAlert) == 0x54, "KPCR.VdmAlert");
_Static_assert(offsetof(KPCR, SecondLevelCacheSize) == 0x90, "KPCR.SecondLevelCacheSize");
_Static_assert(offsetof(KPCR, InterruptMode) == 0xD4, "KPCR.InterruptMode");
_Static_assert(offsetof(KPCR, KernelReserved2) == 0xDC, "KPCR.KernelReserved2");
_Static_assert(offsetof(KPCR, PrcbData) == 0x120, "KPCR.PrcbData");
_Static_assert(offsetof(KPCR, PrcbData.CurrentThread) == 0x124, "KPCR.CurrentThread");
_Static_assert((offsetof(KPCR, PrcbData) & 63) == 32, "KPCR.PrcbData: WRK's cache-line placement");
_Static_assert(sizeof(KPCR) <= PAGE_SIZE, "KPCR fits its page");

/* This processor's KPCR: FS:[0x1C] (SelfPcr). The boot processor's is at KIP0PCRADDRESS; each other
   processor's FS descriptor (its own GDT) points at its own. */
static inline PKPCR KeGetPcr(void)
{
    PKPCR p;
    __asm__ volatile("movl %%fs:0x1C, %0" : "=r"(p));
    return p;
}
static inline PKTHREAD KeGetCurrentThread(void)
{
    PKTHREAD t;
    __asm__ volatile("movl %%fs:0x124, %0" : "=r"(t));
    return t;
}
static inline KPROCESSOR_MODE KeGetPreviousMode(void) { return KeGetCurrentThread()->PreviousMode; }

/* ------------------------------------------------------------------ processors (ke/mp.c) */
typedef ULONG KAFFINITY, *PKAFFINITY;
extern CCHAR KeNumberProcessors;                 /* processors running */
extern volatile KAFFINITY KeActiveProcessors;    /* bit N: processor N runs */
VOID KeFlushSingleTb(PVOID Va, BOOLEAN AllProcessors);

/* IRQL (ke/irql.c) and spin locks (ke/spinlock.c), NT's names and levels */
#define PASSIVE_LEVEL  0
#define APC_LEVEL      1
#define DISPATCH_LEVEL 2
#define PROFILE_LEVEL  27
#define CLOCK2_LEVEL   28
#define IPI_LEVEL      29
#define HIGH_LEVEL     31
#define SYNCH_LEVEL    (IPI_LEVEL - 2)
typedef KIRQL *PKIRQL;
KIRQL KeGetCurrentIrql(VOID);
KIRQL KfRaiseIrql(KIRQL NewIrql);
VOID KfLowerIrql(KIRQL NewIrql);
VOID KeRaiseIrql(KIRQL NewIrql, PKIRQL OldIrql);
VOID KeLowerIrql(KIRQL NewIrql);
KIRQL KeRaiseIrqlToDpcLevel(VOID);
KIRQL KeRaiseIrqlToSynchLevel(VOID);

typedef ULONG_PTR KSPIN_LOCK, *PKSPIN_LOCK;
typedef struct _KSPIN_LOCK_QUEUE {
    struct _KSPIN_LOCK_QUEUE *volatile Next;   /* NanoNT: the holder's ticket (ke/spinlock.c) */
    PKSPIN_LOCK volatile Lock;                 /* the lock held through this entry */
} KSPIN_LOCK_QUEUE, *PKSPIN_LOCK_QUEUE;
typedef struct _KLOCK_QUEUE_HANDLE {
    KSPIN_LOCK_QUEUE LockQueue;
    KIRQL OldIrql;
} KLOCK_QUEUE_HANDLE, *PKLOCK_QUEUE_HANDLE;
typedef enum _KSPIN_LOCK_QUEUE_NUMBER {
    LockQueueDispatcherLock = 0,               /* the dispatcher database */
    LockQueueMaximumLock = 1
} KSPIN_LOCK_QUEUE_NUMBER;
VOID KeInitializeSpinLock(PKSPIN_LOCK SpinLock);
VOID KeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql);
VOID KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql);
VOID KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock);
VOID KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock);
BOOLEAN KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock);
KIRQL KeAcquireQueuedSpinLock(KSPIN_LOCK_QUEUE_NUMBER Number);
VOID KeReleaseQueuedSpinLock(KSPIN_LOCK_QUEUE_NUMBER Number, KIRQL OldIrql);
VOID KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle);
VOID KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle);
VOID KeAcquireInStackQueuedSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle);
VOID KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle);

/* ------------------------------------------------------------------ SharedUserData (docs/spec.md §5) */
/* A 64-bit time written so that a reader without a lock can tell a torn read: the writer stores
   High2Time, then LowPart, then High1Time; the reader reads in the opposite order and retries
   while High1Time != High2Time. */
typedef struct _KSYSTEM_TIME {
    ULONG LowPart;
    LONG High1Time;
    LONG High2Time;
} KSYSTEM_TIME, *PKSYSTEM_TIME;

typedef enum _NT_PRODUCT_TYPE { NtProductWinNt = 1, NtProductLanManNt, NtProductServer } NT_PRODUCT_TYPE;
#define PROCESSOR_FEATURE_MAX 64
#define PF_MMX_INSTRUCTIONS_AVAILABLE       3
#define PF_XMMI_INSTRUCTIONS_AVAILABLE      6
#define PF_RDTSC_INSTRUCTION_AVAILABLE      8
#define PF_XMMI64_INSTRUCTIONS_AVAILABLE    10
#define IMAGE_FILE_MACHINE_I386             0x014C

/* WRK's layout (Windows Server 2003 SP1, NT 5.2), field for field; NanoNT fills what it has a
   value for and leaves the rest zero. NanoNT's own flags follow WRK's last field. */
typedef struct _KUSER_SHARED_DATA {
    ULONG TickCountLowDeprecated;      /* 0x000: low 32 bits of the tick count */
    ULONG TickCountMultiplier;         /* 0x004: ms per tick, 8.24 fixed point */
    volatile KSYSTEM_TIME InterruptTime;  /* 0x008: 100 ns units since boot */
    volatile KSYSTEM_TIME SystemTime;     /* 0x014: 100 ns units since 1601-01-01 UTC */
    volatile KSYSTEM_TIME TimeZoneBias;   /* 0x020: 0, the clock is UTC */
    USHORT ImageNumberLow, ImageNumberHigh; /* 0x02C: IMAGE_FILE_MACHINE_I386 */
    WCHAR NtSystemRoot[260];           /* 0x030 */
    ULONG MaxStackTraceDepth;          /* 0x238 */
    ULONG CryptoExponent;              /* 0x23C */
    ULONG TimeZoneId;                  /* 0x240 */
    ULONG LargePageMinimum;            /* 0x244 */
    ULONG Reserved2[7];                /* 0x248 */
    NT_PRODUCT_TYPE NtProductType;     /* 0x264 */
    BOOLEAN ProductTypeIsValid;        /* 0x268 */
    UCHAR Reserved2a[3];
    ULONG NtMajorVersion;              /* 0x26C: 5 */
    ULONG NtMinorVersion;              /* 0x270: 2 */
    BOOLEAN ProcessorFeatures[PROCESSOR_FEATURE_MAX]; /* 0x274 */
    ULONG Reserved1;                   /* 0x2B4 */
    ULONG Reserved3;                   /* 0x2B8 */
    volatile ULONG TimeSlip;           /* 0x2BC */
    ULONG AlternativeArchitecture;     /* 0x2C0: StandardDesign */
    ULONG Reserved4;
    LARGE_INTEGER SystemExpirationDate; /* 0x2C8 */
    ULONG SuiteMask;                   /* 0x2D0 */
    BOOLEAN KdDebuggerEnabled;         /* 0x2D4 */
    UCHAR NXSupportPolicy;             /* 0x2D5 */
    UCHAR Reserved5[2];
    volatile ULONG ActiveConsoleId;    /* 0x2D8 */
    volatile ULONG DismountCount;      /* 0x2DC */
    ULONG ComPlusPackage;              /* 0x2E0 */
    ULONG LastSystemRITEventTickCount; /* 0x2E4 */
    ULONG NumberOfPhysicalPages;       /* 0x2E8 */
    BOOLEAN SafeBootMode;              /* 0x2EC */
    UCHAR Reserved6[3];
    ULONG TraceLogging;                /* 0x2F0 */
    ULONG Reserved7;
    ULONGLONG TestRetInstruction;      /* 0x2F8 */
    ULONG SystemCall;                  /* 0x300: KiFastSystemCall or KiIntSystemCall */
    ULONG SystemCallReturn;            /* 0x304: KiFastSystemCallRet */
    ULONGLONG SystemCallPad[3];        /* 0x308 */
    union {
        volatile KSYSTEM_TIME TickCount;  /* 0x320: clock ticks since boot */
        volatile ULONGLONG TickCountQuad;
        ULONG TickCountPad[4];         /* WRK's union is 16 bytes (8-byte aligned) */
    };
    ULONG Cookie;                      /* 0x330 */
    ULONG Reserved8;                   /* 0x334: WRK's size is 0x338 */
    ULONG NanoNtFlags;                 /* 0x338: NanoNT: bit 0 = int 2Eh forced by the boot option */
} KUSER_SHARED_DATA, *PKUSER_SHARED_DATA;
#define KUSER_SHARED_DATA_NANONT_INT2E 0x1     /* NanoNtFlags */
#define KUSD_ASSERT(f, o) _Static_assert(offsetof(KUSER_SHARED_DATA, f) == (o), "KUSER_SHARED_DATA." #f)
KUSD_ASSERT(TickCountLowDeprecated, 0x000); KUSD_ASSERT(TickCountMultiplier, 0x004);
KUSD_ASSERT(InterruptTime, 0x008);          KUSD_ASSERT(SystemTime, 0x014);
KUSD_ASSERT(TimeZoneBias, 0x020);           KUSD_ASSERT(ImageNumberLow, 0x02C);
KUSD_ASSERT(ImageNumberHigh, 0x02E);        KUSD_ASSERT(NtSystemRoot, 0x030);
KUSD_ASSERT(MaxStackTraceDepth, 0x238);     KUSD_ASSERT(TimeZoneId, 0x240);
KUSD_ASSERT(NtProductType, 0x264);          KUSD_ASSERT(ProductTypeIsValid, 0x268);
KUSD_ASSERT(NtMajorVersion, 0x26C);         KUSD_ASSERT(NtMinorVersion, 0x270);
KUSD_ASSERT(ProcessorFeatures, 0x274);      KUSD_ASSERT(TimeSlip, 0x2BC);
KUSD_ASSERT(AlternativeArchitecture, 0x2C0); KUSD_ASSERT(SystemExpirationDate, 0x2C8);
KUSD_ASSERT(SuiteMask, 0x2D0);              KUSD_ASSERT(KdDebuggerEnabled, 0x2D4);
KUSD_ASSERT(ActiveConsoleId, 0x2D8);        KUSD_ASSERT(NumberOfPhysicalPages, 0x2E8);
KUSD_ASSERT(SafeBootMode, 0x2EC);           KUSD_ASSERT(TestRetInstruction, 0x2F8);
KUSD_ASSERT(SystemCall, 0x300);             KUSD_ASSERT(SystemCallReturn, 0x304);
KUSD_ASSERT(SystemCallPad, 0x308);          KUSD_ASSERT(TickCount, 0x320);
KUSD_ASSERT(Cookie, 0x330);                 KUSD_ASSERT(NanoNtFlags, 0x338);
#undef KUSD_ASSERT
#define SharedUserData ((PKUSER_SHARED_DATA)KI_USER_SHARED_DATA)

/* ------------------------------------------------------------------ bugcheck codes */
#define IRQL_NOT_GREATER_OR_EQUAL      0x00000009
#define IRQL_NOT_LESS_OR_EQUAL         0x0000000A
#define SPIN_LOCK_ALREADY_OWNED        0x0000000F
#define SPIN_LOCK_NOT_OWNED            0x00000010
#define KMODE_EXCEPTION_NOT_HANDLED    0x0000001E
#define PFN_LIST_CORRUPT               0x0000004E
#define PAGE_FAULT_IN_NONPAGED_AREA    0x00000050
#define UNEXPECTED_KERNEL_MODE_TRAP    0x0000007F
#define SYSTEM_SERVICE_EXCEPTION       0x0000003B
#define KERNEL_STACK_INPAGE_ERROR      0x00000077
#define NO_MORE_SYSTEM_PTES            0x0000003F
#define PHASE0_INITIALIZATION_FAILED   0x00000031
#define INVALID_PROCESS_ATTACH_ATTEMPT 0x00000005
#define BAD_POOL_CALLER                0x000000C2
#define TRAP_CAUSE_UNKNOWN             0x00000012
#define MANUALLY_INITIATED_CRASH       0x000000E2
#define INVALID_DATA_ACCESS_TRAP       0x00000004

DECLSPEC_NORETURN VOID KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4);
DECLSPEC_NORETURN VOID KeBugCheckWithTf(ULONG BugCheckCode, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3,
                                        ULONG_PTR P4, PKTRAP_FRAME TrapFrame);
ULONG DbgPrint(PCSTR Format, ...) __attribute__((format(printf, 1, 2)));
ULONG KeDisableInterrupts(VOID);
VOID KeRestoreInterrupts(ULONG Flags);

/* ------------------------------------------------------------------ dispatcher routines */
#define MAXIMUM_SUSPEND_COUNT 127

/* ke/wait.c */
NTSTATUS KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason, KPROCESSOR_MODE WaitMode,
                               BOOLEAN Alertable, PLARGE_INTEGER Timeout);
NTSTATUS KeWaitForMultipleObjects(ULONG Count, PVOID Object[], WAIT_TYPE WaitType, KWAIT_REASON WaitReason,
                                  KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Timeout,
                                  PKWAIT_BLOCK WaitBlockArray);
NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Interval);
VOID KiWaitTest(DISPATCHER_HEADER *Object);
VOID KiUnwaitThread(PKTHREAD Thread, NTSTATUS WaitStatus);
/* ke/eventobj.c, ke/semphobj.c, ke/mutntobj.c */
VOID KeInitializeEvent(PKEVENT Event, KOBJECTS Type, BOOLEAN State);
LONG KeSetEvent(PKEVENT Event);
LONG KeResetEvent(PKEVENT Event);
LONG KePulseEvent(PKEVENT Event);
VOID KeInitializeSemaphore(PKSEMAPHORE Semaphore, LONG Count, LONG Limit);
NTSTATUS KeReleaseSemaphore(PKSEMAPHORE Semaphore, LONG Adjustment, PLONG PreviousCount);
VOID KeInitializeMutant(PKMUTANT Mutant, BOOLEAN InitialOwner);
NTSTATUS KeReleaseMutant(PKMUTANT Mutant, BOOLEAN Abandoned, PLONG PreviousCount);
VOID KeRundownMutants(PKTHREAD Thread);
/* ke/timer.c: times are 100 ns units, negative = relative, positive = absolute since boot */
VOID KeInitializeTimerEx(PKTIMER Timer, KOBJECTS Type);
BOOLEAN KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period, PKDPC Dpc);
BOOLEAN KeCancelTimer(PKTIMER Timer);
ULONGLONG KiTimeToTick(LONGLONG Time);
/* ke/apc.c */
VOID KeInitializeApc(PKAPC Apc, PKTHREAD Thread, PKKERNEL_ROUTINE KernelRoutine, PKRUNDOWN_ROUTINE RundownRoutine,
                     PKNORMAL_ROUTINE NormalRoutine, KPROCESSOR_MODE ApcMode, PVOID NormalContext);
BOOLEAN KeInsertQueueApc(PKAPC Apc, PVOID SystemArgument1, PVOID SystemArgument2);
BOOLEAN KeRemoveQueueApc(PKAPC Apc);
VOID KeSetServiceTableNames(ULONG Index, PCSTR *Names);   /* for the tracer (ke/systrace.c) */
VOID KeSetServiceTableTypes(ULONG Index, PCSTR *Types);   /* its decoder (gensvc's ...ServiceArgumentTypes) */
/* The tracer's filter at run time (ke/tracectl.c): "+NAME", "-NAME", "all", "none" or a new
   NAME,NAME list, as after trace= */
NTSTATUS KeSetSystemTraceFilter(PCSTR Spec);
extern volatile ULONGLONG KeTickCount;           /* clock ticks since boot (HAL_CLOCK_HZ) */
BOOLEAN KeTestAlertThread(KPROCESSOR_MODE AlertMode);
BOOLEAN KeAlertThread(PKTHREAD Thread, KPROCESSOR_MODE AlertMode);
/* ke/thrdobj.c */
VOID KeInitializeThreadDispatcher(PKTHREAD Thread);
ULONG KeSuspendThread(PKTHREAD Thread);
ULONG KeResumeThread(PKTHREAD Thread);
VOID KeForceResumeThread(PKTHREAD Thread);
VOID KeSetPriorityThread(PKTHREAD Thread, KPRIORITY Priority);

/* Device interrupts (ke/intr.c): Routine runs at interrupt time, interrupts disabled. */
typedef VOID (*PKINTERRUPT_ROUTINE)(PVOID Context);
NTSTATUS KeConnectInterruptRoutine(ULONG Irq, PKINTERRUPT_ROUTINE Routine, PVOID Context);

/*
 * The kernel knows nothing of the layers above it. Where it needs them it calls out through
 * routines they register at boot (ke/callout.c):
 *  - the process structure's, registered by ps/ (KeRegisterProcessCallouts): ending the current
 *    thread (termination noticed on the way to user mode, an unhandled exception), ending a
 *    process, freeing the stacks of dead threads at a switch, converting a thread to a GUI thread
 *    on its first GUI service (WRK's KiSystemService calls PsConvertToGuiThread by name; here it
 *    is the same call through the table) and freeing the small stack it replaced;
 *  - the user-mode entry points in the system ntdll, set by ps/ when it loads ntdll, under WRK's
 *    names (KeUserApcDispatcher, KeUserExceptionDispatcher) and the two system-call routines
 *    SharedUserData->SystemCall may point at;
 *  - one call up at boot, ExInitializeExecutive (ex/exinit.c), as WRK's KiInitializeKernel calls
 *    ExpInitializeExecutive: the executive's start-up is an ordered list that lives in ex/.
 */
typedef struct _KE_PROCESS_CALLOUTS {
    DECLSPEC_NORETURN VOID (*ExitThread)(NTSTATUS ExitStatus);    /* the current thread */
    DECLSPEC_NORETURN VOID (*ExitTerminatingThread)(VOID);        /* ... with the status it was
                                                                      given when asked to end */
    VOID (*TerminateProcess)(PKPROCESS Process, NTSTATUS ExitStatus);
    VOID (*ReapDeadThreads)(VOID);                                /* at a switch, thread start */
    NTSTATUS (*ConvertToGuiThread)(PKTRAP_FRAME TrapFrame);
    VOID (*FreeSmallStackAfterConversion)(VOID);                 /* called from sysentry.S */
} KE_PROCESS_CALLOUTS, *PKE_PROCESS_CALLOUTS;
extern KE_PROCESS_CALLOUTS KeProcessCallouts;

/* Hooks of the boot self-test selftest=kdebug (ex/selftest.c): kernel-mode #DBs dismissed so far
   (ke/i386/exceptn.c), and arming breakpoints on the entries' first instructions at every slow
   return to user mode (ke/returnuser.c). */
extern volatile ULONG KiKernelDebugTrapsDismissed;
extern BOOLEAN KiHeldDebugTrapSelfTest;

/* What the process structure asks of the kernel for a thread (ke/thrdobj.c, ke/i386/context.c). */
VOID KeInitializeThreadContext(PKTHREAD Thread);          /* first switch runs KiThreadStartup */
VOID KeReadyThread(PKTHREAD Thread);                      /* interrupts disabled */
DECLSPEC_NORETURN VOID KeTerminateThread(VOID);           /* the current thread, already unlinked */
VOID KeForceGeneralExit(PKTHREAD Thread);                 /* next return to user mode by iretd */
VOID KeSetInitialStackCurrentThread(PVOID InitialStack);  /* after a switch to a new stack */
VOID KeTrapFrameToContext(PKTHREAD Thread, PKTRAP_FRAME TrapFrame, PCONTEXT Context);
NTSTATUS KeContextToTrapFrame(PKTHREAD Thread, PKTRAP_FRAME TrapFrame, const CONTEXT *Context, ULONG Flags);
ULONG KeSanitizeUserEflags(ULONG EFlags);
/* fault-safe user memory access (ke/i386/usercopy.S), under mm's probes (mm/probe.c) */
NTSTATUS KiSafeCopy(PVOID Destination, const VOID *Source, SIZE_T Length);
NTSTATUS KiSafeZero(PVOID Destination, SIZE_T Length);
NTSTATUS KiSafeExchangeUlong(PULONG Address, PULONG Value);
VOID KeRegisterProcessCallouts(const KE_PROCESS_CALLOUTS *Callouts);

extern ULONG KeUserApcDispatcher;          /* ntdll!KiUserApcDispatcher */
extern ULONG KeUserExceptionDispatcher;    /* ntdll!KiUserExceptionDispatcher */
extern ULONG KeUserFastSystemCall;         /* ntdll!KiFastSystemCall (sysenter) */
extern ULONG KeUserFastSystemCallRet;      /* ntdll!KiFastSystemCallRet (sysexit lands here) */
extern ULONG KeUserIntSystemCall;          /* ntdll!KiIntSystemCall (int 2Eh) */

/* What ps/ asks of the kernel when a thread ends: flush its APC queues (ke/apc.c) and wake it
   out of any wait so that it sees the termination (ke/wait.c). */
VOID KiRundownThread(PKTHREAD Thread);
VOID KiWakeForTermination(PKTHREAD Thread);

/* win32k's GDI-batch flush, called before a GUI service when the TEB batch is not empty
   (set by win32k/w32init.c, called from ke/syscall.c). */
extern NTSTATUS (*KeGdiFlushUserBatch)(VOID);

extern ULONGLONG KeTscFrequency;           /* TSC ticks per second (ke/tsc.c) */

/* Symbols of the kernel image, from ke/i386/kernel.ld and ke/i386/boot.S: the image's bounds,
   the boot page directory mm/ takes over, and the system ntdll image ke/ntdllimg.S carries. */
extern UCHAR __KernelStart[], __KernelEnd[];
extern ULONG KiBootPageDirectory[];
extern const UCHAR KiNtdllImage[], KiNtdllImageEnd[];

/* ex/exinit.c: the executive's start-up, phase 0 (service tables, the system ntdll) and phase 1
   (self-tests, I/O, the process structure and init=). */
VOID ExInitializeExecutive(ULONG Phase);

#define ASSERT(e) do { if (!(e)) KeBugCheckEx(MANUALLY_INITIATED_CRASH, __LINE__, (ULONG_PTR)__FILE__, 0xA55E, 0); } while (0)

#endif
