/* header.S - the header at NTDLL_BASE that tells the kernel where ntdll's entry points are
   (NTDLL_KERNEL_EXPORTS in ps/psp.h). */
        .section .ntdll_header, "a"
        .long   0x4C44544E                      /* 'NTDL' */
        .long   KiFastSystemCall
        .long   KiFastSystemCallRet
        .long   KiIntSystemCall
        .long   KiUserApcDispatcher
        .long   KiUserExceptionDispatcher
        .long   RtlUserThreadStart
        .fill   9, 4, 0
        .section .note.GNU-stack, "", @progbits
