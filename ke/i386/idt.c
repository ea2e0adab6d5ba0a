/*
 * idt.c - the interrupt descriptor table. Every vector has an interrupt gate (IF cleared on
 * entry); DPL 3 only for int3 (3), into (4) and the system service (0x2E), as docs/spec.md §3 says; the
 * double fault goes through a task gate to its own TSS and stack.
 */
#include "ke.h"
#include "../ki.h"

typedef struct _KIDTENTRY {
    USHORT Offset;
    USHORT Selector;
    UCHAR Reserved;
    UCHAR Access;
    USHORT ExtendedOffset;
} KIDTENTRY;

static KIDTENTRY KiIdt[256] __attribute__((aligned(16)));

#define STUB(n) extern VOID n(VOID)
STUB(KiTrap00); STUB(KiTrap01); STUB(KiTrap02); STUB(KiTrap03); STUB(KiTrap04); STUB(KiTrap05);
STUB(KiTrap06); STUB(KiTrap07); STUB(KiTrap0A); STUB(KiTrap0B); STUB(KiTrap0C); STUB(KiTrap0D);
STUB(KiTrap0E); STUB(KiTrap10); STUB(KiTrap11); STUB(KiTrap12); STUB(KiTrap13); STUB(KiTrapReserved);
STUB(KiSystemService);
STUB(KiInterrupt30); STUB(KiInterrupt31); STUB(KiInterrupt32); STUB(KiInterrupt33);
STUB(KiInterrupt34); STUB(KiInterrupt35); STUB(KiInterrupt36); STUB(KiInterrupt37);
STUB(KiInterrupt38); STUB(KiInterrupt39); STUB(KiInterrupt3A); STUB(KiInterrupt3B);
STUB(KiInterrupt3C); STUB(KiInterrupt3D); STUB(KiInterrupt3E); STUB(KiInterrupt3F);
STUB(KiInterruptD1); STUB(KiInterruptE1); STUB(KiInterruptFF);

static VOID KiSetGate(ULONG Vector, VOID (*Handler)(VOID), ULONG Dpl)
{
    ULONG a = (ULONG)Handler;
    KiIdt[Vector].Offset = (USHORT)a;
    KiIdt[Vector].ExtendedOffset = (USHORT)(a >> 16);
    KiIdt[Vector].Selector = KGDT_R0_CODE;
    KiIdt[Vector].Reserved = 0;
    KiIdt[Vector].Access = 0x8E | (UCHAR)(Dpl << 5);    /* present 32-bit interrupt gate */
}

VOID KiInitializeIdt(VOID)
{
    static VOID (*const irq[16])(VOID) = {
        KiInterrupt30, KiInterrupt31, KiInterrupt32, KiInterrupt33, KiInterrupt34, KiInterrupt35,
        KiInterrupt36, KiInterrupt37, KiInterrupt38, KiInterrupt39, KiInterrupt3A, KiInterrupt3B,
        KiInterrupt3C, KiInterrupt3D, KiInterrupt3E, KiInterrupt3F };

    for (ULONG v = 0; v < 256; v++)
        KiSetGate(v, KiTrapReserved, 0);
    KiSetGate(0x00, KiTrap00, 0);
    KiSetGate(0x01, KiTrap01, 0);
    KiSetGate(0x02, KiTrap02, 0);
    KiSetGate(0x03, KiTrap03, 3);
    KiSetGate(0x04, KiTrap04, 3);
    KiSetGate(0x05, KiTrap05, 0);
    KiSetGate(0x06, KiTrap06, 0);
    KiSetGate(0x07, KiTrap07, 0);
    KiIdt[0x08].Offset = 0;                                   /* task gate to the double-fault TSS */
    KiIdt[0x08].ExtendedOffset = 0;
    KiIdt[0x08].Selector = KGDT_DF_TSS;
    KiIdt[0x08].Reserved = 0;
    KiIdt[0x08].Access = 0x85;
    KiSetGate(0x0A, KiTrap0A, 0);
    KiSetGate(0x0B, KiTrap0B, 0);
    KiSetGate(0x0C, KiTrap0C, 0);
    KiSetGate(0x0D, KiTrap0D, 0);
    KiSetGate(0x0E, KiTrap0E, 0);
    KiSetGate(0x10, KiTrap10, 0);
    KiSetGate(0x11, KiTrap11, 0);
    KiSetGate(0x12, KiTrap12, 0);
    KiSetGate(0x13, KiTrap13, 0);
    KiSetGate(0x2E, KiSystemService, 3);
    for (ULONG i = 0; i < 16; i++)
        KiSetGate(0x30 + i, irq[i], 0);
    /* the local APIC's clock, IPI and spurious vectors (ke/mp.c; unused with one processor) */
    KiSetGate(KI_APIC_CLOCK_VECTOR, KiInterruptD1, 0);
    KiSetGate(KI_IPI_VECTOR, KiInterruptE1, 0);
    KiSetGate(0xFF, KiInterruptFF, 0);
    KiLoadIdt();
}

/* Load the IDT on this processor (every processor shares the one table). */
VOID KiLoadIdt(VOID)
{
    struct { USHORT Limit; ULONG Base; } __attribute__((packed)) idtr = { sizeof(KiIdt) - 1, (ULONG)KiIdt };
    __asm__ volatile("lidt %0" :: "m"(idtr));
    KeGetPcr()->IDT = KiIdt;
}
