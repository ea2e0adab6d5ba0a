/*
 * pci.c - PCI configuration space through configuration mechanism 1 (ports 0xCF8/0xCFC): what
 * the display driver needs to find the VGA device and its framebuffer BAR.
 */
#include "hal.h"
#include "arch.h"
#include "ke.h"

#define PCI_CONFIG_ADDRESS 0xCF8
#define PCI_CONFIG_DATA    0xCFC

/* One aligned dword of configuration space; interrupts stay off between the two port accesses. */
static ULONG HalpReadPciConfigUlong(ULONG Bus, ULONG Slot, ULONG Offset)
{
    ULONG device = Slot & 0x1F, function = (Slot >> 5) & 7;
    ULONG flags = KeDisableInterrupts();
    WRITE_PORT_ULONG(PCI_CONFIG_ADDRESS, 0x80000000u | (Bus & 0xFF) << 16 | device << 11 |
                                         function << 8 | (Offset & 0xFC));
    ULONG value = READ_PORT_ULONG(PCI_CONFIG_DATA);
    KeRestoreInterrupts(flags);
    return value;
}

/*
 * HalGetBusDataByOffset - read Length bytes of a device's configuration space from Offset.
 * In: PCIConfiguration, the bus, the slot (PCI_SLOT_NUMBER: device in bits 0-4, function in
 * bits 5-7), a buffer. Result: the bytes read (all ones from an empty slot, as the bus returns),
 * 0 for another bus type or a range past the 256-byte space.
 */
ULONG HalGetBusDataByOffset(BUS_DATA_TYPE BusDataType, ULONG BusNumber, ULONG SlotNumber,
                            PVOID Buffer, ULONG Offset, ULONG Length)
{
    if (BusDataType != PCIConfiguration || Offset >= 256 || Length > 256 - Offset)
        return 0;
    PUCHAR out = Buffer;
    for (ULONG i = 0; i < Length; i++) {
        ULONG at = Offset + i;
        out[i] = (UCHAR)(HalpReadPciConfigUlong(BusNumber, SlotNumber, at) >> ((at & 3) * 8));
    }
    return Length;
}
