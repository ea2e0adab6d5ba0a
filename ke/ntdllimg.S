/* ntdllimg.S - the system ntdll ELF image, carried inside the kernel image (docs/spec.md §1). */
        .section .rodata
        .balign 4096
        .globl KiNtdllImage, KiNtdllImageEnd
KiNtdllImage:
        .incbin NTDLL_PATH
KiNtdllImageEnd:
        .section .note.GNU-stack, "", @progbits
