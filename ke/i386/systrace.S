/*
 * systrace.S - the assembly half of the system-call tracer (ke/systrace.c).
 */
        .text
/*
 * KiTraceServiceThunk - stands in for every service while tracing. Called by the dispatcher
 * exactly as a service: EAX = index, EDX = the table base it indexed, the copied arguments above
 * the return address. Returns the service's status. It does not pop the arguments: every service
 * exit reloads ESP from the trap frame (EBP), so the stdcall convention need not be honoured here.
 */
        .globl KiTraceServiceThunk
KiTraceServiceThunk:
        leal    4(%esp), %ecx
        pushl   %ecx                            /* the arguments */
        pushl   %edx                            /* the table base */
        pushl   %eax                            /* the index */
        call    KiTraceServiceCall
        addl    $12, %esp
        ret

/*
 * NTSTATUS KiTraceCallService(PVOID Routine, const ULONG *Arguments, ULONG ArgumentBytes)
 * Call a stdcall service with a copy of its arguments (it pops them itself).
 */
        .globl KiTraceCallService
KiTraceCallService:
        pushl   %ebp
        movl    %esp, %ebp
        pushl   %esi
        pushl   %edi
        movl    16(%ebp), %ecx
        subl    %ecx, %esp
        movl    %esp, %edi
        movl    12(%ebp), %esi
        shrl    $2, %ecx
        rep movsl
        call    *8(%ebp)
        leal    -8(%ebp), %esp
        popl    %edi
        popl    %esi
        popl    %ebp
        ret
        .section .note.GNU-stack, "", @progbits
