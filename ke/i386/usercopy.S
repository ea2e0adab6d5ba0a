/*
 * usercopy.S - fault-safe copies for user memory. The callers check the range against
 * MmUserProbeAddress first (mm/probe.c); these only make a fault on an unmapped or read-only page
 * come back as STATUS_ACCESS_VIOLATION instead of a bugcheck (through the fixup table).
 */
#include "ksoffsets.h"
#include "fixup.h"

        .text
/* NTSTATUS KiSafeCopy(PVOID Destination, const VOID *Source, SIZE_T Length) */
        .globl KiSafeCopy
KiSafeCopy:
        pushl   %esi
        pushl   %edi
        movl    12(%esp), %edi
        movl    16(%esp), %esi
        movl    20(%esp), %ecx
        movl    %ecx, %edx
        shrl    $2, %ecx                        /* dwords first, then the 0-3 bytes left */
KiSafeCopyMoveDwords:
        rep movsl
        KI_FIXUP(KiSafeCopyMoveDwords, KiSafeFault)
        movl    %edx, %ecx
        andl    $3, %ecx
KiSafeCopyMove:
        rep movsb
        KI_FIXUP(KiSafeCopyMove, KiSafeFault)
        xorl    %eax, %eax
KiSafeDone:
        popl    %edi
        popl    %esi
        ret
KiSafeFault:
        cld
        movl    $STATUS_ACCESS_VIOLATION, %eax
        jmp     KiSafeDone

/* NTSTATUS KiSafeZero(PVOID Destination, SIZE_T Length) */
        .globl KiSafeZero
KiSafeZero:
        pushl   %esi
        pushl   %edi
        movl    12(%esp), %edi
        movl    16(%esp), %ecx
        xorl    %eax, %eax
KiSafeZeroStore:
        rep stosb
        KI_FIXUP(KiSafeZeroStore, KiSafeFault)
        jmp     KiSafeDone

/* NTSTATUS KiSafeExchangeUlong(PULONG Address, PULONG Value): swap *Value with *Address in one
   instruction, so a page that faults on the read or on the write is left unchanged. */
        .globl KiSafeExchangeUlong
KiSafeExchangeUlong:
        movl    4(%esp), %ecx
        movl    8(%esp), %edx
        movl    (%edx), %eax
KiSafeExchangeSwap:
        xchgl   %eax, (%ecx)
        KI_FIXUP(KiSafeExchangeSwap, KiSafeExchangeFault)
        movl    %eax, (%edx)
        xorl    %eax, %eax
        ret
KiSafeExchangeFault:
        movl    $STATUS_ACCESS_VIOLATION, %eax
        ret

/* ULONG KiReadGs(VOID): the live GS, which the kernel never changes (see NOTES.md). */
        .globl KiReadGs
KiReadGs:
        xorl    %eax, %eax
        movw    %gs, %ax
        ret
