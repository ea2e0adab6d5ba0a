/*
 * syscall.S - how user mode enters the kernel (docs/spec.md §5). Every service stub does
 *     mov eax, N; mov edx, 0x7FFE0300; call [edx]; ret 4*K
 * and SharedUserData->SystemCall holds KiFastSystemCall (sysenter) or, with the boot option
 * syscall=int2e, KiIntSystemCall (int 2Eh), as NT chooses by whether the CPU has SEP.
 */
        .text
/* In: EAX = service number; [esp] = return into the stub, [esp+4] = the stub's caller, args above.
   sysenter returns (sysexit) to SharedUserData->SystemCallReturn = KiFastSystemCallRet. */
        .globl KiFastSystemCall
        .type KiFastSystemCall, @function
KiFastSystemCall:
        movl    %esp, %edx
        sysenter
        .size KiFastSystemCall, . - KiFastSystemCall

        .globl KiFastSystemCallRet
        .type KiFastSystemCallRet, @function
KiFastSystemCallRet:
        ret
        .size KiFastSystemCallRet, . - KiFastSystemCallRet

/* The int 2Eh path: EDX = the arguments, above the two return addresses. */
        .globl KiIntSystemCall
        .type KiIntSystemCall, @function
KiIntSystemCall:
        leal    8(%esp), %edx
        int     $0x2E
        ret
        .size KiIntSystemCall, . - KiIntSystemCall

/* For tests and benchmarks, NanoSystemCall below makes any call through a chosen entry. */
        .section .note.GNU-stack, "", @progbits

        .text
/*
 * NTSTATUS NanoSystemCall(ULONG Path, ULONG Number, ULONG ArgumentCount, const ULONG *Arguments)
 * Make service Number through a chosen entry: Path 0 = sysenter (KiFastSystemCall),
 * 1 = int 2Eh (KiIntSystemCall). cdecl. Lays the arguments out exactly as a stub's caller would.
 */
        .globl NanoSystemCall
        .type NanoSystemCall, @function
NanoSystemCall:
        pushl   %ebp
        movl    %esp, %ebp
        pushl   %esi
        movl    16(%ebp), %ecx                  /* count */
        movl    20(%ebp), %esi                  /* arguments */
1:      testl   %ecx, %ecx
        jz      2f
        pushl   -4(%esi,%ecx,4)
        decl    %ecx
        jmp     1b
2:      pushl   $0                              /* where a stub's caller return address would be */
        movl    12(%ebp), %eax
        cmpl    $1, 8(%ebp)
        je      3f
        call    KiFastSystemCall
        jmp     4f
3:      call    KiIntSystemCall
4:      movl    -4(%ebp), %esi
        leave
        ret
        .size NanoSystemCall, . - NanoSystemCall
