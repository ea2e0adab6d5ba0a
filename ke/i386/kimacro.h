/*
 * kimacro.h - the frame-building macro shared by the trap and interrupt stubs (trap.S) and the
 * int 2Eh entry (sysentry.S), as WRK's kimacro.inc shares ENTER_TRAP/ENTER_SYSCALL. Assembly only.
 */
#ifndef NANONT_KE_I386_KIMACRO_H
#define NANONT_KE_I386_KIMACRO_H
#include "ksoffsets.h"

/*
 * KI_BUILD_TRAP_FRAME service - complete the KTRAP_FRAME (docs/spec.md §4) below ErrCode, which
 * the CPU or the stub has pushed; out: EBP = ESP = the frame, kernel FS, DS/ES = 0x23, DF clear.
 * Until DS/ES are loaded, memory is read only through FS and SS: DS may still be a user selector
 * (0, 0x1B, 0x23, 0x3B).
 *   service=0 (exceptions, interrupts): PreviousPreviousMode = -1, "not a service frame"; the
 *             exception list is left as it was.
 *   service=1 (int 2Eh, §6.2): EBX = the current thread; the exception list and the previous mode
 *             are saved and the kernel starts a fresh chain; AC and DF are cleared live (§6.1,
 *             the gate already cleared TF and NT).
 */
.macro KI_BUILD_TRAP_FRAME service=0
        pushl   %ebp                            /* non-volatile registers */
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        pushl   %fs
        movl    $KGDT_R0_PCR, %ebx              /* §6.1: kernel FS before anything else */
        movw    %bx, %fs
.if \service
        movl    %fs:PcCurrentThread, %ebx
        pushl   %fs:PcExceptionList
        movl    $-1, %fs:PcExceptionList
        pushl   %ss:ThPreviousMode(%ebx)        /* PreviousPreviousMode, read through SS */
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
        subl    $TsSegGs, %esp                  /* Dr0-7, Temp*, Dbg*: not saved here */
        movl    $(KGDT_R3_DATA | RPL_MASK), %ecx
        movw    %cx, %ds
        movw    %cx, %es
        movl    %esp, %ebp
.if \service
        pushl   $2
        popfl
.else
        cld
.endif
.endm

#endif
