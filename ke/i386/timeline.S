/*
 * timeline.S - the assembly half of the event timeline's service events (ke/timeline.c).
 */
        .text
/*
 * KiTimelineServiceThunk - stands in for every service while the timeline is on. Called by the
 * dispatcher exactly as a service: EAX = index, EDX = the table base it indexed, the copied
 * arguments above the return address. Like KiTraceServiceThunk it leaves the arguments: every
 * service exit reloads ESP from the trap frame.
 */
        .globl KiTimelineServiceThunk
KiTimelineServiceThunk:
        leal    4(%esp), %ecx
        pushl   %ecx                            /* the arguments */
        pushl   %edx                            /* the table base */
        pushl   %eax                            /* the index */
        call    KiTimelineServiceCall
        addl    $12, %esp
        ret

/*
 * NTSTATUS KiTimelineCallService(PVOID Routine, const ULONG *Arguments, ULONG ArgumentBytes,
 *                                ULONG Index, PULONG_PTR TableBase)
 * Call what a table held with a copy of the arguments and with EAX = Index, EDX = TableBase, as
 * the dispatcher would: the routine may itself be a thunk (the tracer's) that reads them.
 */
        .globl KiTimelineCallService
KiTimelineCallService:
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
        movl    20(%ebp), %eax
        movl    24(%ebp), %edx
        call    *8(%ebp)
        leal    -8(%ebp), %esp
        popl    %edi
        popl    %esi
        popl    %ebp
        ret
        .section .note.GNU-stack, "", @progbits
