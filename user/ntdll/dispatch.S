/*
 * dispatch.S - where the kernel sends a thread to run user-mode work (docs/spec.md §7):
 * KiUserApcDispatcher and KiUserExceptionDispatcher, entered with DF clear, and
 * LdrInitializeThunk, the user APC every new process's first thread runs before its entry.
 *
 * KiUserApcDispatcher: the kernel built on the user stack
 *     [esp+0]  NormalRoutine   [esp+4] NormalContext   [esp+8] SystemArgument1
 *     [esp+12] SystemArgument2 [esp+16] CONTEXT of the interrupted code
 * It calls NormalRoutine(NormalContext, SystemArgument1, SystemArgument2) (stdcall) and resumes
 * the interrupted code through NtContinue(CONTEXT, TRUE), which also lets the next APC run.
 */
#include "ntasm.h"
        .text
PUBLIC_FUNCTION(_KiUserApcDispatcher)
        leal    16(%esp), %edi                  /* the CONTEXT */
        popl    %eax                            /* NormalRoutine; its three arguments are on top */
        call    *%eax                           /* NTAPI: pops them */
        pushl   $1                              /* TestAlert */
        pushl   %edi
        call    _NtContinue@8
        /* NtContinue only returns on a bad context: end the process with its status */
        pushl   %eax
        pushl   $-1
        call    _NtTerminateProcess@8

/*
 * KiUserExceptionDispatcher: the kernel built on the user stack
 *     [esp+0] PEXCEPTION_RECORD   [esp+4] PCONTEXT   (both records follow on the stack)
 * RtlDispatchException runs the vectored handlers; if one continues, NtContinue resumes the fixed
 * context; otherwise the exception is raised again as a second chance and the kernel ends the
 * process with the exception code.
 */
PUBLIC_FUNCTION(_KiUserExceptionDispatcher)
        movl    4(%esp), %ecx                   /* CONTEXT */
        movl    (%esp), %ebx                    /* EXCEPTION_RECORD */
        pushl   %ecx
        pushl   %ebx
        call    _RtlDispatchException@8         /* BOOLEAN NTAPI (PEXCEPTION_RECORD, PCONTEXT) */
        movl    4(%esp), %ecx
        testb   %al, %al
        jz      1f
        pushl   $0
        pushl   %ecx
        call    _NtContinue@8
        jmp     2f
1:      pushl   $0                              /* FirstChance = FALSE */
        pushl   %ecx
        pushl   %ebx
        call    _NtRaiseException@12
2:      pushl   %eax
        pushl   $-1
        call    _NtTerminateProcess@8

/*
 * LdrInitializeThunk(NormalContext, SystemArgument1 = ntdll's base, SystemArgument2 = flags): the
 * NormalRoutine of the user APC the kernel queues to the first thread of every process (as
 * NT's PspCreateThread does). KiUserApcDispatcher called it with the interrupted CONTEXT (the
 * thread's initial state) 16 bytes above the return address; LdrpInitialize gets that CONTEXT
 * in place of NormalContext, may redirect it, and returns; the dispatcher's NtContinue then
 * starts the thread there.
 */
PUBLIC_FUNCTION(_LdrInitializeThunk@12)
        leal    16(%esp), %eax
        movl    %eax, 4(%esp)
        xorl    %ebp, %ebp
        jmp     _LdrpInitialize@12

/*
 * RtlUserThreadStart: where RtlCreateUserThread's threads begin (EAX = start routine, EBX = its
 * parameter: the creator may not be able to write the new thread's stack, which can be in
 * another process). Also where LdrpInitialize sends a PE executable's first thread, with EAX =
 * the image's entry point and EBX = the PEB (RtlpStartProcess).
 */
PUBLIC_FUNCTION(_RtlUserThreadStart)
        pushl   %ebx
        pushl   %eax
        call    _RtlpUserThreadStart@8
        ud2
