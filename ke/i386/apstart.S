/*
 * apstart.S - where an application processor begins after INIT-SIPI-SIPI (ke/mp.c,
 * KiInitializeMultiprocessor). This code is copied to physical KI_AP_START_PA below 1 MiB and entered in
 * real mode at CS = KI_AP_START_PA >> 4, IP = 0. It switches to protected mode with a flat GDT of
 * its own, loads CR4, CR3 and CR0 from the parameter block the boot processor filled in (a
 * directory that maps this page 1:1 as well as the kernel, so the instruction after paging is
 * turned on can be fetched), takes the stack given there and jumps to the kernel entry in KSEG0,
 * KiSystemStartupAp. Everything is addressed as KI_AP_START_PA + (label - KiApStartup).
 */
#define KI_AP_START_PA 0x6000
#define AP(label) (KI_AP_START_PA + ((label) - KiApStartup))

        .text
        .code16
        .globl KiApStartup, KiApStartupEnd, KiApStartupParameters
KiApStartup:
        cli
        cld
        movw    %cs, %ax
        movw    %ax, %ds
        lgdtl   (KiApGdtr - KiApStartup)
        movl    %cr0, %eax
        orl     $1, %eax                        /* CR0.PE */
        movl    %eax, %cr0
        ljmpl   $0x08, $AP(KiApProtected)

        .code32
KiApProtected:
        movl    $0x10, %eax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        xorl    %eax, %eax
        movw    %ax, %fs
        movw    %ax, %gs
        movl    AP(KiApStartupParameters + 8), %eax     /* Cr4: PSE (and whatever the boot CPU has) */
        movl    %eax, %cr4
        movl    AP(KiApStartupParameters + 4), %eax     /* Cr3 */
        movl    %eax, %cr3
        movl    AP(KiApStartupParameters + 0), %eax     /* Cr0: PG, WP, EM, PE */
        movl    %eax, %cr0
        movl    AP(KiApStartupParameters + 12), %esp    /* the idle thread's stack (KSEG0) */
        xorl    %ebp, %ebp
        movl    AP(KiApStartupParameters + 16), %eax    /* KiSystemStartupAp */
        jmp     *%eax

        .align 8
KiApGdt:
        .quad   0
        .quad   0x00CF9A000000FFFF                      /* 0x08: flat ring-0 code */
        .quad   0x00CF92000000FFFF                      /* 0x10: flat ring-0 data */
KiApGdtr:
        .word   3 * 8 - 1
        .long   AP(KiApGdt)
        .align 4
KiApStartupParameters:                                  /* KI_AP_START_PARAMETERS (ke/ki.h) */
        .skip   20
KiApStartupEnd:
