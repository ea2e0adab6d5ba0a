/*
 * irql.c - the interrupt request level, NT's model. Each processor's IRQL is KPCR.Irql. At or
 * below DISPATCH_LEVEL interrupts stay as they were; above it the processor's interrupts are
 * disabled (the flags are saved when DISPATCH_LEVEL is crossed upwards and restored when it is
 * crossed downwards), because device interrupts reach processor 0 through the 8259s' virtual wire,
 * which the APIC's task priority does not hold back. With more than one processor the local APIC's
 * task priority follows the IRQL too, so the APIC clock and IPIs are held back at CLOCK2_LEVEL and
 * IPI_LEVEL and above. One processor: no APIC access, only KPCR.Irql and the interrupt flag.
 */
#include "ke.h"
#include "ki.h"
#include "hal.h"
#include "arch.h"

static ULONG KiIrqlSavedFlags[HAL_MAXIMUM_PROCESSORS];

/* the APIC task priority for each IRQL: priority class = vector >> 4 */
static UCHAR KiIrqlToTaskPriority(KIRQL Irql)
{
    if (Irql <= DISPATCH_LEVEL)
        return 0x00;
    if (Irql < CLOCK2_LEVEL)
        return 0x3F;                               /* device levels: the 8259 vectors' class */
    if (Irql < IPI_LEVEL)
        return KI_APIC_CLOCK_VECTOR | 0x0F;
    if (Irql < HIGH_LEVEL)
        return KI_IPI_VECTOR | 0x0F;
    return 0xFF;
}

KIRQL KeGetCurrentIrql(VOID)
{
    return KeGetPcr()->Irql;
}

static VOID KiSetIrql(PKPCR Pcr, KIRQL Old, KIRQL New)
{
    ULONG n = KeNumberProcessors > 1 ? Pcr->Number : 0;
    if (Old <= DISPATCH_LEVEL && New > DISPATCH_LEVEL)
        KiIrqlSavedFlags[n] = KeDisableInterrupts();
    Pcr->Irql = New;
    if (KeNumberProcessors > 1 && KiIrqlToTaskPriority(Old) != KiIrqlToTaskPriority(New))
        HalSetTaskPriority(KiIrqlToTaskPriority(New));
    if (Old > DISPATCH_LEVEL && New <= DISPATCH_LEVEL)
        KeRestoreInterrupts(KiIrqlSavedFlags[n]);
}

/* KfRaiseIrql - raise this processor's IRQL to NewIrql (not below the current one: that is a
   bugcheck, IRQL_NOT_GREATER_OR_EQUAL). Result: the previous IRQL. */
KIRQL KfRaiseIrql(KIRQL NewIrql)
{
    PKPCR pcr = KeGetPcr();
    KIRQL old = pcr->Irql;
    if (NewIrql < old)
        KeBugCheckEx(IRQL_NOT_GREATER_OR_EQUAL, old, NewIrql, 0, 0);
    if (NewIrql != old)
        KiSetIrql(pcr, old, NewIrql);
    return old;
}

/* KfLowerIrql - back to NewIrql (not above the current one: IRQL_NOT_LESS_OR_EQUAL). */
VOID KfLowerIrql(KIRQL NewIrql)
{
    PKPCR pcr = KeGetPcr();
    KIRQL old = pcr->Irql;
    if (NewIrql > old)
        KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, old, NewIrql, 0, 1);
    if (NewIrql != old)
        KiSetIrql(pcr, old, NewIrql);
}

VOID KeRaiseIrql(KIRQL NewIrql, PKIRQL OldIrql)
{
    *OldIrql = KfRaiseIrql(NewIrql);
}

VOID KeLowerIrql(KIRQL NewIrql)
{
    KfLowerIrql(NewIrql);
}

KIRQL KeRaiseIrqlToDpcLevel(VOID)
{
    return KfRaiseIrql(DISPATCH_LEVEL);
}

KIRQL KeRaiseIrqlToSynchLevel(VOID)
{
    return KfRaiseIrql(SYNCH_LEVEL);
}
