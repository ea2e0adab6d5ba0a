/* clock.c - the 8254 timer on IRQ 0 at HAL_CLOCK_HZ, and power-off through isa-debug-exit. */
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
