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

/* Complete the frame below ErrCode; EBP = frame; kernel FS/DS/ES; DF clear. */
.macro KI_BUILD_TRAP_FRAME
        pushl   %ebp
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        pushl   %fs
        movl    $KGDT_R0_PCR, %ebx
        movw    %bx, %fs
        pushl   %fs:PcExceptionList
        pushl   $-1                     /* PreviousPreviousMode: -1 marks a trap, not a service */
        pushl   %eax
        pushl   %ecx
        pushl   %edx
        pushl   %ds
        pushl   %es
        pushl   %gs
        subl    $TsSegGs, %esp          /* Dr0-7, Temp*, Dbg*: not saved by traps */
        movl    $(KGDT_R3_DATA | RPL_MASK), %ebx
        movw    %bx, %ds
        movw    %bx, %es
        movl    %esp, %ebp
        cld
.endm

/* An exception without a CPU error code: push a zero so every frame has the same shape. */
.macro RR_TRAP_NOERR name, vector
        .globl \name
\name:
        pushl   $0
        KI_BUILD_TRAP_FRAME
        movl    $\vector, %eax
        jmp     KiTrapCommon
.endm

.macro RR_TRAP_ERR name, vector
        .globl \name
\name:
        KI_BUILD_TRAP_FRAME
        movl    $\vector, %eax
        jmp     KiTrapCommon
.endm

.macro KI_INTERRUPT name, vector
        .globl \name
\name:
        pushl   $0
        KI_BUILD_TRAP_FRAME
        movl    $\vector, %eax
        jmp     KiInterruptCommon
.endm

        .text
        RR_TRAP_NOERR KiTrap00, 0x00   /* divide error */
        RR_TRAP_NOERR KiTrap02, 0x02   /* NMI */
        RR_TRAP_NOERR KiTrap03, 0x03   /* int3 */
        RR_TRAP_NOERR KiTrap04, 0x04   /* into */
        RR_TRAP_NOERR KiTrap05, 0x05   /* bound */
        RR_TRAP_NOERR KiTrap06, 0x06   /* invalid opcode */
        RR_TRAP_NOERR KiTrap07, 0x07   /* no math coprocessor */
        RR_TRAP_ERR   KiTrap0A, 0x0A   /* invalid TSS */
        RR_TRAP_ERR   KiTrap0B, 0x0B   /* segment not present */
        RR_TRAP_ERR   KiTrap0C, 0x0C   /* stack fault */
        RR_TRAP_ERR   KiTrap0D, 0x0D   /* general protection */
        RR_TRAP_ERR   KiTrap0E, 0x0E   /* page fault */
        RR_TRAP_NOERR KiTrap10, 0x10   /* x87 error */
        RR_TRAP_ERR   KiTrap11, 0x11   /* alignment check */
        RR_TRAP_NOERR KiTrap12, 0x12   /* machine check */
        RR_TRAP_NOERR KiTrap13, 0x13   /* SIMD error */
        RR_TRAP_NOERR KiTrapReserved, 0x0F

/*
 * KiTrap01 - debug exception. Two kinds arrive in [KiFastCallEntry, KiFastCallEntryTfWindowEnd],
 * on the sysenter entry stack with user DS/ES/FS still loaded, so only SS is trusted here and the
 * test depends only on the interrupted EIP and EFLAGS:
 *  - TF set: user mode executed sysenter with TF set (sysenter does not clear it), the trap comes
 *    after the first instruction. Clear TF in the interrupted flags and restart the entry at
 *    KiFastCallEntryWithTf, which carries TF into the user's saved EFLAGS.
 *  - TF clear: a user breakpoint's #DB held by a mov ss / pop ss shadow across sysenter, delivered
 *    before the first instruction. Not a kernel event: KiTrap01HeldBreakpoint dismisses it.
 * Any other #DB builds a frame; KiTrapDispatch dismisses a kernel-mode one that a user breakpoint
 * caused (KiDismissKernelDebugTrap), including the same held #DB on the first instruction of
 * KiSystemService.
 */
        .globl KiTrap01
KiTrap01:
        cmpl    $KiFastCallEntry, (%esp)
        jb      1f
        cmpl    $KiFastCallEntryTfWindowEnd, (%esp)
        ja      1f
        testl   $EFLAGS_TF, 8(%esp)
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
   registers; its exit re-arms them from KTHREAD.UserDr). One scratch register on the entry stack. */
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

/* Hardware interrupts: the 8259 PICs are programmed to vectors 0x30-0x3F (as NT does). */
        KI_INTERRUPT KiInterrupt30, 0x30
        KI_INTERRUPT KiInterrupt31, 0x31
        KI_INTERRUPT KiInterrupt32, 0x32
        KI_INTERRUPT KiInterrupt33, 0x33
        KI_INTERRUPT KiInterrupt34, 0x34
        KI_INTERRUPT KiInterrupt35, 0x35
        KI_INTERRUPT KiInterrupt36, 0x36
        KI_INTERRUPT KiInterrupt37, 0x37
        KI_INTERRUPT KiInterrupt38, 0x38
        KI_INTERRUPT KiInterrupt39, 0x39
        KI_INTERRUPT KiInterrupt3A, 0x3A
        KI_INTERRUPT KiInterrupt3B, 0x3B
        KI_INTERRUPT KiInterrupt3C, 0x3C
        KI_INTERRUPT KiInterrupt3D, 0x3D
        KI_INTERRUPT KiInterrupt3E, 0x3E
        KI_INTERRUPT KiInterrupt3F, 0x3F
        KI_INTERRUPT KiInterruptD1, 0xD1       /* local APIC: clock (ke/mp.c) */
        KI_INTERRUPT KiInterruptE1, 0xE1       /* local APIC: interprocessor interrupt */
        KI_INTERRUPT KiInterruptFF, 0xFF       /* local APIC: spurious */

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
        subl    $(KTRAP_FRAME_LENGTH + 0x40), %esp
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
