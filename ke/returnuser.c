/*
 * exit.c - the C half of every return to user mode: pending work (termination, APCs, a quantum
 * end), the service-exit bookkeeping of the slow path (docs/spec.md §6.8), and debug registers.
 */
#include "ke.h"
#include "ki.h"
#include "arch.h"


/*
 * KiDeliverPendingWork - run everything that must happen before user code resumes, with
 * interrupts enabled while it runs; returns with interrupts disabled and nothing pending.
 */
VOID KiDeliverPendingWork(PKTRAP_FRAME Tf)
{
    PKTHREAD t = KeGetCurrentThread();
    for (;;) {
        _disable();
        if (KeGetThreadExtension(t)->Terminating) {
            _enable();
            KeProcessCallouts.ExitTerminatingThread();
        }
        if (t->ApcState.KernelApcPending) {
            _enable();
            KiDeliverKernelApcs();
            continue;
        }
        if (t->ApcState.UserApcPending) {
            _enable();
            KiDeliverUserApc(Tf);
            continue;
        }
        if (KeGetPcr()->PrcbData.QuantumEnd) {
            KiYieldThread();
            continue;
        }
        return;
    }
}

/* Exit to user mode from an exception or interrupt frame. */
VOID KiExitToUserMode(PKTRAP_FRAME Tf)
{
    KiDeliverPendingWork(Tf);
    KeGetCurrentThread()->TrapFrame = NULL;
    KiLoadUserDebugRegisters(KeGetCurrentThread());
}

/*
 * KiServiceExitToUserMode - the slow service exit (ke/i386/sysentry.S): the frame was not
 * "exactly as sysenter built it" (int 2Eh, edited, TF carried, debug registers) or work is
 * pending. Restores the previous trap frame and previous mode (§6.8), makes every register the
 * iretd will load a user value, delivers APCs. Returns with interrupts disabled.
 */
VOID KiServiceExitToUserMode(PKTRAP_FRAME Tf)
{
    PKTHREAD t = KeGetCurrentThread();
    PKTHREAD_EXTENSION ext = KeGetThreadExtension(t);
    ext->ServiceExitActive = TRUE;        /* Tf->Eax now holds the service's result */
    KiDeliverPendingWork(Tf);
    ext->ServiceExitActive = FALSE;
    if (ext->ServiceFrameEdited) {
        t->TrapFrame = ext->ServiceFrameLink;
        ext->ServiceFrameEdited = FALSE;
    } else {
        t->TrapFrame = (PKTRAP_FRAME)Tf->Edx;
        Tf->SegGs = KiReadGs();               /* the user's: the kernel never changes GS */
        Tf->Ecx = 0;                          /* volatile; never kernel data */
        Tf->Edx = 0;
        Tf->SegDs = Tf->SegEs = KGDT_R3_DATA | RPL_MASK;
        Tf->SegFs = KGDT_R3_TEB | RPL_MASK;
    }
    t->PreviousMode = (KPROCESSOR_MODE)Tf->PreviousPreviousMode;
    KiLoadUserDebugRegisters(t);
}

/*
 * KiDisarmUserDebugRegisters - any entry from user mode while the thread's debug registers are
 * active: save them in the frame, then disarm DR7 and clear DR6 before the kernel touches a user
 * address (argument copies, exception records, APC frames, the instruction bytes of a #GP), so a
 * user breakpoint never fires in kernel mode. The exit to user mode re-arms them from
 * KTHREAD_EXTENSION.UserDr (KiLoadUserDebugRegisters). The trap entries call it from KiTrapDispatch and
 * KiInterruptDispatch, where the frame's ErrCode is the CPU's and is kept.
 */
VOID KiDisarmUserDebugRegisters(PKTRAP_FRAME Tf)
{
    ULONG d0, d1, d2, d3, d6, d7;
    __asm__ volatile("mov %%dr0, %0; mov %%dr1, %1; mov %%dr2, %2; mov %%dr3, %3"
                     : "=r"(d0), "=r"(d1), "=r"(d2), "=r"(d3));
    __asm__ volatile("mov %%dr6, %0; mov %%dr7, %1" : "=r"(d6), "=r"(d7));
    __asm__ volatile("mov %0, %%dr7; mov %0, %%dr6" :: "r"(0));
    Tf->Dr0 = d0; Tf->Dr1 = d1; Tf->Dr2 = d2; Tf->Dr3 = d3; Tf->Dr6 = d6; Tf->Dr7 = d7;
}

/*
 * KiSaveDebugRegisters - a service entry with user debug registers active (docs/spec.md §6.2, from
 * KiFastCallEntry and KiSystemService): disarm them as above; the frame then leaves by the
 * general iretd exit, which re-arms them.
 */
VOID KiSaveDebugRegisters(PKTRAP_FRAME Tf)
{
    KiDisarmUserDebugRegisters(Tf);
    Tf->ErrCode = 0;                      /* no short exit: the general one re-arms them */
}

/*
 * selftest=kdebug: every slow return to user mode arms instruction breakpoints on the first
 * instructions of KiFastCallEntry and KiSystemService. The #DB then arrives exactly where a
 * mov ss / pop ss shadow delivers a held user breakpoint on hardware (which QEMU does not model:
 * it delivers that #DB in user mode), so both dismissals run under QEMU.
 */
BOOLEAN KiHeldDebugTrapSelfTest;

static VOID KiReportHeldDebugTraps(VOID)
{
    static ULONG reported[2];
    ULONG now[2] = { KiEntryDebugTrapsDismissed, KiKernelDebugTrapsDismissed };
    for (int i = 0; i < 2; i++)
        if (now[i] && !reported[i])
            DbgPrint("[OK] held_debug_trap_%s: dismissed, the service went on\n",
                     i ? "KiSystemService" : "KiFastCallEntry");
    reported[0] = now[0];
    reported[1] = now[1];
}

/* Arm the thread's user debug registers for its return to user mode (no-op when inactive). */
VOID KiLoadUserDebugRegisters(PKTHREAD Thread)
{
    if (KiHeldDebugTrapSelfTest) {
        KiReportHeldDebugTraps();
        __asm__ volatile("mov %0, %%dr0; mov %1, %%dr1; mov %2, %%dr7"
                         :: "r"(KiFastCallEntry), "r"(KiSystemService), "r"(0x5));   /* L0, L1: execute */
        return;
    }
    PKTHREAD_EXTENSION ext = KeGetThreadExtension(Thread);
    if (!ext->DebugActive)
        return;
    __asm__ volatile("mov %0, %%dr0; mov %1, %%dr1; mov %2, %%dr2; mov %3, %%dr3"
                     :: "r"(ext->UserDr[0]), "r"(ext->UserDr[1]), "r"(ext->UserDr[2]), "r"(ext->UserDr[3]));
    __asm__ volatile("mov %0, %%dr7" :: "r"(ext->UserDr[7]));
}

/* At a switch: user breakpoints never fire in the kernel; the exit re-arms them. */
VOID KiSetThreadContextForSwitch(PKTHREAD Thread)
{
    UNREFERENCED_PARAMETER(Thread);
    __asm__ volatile("mov %0, %%dr7" :: "r"(0));
}

/* The first code a new thread runs (from KiThreadStartup): every thread that starts this way
   is a user thread (the only system thread is the boot thread, which never starts). Returns the
   frame it leaves through. */
PKTRAP_FRAME KiThreadStartupC(VOID)
{
    KeProcessCallouts.ReapDeadThreads();
    return KeGetCurrentThread()->TrapFrame;
}
