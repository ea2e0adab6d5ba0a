/*
 * sysentry.S - the two NT entries into the kernel for system services, the dispatcher they share
 * and the service exit (docs/spec.md §6, whose steps the "§6.N:" comments below cite; WRK:
 * KiFastCallEntry, KiSystemService, KiServiceExit).
 *
 * Register use across the dispatcher (both entries arrive with these set):
 *   EAX = service number, ESI = user pointer to the arguments, EBX = current KTHREAD,
 *   EBP = the KTRAP_FRAME, interrupts enabled.
 * The hot path is a run of cheap guards; each failing guard leaves for a slow path (mostly C in
 * ke/syscall.c) that rejoins or returns a status. See NOTES.md for stack and flag invariants.
 */
#include "ksoffsets.h"
#include "fixup.h"
#include "kimacro.h"

/* §6.8 (both short exits): restore the exception list, previous mode and previous trap frame
   saved by the entry. In: EBP = frame, EBX = thread. Uses ECX. */
.macro KI_RESTORE_SERVICE_STATE
        movl    TsExceptionList(%ebp), %ecx
        movl    %ecx, %fs:PcExceptionList
        movl    TsPreviousPreviousMode(%ebp), %ecx
        movb    %cl, ThPreviousMode(%ebx)
        movl    TsEdx(%ebp), %ecx
        movl    %ecx, ThTrapFrame(%ebx)
.endm

/*
 * §6.1-§6.2, the part of the sysenter entry before the shared tail (KiFastCallCommon): kernel
 * segments, the switch to the thread's kernel stack and the hardware part of the frame, as an
 * interrupt from ring 3 would push it. Used twice: KiFastCallEntry and KiFastCallEntryWithTf.
 *   mark    the ErrCode of the frame: KI_FAST_FRAME_MARK, or 0 for a frame that must leave by iretd
 *   flags   EFLAGS bits forced in the saved user EFLAGS (IF, and TF for the restarted entry)
 *   window  a label for the end of the first instruction (the single-step window, NOTES.md)
 * In:  EAX = service number, EDX = user ESP, ESP = &Tss (SYSENTER_ESP_MSR), IF = 0.
 * The live EFLAGS keep the user's NT, AC and DF until KiFastCallCommon loads clean ones: nothing
 * here depends on them (no string instruction, no iretd, no C), and TF is clear once the first
 * instruction has run (a set TF traps there, see KiFastCallEntry).
 */
.macro KI_FAST_CALL_PROLOGUE mark, flags, window
.if (\flags) & ~0xFF00
        .error "KI_FAST_CALL_PROLOGUE sets flags of EFLAGS byte 1 only"
.endif
        /* §6.1: kernel FS (the KPCR) and flat DS/ES before touching memory; SS (0x10, set by
           sysenter) is the only segment to read through until DS is loaded. */
        movw    %ss:KiKernelPcrSelector, %fs
.ifnb \window
\window:
.endif
        movw    %ss:KiUserDataSelector, %ds
        movw    KiUserDataSelector, %es
        /* §6.1: switch to the thread's kernel stack: ESP points at the TSS, Esp0 is at +4. */
        movl    TssEsp0(%esp), %esp
        /* §6.2: the hardware part of the frame, as an interrupt from ring 3 would push it. */
        pushl   $(KGDT_R3_DATA | RPL_MASK)      /* HardwareSegSs */
        pushl   %edx                            /* HardwareEsp */
        pushfl                                  /* EFlags (user's, IF clear by sysenter) */
        orb     $((\flags) >> 8), 1(%esp)       /* §6.2: force IF (TF) in the saved user EFLAGS */
        pushl   $(KGDT_R3_CODE | RPL_MASK)      /* SegCs */
        pushl   UsSystemCallReturn              /* Eip = SharedUserData->SystemCallReturn */
        pushl   $\mark                          /* ErrCode */
.endm

        .text

/*
 * KiFastCallEntry - sysenter entry.
 * In:  EAX = service number, EDX = user ESP (return address of the stub's call, then the
 *      stub's caller return address, then the arguments: they start at EDX + 8),
 *      ESP = &Tss (SYSENTER_ESP_MSR), CS = 0x08, SS = 0x10, IF = 0; TF, NT, AC, DF as user left them.
 * Out: leaves by KiSystemServiceExit (sysexit) or the iretd exit.
 */
        .globl KiFastCallEntry, KiFastCallEntryWithTf, KiFastCallEntryTfWindowEnd
KiFastCallEntry:
        /* A single-step trap after the first instruction goes to KiTrap01, which restarts the
           entry at KiFastCallEntryWithTf. */
        KI_FAST_CALL_PROLOGUE KI_FAST_FRAME_MARK, EFLAGS_IF, KiFastCallEntryTfWindowEnd
KiFastCallCommon:
        pushl   %ebp                            /* non-volatile registers */
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        movl    %fs:PcCurrentThread, %ebx
        pushl   $(KGDT_R3_TEB | RPL_MASK)       /* SegFs */
        /* §6.2: save the exception list and previous mode; the kernel starts a fresh chain. */
        pushl   %fs:PcExceptionList
        movl    $-1, %fs:PcExceptionList
        pushl   $1                              /* PreviousPreviousMode: UserMode, as WRK (a thread
                                                   in user mode always has PreviousMode UserMode) */
        leal    8(%edx), %esi                   /* arguments: above the two return addresses */
        subl    $(TsPreviousPreviousMode - TsTempSegCs), %esp  /* Eax..TempSegCs: not needed */
        KI_PUSH_DEBUG_DATA %esi                 /* §6.2: the debugger's fields (kimacro.h) */
        movl    %esp, %ebp
        movl    $0, TsDr7(%ebp)
        /* §6.2: link the previous trap frame (in Edx), make this one current, PreviousMode = user. */
        movl    ThTrapFrame(%ebx), %ecx
        movl    %ecx, TsEdx(%ebp)
        movl    %ebp, ThTrapFrame(%ebx)
        movb    $1, ThPreviousMode(%ebx)
        /* §6.2: save user debug registers when the thread has them active. */
        testb   $0xFF, ThDebugActive(%ebx)
        jnz     KiFastCallSaveDebug
KiFastCallDebugDone:
        /* §6.1: clear TF, NT, AC and DF in the live EFLAGS before the dispatcher (or any C) runs
           with them, and §6.2: enable interrupts, in one load of the flags. */
        pushl   $(EFLAGS_IF | 2)
        popfl
        /* fall into the dispatcher */

/*
 * KiSystemServiceDispatch - steps 3-7: decode, limit, GUI table, count, copy, call.
 * In: EAX = service number, ESI = user argument pointer, EBX = thread, EBP = frame.
 * A number below KiFastServiceLimit is a table-0 index (bits 12-31 clear) and takes the direct
 * path through table 0's fixed arrays (ke/syscall.c); every other number, and every number while
 * the path is closed (KiFastServiceLimit = 0: per-service counts kept, or the tracer or the
 * timeline in place of the routines), takes the general decode through KTHREAD.ServiceTable
 * (KiSystemServiceDecode).
 */
        .globl KiSystemServiceDispatch
KiSystemServiceDispatch:
        /* §6.3: one compare decodes the number and checks table 0's limit. */
        cmpl    KiFastServiceLimit, %eax
        jae     KiSystemServiceDecode
        /* §6.9: clamp the index to the arrays, which have KI_FAST_SERVICE_SLOTS entries (a power
           of two), so a mispredicted bound check cannot index past them. */
        andl    $(KI_FAST_SERVICE_SLOTS - 1), %eax
        /* §6.5: count the call per CPU (the path is closed while per-service counts are kept). */
        incl    %fs:PcKeSystemCalls
        /* §6.6: reserve the argument bytes on the kernel stack and copy them, after checking that
           the whole user range lies below MmUserProbeAddress (as below). The copy enters a run of
           SERVICE_MAXIMUM_ARGUMENT_DWORDS `movsd` where exactly the service's dwords remain
           (KiFastArgumentCopy[index], one of KiFastArgumentCopyEntry). */
        subl    KiFastArgumentBytes(,%eax,4), %esp
        movl    %esp, %edi
        cmpl    KiArgumentProbeLimit, %esi
        jae     KiFastServiceProbeSlow
        jmp     *KiFastArgumentCopy(,%eax,4)
.if SERVICE_MAXIMUM_ARGUMENT_DWORDS != 17
        .error  "the run of movsd below and KiFastArgumentCopyEntry have 17 entries"
.endif
        .irp    n, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1
KiFastArgumentCopy\n:
        movsl                                   /* a fault here -> KiSystemServiceCopyFault */
        KI_FIXUP(KiFastArgumentCopy\n, KiSystemServiceCopyFault)
        .endr
KiFastArgumentCopy0:
        /* §6.7: call the service; its NTSTATUS comes back in EAX. */
        call    *KiFastServiceTable(,%eax,4)
        /* fall into the exit */

/*
 * KiSystemServiceExit - §6.8. In: EAX = status, EBX = thread (callee-saved by the service),
 * EBP = frame. A frame still marked as KiFastCallEntry built it leaves by sysexit, one still
 * marked as KiSystemService built it by a short iretd; anything else (an edited frame, TF
 * carried, a pending APC or termination, active debug registers) leaves through
 * KiServiceExitSlow (C) and the common iretd exit. The only test on the way is the mark.
 */
        .globl KiSystemServiceExit
KiSystemServiceExit:
        cli
        cmpl    $KI_FAST_FRAME_MARK, TsErrCode(%ebp)
        jne     KiServiceExitNotFast
        /* §6.8: restore the exception list, KTHREAD.TrapFrame and PreviousMode; a marked frame
           was built by KiFastCallEntry, whose saved PreviousMode is always UserMode. */
        movl    TsExceptionList(%ebp), %ecx
        movl    %ecx, %fs:PcExceptionList
        movl    TsEdx(%ebp), %ecx
        movl    %ecx, ThTrapFrame(%ebx)
        movb    $1, ThPreviousMode(%ebx)
        /* §6.8: sysexit: EDX = user EIP, ECX = user ESP; DS/ES are already 0x23. */
        movl    TsEip(%ebp), %edx
        movl    TsEdi(%ebp), %edi
        movl    TsEsi(%ebp), %esi
        movl    TsEbx(%ebp), %ebx
        movw    KiUserTebSelector, %fs
        leal    TsEFlags(%ebp), %esp
        movl    TsEbp(%ebp), %ebp
        andb    $~(EFLAGS_IF >> 8), 1(%esp)     /* interrupts stay off until sysexit */
        popfl
        popl    %ecx
        sti                                     /* the interrupt shadow covers sysexit */
        sysexit

/* Not a sysexit frame. An int 2Eh frame still as KiSystemService built it (nothing pending, not
   edited) takes the short iretd exit; anything else the general one. */
KiServiceExitNotFast:
        cmpl    $KI_INT2E_FRAME_MARK, TsErrCode(%ebp)
        jne     KiServiceExitNotShort
        KI_RESTORE_SERVICE_STATE
        /* §6.8: iretd with the user's non-volatile registers, EAX = status, ECX = EDX = 0,
           DS/ES 0x23 (already loaded), FS 0x3B, GS untouched (the user's). */
        movl    TsEdi(%ebp), %edi
        movl    TsEsi(%ebp), %esi
        movl    TsEbx(%ebp), %ebx
        movw    KiUserTebSelector, %fs
        xorl    %ecx, %ecx
        xorl    %edx, %edx
        leal    TsEip(%ebp), %esp
        movl    TsEbp(%ebp), %ebp
KiServiceExitIret:
        iret
        KI_FIXUP(KiServiceExitIret, KiExitFault)   /* a frame iretd cannot return to ends the thread */


/* No mark: a kernel caller's frame (CS RPL 0) returns to it; anything else is the slow exit. */
KiServiceExitNotShort:
        testb   $RPL_MASK, TsSegCs(%ebp)
        jz      KiServiceExitToKernel
/* The slow exit: C restores the service links, normalises the frame and delivers APCs. */
KiServiceExitSlow:
        movl    %eax, TsEax(%ebp)
        pushl   %ebp
        call    KiServiceExitToUserMode         /* returns with interrupts disabled */
        addl    $4, %esp
        jmp     KiExceptionExitPop

/*
 * KiServiceExitToKernel - §6.8 for a ZwXxx caller: restore the exception list, PreviousMode
 * and KTHREAD.TrapFrame, the caller's non-volatile registers, and iretd within ring 0 (EIP, CS,
 * EFLAGS: the caller's IF comes back). Nothing of the user-mode exit runs: no APC delivery to
 * user mode, no user segments, no sysexit. ESP ends at the caller's return address to its own
 * caller, where the stub's `ret` pops the arguments. ECX and EDX are volatile for a C caller.
 */
KiServiceExitToKernel:
        KI_RESTORE_SERVICE_STATE
        movl    TsEdi(%ebp), %edi
        movl    TsEsi(%ebp), %esi
        movl    TsEbx(%ebp), %ebx
        leal    TsEip(%ebp), %esp
        movl    TsEbp(%ebp), %ebp
        iret

/* Where the direct path's copy starts for 0..SERVICE_MAXIMUM_ARGUMENT_DWORDS dwords (ke/syscall.c
   builds KiFastArgumentCopy from it). */
        .section .rodata
        .globl KiFastArgumentCopyEntry
        .p2align 2
KiFastArgumentCopyEntry:
        .irp    n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
        .long   KiFastArgumentCopy\n
        .endr
        .text

/* ------------------------------------------------------------------ slow paths */

/* The general decode. §6.3: the descriptor offset is (EAX >> 8) & 0x30; tables other than 0
   leave here (table 1, GUI, takes its own path; 2 and 3 come back to KiSystemServiceTableFound). */
KiSystemServiceDecode:
        movzbl  %ah, %edi
        andl    $SERVICE_TABLE_MASK, %edi
        jnz     KiSystemServiceOtherTable
        addl    ThServiceTable(%ebx), %edi
KiSystemServiceTableFound:
        andl    $SERVICE_NUMBER_MASK, %eax
        /* §6.3: limit check. */
        cmpl    SdLimit(%edi), %eax
        jae     KiSystemServiceInvalid
        /* §6.9: clamp the index so a mispredicted bound check cannot reach past the table
           (CF is still set from the compare: ECX = all ones). */
        sbbl    %ecx, %ecx
        andl    %ecx, %eax
KiSystemServiceCount:
        /* §6.5: count the call, per CPU and, when the table has counters (boot option
           callcounts), per service. */
        incl    %fs:PcKeSystemCalls
        movl    SdCount(%edi), %ecx
        jecxz   1f
        incl    (%ecx,%eax,4)
1:
        /* §6.6: copy the argument bytes to the kernel stack, after checking that the whole user
           range lies below MmUserProbeAddress. The quick test leaves room for the largest
           argument block; near the limit KiSystemServiceProbeSlow checks exactly. */
        movl    SdNumber(%edi), %ecx
        movzbl  (%ecx,%eax), %ecx
        movl    SdBase(%edi), %edx
        subl    %ecx, %esp
        shrl    $2, %ecx
        movl    %esp, %edi
        cmpl    KiArgumentProbeLimit, %esi
        jae     KiSystemServiceProbeSlow
        .globl KiSystemServiceCopyArguments
KiSystemServiceCopyArguments:
        rep movsl                               /* a fault here -> KiSystemServiceCopyFault */
        KI_FIXUP(KiSystemServiceCopyArguments, KiSystemServiceCopyFault)
        /* §6.7: call the service; its NTSTATUS comes back in EAX. */
        .globl KiSystemServiceCall
KiSystemServiceCall:
        call    *(%edx,%eax,4)
        jmp     KiSystemServiceExit

/* §6.3: table 1 (GUI) or an extension table (2, 3). In: EDI = the descriptor offset. */
KiSystemServiceOtherTable:
        cmpl    $SERVICE_TABLE_TEST, %edi
        je      KiSystemServiceGui
        addl    ThServiceTable(%ebx), %edi
        jmp     KiSystemServiceTableFound

/* §6.3: index beyond the limit of table 0, 2 or 3. */
KiSystemServiceInvalid:
        movl    $STATUS_INVALID_SYSTEM_SERVICE, %eax
        jmp     KiSystemServiceExit

/*
 * Table 1 (GUI). §6.3: beyond its limit, try to convert the thread to a GUI thread and retry
 * once; a failed conversion returns the service's failure result (KiConvertToGuiThreadForService).
 * §6.4: flush the user's GDI batch when TEB->GdiBatchCount is non-zero (fault-safe read), ignoring
 * the flush's result.
 * In: EDI = 0x10 (descriptor offset), EAX = service number.
 */
KiSystemServiceGui:
        addl    ThServiceTable(%ebx), %edi
        andl    $SERVICE_NUMBER_MASK, %eax
        cmpl    SdLimit(%edi), %eax
        jae     KiSystemServiceGuiConvert
KiSystemServiceGuiIndexOk:
        sbbl    %ecx, %ecx                      /* §6.9 clamp (CF set by the compare) */
        andl    %ecx, %eax
        movl    %fs:PcTeb, %ecx
        .globl KiGdiBatchCountRead
KiGdiBatchCountRead:
        cmpl    $0, TbGdiBatchCount(%ecx)
        KI_FIXUP(KiGdiBatchCountRead, KiSystemServiceTebFault)
        je      KiSystemServiceCount
        pushl   %eax
        pushl   %edi
        call    KiFlushGdiBatch                 /* its result is ignored, as in WRK */
        popl    %edi
        popl    %eax
        jmp     KiSystemServiceCount

KiSystemServiceGuiConvert:
        /* Only the trap frame is on the stack here (ESP = EBP = frame), so the conversion may move
           the thread to its large GUI stack: it copies the frame there and returns; we switch
           ESP/EBP to the copy and free the old stack, then retry the dispatch once. */
        movl    %eax, %edi                      /* the index survives the calls in EDI */
        pushl   %eax
        pushl   %ebp
        call    KiConvertToGuiThreadForService  /* ULONG (PKTRAP_FRAME, Index): EAX if not converted */
        addl    $8, %esp
        cmpl    ThTrapFrame(%ebx), %ebp         /* the frame did not move: not converted, */
        je      KiSystemServiceExit             /* EAX = 0, -1 or STATUS_INVALID_SYSTEM_SERVICE */
        movl    ThTrapFrame(%ebx), %ebp         /* the frame's copy on the large stack */
        movl    %ebp, %esp
        call    KiFreeSmallStackAfterConversion
        movl    %edi, %eax
        movl    ThServiceTable(%ebx), %edi      /* retry once with the shadow table */
        addl    $SERVICE_TABLE_TEST, %edi
        cmpl    SdLimit(%edi), %eax
        jb      KiSystemServiceGuiIndexOk
        movl    $STATUS_INVALID_SYSTEM_SERVICE, %eax
        jmp     KiSystemServiceExit

KiSystemServiceTebFault:
        movl    $STATUS_ACCESS_VIOLATION, %eax
        jmp     KiSystemServiceExit

/* §6.6 for the direct path: the general check below, rejoining the general copy and call with
   EDX = the direct path's routine array. */
KiFastServiceProbeSlow:
        movzbl  KiFastArgumentDwords(%eax), %ecx
        movl    $KiFastServiceTable, %edx
        jmp     KiSystemServiceProbeSlow

/* §6.6: the exact range check, without overflow: ESI < limit and ESI + bytes <= limit. A kernel
   caller's arguments (PreviousMode = KernelMode, a ZwXxx stub) are copied without it, as WRK. */
KiSystemServiceProbeSlow:
        cmpb    $0, ThPreviousMode(%ebx)
        je      KiSystemServiceCopyArguments
        cmpl    $MM_USER_PROBE_ADDRESS, %esi
        jae     KiSystemServiceCopyFault
        pushl   %eax
        leal    (%esi,%ecx,4), %eax             /* ESI < 0x7FFF0000, ECX <= SERVICE_MAXIMUM_ARGUMENT_DWORDS: no wrap */
        cmpl    $MM_USER_PROBE_ADDRESS, %eax
        popl    %eax
        ja      KiSystemServiceCopyFault
        jmp     KiSystemServiceCopyArguments

/* §6.6: the argument range is bad or faulted: STATUS_ACCESS_VIOLATION and nothing else. */
        .globl KiSystemServiceCopyFault
KiSystemServiceCopyFault:
        movl    $STATUS_ACCESS_VIOLATION, %eax
        jmp     KiSystemServiceExit

/* §6.2 (debug registers active): save them in the frame; the frame then leaves by iretd. */
KiFastCallSaveDebug:
        pushl   $2                              /* §6.1: clean flags (DF, AC, NT) for the C call */
        popfl
        pushl   %eax
        pushl   %edx
        pushl   %ebp
        call    KiSaveDebugRegisters            /* VOID (PKTRAP_FRAME): also unmarks the frame */
        addl    $4, %esp
        popl    %edx
        popl    %eax
        jmp     KiFastCallDebugDone

/*
 * KiFastCallEntryWithTf - KiFastCallEntry restarted by KiTrap01 after a single-step trap on its
 * first instruction: the same steps, with TF carried into the user's saved EFLAGS so the user
 * sees one single-step exception after the call; such a frame leaves by iretd.
 */
KiFastCallEntryWithTf:
        KI_FAST_CALL_PROLOGUE 0, (EFLAGS_IF | EFLAGS_TF)   /* 0: not a sysexit frame */
        jmp     KiFastCallCommon

/*
 * KiSystemService - int 2Eh entry, from user mode or from the kernel's ZwXxx stubs.
 * In:  EAX = service number, EDX = pointer to the arguments. From user mode the CPU switched to
 *      TSS.Esp0 and pushed SS, ESP, EFLAGS, CS, EIP; the interrupt gate cleared IF, TF and NT.
 *      From a kernel ZwXxx stub (build/gen/svc_native_zw.S) the stub pushed EFLAGS and CS 0x08 and
 *      called here: EFLAGS, CS, EIP, as an interrupt within ring 0 pushes them, so the frame's
 *      HardwareEsp and HardwareSegSs are not there (they overlap the caller's stack).
 * Out: leaves by the short iretd exit, or the general one when work is pending; a kernel caller's
 *      frame by KiServiceExitToKernel.
 */
        .globl KiSystemService
KiSystemService:
        pushl   $KI_INT2E_FRAME_MARK            /* ErrCode: "exactly as int 2Eh built it" */
        KI_BUILD_TRAP_FRAME service=1           /* §6.1, §6.2 (kimacro.h): EBX = thread */
        /* §6.2: PreviousMode from the caller's CS, as WRK: a ring-0 caller is KernelMode. */
        testb   $RPL_MASK, TsSegCs(%ebp)
        jz      KiSystemServiceFromKernel
        /* §6.2: force IF in the saved flags; link the frame; PreviousMode = user. */
        orl     $EFLAGS_IF, TsEFlags(%ebp)
        movl    ThTrapFrame(%ebx), %ecx
        movl    %ecx, TsEdx(%ebp)
        movl    %ebp, ThTrapFrame(%ebx)
        movb    $1, ThPreviousMode(%ebx)
        movl    %edx, %esi                      /* arguments */
        testb   $0xFF, ThDebugActive(%ebx)
        jz      1f
        pushl   %ebp
        call    KiSaveDebugRegisters
        addl    $4, %esp
        movl    TsEax(%ebp), %eax
        /* §6.2: enable interrupts and dispatch. */
1:      sti
        jmp     KiSystemServiceDispatch

/*
 * §6.2 for a kernel caller (a ZwXxx stub): PreviousMode = KernelMode, so the services take the
 * caller's pointers as they are and §6.6 copies the arguments without the probe, as WRK. The frame
 * carries no mark (it never leaves to user mode: KiServiceExitToKernel) and is not made
 * KTHREAD.TrapFrame: that stays the thread's user-mode frame, the one every reader of
 * KTHREAD.TrapFrame (contexts, APC delivery, the exit marks, record and recover) means. Its Edx
 * still holds the link, so the exit restores KTHREAD.TrapFrame as for any service frame. The
 * caller's IF is not forced; no user debug registers are live in kernel mode.
 */
KiSystemServiceFromKernel:
        movl    $0, TsErrCode(%ebp)
        movl    ThTrapFrame(%ebx), %ecx
        movl    %ecx, TsEdx(%ebp)
        movb    $0, ThPreviousMode(%ebx)
        movl    %edx, %esi                      /* arguments, on the caller's stack */
        sti
        jmp     KiSystemServiceDispatch
