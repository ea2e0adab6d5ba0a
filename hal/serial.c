/*
 * serial.c - COM1 at 115200 8N1: the console DbgPrint writes to (docs/spec.md §1), polled; its
 * receiver feeds the console device through IRQ 4 (io/console.c). COM2 carries the event
 * timeline as raw bytes (ke/timeline.c).
 */
#include "hal.h"
#include "arch.h"

#define COM1 0x3F8
#define COM2 0x2F8

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

/* HalSerialEnableReceiveInterrupt - COM1 raises IRQ 4 when a byte arrives (TRUE) or never. OUT2
   gates the UART's interrupt line on PC hardware, so it goes on with the first enable. */
VOID HalSerialEnableReceiveInterrupt(BOOLEAN Enable)
{
    WRITE_PORT_UCHAR(COM1 + 4, 0x0B);   /* DTR, RTS, OUT2 */
    WRITE_PORT_UCHAR(COM1 + 1, Enable ? 0x01 : 0x00);
}

/* HalSerialReadChar - the next received byte of COM1, if one is waiting. */
BOOLEAN HalSerialReadChar(PUCHAR Char)
{
    if (!(READ_PORT_UCHAR(COM1 + 5) & 0x01))
        return FALSE;
    *Char = READ_PORT_UCHAR(COM1);
    return TRUE;
}

/* HalInitializeSerialPort2 - COM2 like COM1, without interrupts: a raw byte sink. */
VOID HalInitializeSerialPort2(VOID)
{
    WRITE_PORT_UCHAR(COM2 + 1, 0x00);
    WRITE_PORT_UCHAR(COM2 + 3, 0x80);
    WRITE_PORT_UCHAR(COM2 + 0, 0x01);
    WRITE_PORT_UCHAR(COM2 + 1, 0x00);
    WRITE_PORT_UCHAR(COM2 + 3, 0x03);
    WRITE_PORT_UCHAR(COM2 + 2, 0xC7);
    WRITE_PORT_UCHAR(COM2 + 4, 0x03);
}

/* HalSerialPort2Write - bytes to COM2 as they are (no line-end translation). */
VOID HalSerialPort2Write(const UCHAR *Buffer, ULONG Length)
{
    for (ULONG i = 0; i < Length; i++) {
        ULONG spins = 100000;
        while (!(READ_PORT_UCHAR(COM2 + 5) & 0x20) && --spins)
            ;
        WRITE_PORT_UCHAR(COM2, Buffer[i]);
    }
}
