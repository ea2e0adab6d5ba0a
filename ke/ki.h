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
VOID KiBeginTrapFrameEdit(PKTHREAD Thread, PKTRAP_FRAME TrapFrame);
VOID KiRedirectToUserDispatcher(PKTHREAD Thread, PKTRAP_FRAME TrapFrame, ULONG Eip, ULONG Esp);
ULONG KeSanitizeUserEflags(ULONG EFlags);
ULONG KiReadGs(VOID);


/* scheduler (ke/sched.c) */
VOID KiInitializeScheduler(PKTHREAD IdleThread);
VOID KiReadyThread(PKTHREAD Thread);
VOID KiSetPriorityThread(PKTHREAD Thread, CHAR Priority);
VOID KiSwapThread(VOID);           /* run the next ready thread; the current one must not be Running */
VOID KiYieldThread(VOID);
VOID KiClockTick(VOID);
extern VOID KiSwapContext(PKTHREAD OldThread, PKTHREAD NewThread);
VOID KiIdleLoop(VOID) __attribute__((noreturn));

/* services plumbing (ke/syscall.c) */
VOID KiInitializeServiceTables(VOID);
NTSTATUS NTAPI KiServiceNotImplemented(VOID);
NTSTATUS KiFlushGdiBatch(VOID);
NTSTATUS KiConvertToGuiThreadForService(PKTRAP_FRAME TrapFrame);
/* boot (ke/bootopt.c, ke/tsc.c, ke/systrace.c, ke/i386/boot.S) */
VOID KiCaptureLoaderBlock(ULONG Magic, ULONG InfoPhysical);
VOID KiCalibrateTsc(VOID);
VOID KiInitializeSystemTrace(VOID);            /* trace= */
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
