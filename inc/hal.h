/* hal.h - the hardware abstraction: COM1, the 8259 PICs, the 8254 timer, power-off; the ACPI MADT
   and the local APICs of a multiprocessor. */
#ifndef NANONT_HAL_H
#define NANONT_HAL_H

#include "ntdef.h"

#define PRIMARY_VECTOR_BASE 0x30       /* IRQ 0 -> vector 0x30, as NT maps the PIC */
#define CLOCK_IRQ 0
#define HAL_CLOCK_HZ 100

VOID HalInitializeSerial(VOID);
VOID HalSerialWrite(const CHAR *Buffer, ULONG Length);
VOID HalSerialEnableReceiveInterrupt(BOOLEAN Enable);   /* COM1 receive -> IRQ 4 */
BOOLEAN HalSerialReadChar(PUCHAR Char);
VOID HalInitializeSerialPort2(VOID);                    /* COM2: the timeline's raw byte sink */
VOID HalSerialPort2Write(const UCHAR *Buffer, ULONG Length);
VOID HalInitializePic(VOID);
VOID HalEnableIrq(ULONG Irq);
VOID HalEndOfInterrupt(ULONG Irq);
VOID HalInitializeClock(VOID);
/* The CMOS real-time clock (UTC as QEMU gives it); FALSE when it holds no plausible date. */
typedef struct _TIME_FIELDS {
    SHORT Year, Month, Day, Hour, Minute, Second, Milliseconds, Weekday;
} TIME_FIELDS, *PTIME_FIELDS;
BOOLEAN HalQueryRealTimeClock(PTIME_FIELDS TimeFields);
/* PCI configuration space (hal/pci.c); SlotNumber: device in bits 0-4, function in bits 5-7 */
typedef enum _BUS_DATA_TYPE { Cmos = 0, PCIConfiguration = 4 } BUS_DATA_TYPE;
ULONG HalGetBusDataByOffset(BUS_DATA_TYPE BusDataType, ULONG BusNumber, ULONG SlotNumber,
                            PVOID Buffer, ULONG Offset, ULONG Length);

/* The boot screen: when set (by win32k), console text (DbgPrint, NtDisplayString) also goes
   there. Called with interrupts disabled. */
extern VOID (*HalDisplayStringRoutine)(const CHAR *Text, ULONG Length);

DECLSPEC_NORETURN VOID HalPowerOff(ULONG ExitCode);   /* isa-debug-exit: 0 pass, 1 fail, 2 bugcheck */
/* Reset the machine: the 8042 keyboard controller's reset line, then the 0xCF9 reset port,
   then a triple fault (QEMU with -no-reboot exits instead of starting again) */
DECLSPEC_NORETURN VOID HalReboot(VOID);
/* called once by HalPowerOff before the machine stops (the timeline drains its buffer) */
typedef VOID (*PHAL_POWER_OFF_NOTIFY)(VOID);
extern PHAL_POWER_OFF_NOTIFY HalPowerOffNotify;

/* Multiprocessor machines (hal/acpi.c, hal/apic.c): the processors and interrupt controllers the
   ACPI MADT lists, and each processor's local APIC. A one-processor boot uses none of it. */
#define HAL_MAXIMUM_PROCESSORS   8
#define HAL_APIC_SPURIOUS_VECTOR 0xFF
typedef struct _HAL_PROCESSOR_TABLE {
    ULONG Count;                           /* enabled processors (1 without a MADT) */
    UCHAR ApicId[HAL_MAXIMUM_PROCESSORS];  /* local APIC ids, the boot processor's among them */
    ULONG LocalApicPhysical;
    ULONG IoApicPhysical, IoApicGsiBase;   /* the first IO-APIC (0: none) */
    UCHAR IsaIrqToGsi[16];                 /* ISA IRQ -> global system interrupt (overrides) */
} HAL_PROCESSOR_TABLE, *PHAL_PROCESSOR_TABLE;
extern HAL_PROCESSOR_TABLE HalProcessorTable;
BOOLEAN HalQueryProcessors(VOID);
BOOLEAN HalMapLocalApic(VOID);
ULONG HalGetLocalApicId(VOID);
VOID HalInitializeLocalApic(BOOLEAN BootProcessor);
VOID HalLocalApicEndOfInterrupt(VOID);
VOID HalSetTaskPriority(ULONG Priority);
ULONG HalGetTaskPriority(VOID);
VOID HalStartProcessor(ULONG ApicId, ULONG StartPage);
VOID HalRequestIpi(ULONG ApicId, ULONG Vector);
VOID HalSendNmiToOthers(VOID);
VOID HalCalibrateApicTimer(VOID);
VOID HalStartApicTimer(ULONG Vector);
VOID HalStallExecutionProcessor(ULONG Microseconds);

#endif
