/*
 * benchfloor.S - calibration floors for `make bench` (reached only after NtBenchControl points
 * SYSENTER_EIP here): the cheapest possible sysenter round trip, and a minimal
 * save-all-registers-and-call-C entry, to set the full KiFastCallEntry path against.
 */
#include "ksoffsets.h"

        .text
/* Floor 1: sysenter straight back: EDX = return EIP, ECX = user ESP, status 0. */
        .globl KiBenchFloorSysexit
KiBenchFloorSysexit:
        movl    %edx, %ecx
        movl    UsSystemCallReturn, %edx
        xorl    %eax, %eax
        sti
        sysexit

/* Floor 2: kernel segments and stack, all registers saved, an empty C call, all restored. */
        .globl KiBenchFloorSaveAll
KiBenchFloorSaveAll:
        movl    $KGDT_R0_PCR, %ecx
        movw    %cx, %fs
        movl    TssEsp0(%esp), %esp
        pushl   %edx
        pushal
        call    KiBenchEmptyRoutine
        popal
        popl    %ecx
        movl    $(KGDT_R3_TEB | RPL_MASK), %eax
        movw    %ax, %fs
        movl    UsSystemCallReturn, %edx
        xorl    %eax, %eax
        sti
        sysexit
