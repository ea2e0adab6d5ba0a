/* ntdllimg.S - the system ntdll.dll (a PE image, stripped), carried inside the kernel image
   (docs/spec.md §1); ps/sysdll.c validates and maps it. */
        .section .rodata
        .balign 4096
        .globl KiNtdllImage, KiNtdllImageEnd
KiNtdllImage:
        .incbin NTDLL_PATH
KiNtdllImageEnd:
        .section .note.GNU-stack, "", @progbits
