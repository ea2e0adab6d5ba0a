/* serial.c - COM1 at 115200 8N1, polled: the console DbgPrint writes to (docs/spec.md §1). */
#include "hal.h"
#include "arch.h"

#define COM1 0x3F8

VOID HalInitializeSerial(VOID)
{
    WRITE_PORT_UCHAR(COM1 + 1, 0x00);   /* no interrupts */
    WRITE_PORT_UCHAR(COM1 + 3, 0x80);   /* DLAB on */
    WRITE_PORT_UCHAR(COM1 + 0, 0x01);   /* divisor 1: 115200 baud */
    WRITE_PORT_UCHAR(COM1 + 1, 0x00);
    WRITE_PORT_UCHAR(COM1 + 3, 0x03);   /* 8N1, DLAB off */
    WRITE_PORT_UCHAR(COM1 + 2, 0xC7);   /* FIFO on, cleared */
    WRITE_PORT_UCHAR(COM1 + 4, 0x03);   /* DTR, RTS */
}

static VOID HalpSerialPutChar(CHAR c)
{
    ULONG spins = 100000;
    while (!(READ_PORT_UCHAR(COM1 + 5) & 0x20) && --spins)
        ;
    WRITE_PORT_UCHAR(COM1, (UCHAR)c);
}

VOID HalSerialWrite(const CHAR *Buffer, ULONG Length)
{
    for (ULONG i = 0; i < Length; i++) {
        if (Buffer[i] == '\n')
            HalpSerialPutChar('\r');
        HalpSerialPutChar(Buffer[i]);
    }
}
