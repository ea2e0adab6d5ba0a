/* hal.h - the hardware abstraction: COM1, the 8259 PICs, the 8254 timer, power-off. */
#ifndef NANONT_HAL_H
#define NANONT_HAL_H

#include "ntdef.h"

#define PRIMARY_VECTOR_BASE 0x30       /* IRQ 0 -> vector 0x30, as NT maps the PIC */
#define CLOCK_IRQ 0
#define HAL_CLOCK_HZ 100

VOID HalInitializeSerial(VOID);
VOID HalSerialWrite(const CHAR *Buffer, ULONG Length);
VOID HalInitializePic(VOID);
VOID HalEnableIrq(ULONG Irq);
VOID HalEndOfInterrupt(ULONG Irq);
VOID HalInitializeClock(VOID);
DECLSPEC_NORETURN VOID HalPowerOff(ULONG ExitCode);   /* isa-debug-exit: 0 pass, 1 fail, 2 bugcheck */

#endif
