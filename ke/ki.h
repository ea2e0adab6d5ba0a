/* ki.h - kernel-internal routines shared between ke/ files (not for other components: their
   interface is inc/ke.h). */
#ifndef NANONT_KI_H
#define NANONT_KI_H

#include "ke.h"
#include "nti386.h"
#include "fixup.h"
#include "arch.h"

/* The dispatcher's own short critical sections use the inline forms of KeDisableInterrupts and
   KeRestoreInterrupts: a call each would cost about as much as the section. */
#define KiDisableInterrupts() KeDisableInterruptsInline()
#define KiRestoreInterrupts(Flags) KeRestoreInterruptsInline(Flags)

/* the per-CPU entry area (ke/i386/kiinit.c): page-aligned, as it is mapped on its own */
extern KI_CPU_ENTRY_AREA KiCpuEntryArea __attribute__((aligned(4096)));
extern ULONG KiArgumentProbeLimit;
extern volatile ULONGLONG KeTickCount;
extern BOOLEAN KiForceIntSystemCall;

VOID KiInitializeProcessor(PKPCR Pcr);
VOID KiInitializeIdt(VOID);
VOID KiLoadIdt(VOID);                          /* the shared IDT on another processor */

/* one processor's descriptor tables and stacks (ke/i386/kiinit.c; the boot processor's are static
   there, the others' come from ke/mp.c) */
#define KI_GDT_ENTRIES 12
typedef struct _KI_PROCESSOR_TABLES {
    ULONGLONG *Gdt;                            /* KI_GDT_ENTRIES descriptors */
    KI_CPU_ENTRY_AREA *EntryArea;              /* the TSS and the sysenter entry stack */
    PKTSS DoubleFaultTss;
    PVOID DoubleFaultStackTop;
    PVOID InitialEsp0;                         /* TSS.Esp0 until the first thread switch */
} KI_PROCESSOR_TABLES;
VOID KiInitializeProcessorTables(PKPCR Pcr, const KI_PROCESSOR_TABLES *Tables);

/* multiprocessor (ke/mp.c, ke/i386/apstart.S) */
#define KI_APIC_CLOCK_VECTOR 0xD1                /* NT's vectors for the APIC clock and IPIs */
#define KI_IPI_VECTOR        0xE1
typedef struct _KI_AP_START_PARAMETERS {       /* filled in by the boot processor, read by apstart.S */
    ULONG Cr0, Cr3, Cr4, Stack, Entry;
} KI_AP_START_PARAMETERS;
extern UCHAR KiApStartup[], KiApStartupEnd[], KiApStartupParameters[];
extern PKPCR KiProcessorBlock[];
VOID KiInitializeIdleThreadObject(PKTHREAD Thread, PVOID StackBase, PVOID StackLimit);
VOID KiInitializeMultiprocessor(VOID);
VOID KiRunMultiprocessorSelfTest(VOID);
VOID KiApicInterrupt(PKTRAP_FRAME TrapFrame, ULONG Vector);
BOOLEAN KiFreezeExecution(PKTRAP_FRAME TrapFrame);
BOOLEAN KiFreezeOtherProcessors(VOID);
VOID KiReportFrozenProcessors(VOID);
KIRQL KiLockDispatcherDatabase(VOID);          /* ke/spinlock.c */
VOID KiUnlockDispatcherDatabase(KIRQL OldIrql);
VOID KiSetTebDescriptor(ULONG TebBase);
VOID KiSetSysenterTarget(PVOID Target);

/* traps and exits (ke/i386/trap.S, ke/i386/exceptn.c, ke/intr.c, ke/except.c, ke/returnuser.c) */
VOID KiTrapDispatch(PKTRAP_FRAME TrapFrame, ULONG Vector);
VOID KiInterruptDispatch(PKTRAP_FRAME TrapFrame, ULONG Vector);
VOID KiExitToUserMode(PKTRAP_FRAME TrapFrame);
VOID KiServiceExitToUserMode(PKTRAP_FRAME TrapFrame);
VOID KiDeliverPendingWork(PKTRAP_FRAME TrapFrame);
DECLSPEC_NORETURN VOID KiTerminateAfterExitFault(VOID);
VOID KiSaveDebugRegisters(PKTRAP_FRAME TrapFrame);
VOID KiDisarmUserDebugRegisters(PKTRAP_FRAME TrapFrame);
BOOLEAN KiDismissKernelDebugTrap(PKTRAP_FRAME TrapFrame);
NTSTATUS KiExceptionStatusFromTrap(PKTRAP_FRAME TrapFrame, ULONG Vector, PULONG Info0, PULONG Info1);
VOID KiDispatchUserException(PKTRAP_FRAME TrapFrame, NTSTATUS Code, ULONG NumberParameters,
                             ULONG Info0, ULONG Info1);
extern VOID KiExceptionExit(VOID);
extern VOID KiThreadStartup(VOID);

/* trap frame <-> context (ke/i386/context.c) */
#define KI_IS_SERVICE_FRAME(tf) ((tf)->PreviousPreviousMode <= 1)
VOID KiBeginTrapFrameEdit(PKTHREAD Thread, PKTRAP_FRAME TrapFrame, const CONTEXT *State);
VOID KiRedirectToUserDispatcher(PKTHREAD Thread, PKTRAP_FRAME TrapFrame, ULONG Eip, ULONG Esp,
                                const CONTEXT *State);
ULONG KeSanitizeUserEflags(ULONG EFlags);
ULONG KiReadGs(VOID);


/* scheduler (ke/sched.c) */
VOID KiInitializeScheduler(PKTHREAD IdleThread);
VOID KiReadyThread(PKTHREAD Thread);
VOID KiSetPriorityThread(PKTHREAD Thread, CHAR Priority);
VOID KiSwapThread(VOID);           /* run the next ready thread; the current one must not be Running */
VOID KiYieldThread(VOID);
VOID KiClockTick(VOID);
/* SharedUserData's clock fields from KeTickCount and KeBootTime (ke/sched.c) */
VOID KiUpdateSharedTime(VOID);
extern ULONGLONG KeBootTime;
extern VOID KiSwapContext(PKTHREAD OldThread, PKTHREAD NewThread);
VOID KiIdleLoop(VOID) __attribute__((noreturn));

/* services plumbing (ke/syscall.c) */
VOID KiInitializeServiceTables(VOID);
NTSTATUS NTAPI KiServiceNotImplemented(VOID);
VOID KiSetFastServicePath(BOOLEAN Open);   /* the dispatcher's direct path for table 0 */
/* where the direct path's copy starts for 0..17 argument dwords (sysentry.S) */
extern const PVOID KiFastArgumentCopyEntry[SERVICE_MAXIMUM_ARGUMENT_DWORDS + 1];
NTSTATUS KiFlushGdiBatch(VOID);
ULONG KiConvertToGuiThreadForService(PKTRAP_FRAME TrapFrame, ULONG Index);
/* boot (ke/bootopt.c, ke/tsc.c, ke/systrace.c, ke/i386/boot.S) */
VOID KiCaptureLoaderBlock(ULONG Magic, ULONG InfoPhysical);
VOID KiCalibrateTsc(VOID);
VOID KiInitializeSystemTrace(VOID);            /* trace= */
VOID KiCaptureUntracedServiceTables(VOID);     /* before it: for KeSetSystemTraceFilter (ke/tracectl.c) */
extern UCHAR KiBootStack[], KiBootStackTop[];  /* the boot (later idle) thread's stack */

/* entry points written in assembly (ke/i386/sysentry.S, trap.S, systrace.S, benchfloor.S) */
extern VOID KiFastCallEntry(VOID);
extern VOID KiSystemService(VOID);                 /* ke/i386/sysentry.S: int 2Eh */
/* #DBs from user breakpoints dismissed in kernel mode: at the sysenter entry (trap.S, KiTrap01)
   and elsewhere (ke/i386/exceptn.c); reported by selftest=kdebug */
extern volatile ULONG KiEntryDebugTrapsDismissed, KiKernelDebugTrapsDismissed;
extern VOID KiTrap08(VOID);
extern VOID KiTraceServiceThunk(VOID);
extern NTSTATUS KiTraceCallService(PVOID Routine, const ULONG *Arguments, ULONG ArgumentBytes);
/* the event timeline's service thunk (ke/i386/timeline.S) and its C half (ke/timeline.c) */
extern VOID KiTimelineServiceThunk(VOID);
extern NTSTATUS KiTimelineCallService(PVOID Routine, const ULONG *Arguments, ULONG ArgumentBytes,
                                      ULONG Index, PULONG_PTR TableBase);
NTSTATUS KiTimelineServiceCall(ULONG Index, PULONG_PTR TableBase, const ULONG *Arguments);
BOOLEAN KiTimelineIdle(VOID);
VOID KiTimelineContextSwitch(PKTHREAD Old, PKTHREAD New);
extern VOID KiBenchFloorSysexit(VOID), KiBenchFloorSaveAll(VOID);

/* the tracer's argument decoder (ke/sysdecode.c), driven by the types in ke/services.tab */
#define KI_TRACE_MAX_ARGUMENTS SERVICE_MAXIMUM_ARGUMENT_DWORDS
typedef struct _KI_TRACE_TEXT {                 /* a bounded line being written */
    PCHAR Buffer;
    ULONG Size;
    ULONG Length;
} KI_TRACE_TEXT, *PKI_TRACE_TEXT;
enum {                                          /* the `:how' of a parameter */
    KiHowNone, KiHowOut, KiHowInOut, KiHowArray, KiHowInBuffer, KiHowOutBuffer, KiHowCreate,
    KiHowFlagsFirst                             /* and on: names of flags or access rights */
};
typedef struct _KI_TRACE_PARAMETER {
    UCHAR Kind;                                 /* what the decoder does with it */
    UCHAR How;                                  /* KiHow* */
    UCHAR Dword;                                /* its first argument dword */
} KI_TRACE_PARAMETER, *PKI_TRACE_PARAMETER;
typedef struct _KI_TRACE_SIGNATURE {
    UCHAR Count;                                /* parameters */
    BOOLEAN Blocks;                             /* `!blocks': an enter line before the call */
    KI_TRACE_PARAMETER Parameters[KI_TRACE_MAX_ARGUMENTS];
} KI_TRACE_SIGNATURE, *PKI_TRACE_SIGNATURE;
VOID KiTracePut(PKI_TRACE_TEXT Text, PCSTR Format, ...);
VOID KiTracePutStatus(PKI_TRACE_TEXT Text, NTSTATUS Status);
PCSTR KiTraceStatusName(NTSTATUS Status);
VOID KiTraceParseSignature(PCSTR Name, PCSTR Types, PKI_TRACE_SIGNATURE Signature);
BOOLEAN KiTraceIsOutput(PKI_TRACE_SIGNATURE Signature, ULONG Index);
VOID KiTraceDecodeArgument(PKI_TRACE_TEXT Text, PKI_TRACE_SIGNATURE Signature, ULONG Index,
                           const ULONG *Arguments, BOOLEAN After);
/* The debugger's fields of a trap frame as NtBenchControl reports them (ke/kesvc.c): the caller's
   own service frame, or the frame of the next user-mode exception (captured by KiTrapDispatch
   for the thread named in KiTrapDebugDataThread). */
typedef struct _KI_FRAME_DEBUG_DATA {
    ULONG DbgEbp, DbgEip, DbgArgMark, DbgArgPointer, Dr7;
} KI_FRAME_DEBUG_DATA;
/* What NtBenchControl(4) reports of a kernel-mode service call (ke/kesvc.c): ZwEchoArguments
   into a kernel buffer through KiSystemService from ring 0 (PreviousMode = KernelMode). */
typedef struct _KI_ZW_CALL_DATA {
    NTSTATUS EchoStatus;               /* the Zw call's result: STATUS_SUCCESS */
    ULONG EchoMatches;                 /* arguments the service stored as passed (16) */
    ULONG KernelBuffer;                /* the kernel buffer's address, for the user-mode half */
    ULONG PreviousModeAfter;           /* PreviousMode after the call: UserMode again */
    ULONG TrapFrameKept;               /* KTHREAD.TrapFrame is still the caller's user frame */
} KI_ZW_CALL_DATA;
extern PKTHREAD KiTrapDebugDataThread;
extern KI_FRAME_DEBUG_DATA KiTrapDebugData;
VOID KiGetFrameDebugData(PKTRAP_FRAME TrapFrame, KI_FRAME_DEBUG_DATA *Data);

/* the exception-fixup table, bounded by ke/i386/kernel.ld */
extern const KI_FIXUP_ENTRY __KiFixupStart[], __KiFixupEnd[];

/* APCs (ke/apc.c) */
BOOLEAN KiDeliverUserApc(PKTRAP_FRAME TrapFrame);
VOID KiDeliverKernelApcs(VOID);
BOOLEAN KiKernelApcDeliverable(PKTHREAD Thread);
VOID KiSetUserApcPending(PKTHREAD Thread);

/* returning to user mode and switching threads (ke/returnuser.c) */
VOID KiLoadUserDebugRegisters(PKTHREAD Thread);
VOID KiSetThreadContextForSwitch(PKTHREAD Thread);

/* timers (ke/timer.c) */
VOID KiCheckTimers(VOID);
VOID KiInsertTimer(PKTIMER Timer, ULONGLONG DueTick);
VOID KiRemoveTimer(PKTIMER Timer);

#endif
