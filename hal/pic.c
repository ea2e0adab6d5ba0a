/* pic.c - the two 8259 interrupt controllers, remapped to vectors 0x30-0x3F. */
#include "hal.h"
#include "arch.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1

VOID HalInitializePic(VOID)
{
    WRITE_PORT_UCHAR(PIC1_CMD, 0x11);                       /* ICW1: edge, cascade, ICW4 */
    WRITE_PORT_UCHAR(PIC2_CMD, 0x11);
    WRITE_PORT_UCHAR(PIC1_DATA, PRIMARY_VECTOR_BASE);       /* ICW2: vector bases */
    WRITE_PORT_UCHAR(PIC2_DATA, PRIMARY_VECTOR_BASE + 8);
    WRITE_PORT_UCHAR(PIC1_DATA, 0x04);                      /* ICW3: slave on IRQ 2 */
    WRITE_PORT_UCHAR(PIC2_DATA, 0x02);
    WRITE_PORT_UCHAR(PIC1_DATA, 0x01);                      /* ICW4: 8086 mode */
    WRITE_PORT_UCHAR(PIC2_DATA, 0x01);
    WRITE_PORT_UCHAR(PIC1_DATA, 0xFB);                      /* everything masked but the cascade */
    WRITE_PORT_UCHAR(PIC2_DATA, 0xFF);
}

VOID HalEnableIrq(ULONG Irq)
{
    USHORT port = Irq < 8 ? PIC1_DATA : PIC2_DATA;
    UCHAR mask = READ_PORT_UCHAR(port) & ~(1 << (Irq & 7));
    WRITE_PORT_UCHAR(port, mask);
}

VOID HalEndOfInterrupt(ULONG Irq)
{
    if (Irq >= 8)
        WRITE_PORT_UCHAR(PIC2_CMD, 0x20);
    WRITE_PORT_UCHAR(PIC1_CMD, 0x20);
}
