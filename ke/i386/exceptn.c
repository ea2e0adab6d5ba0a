/*
 * trap.c - what a CPU exception means. User-mode faults become NT exceptions for the faulting
 * thread (docs/spec.md §1 statuses); kernel-mode faults are either an expected fault on user memory (the
 * fixup table says where to continue) or a bugcheck with the frame.
 */
#include "ke.h"
#include "../ki.h"
#include "arch.h"
#include "fixup.h"


ULONG KiLookupFixup(ULONG Eip)
{
    for (const KI_FIXUP_ENTRY *e = __KiFixupStart; e < __KiFixupEnd; e++)
        if (e->FaultEip == Eip)
            return e->FixupEip;
    return 0;
}

/* #GP from user mode: a privileged instruction, or an access the segment/IDT rules refused. */
static NTSTATUS KiClassifyGeneralProtection(PKTRAP_FRAME Tf)
{
    UCHAR code[4] = { 0 };
    ULONG eip = Tf->Eip;

    if (Tf->ErrCode & 2)                       /* int n through a gate user mode may not use */
        return STATUS_ACCESS_VIOLATION;
    if (eip >= MM_USER_PROBE_ADDRESS - sizeof(code) ||
        !NT_SUCCESS(KiSafeCopy(code, (PVOID)eip, sizeof(code))))
        return STATUS_ACCESS_VIOLATION;
    ULONG i = 0;
    while (i < 3 && (code[i] == 0x66 || code[i] == 0xF3 || code[i] == 0xF2))   /* prefixes */
        i++;
    switch (code[i]) {
    case 0xF4: case 0xFA: case 0xFB:           /* hlt, cli, sti */
    case 0xE4: case 0xE5: case 0xE6: case 0xE7: case 0xEC: case 0xED: case 0xEE: case 0xEF:
    case 0x6C: case 0x6D: case 0x6E: case 0x6F:   /* in, out, ins, outs */
        return STATUS_PRIVILEGED_INSTRUCTION;
    case 0x0F:
        switch (code[i + 1]) {
        case 0x20: case 0x21: case 0x22: case 0x23:   /* mov to/from CRn, DRn */
        case 0x30: case 0x32: case 0x33:              /* wrmsr, rdmsr, rdpmc */
        case 0x06: case 0x08: case 0x09: case 0x01: case 0x00: /* clts, invd, wbinvd, lgdt.., lldt.. */
            return STATUS_PRIVILEGED_INSTRUCTION;
        }
        break;
    }
    return STATUS_ACCESS_VIOLATION;
}

/* Map a user-mode exception to its NTSTATUS and exception parameters. */
NTSTATUS KiExceptionStatusFromTrap(PKTRAP_FRAME Tf, ULONG Vector, PULONG Info0, PULONG Info1)
{
    *Info0 = *Info1 = 0;
    switch (Vector) {
    case 0x00: return STATUS_INTEGER_DIVIDE_BY_ZERO;
    case 0x01: return STATUS_SINGLE_STEP;
    case 0x03: return STATUS_BREAKPOINT;
    case 0x04: return STATUS_INTEGER_OVERFLOW;
    case 0x05: return STATUS_ARRAY_BOUNDS_EXCEEDED;
    case 0x06: case 0x07: return STATUS_ILLEGAL_INSTRUCTION;
    case 0x0D: {
        NTSTATUS s = KiClassifyGeneralProtection(Tf);
        if (s == STATUS_ACCESS_VIOLATION)
            *Info1 = 0xFFFFFFFF;               /* as NT reports a #GP: unknown address */
        return s;
    }
    case 0x0E:
        *Info0 = (Tf->ErrCode & 2) ? 1 : 0;    /* 0 read, 1 write (8 execute: no NX here) */
        *Info1 = KeGetCr2();
        return STATUS_ACCESS_VIOLATION;
    case 0x11: return STATUS_DATATYPE_MISALIGNMENT;
    case 0x10: case 0x13: return STATUS_FLOAT_INVALID_OPERATION;
    default: return STATUS_ACCESS_VIOLATION;
    }
}

#define DR6_BREAKPOINT_HITS 0x0000000F      /* B0-B3: a debug-register condition was met */

volatile ULONG KiKernelDebugTrapsDismissed;       /* kernel-mode #DBs dismissed (KiTrap01 counts its own) */

/*
 * KiDismissKernelDebugTrap - a #DB taken in kernel mode (outside the sysenter TF window, which
 * KiTrap01 handles before any frame exists). The kernel arms no breakpoints and runs with TF
 * clear, so it is a user's: a breakpoint on a user address hit before its entry disarmed DR7,
 * or a #DB that a mov ss / pop ss shadow held across int 2Eh and the CPU delivers on the first
 * instruction of KiSystemService (with DR6.BS when TF was set: the saved user EFLAGS keep TF,
 * so the user still sees its single step after the call). As NT does: clear DR7 and DR6 and
 * resume; the exit to user mode re-arms the thread's breakpoints. FALSE: not such a trap.
 */
BOOLEAN KiDismissKernelDebugTrap(PKTRAP_FRAME Tf)
{
    ULONG dr6;
    __asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
    if (!(dr6 & DR6_BREAKPOINT_HITS) && Tf->Eip != (ULONG)KiSystemService)
        return FALSE;
    __asm__ volatile("mov %0, %%dr7; mov %0, %%dr6" :: "r"(0));
    KiKernelDebugTrapsDismissed++;
    return TRUE;
}

VOID KiTrapDispatch(PKTRAP_FRAME Tf, ULONG Vector)
{
    if (Vector == 0x02 && KiFreezeExecution(Tf))
        return;                                /* a bugcheck on another processor stops this one */
    ULONG cr2 = (Vector == 0x0E) ? KeGetCr2() : 0;
    if (Vector == 0x0E)
        KeTimelineEvent(KTL_PAGE_FAULT, cr2, Tf->ErrCode | (ULONG)!(Tf->SegCs & RPL_MASK) << 31);

    /* NtBenchControl's capture of an exception frame's debugger fields, before anything edits it */
    if (KiTrapDebugDataThread == KeGetCurrentThread() && (Tf->SegCs & RPL_MASK)) {
        KiGetFrameDebugData(Tf, &KiTrapDebugData);
        KiTrapDebugDataThread = NULL;
    }

    /* from user mode with the thread's breakpoints armed: disarm them before anything else */
    if ((Tf->SegCs & RPL_MASK) && KeGetThreadExtension(KeGetCurrentThread())->DebugActive)
        KiDisarmUserDebugRegisters(Tf);

    if (!(Tf->SegCs & RPL_MASK)) {
        /* kernel mode: a user breakpoint's #DB is dismissed; an expected fault on user memory
           continues at its fixup */
        if (Vector == 0x01 && KiDismissKernelDebugTrap(Tf))
            return;
        ULONG fixup = KiLookupFixup(Tf->Eip);
        if (fixup) {
            Tf->Eip = fixup;
            return;
        }
        if (Vector == 0x0E)
            KeBugCheckWithTf(PAGE_FAULT_IN_NONPAGED_AREA, cr2, (Tf->ErrCode >> 1) & 1, Tf->Eip, 0, Tf);
        if (Vector == 0x02)
            KeBugCheckWithTf(UNEXPECTED_KERNEL_MODE_TRAP, 2, 0, 0, 0, Tf);
        KeBugCheckWithTf(KMODE_EXCEPTION_NOT_HANDLED, Vector, Tf->Eip, Tf->ErrCode, cr2, Tf);
    }

    /* user mode: the frame is the thread's current one while the exception is handled */
    PKTHREAD thread = KeGetCurrentThread();
    thread->TrapFrame = Tf;
    if (Vector == 0x03)
        Tf->Eip--;                             /* report the int3 itself, as NT does */
    if (Vector == 0x01 && KeGetThreadExtension(thread)->DebugActive)
        KeGetThreadExtension(thread)->UserDr[6] = Tf->Dr6;   /* which breakpoint fired, for the CONTEXT */
    ULONG info0, info1;
    NTSTATUS code = KiExceptionStatusFromTrap(Tf, Vector, &info0, &info1);
    _enable();
    KiDispatchUserException(Tf, code, (Vector == 0x0E || code == STATUS_ACCESS_VIOLATION) ? 2 : 0,
                            info0, info1);
}

/* Double fault: reached through a task gate on its own stack. */
VOID KiTrap08(VOID)
{
    PKTSS tss = KeGetPcr()->TSS;
    KeBugCheckEx(UNEXPECTED_KERNEL_MODE_TRAP, 8, tss->Esp0, tss->Eip, 0);
}
