/*
 * bugcheck.c - KeBugCheckEx: the kernel found itself in a state it cannot continue from. Prints
 * the STOP line (docs/spec.md §1), the bugcheck name, the trap frame when there is one and a backtrace,
 * then powers QEMU off with exit code 2 (QEMU exits 5). Never returns, never hangs. With more than
 * one processor the others are stopped first (ke/mp.c), the STOP line names the processor that
 * bugchecked and a line lists the ones stopped.
 */
#include "ke.h"
#include "ki.h"
#include "hal.h"
#include "arch.h"

static const struct { ULONG Code; PCSTR Name; } KiBugCheckNames[] = {
    { INVALID_DATA_ACCESS_TRAP, "INVALID_DATA_ACCESS_TRAP" },
    { INVALID_PROCESS_ATTACH_ATTEMPT, "INVALID_PROCESS_ATTACH_ATTEMPT" },
    { IRQL_NOT_GREATER_OR_EQUAL, "IRQL_NOT_GREATER_OR_EQUAL" },
    { IRQL_NOT_LESS_OR_EQUAL, "IRQL_NOT_LESS_OR_EQUAL" },
    { SPIN_LOCK_ALREADY_OWNED, "SPIN_LOCK_ALREADY_OWNED" },
    { SPIN_LOCK_NOT_OWNED, "SPIN_LOCK_NOT_OWNED" },
    { TRAP_CAUSE_UNKNOWN, "TRAP_CAUSE_UNKNOWN" },
    { KMODE_EXCEPTION_NOT_HANDLED, "KMODE_EXCEPTION_NOT_HANDLED" },
    { PHASE0_INITIALIZATION_FAILED, "PHASE0_INITIALIZATION_FAILED" },
    { SYSTEM_SERVICE_EXCEPTION, "SYSTEM_SERVICE_EXCEPTION" },
    { NO_MORE_SYSTEM_PTES, "NO_MORE_SYSTEM_PTES" },
    { PFN_LIST_CORRUPT, "PFN_LIST_CORRUPT" },
    { PAGE_FAULT_IN_NONPAGED_AREA, "PAGE_FAULT_IN_NONPAGED_AREA" },
    { KERNEL_STACK_INPAGE_ERROR, "KERNEL_STACK_INPAGE_ERROR" },
    { UNEXPECTED_KERNEL_MODE_TRAP, "UNEXPECTED_KERNEL_MODE_TRAP" },
    { BAD_POOL_CALLER, "BAD_POOL_CALLER" },
    { MANUALLY_INITIATED_CRASH, "MANUALLY_INITIATED_CRASH" },
};

static ULONG KiBugCheckActive;

static VOID KiDumpTrapFrame(PKTRAP_FRAME Tf)
{
    DbgPrint("Trap frame at %p:\n", Tf);
    DbgPrint("  eax=%08lx ebx=%08lx ecx=%08lx edx=%08lx esi=%08lx edi=%08lx\n",
             (unsigned long)Tf->Eax, (unsigned long)Tf->Ebx, (unsigned long)Tf->Ecx,
             (unsigned long)Tf->Edx, (unsigned long)Tf->Esi, (unsigned long)Tf->Edi);
    DbgPrint("  eip=%08lx ebp=%08lx efl=%08lx cs=%04lx err=%08lx cr2=%08lx\n",
             (unsigned long)Tf->Eip, (unsigned long)Tf->Ebp, (unsigned long)Tf->EFlags,
             (unsigned long)(Tf->SegCs & 0xFFFF), (unsigned long)Tf->ErrCode,
             (unsigned long)KeGetCr2());
    if (Tf->SegCs & RPL_MASK)
        DbgPrint("  user esp=%08lx ss=%04lx\n", (unsigned long)Tf->HardwareEsp,
                 (unsigned long)(Tf->HardwareSegSs & 0xFFFF));
}

static VOID KiBacktrace(ULONG Ebp)
{
    DbgPrint("Backtrace:\n");
    for (int i = 0; i < 16; i++) {
        /* only follow frame pointers that stay in kernel space and are aligned */
        if (Ebp < MM_KSEG0_BASE || (Ebp & 3) || Ebp > 0xFFFFFFF0)
            break;
        ULONG ret = ((PULONG)Ebp)[1];
        DbgPrint("  #%d %08lx\n", i, (unsigned long)ret);
        ULONG next = ((PULONG)Ebp)[0];
        if (next <= Ebp)
            break;
        Ebp = next;
    }
}

VOID KeBugCheckWithTf(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4,
                      PKTRAP_FRAME TrapFrame)
{
    _disable();
    BOOLEAN nested = KiFreezeOtherProcessors();        /* another processor's bugcheck: never returns */
    if (KiBugCheckActive++ || nested) {
        /* a bugcheck inside the bugcheck: say so and stop */
        HalSerialWrite("\n*** nested bugcheck\n", 21);
        HalPowerOff(2);
    }
    PCSTR name = "UNKNOWN";
    for (ULONG i = 0; i < ARRAYSIZE(KiBugCheckNames); i++)
        if (KiBugCheckNames[i].Code == Code)
            name = KiBugCheckNames[i].Name;
    DbgPrint("\n*** STOP: 0x%08lX (0x%08lX,0x%08lX,0x%08lX,0x%08lX)", (unsigned long)Code,
             (unsigned long)P1, (unsigned long)P2, (unsigned long)P3, (unsigned long)P4);
    if (KeNumberProcessors > 1)
        DbgPrint(" on processor %u", (unsigned)KeGetPcr()->Number);
    DbgPrint("\n%s\n", name);
    KiReportFrozenProcessors();
    if (TrapFrame) {
        KiDumpTrapFrame(TrapFrame);
        KiBacktrace(TrapFrame->Ebp);
    } else {
        KiBacktrace((ULONG)__builtin_frame_address(0));
    }
    HalPowerOff(2);
}

VOID KeBugCheckEx(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3, ULONG_PTR P4)
{
    KeBugCheckWithTf(Code, P1, P2, P3, P4, NULL);
}
