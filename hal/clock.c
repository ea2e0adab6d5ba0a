/* clock.c - the 8254 timer on IRQ 0 at HAL_CLOCK_HZ, the CMOS real-time clock, power-off through
   isa-debug-exit, and the machine reset. */
#include "hal.h"
#include "arch.h"

VOID HalInitializeClock(VOID)
{
    ULONG divisor = 1193182 / HAL_CLOCK_HZ;
    WRITE_PORT_UCHAR(0x43, 0x34);                           /* channel 0, rate generator */
    WRITE_PORT_UCHAR(0x40, (UCHAR)divisor);
    WRITE_PORT_UCHAR(0x40, (UCHAR)(divisor >> 8));
    HalEnableIrq(CLOCK_IRQ);
}

PHAL_POWER_OFF_NOTIFY HalPowerOffNotify;
/* HalpReadCmos - one RTC register, converted from BCD when the RTC uses BCD. */
static ULONG HalpReadCmos(UCHAR Register, BOOLEAN Bcd)
{
    WRITE_PORT_UCHAR(0x70, Register);
    ULONG v = READ_PORT_UCHAR(0x71);
    return Bcd ? (v & 0x0F) + (v >> 4) * 10 : v;
}

BOOLEAN HalQueryRealTimeClock(PTIME_FIELDS TimeFields)
{
    for (int i = 0; i < 100000 && (HalpReadCmos(0x0A, FALSE) & 0x80); i++)
        ;                                                   /* wait out an update in progress */
    BOOLEAN bcd = !(HalpReadCmos(0x0B, FALSE) & 0x04);
    TimeFields->Second = (SHORT)HalpReadCmos(0, bcd);
    TimeFields->Minute = (SHORT)HalpReadCmos(2, bcd);
    TimeFields->Hour = (SHORT)(HalpReadCmos(4, bcd) & 0x7F);
    TimeFields->Day = (SHORT)HalpReadCmos(7, bcd);
    TimeFields->Month = (SHORT)HalpReadCmos(8, bcd);
    TimeFields->Year = (SHORT)(HalpReadCmos(9, bcd) + 2000);
    TimeFields->Milliseconds = 0;
    TimeFields->Weekday = 0;
    return TimeFields->Month >= 1 && TimeFields->Month <= 12 && TimeFields->Day >= 1 &&
           TimeFields->Day <= 31 && TimeFields->Hour <= 23 && TimeFields->Minute <= 59 &&
           TimeFields->Second <= 59;
}

VOID HalPowerOff(ULONG ExitCode)
{
    _disable();
    PHAL_POWER_OFF_NOTIFY notify = HalPowerOffNotify;
    HalPowerOffNotify = NULL;                               /* once, even if it faults */
    if (notify)
        notify();
    WRITE_PORT_ULONG(0xF4, ExitCode);                       /* QEMU exits with (code << 1) | 1 */
    WRITE_PORT_USHORT(0x604, 0x2000);                       /* ACPI power-off where there is no debug-exit */
    for (;;)
        KeHalt();
}

VOID HalReboot(VOID)
{
    _disable();
    PHAL_POWER_OFF_NOTIFY notify = HalPowerOffNotify;
    HalPowerOffNotify = NULL;                               /* the timeline drains first, as for power-off */
    if (notify)
        notify();
    for (ULONG i = 0; i < 0x10000 && (READ_PORT_UCHAR(0x64) & 0x02); i++)
        ;                                                   /* the 8042's input buffer empties */
    WRITE_PORT_UCHAR(0x64, 0xFE);                           /* pulse the CPU reset line */
    WRITE_PORT_UCHAR(0xCF9, 0x02);                          /* PIIX/ICH reset control: hard reset */
    WRITE_PORT_UCHAR(0xCF9, 0x06);
    static const struct { USHORT Limit; ULONG Base; } __attribute__((packed)) noIdt = { 0, 0 };
    __asm__ volatile("lidt %0; int3" : : "m"(noIdt));      /* no IDT: the triple fault resets */
    for (;;)
        KeHalt();
}
