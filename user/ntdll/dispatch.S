/*
 * dispatch.S - where the kernel sends a thread to run user-mode work (docs/spec.md §7):
 * KiUserApcDispatcher and KiUserExceptionDispatcher, entered with DF clear.
 *
 * KiUserApcDispatcher: the kernel built on the user stack
 *     [esp+0]  NormalRoutine   [esp+4] NormalContext   [esp+8] SystemArgument1
 *     [esp+12] SystemArgument2 [esp+16] CONTEXT of the interrupted code
 * It calls NormalRoutine(NormalContext, SystemArgument1, SystemArgument2) (stdcall) and resumes
 * the interrupted code through NtContinue(CONTEXT, TRUE), which also lets the next APC run.
 */
        .text
        .globl KiUserApcDispatcher
        .type KiUserApcDispatcher, @function
KiUserApcDispatcher:
        leal    16(%esp), %edi                  /* the CONTEXT */
        popl    %eax                            /* NormalRoutine; its three arguments are on top */
        call    *%eax                           /* NTAPI: pops them */
        pushl   $1                              /* TestAlert */
        pushl   %edi
        call    NtContinue
        /* NtContinue only returns on a bad context: end the process with its status */
        pushl   %eax
        pushl   $-1
        call    NtTerminateProcess
        .size KiUserApcDispatcher, . - KiUserApcDispatcher

/*
 * KiUserExceptionDispatcher: the kernel built on the user stack
 *     [esp+0] PEXCEPTION_RECORD   [esp+4] PCONTEXT   (both records follow on the stack)
 * RtlDispatchException runs the vectored handlers; if one continues, NtContinue resumes the fixed
 * context; otherwise the exception is raised again as a second chance and the kernel ends the
 * process with the exception code.
 */
        .globl KiUserExceptionDispatcher
        .type KiUserExceptionDispatcher, @function
KiUserExceptionDispatcher:
        movl    4(%esp), %ecx                   /* CONTEXT */
        movl    (%esp), %ebx                    /* EXCEPTION_RECORD */
        pushl   %ecx
        pushl   %ebx
        call    RtlDispatchException            /* BOOLEAN NTAPI (PEXCEPTION_RECORD, PCONTEXT) */
        movl    4(%esp), %ecx
        testb   %al, %al
        jz      1f
        pushl   $0
        pushl   %ecx
        call    NtContinue
        jmp     2f
1:      pushl   $0                              /* FirstChance = FALSE */
        pushl   %ecx
        pushl   %ebx
        call    NtRaiseException
2:      pushl   %eax
        pushl   $-1
        call    NtTerminateProcess
        .size KiUserExceptionDispatcher, . - KiUserExceptionDispatcher
        .section .note.GNU-stack, "", @progbits
