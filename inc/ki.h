/* ki.h - kernel-internal routines shared between ke/ files (not for other components). */
#ifndef NANONT_KI_H
#define NANONT_KI_H

#include "ke.h"
#include "nti386.h"

extern KI_CPU_ENTRY_AREA KiCpuEntryArea;
extern ULONG KiArgumentProbeLimit;
extern volatile ULONGLONG KeTickCount;
extern BOOLEAN KiForceIntSystemCall;

VOID KiInitializeProcessor(PKPCR Pcr);
VOID KiInitializeIdt(VOID);
VOID KiSetTebDescriptor(ULONG TebBase);
VOID KiSetSysenterTarget(PVOID Target);

/* traps and exits (ke/i386/trap.c, ke/exit.c) */
VOID KiTrapDispatch(PKTRAP_FRAME TrapFrame, ULONG Vector);
VOID KiInterruptDispatch(PKTRAP_FRAME TrapFrame, ULONG Vector);
VOID KiExitToUserMode(PKTRAP_FRAME TrapFrame);
VOID KiServiceExitToUserMode(PKTRAP_FRAME TrapFrame);
VOID KiDeliverPendingWork(PKTRAP_FRAME TrapFrame);
DECLSPEC_NORETURN VOID KiTerminateAfterExitFault(VOID);
VOID KiSaveDebugRegisters(PKTRAP_FRAME TrapFrame);
NTSTATUS KiExceptionStatusFromTrap(PKTRAP_FRAME TrapFrame, ULONG Vector, PULONG Info0, PULONG Info1);
VOID KiDispatchUserException(PKTRAP_FRAME TrapFrame, NTSTATUS Code, ULONG NumberParameters,
                             ULONG Info0, ULONG Info1);
extern VOID KiExceptionExit(VOID);
extern VOID KiThreadStartup(VOID);

/* trap frame <-> context (ke/i386/context.c) */
#define KI_IS_SERVICE_FRAME(tf) ((tf)->PreviousPreviousMode <= 1)
VOID KeTrapFrameToContext(PKTHREAD Thread, PKTRAP_FRAME TrapFrame, PCONTEXT Context);
NTSTATUS KeContextToTrapFrame(PKTHREAD Thread, PKTRAP_FRAME TrapFrame, const CONTEXT *Context, ULONG Flags);
VOID KiBeginTrapFrameEdit(PKTHREAD Thread, PKTRAP_FRAME TrapFrame);
VOID KiRedirectToUserDispatcher(PKTHREAD Thread, PKTRAP_FRAME TrapFrame, ULONG Eip, ULONG Esp);
ULONG KiSanitizeUserEflags(ULONG EFlags);
ULONG KiReadGs(VOID);

/* fault-safe user memory access (ke/i386/usercopy.S, mm/probe.c) */
NTSTATUS KiSafeCopy(PVOID Destination, const VOID *Source, SIZE_T Length);
NTSTATUS KiSafeZero(PVOID Destination, SIZE_T Length);

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
extern NTSTATUS (*KeGdiFlushUserBatch)(VOID);

#endif
