/*
 * trap.S - CPU exception and hardware interrupt entries, and the common iretd exit.
 *
 * Every entry completes the KTRAP_FRAME (docs/spec.md §4) under what the CPU pushed (error code, EIP, CS,
 * EFLAGS, and ESP/SS when coming from ring 3), loads the kernel segments and calls C with
 * EBP = the frame. All gates are interrupt gates: C re-enables interrupts when it is safe.
 * Offsets come from build/inc/ksoffsets.h, generated from the C structures.
 */
#include "ksoffsets.h"
#include "fixup.h"
#include "kimacro.h"
#include "vectors.h"

/* The stubs trap.S generates from the vector list (ke/i386/vectors.h). Each completes the frame
   (KI_BUILD_TRAP_FRAME) and hands the vector to KiTrapCommon or KiInterruptCommon. */
.macro KI_TRAP_STUB name, vector, push_error, common
        .globl \name
\name:
.if \push_error
        pushl   $0                      /* no CPU error code: every frame has the same shape */
.endif
        KI_BUILD_TRAP_FRAME
        movl    $\vector, %eax
        jmp     \common
.endm
#define KI_STUB_NOERR(Vector, Routine)  KI_TRAP_STUB Routine, Vector, 1, KiTrapCommon ;
#define KI_STUB_ERR(Vector, Routine)    KI_TRAP_STUB Routine, Vector, 0, KiTrapCommon ;
#define KI_STUB_IRQ(Vector, Routine)    KI_TRAP_STUB Routine, Vector, 1, KiInterruptCommon ;
#define KI_STUB_OWN(Vector, Routine)    /* written by hand */
#define KI_STUB_TASK(Vector, Routine)   /* no stub: a task gate */
#define KI_STUB(Vector, Routine, Kind, Dpl) KI_STUB_##Kind(Vector, Routine)

        .text
        KI_IDT_VECTORS(KI_STUB)

/* The selectors the entries load, as memory operands: a segment register is loaded from memory
   in one instruction, without a scratch register (read through SS while DS is the user's). */
        .section .rodata
        .globl KiKernelPcrSelector, KiUserDataSelector, KiUserTebSelector
KiKernelPcrSelector:    .word   KGDT_R0_PCR                     /* kernel FS: the KPCR */
KiUserDataSelector:     .word   KGDT_R3_DATA | RPL_MASK         /* DS, ES, user SS */
KiUserTebSelector:      .word   KGDT_R3_TEB | RPL_MASK          /* user FS: the TEB */
        .text

/*
 * KiTrap01 - debug exception. Two kinds arrive at exactly two addresses, KiFastCallEntry (before
 * its first instruction) and KiFastCallEntryTfWindowEnd (after it), on the sysenter entry stack
 * with user DS/ES still loaded, so only SS is trusted here and the test depends only on the
 * interrupted EIP and EFLAGS:
 *  - TF set: user mode executed sysenter with TF set (sysenter does not clear it). The trap comes
 *    after the first kernel instruction (QEMU; NOTES.md) or, on a CPU that reports it as soon as
 *    sysenter completes, before it (the address WRK's KiTrap01 tests). Clear TF in the interrupted
 *    flags and restart the entry at KiFastCallEntryWithTf, which carries TF into the user's saved
 *    EFLAGS.
 *  - TF clear: a user breakpoint's #DB held by a mov ss / pop ss shadow across sysenter, delivered
 *    before the first instruction. Not a kernel event: KiTrap01HeldBreakpoint dismisses it.
 * Any other #DB builds a frame; KiTrapDispatch dismisses a kernel-mode one that a user breakpoint
 * caused (KiDismissKernelDebugTrap), including the same held #DB on the first instruction of
 * KiSystemService.
 */
        .globl KiTrap01
KiTrap01:
        cmpl    $KiFastCallEntry, (%esp)
        je      2f
        cmpl    $KiFastCallEntryTfWindowEnd, (%esp)
        jne     1f
2:      testl   $EFLAGS_TF, 8(%esp)
        jz      KiTrap01HeldBreakpoint
        andl    $~EFLAGS_TF, 8(%esp)
        movl    $KiFastCallEntryWithTf, (%esp)
        iret
1:      pushl   $0
        KI_BUILD_TRAP_FRAME
        movl    $0x01, %eax
        jmp     KiTrapCommon

/* KiTrap01, held breakpoint on sysenter: as for any kernel-mode #DB a user breakpoint caused, clear
   DR7 and DR6 and resume where the entry was interrupted (the entry saves the thread's debug
   registers; its exit re-arms them from KTHREAD_EXTENSION.UserDr). One scratch register on the entry stack. */
KiTrap01HeldBreakpoint:
        pushl   %eax
        xorl    %eax, %eax
        movl    %eax, %dr7
        movl    %eax, %dr6
        incl    %ss:KiEntryDebugTrapsDismissed
        popl    %eax
        iret

        .data
        .globl KiEntryDebugTrapsDismissed
KiEntryDebugTrapsDismissed:             /* held #DBs dismissed at the sysenter entry */
        .long   0
        .text

KiTrapCommon:
        pushl   %eax
        pushl   %ebp
        call    KiTrapDispatch          /* VOID KiTrapDispatch(PKTRAP_FRAME, ULONG Vector) */
        addl    $8, %esp
        jmp     KiExceptionExit

KiInterruptCommon:
        pushl   %eax
        pushl   %ebp
        call    KiInterruptDispatch     /* VOID KiInterruptDispatch(PKTRAP_FRAME, ULONG Vector) */
        addl    $8, %esp
        /* fall through */

/*
 * KiExceptionExit - the one iretd exit. In: EBP = frame. Returning to user mode first runs
 * KiExitToUserMode (APCs, rescheduling, termination; it may rewrite the frame), then everything is
 * popped from the frame. A fault on a pop or on iretd (a bad frame) is caught through the fixup
 * table and ends the thread (KiExitFault).
 */
        .globl KiExceptionExit, KiExceptionExitPop
KiExceptionExit:
        cli
        testb   $RPL_MASK, TsSegCs(%ebp)
        jz      KiExceptionExitPop
        pushl   %ebp
        call    KiExitToUserMode        /* returns with interrupts disabled */
        addl    $4, %esp
KiExceptionExitPop:
        movl    TsExceptionList(%ebp), %ecx
        movl    %ecx, %fs:PcExceptionList
        leal    TsSegGs(%ebp), %esp
KiExitPopGs:
        popl    %gs
KiExitPopEs:
        popl    %es
KiExitPopDs:
        popl    %ds
        popl    %edx
        popl    %ecx
        popl    %eax
        addl    $8, %esp                /* PreviousPreviousMode, ExceptionList */
KiExitPopFs:
        popl    %fs
        popl    %edi
        popl    %esi
        popl    %ebx
        popl    %ebp
        addl    $4, %esp                /* ErrCode */
KiExitIret:
        iret

        KI_FIXUP(KiExitPopGs, KiExitFault)
        KI_FIXUP(KiExitPopEs, KiExitFault)
        KI_FIXUP(KiExitPopDs, KiExitFault)
        KI_FIXUP(KiExitPopFs, KiExitFault)
        KI_FIXUP(KiExitIret, KiExitFault)

/* A frame that cannot be restored: end the thread on its own stack, cleanly. */
        .globl KiExitFault
KiExitFault:
        movl    $KGDT_R0_PCR, %eax
        movw    %ax, %fs
        movl    $(KGDT_R3_DATA | RPL_MASK), %eax
        movw    %ax, %ds
        movw    %ax, %es
        movl    %fs:PcCurrentThread, %eax
        movl    ThInitialStack(%eax), %esp
        subl    $(NPX_FRAME_LENGTH + KTRAP_FRAME_LENGTH + 0x40), %esp
        sti
        call    KiTerminateAfterExitFault      /* does not return */
        ud2

/*
 * KiThreadStartup - where a new thread's first KiSwapContext "returns". The stack holds the
 * start routine and its context (system thread) or, for a user thread, a routine that finishes the
 * trap frame; either way a user thread leaves through KiExceptionExit like any other return.
 */
        .globl KiThreadStartup
KiThreadStartup:
        call    KiThreadStartupC        /* returns (user threads only) their PKTRAP_FRAME in EAX */
        movl    %eax, %ebp              /* the new thread's trap frame */
        jmp     KiExceptionExit
