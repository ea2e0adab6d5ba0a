/*
 * syscall.S - how user mode enters the kernel (docs/spec.md §5). Every service stub does
 *     mov eax, N; mov edx, 0x7FFE0300; call [edx]; ret 4*K
 * and SharedUserData->SystemCall holds KiFastSystemCall (sysenter) or, with the boot option
 * syscall=int2e, KiIntSystemCall (int 2Eh), as NT chooses by whether the CPU has SEP. The kernel
 * finds both, and KiFastSystemCallRet, by name in ntdll's export table (ps/sysdll.c).
 */
#include "ntasm.h"
        .text
/* In: EAX = service number; [esp] = return into the stub, [esp+4] = the stub's caller, args above.
   sysenter returns (sysexit) to SharedUserData->SystemCallReturn = KiFastSystemCallRet. */
        .p2align 4
PUBLIC_FUNCTION(_KiFastSystemCall)
        movl    %esp, %edx
        sysenter

PUBLIC_FUNCTION(_KiFastSystemCallRet)
        ret

/* The int 2Eh path: EDX = the arguments, above the two return addresses. */
        .p2align 4
PUBLIC_FUNCTION(_KiIntSystemCall)
        leal    8(%esp), %edx
        int     $0x2E
        ret

/*
 * NTSTATUS NanoSystemCall(ULONG Path, ULONG Number, ULONG ArgumentCount, const ULONG *Arguments)
 * Make service Number through a chosen entry: Path 0 = sysenter (KiFastSystemCall),
 * 1 = int 2Eh (KiIntSystemCall). cdecl. Lays the arguments out exactly as a stub's caller would.
 * For tests and benchmarks.
 */
PUBLIC_FUNCTION(_NanoSystemCall)
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
        call    _KiFastSystemCall
        jmp     4f
3:      call    _KiIntSystemCall
4:      movl    -4(%ebp), %esi
        leave
        ret
