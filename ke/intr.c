/* intr.c - hardware interrupts: the clock (IRQ 0) and everything else acknowledged and counted. */
#include "ke.h"
#include "ki.h"
#include "hal.h"

/* Routines connected to device IRQs (KeConnectInterruptRoutine); called after the EOI with
   interrupts disabled. */
static PKINTERRUPT_ROUTINE KiIrqRoutine[16];
static PVOID KiIrqContext[16];

/* KeConnectInterruptRoutine - call Routine(Context) on every interrupt of Irq (1-15, not the
   clock's) and unmask it. Result: STATUS_SUCCESS, or STATUS_INVALID_PARAMETER (bad IRQ, or one
   already connected). */
NTSTATUS KeConnectInterruptRoutine(ULONG Irq, PKINTERRUPT_ROUTINE Routine, PVOID Context)
{
    if (Irq == CLOCK_IRQ || Irq == 2 || Irq >= 16 || !Routine || KiIrqRoutine[Irq])
        return STATUS_INVALID_PARAMETER;
    ULONG flags = KeDisableInterrupts();
    KiIrqContext[Irq] = Context;
    KiIrqRoutine[Irq] = Routine;
    HalEnableIrq(Irq);
    KeRestoreInterrupts(flags);
    return STATUS_SUCCESS;
}

VOID KiInterruptDispatch(PKTRAP_FRAME Tf, ULONG Vector)
{
    ULONG irq = Vector - PRIMARY_VECTOR_BASE;
    KeGetPcr()->PrcbData.InterruptCount++;
    if (Tf->SegCs & RPL_MASK) {
        PKTHREAD thread = KeGetCurrentThread();
        thread->TrapFrame = Tf;                  /* a preempted thread's user state */
        if (KeGetThreadExtension(thread)->DebugActive)
            KiDisarmUserDebugRegisters(Tf);      /* before any APC or exit touches user memory */
    }
    if (Vector >= KI_APIC_CLOCK_VECTOR) {
        KiApicInterrupt(Tf, Vector);             /* only ever raised with more than one processor */
        return;
    }
    if (irq == 7 || irq == 15) {
        /* spurious interrupt: the in-service bit is not set; IRQ 15 still needs the master EOI */
        if (irq == 15)
            HalEndOfInterrupt(0);
        return;
    }
    HalEndOfInterrupt(irq);
    KeTimelineEvent(KTL_INTERRUPT, irq, Tf->Eip);
    if (irq == CLOCK_IRQ)
        KiClockTick();
    else if (KiIrqRoutine[irq])
        KiIrqRoutine[irq](KiIrqContext[irq]);
}
