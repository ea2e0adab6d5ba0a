/* intr.c - hardware interrupts: the clock (IRQ 0) and everything else acknowledged and counted. */
#include "ke.h"
#include "ki.h"
#include "hal.h"

VOID KiInterruptDispatch(PKTRAP_FRAME Tf, ULONG Vector)
{
    ULONG irq = Vector - PRIMARY_VECTOR_BASE;
    KeGetPcr()->PrcbData.InterruptCount++;
    if (Tf->SegCs & RPL_MASK)
        KeGetCurrentThread()->TrapFrame = Tf;    /* a preempted thread's user state */
    if (irq == 7 || irq == 15) {
        /* spurious interrupt: the in-service bit is not set; IRQ 15 still needs the master EOI */
        if (irq == 15)
            HalEndOfInterrupt(0);
        return;
    }
    HalEndOfInterrupt(irq);
    if (irq == CLOCK_IRQ)
        KiClockTick();
}
