/*
 * boot.S - Multiboot v1 entry. GRUB/QEMU enter at KiBootEntry (physical address) with paging off,
 * EAX = multiboot magic, EBX = physical address of the multiboot information.
 * We build the boot page directory with 4 MiB pages: the first 8 MiB identity-mapped (so this code
 * keeps running after paging is on) and physical memory mapped linearly at 0x80000000 (KSEG0),
 * enable paging and continue in C at KiSystemStartup on the boot stack.
 */
#include "ksoffsets.h"

#define KSEG0 0x80000000
#define PHYS(x) ((x) - KSEG0)
#define PDE_LARGE 0x083          /* present | writable | 4 MiB page */
#define KSEG0_PDES 192           /* 768 MiB */

        .section .multiboot, "a"
        .align 4
        .long 0x1BADB002                         /* magic */
        .long 0x00000003                         /* page-align modules, memory map wanted */
        .long -(0x1BADB002 + 0x00000003)         /* checksum */

        .section .text.boot, "ax"
        .globl KiBootEntry
KiBootEntry:
        cli
        movl    %eax, PHYS(KiMultibootMagic)
        movl    %ebx, PHYS(KiMultibootInfo)

        /* identity-map 0-8 MiB (dropped once we run at KSEG0) */
        movl    $PHYS(KiBootPageDirectory), %edi
        movl    $(0x000000 | PDE_LARGE), 0(%edi)
        movl    $(0x400000 | PDE_LARGE), 4(%edi)

        /* KSEG0: PDE[512 + i] maps physical 4 MiB * i */
        leal    2048(%edi), %edi
        movl    $PDE_LARGE, %eax
        movl    $KSEG0_PDES, %ecx
1:      movl    %eax, (%edi)
        addl    $0x400000, %eax
        addl    $4, %edi
        loop    1b

        /* enable 4 MiB pages, load CR3, turn paging on with kernel write protection */
        movl    %cr4, %eax
        orl     $0x10, %eax                      /* CR4.PSE */
        movl    %eax, %cr4
        movl    $PHYS(KiBootPageDirectory), %eax
        movl    %eax, %cr3
        movl    %cr0, %eax
        orl     $0x80010000, %eax                /* CR0.PG | CR0.WP */
        movl    %eax, %cr0

        /* continue at the KSEG0 address */
        movl    $KiBootHigh, %eax
        jmp     *%eax

        .text
KiBootHigh:
        movl    $KiBootStackTop, %esp
        xorl    %ebp, %ebp
        pushl   KiMultibootInfo
        pushl   KiMultibootMagic
        call    KiSystemStartup
2:      cli
        hlt
        jmp     2b

        .data
        .globl KiMultibootMagic, KiMultibootInfo
KiMultibootMagic: .long 0
KiMultibootInfo:  .long 0

        .bss
        .align 4096
        .globl KiBootPageDirectory
KiBootPageDirectory:
        .skip 4096
        .globl KiBootStack, KiBootStackTop
KiBootStack:
        .skip 0x4000
KiBootStackTop:
