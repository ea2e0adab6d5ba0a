/*
 * ctxswap.S - KiSwapContext: switch kernel stacks between two threads.
 * In:  [esp+4] = old KTHREAD, [esp+8] = new KTHREAD, interrupts disabled. The caller (ke/sched.c)
 *      has already set CR3, TSS.Esp0, the TEB descriptor and KPCR.CurrentThread for the new thread.
 * Out: returns on the new thread's stack, into whatever that thread called KiSwapContext from
 *      (or KiThreadStartup for a thread that never ran).
 * Saved per thread: EBX, ESI, EDI, EBP, the KPCR exception list and GS (user GS survives a
 * switch, which is what lets the sysexit path leave GS alone).
 */
#include "ksoffsets.h"

        .text
        .globl KiSwapContext
KiSwapContext:
        movl    4(%esp), %eax
        movl    8(%esp), %edx
        pushl   %ebp
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        pushl   %fs:PcExceptionList
        xorl    %ecx, %ecx
        movw    %gs, %cx
        movl    %ecx, ThSavedGs(%eax)
        movl    %esp, ThKernelStack(%eax)
        movl    ThKernelStack(%edx), %esp
        movl    ThSavedGs(%edx), %ecx
        movw    %cx, %gs
        popl    %fs:PcExceptionList
        popl    %edi
        popl    %esi
        popl    %ebx
        popl    %ebp
        ret
