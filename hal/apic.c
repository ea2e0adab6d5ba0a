/*
 * apic.c - the local APIC of each processor (hal/acpi.c finds it): software enable with the
 * spurious vector, the task priority register, end of interrupt, interprocessor interrupts
 * (fixed vector, NMI, INIT and STARTUP), and its timer, the clock of the processors other than
 * the boot one. Used only when more than one processor runs: a uniprocessor boot never touches
 * the APIC and keeps the 8259s and the 8254 exactly as before. The registers are the same page
 * on every processor (each one sees its own APIC there), mapped uncached once.
 */
#include "hal.h"
#include "ke.h"
#include "mm.h"
#include "arch.h"

#define LAPIC_ID         0x020
#define LAPIC_TPR        0x080
#define LAPIC_EOI        0x0B0
#define LAPIC_SVR        0x0F0
#define LAPIC_ICR_LOW    0x300
#define LAPIC_ICR_HIGH   0x310
#define LAPIC_LVT_TIMER  0x320
#define LAPIC_LVT_LINT0  0x350
#define LAPIC_LVT_LINT1  0x360
#define LAPIC_LVT_ERROR  0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3E0

#define ICR_FIXED        0x00000
#define ICR_NMI          0x00400
#define ICR_INIT         0x00500
#define ICR_STARTUP      0x00600
#define ICR_PENDING      0x01000
#define ICR_ASSERT       0x04000
#define ICR_LEVEL        0x08000
#define ICR_ALL_BUT_SELF 0xC0000
#define LVT_MASKED       0x10000
#define LVT_PERIODIC     0x20000

static volatile ULONG *HalpLocalApic;      /* whole-dword accesses only: the APIC ignores narrower ones */
static ULONG HalpApicTimerCountPerTick;

static inline ULONG HalpRead(ULONG Register) { return HalpLocalApic[Register / 4]; }
static inline VOID HalpWrite(ULONG Register, ULONG Value) { HalpLocalApic[Register / 4] = Value; }

/* HalStallExecutionProcessor - busy-wait about Microseconds (the TSC, calibrated by the kernel). */
VOID HalStallExecutionProcessor(ULONG Microseconds)
{
    ULONGLONG end = KeRdtsc() + KeTscFrequency * Microseconds / 1000000;
    while (KeRdtsc() < end)
        __asm__ volatile("pause");
}

/* HalMapLocalApic - map the local APIC registers (boot processor, once). Result: FALSE when
   the page cannot be mapped. */
BOOLEAN HalMapLocalApic(VOID)
{
    PHYSICAL_ADDRESS pa;
    pa.QuadPart = HalProcessorTable.LocalApicPhysical;
    HalpLocalApic = MmMapIoSpace(pa, PAGE_SIZE, MmNonCached);
    return HalpLocalApic != NULL;
}

ULONG HalGetLocalApicId(VOID)
{
    return HalpRead(LAPIC_ID) >> 24;
}

/*
 * HalInitializeLocalApic - enable this processor's APIC. The boot processor keeps LINT0 as the
 * 8259's virtual wire (ExtINT), so device interrupts still come through the PICs; the others mask
 * it. LINT1 delivers NMI everywhere. Task priority 0: every vector is accepted.
 */
VOID HalInitializeLocalApic(BOOLEAN BootProcessor)
{
    HalpWrite(LAPIC_SVR, 0x100 | HAL_APIC_SPURIOUS_VECTOR);
    HalpWrite(LAPIC_LVT_LINT0, BootProcessor ? 0x700 : LVT_MASKED);
    HalpWrite(LAPIC_LVT_LINT1, 0x400);
    HalpWrite(LAPIC_LVT_ERROR, LVT_MASKED);
    HalpWrite(LAPIC_LVT_TIMER, LVT_MASKED);
    HalpWrite(LAPIC_TPR, 0);
    HalpWrite(LAPIC_EOI, 0);
}

VOID HalLocalApicEndOfInterrupt(VOID)
{
    HalpWrite(LAPIC_EOI, 0);
}

/* HalSetTaskPriority / HalGetTaskPriority - the APIC's TPR (vectors at or below it, by priority
   class, are held back). */
VOID HalSetTaskPriority(ULONG Priority)
{
    HalpWrite(LAPIC_TPR, Priority);
}

ULONG HalGetTaskPriority(VOID)
{
    return HalpRead(LAPIC_TPR);
}

static VOID HalpWaitForIcrIdle(VOID)
{
    for (ULONG spins = 0; (HalpRead(LAPIC_ICR_LOW) & ICR_PENDING) && spins < 1000000; spins++)
        __asm__ volatile("pause");
}

static VOID HalpSendIcr(ULONG ApicId, ULONG Command)
{
    ULONG flags = KeDisableInterrupts();
    HalpWaitForIcrIdle();
    HalpWrite(LAPIC_ICR_HIGH, ApicId << 24);
    HalpWrite(LAPIC_ICR_LOW, Command);
    HalpWaitForIcrIdle();
    KeRestoreInterrupts(flags);
}

/* HalStartProcessor - INIT, then STARTUP twice (the MP specification's sequence): the processor
   begins in real mode at physical StartPage * 4 KiB. */
VOID HalStartProcessor(ULONG ApicId, ULONG StartPage)
{
    HalpSendIcr(ApicId, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
    HalStallExecutionProcessor(10000);
    for (int i = 0; i < 2; i++) {
        HalpSendIcr(ApicId, ICR_STARTUP | ICR_ASSERT | (StartPage & 0xFF));
        HalStallExecutionProcessor(200);
    }
}

/* HalRequestIpi - a fixed-vector interrupt to one processor, by APIC id. */
VOID HalRequestIpi(ULONG ApicId, ULONG Vector)
{
    HalpSendIcr(ApicId, ICR_FIXED | ICR_ASSERT | Vector);
}

/* HalSendNmiToOthers - an NMI to every processor but this one (the bugcheck's freeze): it
   arrives even where interrupts are disabled. */
VOID HalSendNmiToOthers(VOID)
{
    HalpSendIcr(0, ICR_NMI | ICR_ASSERT | ICR_ALL_BUT_SELF);
}

/* HalCalibrateApicTimer - how many timer counts (divide by 16) make one clock tick at
   HAL_CLOCK_HZ, measured on the boot processor against the TSC. */
VOID HalCalibrateApicTimer(VOID)
{
    HalpWrite(LAPIC_TIMER_DIV, 0x3);                        /* divide by 16 */
    HalpWrite(LAPIC_LVT_TIMER, LVT_MASKED);
    HalpWrite(LAPIC_TIMER_INIT, 0xFFFFFFFF);
    HalStallExecutionProcessor(10000);
    ULONG elapsed = 0xFFFFFFFF - HalpRead(LAPIC_TIMER_CUR);
    HalpWrite(LAPIC_TIMER_INIT, 0);
    HalpApicTimerCountPerTick = elapsed * 100 / HAL_CLOCK_HZ;
    if (!HalpApicTimerCountPerTick)
        HalpApicTimerCountPerTick = 1;
}

/* HalStartApicTimer - this processor's periodic clock interrupt on Vector at HAL_CLOCK_HZ. */
VOID HalStartApicTimer(ULONG Vector)
{
    HalpWrite(LAPIC_TIMER_DIV, 0x3);
    HalpWrite(LAPIC_LVT_TIMER, LVT_PERIODIC | Vector);
    HalpWrite(LAPIC_TIMER_INIT, HalpApicTimerCountPerTick);
}
