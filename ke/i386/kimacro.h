/*
 * kimacro.h - the frame-building macro shared by the trap and interrupt stubs (trap.S) and the
 * int 2Eh entry (sysentry.S), as WRK's kimacro.inc shares ENTER_TRAP/ENTER_SYSCALL. Assembly only.
 */
#ifndef NANONT_KE_I386_KIMACRO_H
#define NANONT_KE_I386_KIMACRO_H
#include "ksoffsets.h"

/*
 * KI_BUILD_TRAP_FRAME service - complete the KTRAP_FRAME (docs/spec.md §4) below ErrCode, which
 * the CPU or the stub has pushed; out: EBP = ESP = the frame, kernel FS, DS/ES = 0x23, DF clear,
 * the debugger's fields filled (DbgArgPointer = EDX) and the frame's Dr7 clear. Until DS/ES are
 * loaded, memory is read only through FS and SS: DS may still be a user selector (0, 0x1B, 0x23,
 * 0x3B); the selectors come from KiKernelPcrSelector and KiUserDataSelector (trap.S).
 *   service=0 (exceptions, interrupts): PreviousPreviousMode = -1, "not a service frame"; the
 *             exception list is left as it was.
 *   service=1 (int 2Eh, §6.2): EBX = the current thread; the exception list and the previous mode
 *             are saved and the kernel starts a fresh chain; AC and DF are cleared live (§6.1,
 *             the gate already cleared TF and NT).
 */
/*
 * KI_PUSH_DEBUG_DATA arg - the debugger's linkage at the bottom of a frame (§6.2), as WRK's
 * SET_DEBUG_DATA fills it on every entry: DbgArgPointer = arg (the service's argument pointer, or
 * the interrupted EDX for a trap), DbgArgMark = KI_DBG_ARG_MARK, DbgEip = the frame's Eip, DbgEbp
 * = the interrupted EBP (still live in EBP). A stack walk through a trap frame follows DbgEbp and
 * DbgEip. In: ESP = the frame + TsTempSegCs; out: ESP = the frame.
 */
.macro KI_PUSH_DEBUG_DATA arg
        pushl   \arg                            /* DbgArgPointer */
        pushl   $KI_DBG_ARG_MARK                /* DbgArgMark */
        pushl   (TsEip - TsDbgArgMark)(%esp)    /* DbgEip (the address is taken before the push) */
        pushl   %ebp                            /* DbgEbp */
.endm

.macro KI_BUILD_TRAP_FRAME service=0
        pushl   %ebp                            /* non-volatile registers */
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        pushl   %fs
        movw    %ss:KiKernelPcrSelector, %fs    /* §6.1: kernel FS before anything else */
.if \service
        movl    %fs:PcCurrentThread, %ebx
        pushl   %fs:PcExceptionList
        movl    $-1, %fs:PcExceptionList
        pushl   %ss:ThPreviousMode(%ebx)        /* PreviousPreviousMode, read through SS: */
        andl    $0xFF, (%esp)                   /* a byte (WRK's 0xD7); ECX is not saved yet */
.else
        pushl   %fs:PcExceptionList
        pushl   $-1                             /* PreviousPreviousMode: a trap, not a service */
.endif
        pushl   %eax                            /* volatile registers */
        pushl   %ecx
        pushl   %edx
        pushl   %ds
        pushl   %es
        pushl   %gs
        subl    $(TsSegGs - TsTempSegCs), %esp  /* Dr0-7, Temp*: not saved here */
        KI_PUSH_DEBUG_DATA %edx
        movw    %ss:KiUserDataSelector, %ds
        movw    KiUserDataSelector, %es
        movl    %esp, %ebp
        movl    $0, TsDr7(%ebp)                 /* no breakpoint of the frame's is armed */
.if \service
        pushl   $2
        popfl
.else
        cld
.endif
.endm

#endif
