/*
 * ke.h - kernel (Ke/Ki) structures: KPCR, KPRCB, KTSS, dispatcher header, KTHREAD, KPROCESS,
 * service descriptor tables. Field names are NT's; offsets are ours except those docs/spec.md §4 fixes
 * (checked below). Assembly reads offsets from build/inc/ksoffsets.h (tools/genoffsets.c).
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
#define NPX_FRAME_LENGTH      0x210      /* NT keeps the FPU save area above InitialStack */
/* TSS.Esp0 sits below the unused V86 part of the frame so the CPU's pushes line up with it. */
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
    UCHAR Type, Absolute, Size, Inserted;
    LONG SignalState;
    LIST_ENTRY WaitListHead;
} DISPATCHER_HEADER;

struct _KTHREAD;
struct _KPROCESS;

typedef struct _KWAIT_BLOCK {
    LIST_ENTRY WaitListEntry;          /* in the object's WaitListHead */
    struct _KTHREAD *Thread;
    PVOID Object;
    USHORT WaitKey, WaitType;          /* WaitAll = 0, WaitAny = 1 */
} KWAIT_BLOCK, *PKWAIT_BLOCK;
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

typedef struct _KTIMER {
    DISPATCHER_HEADER Header;
    ULONGLONG DueTick;                 /* in KeTickCount units */
    LIST_ENTRY TimerListEntry;         /* in the clock's list, sorted by DueTick */
    LONG Period;                       /* ms, 0 = one shot */
    BOOLEAN Inserted;
    PKDPC Dpc;                         /* run when the timer expires (ke/timer.c) */
} KTIMER, *PKTIMER;

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
    UCHAR Reserved;
} KAPC_STATE;

struct _KAPC;
typedef VOID (*PKNORMAL_ROUTINE)(PVOID NormalContext, PVOID SystemArgument1, PVOID SystemArgument2);
typedef VOID (*PKKERNEL_ROUTINE)(struct _KAPC *Apc, PKNORMAL_ROUTINE *NormalRoutine, PVOID *NormalContext,
                                 PVOID *SystemArgument1, PVOID *SystemArgument2);
typedef VOID (*PKRUNDOWN_ROUTINE)(struct _KAPC *Apc);

typedef struct _KAPC {
    struct _KTHREAD *Thread;
    LIST_ENTRY ApcListEntry;
    PKKERNEL_ROUTINE KernelRoutine;
    PKRUNDOWN_ROUTINE RundownRoutine;
    PKNORMAL_ROUTINE NormalRoutine;
    PVOID NormalContext, SystemArgument1, SystemArgument2;
    KPROCESSOR_MODE ApcMode;
    BOOLEAN Inserted;
} KAPC, *PKAPC;

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
/* The most argument dwords a service takes: 17, WRK's
   NtAccessCheckByTypeResultListAndAuditAlarmByHandle (tools/gensvc allows the same). */
#define SERVICE_MAXIMUM_ARGUMENT_DWORDS 17

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
    DISPATCHER_HEADER Header;
    LIST_ENTRY MutantListHead;
    PVOID InitialStack;                /* top of the usable stack, below the NPX area */
    PVOID StackLimit;                  /* lowest usable address (the guard page is below) */
    PVOID KernelStack;                 /* saved ESP while switched out (KiSwapContext) */
    ULONG ThreadLock;
    KAPC_STATE ApcState;
    PKTRAP_FRAME TrapFrame;            /* the current user-mode entry frame */
    PVOID CallbackStack;
    PKSERVICE_TABLE_DESCRIPTOR ServiceTable;
    KPROCESSOR_MODE PreviousMode;      /* the entry pushes this as a dword: pad stays zero */
    UCHAR PreviousModePad[3];
    UCHAR DebugActive;                 /* user debug registers are live (DR7 != 0) */
    BOOLEAN Alertable;
    BOOLEAN Alerted[2];
    PVOID Teb;                         /* user address of the TEB */
    PVOID Win32Thread;                 /* GUI state, NULL until PsConvertToGuiThread */

    /* scheduling and waits */
    UCHAR State;
    CHAR Priority;
    CHAR BasePriority;
    KPROCESSOR_MODE WaitMode;
    LONG Quantum;
    LIST_ENTRY ReadyListEntry;
    NTSTATUS WaitStatus;
    PKWAIT_BLOCK WaitBlockList;
    ULONG WaitCount;
    KWAIT_BLOCK WaitBlock[THREAD_WAIT_OBJECTS + 1];
    KTIMER Timer;                      /* wait timeouts and delays */
    ULONG SuspendCount;
    KAPC SuspendApc;
    LIST_ENTRY ThreadListEntry;        /* in KPROCESS.ThreadListHead */
    struct _KPROCESS *Process;
    PVOID StackBase;                   /* highest address of the kernel stack allocation */
    ULONG StackPages;                  /* pages of the allocation, guard excluded */
    ULONG UserDr[8];                   /* Dr0-3, -, -, Dr6, Dr7 while DebugActive */
    ULONG SavedGs;                     /* live GS across switches (the kernel never changes GS) */
    BOOLEAN Terminating;
    BOOLEAN ApcQueueable;
    BOOLEAN SystemThread;
    BOOLEAN ServiceFrameEdited;        /* KiBeginTrapFrameEdit moved the frame link ... */
    PKTRAP_FRAME ServiceFrameLink;     /* ... here: the previous trap frame */

    /* waits, APCs and suspension (ke/wait.c, ke/apc.c, ke/thrdobj.c) */
    SHORT KernelApcDisable;            /* > 0: normal kernel APCs wait (NT's critical region; 0 here) */
    UCHAR WaitReason;
    BOOLEAN ServiceExitActive;         /* in KiServiceExitToUserMode: the frame's Eax is the result */
    KSEMAPHORE SuspendSemaphore;       /* the suspend APC waits here until resumed */
} KTHREAD, *PKTHREAD;

typedef struct _KPROCESS {
    DISPATCHER_HEADER Header;
    LIST_ENTRY ProfileListHead;
    ULONG DirectoryTableBase;          /* physical address of the page directory (CR3) */
    LIST_ENTRY ThreadListHead;
    ULONG ThreadCount;
    CHAR BasePriority;
    UCHAR Spare[3];
} KPROCESS, *PKPROCESS;

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

typedef struct _KPRCB {
    USHORT MinorVersion, MajorVersion;
    PKTHREAD CurrentThread;            /* KPCR + 0x124 */
    PKTHREAD NextThread;
    PKTHREAD IdleThread;
    ULONG KeSystemCalls;               /* per-CPU system-call counter (docs/spec.md §6.5) */
    ULONG InterruptCount;
    ULONG ContextSwitches;
    ULONG QuantumEnd;                  /* the clock asks for a reschedule */
    UCHAR Number, Spare0[3];           /* this processor's number (ke/mp.c) */
    ULONG SetMember;                   /* 1 << Number */
} KPRCB, *PKPRCB;

typedef struct _KPCR {
    NT_TIB NtTib;                      /* +0x00: ExceptionList; +0x18: Self = current TEB */
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
    ULONG SetMember;
    ULONG StallScaleFactor;
    UCHAR DebugActive, Number, Spare1[2];
    UCHAR Reserved[0x120 - 0x54];
    KPRCB PrcbData;                    /* +0x120 */
} KPCR, *PKPCR;
_Static_assert(offsetof(KPCR, NtTib.ExceptionList) == 0x00, "KPCR.ExceptionList");
_Static_assert(offsetof(KPCR, NtTib.Self) == 0x18, "KPCR.Teb");
_Static_assert(offsetof(KPCR, SelfPcr) == 0x1C, "KPCR.SelfPcr");
_Static_assert(offsetof(KPCR, Prcb) == 0x20, "KPCR.Prcb");
_Static_assert(offsetof(KPCR, TSS) == 0x40, "KPCR.TSS");
_Static_assert(offsetof(KPCR, PrcbData.CurrentThread) == 0x124, "KPCR.CurrentThread");

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
typedef struct _KUSER_SHARED_DATA {
    ULONG TickCountLowDeprecated;      /* 0x000 */
    ULONG TickCountMultiplier;         /* 0x004 */
    ULONG InterruptTime[3];            /* 0x008 */
    ULONG SystemTime[3];               /* 0x014 */
    ULONG TimeZoneBias[3];             /* 0x020 */
    USHORT ImageNumberLow, ImageNumberHigh; /* 0x02C */
    WCHAR NtSystemRoot[260];           /* 0x030 */
    UCHAR Reserved[0x300 - 0x238];
    ULONG SystemCall;                  /* 0x300: KiFastSystemCall or KiIntSystemCall */
    ULONG SystemCallReturn;            /* 0x304: KiFastSystemCallRet */
    ULONG SystemCallPad[3];
    ULONG TickCount;                   /* 0x314 */
    ULONG NanoNtFlags;                 /* 0x318: NanoNT: bit 0 = int 2Eh forced by the boot option */
} KUSER_SHARED_DATA, *PKUSER_SHARED_DATA;
_Static_assert(offsetof(KUSER_SHARED_DATA, SystemCall) == 0x300, "SystemCall");
_Static_assert(offsetof(KUSER_SHARED_DATA, SystemCallReturn) == 0x304, "SystemCallReturn");
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
