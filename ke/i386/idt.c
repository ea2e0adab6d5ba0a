/*
 * idt.c - the interrupt descriptor table, filled from the one vector list (ke/i386/vectors.h) that
 * trap.S also generates its stubs from. Every vector has an interrupt gate (IF cleared on entry)
 * except the double fault, which goes through a task gate to its own TSS and stack; DPL 3 only for
 * int3 (3), into (4) and the system service (0x2E), as docs/spec.md §3 says.
 */
#include "ke.h"
#include "../ki.h"
#include "vectors.h"

typedef struct _KIDTENTRY {
    USHORT Offset;
    USHORT Selector;
    UCHAR Reserved;
    UCHAR Access;
    USHORT ExtendedOffset;
} KIDTENTRY;

static KIDTENTRY KiIdt[256] __attribute__((aligned(16)));

/* The gate each kind of vector gets (its access byte without the DPL). */
#define KI_INTERRUPT_GATE 0x8E          /* present 32-bit interrupt gate */
#define KI_TASK_GATE      0x85          /* present task gate */
#define KI_GATE_NOERR KI_INTERRUPT_GATE
#define KI_GATE_ERR   KI_INTERRUPT_GATE
#define KI_GATE_IRQ   KI_INTERRUPT_GATE
#define KI_GATE_OWN   KI_INTERRUPT_GATE
#define KI_GATE_TASK  KI_TASK_GATE

static const struct {
    UCHAR Vector;
    UCHAR Gate;
    UCHAR Dpl;
    VOID (*Routine)(VOID);
} KiIdtVectors[] = {
#define KI_IDT_ENTRY(Vector, Routine, Kind, Dpl) { Vector, KI_GATE_##Kind, Dpl, Routine },
    KI_IDT_VECTORS(KI_IDT_ENTRY)
#undef KI_IDT_ENTRY
};

static VOID KiSetGate(ULONG Vector, UCHAR Gate, VOID (*Routine)(VOID), ULONG Dpl)
{
    ULONG a = Gate == KI_TASK_GATE ? 0 : (ULONG)Routine;   /* a task gate names only the TSS */
    KiIdt[Vector].Offset = (USHORT)a;
    KiIdt[Vector].ExtendedOffset = (USHORT)(a >> 16);
    KiIdt[Vector].Selector = Gate == KI_TASK_GATE ? KGDT_DF_TSS : KGDT_R0_CODE;
    KiIdt[Vector].Reserved = 0;
    KiIdt[Vector].Access = Gate | (UCHAR)(Dpl << 5);
}

VOID KiInitializeIdt(VOID)
{
    for (ULONG v = 0; v < 256; v++)
        KiSetGate(v, KI_INTERRUPT_GATE, KiTrapReserved, 0);
    for (ULONG i = 0; i < sizeof(KiIdtVectors) / sizeof(KiIdtVectors[0]); i++)
        KiSetGate(KiIdtVectors[i].Vector, KiIdtVectors[i].Gate, KiIdtVectors[i].Routine,
                  KiIdtVectors[i].Dpl);
    KiLoadIdt();
}

/* Load the IDT on this processor (every processor shares the one table). */
VOID KiLoadIdt(VOID)
{
    struct { USHORT Limit; ULONG Base; } __attribute__((packed)) idtr = { sizeof(KiIdt) - 1, (ULONG)KiIdt };
    __asm__ volatile("lidt %0" :: "m"(idtr));
    KeGetPcr()->IDT = KiIdt;
}
