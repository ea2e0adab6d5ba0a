/*
 * vectors.h - the one list of IDT vectors that have an entry (docs/spec.md §3). trap.S expands it
 * into the entry stubs and idt.c into the table, so a vector is added in one place (as xv6
 * generates its stubs and its table from one list). Included by C and by assembly.
 *
 * KI_IDT_VECTORS(X) calls X(Vector, Routine, Kind, Dpl) once per vector. Kind says who writes the
 * entry and which gate it gets:
 *   NOERR  an exception without a CPU error code: trap.S generates the stub, which pushes 0
 *   ERR    an exception with a CPU error code: trap.S generates the stub
 *   IRQ    a hardware interrupt (the 8259 PICs at 0x30-0x3F, as NT; the local APIC's at 0xD1,
 *          0xE1, 0xFF): trap.S generates the stub
 *   OWN    an entry written by hand: KiTrap01 (trap.S), KiSystemService (sysentry.S)
 *   TASK   a task gate to the double-fault TSS, where KiTrap08 runs (ke/i386/kiinit.c)
 * All other gates are interrupt gates. Dpl 3 only where ring 3 may use int n: int3, into and the
 * system service. Every vector not listed gets KiTrapReserved's gate, DPL 0.
 */
#ifndef NANONT_KE_I386_VECTORS_H
#define NANONT_KE_I386_VECTORS_H

#define KI_IDT_VECTORS(X) \
    X(0x00, KiTrap00,       NOERR, 0)   /* divide error */ \
    X(0x01, KiTrap01,       OWN,   0)   /* debug: the sysenter TF window (trap.S) */ \
    X(0x02, KiTrap02,       NOERR, 0)   /* NMI */ \
    X(0x03, KiTrap03,       NOERR, 3)   /* int3 */ \
    X(0x04, KiTrap04,       NOERR, 3)   /* into */ \
    X(0x05, KiTrap05,       NOERR, 0)   /* bound */ \
    X(0x06, KiTrap06,       NOERR, 0)   /* invalid opcode */ \
    X(0x07, KiTrap07,       NOERR, 0)   /* no math coprocessor */ \
    X(0x08, KiTrap08,       TASK,  0)   /* double fault */ \
    X(0x0A, KiTrap0A,       ERR,   0)   /* invalid TSS */ \
    X(0x0B, KiTrap0B,       ERR,   0)   /* segment not present */ \
    X(0x0C, KiTrap0C,       ERR,   0)   /* stack fault */ \
    X(0x0D, KiTrap0D,       ERR,   0)   /* general protection */ \
    X(0x0E, KiTrap0E,       ERR,   0)   /* page fault */ \
    X(0x0F, KiTrapReserved, NOERR, 0)   /* reserved; also every vector not listed */ \
    X(0x10, KiTrap10,       NOERR, 0)   /* x87 error */ \
    X(0x11, KiTrap11,       ERR,   0)   /* alignment check */ \
    X(0x12, KiTrap12,       NOERR, 0)   /* machine check */ \
    X(0x13, KiTrap13,       NOERR, 0)   /* SIMD error */ \
    X(0x2E, KiSystemService, OWN,  3)   /* system service (sysentry.S) */ \
    X(0x30, KiInterrupt30,  IRQ,   0) \
    X(0x31, KiInterrupt31,  IRQ,   0) \
    X(0x32, KiInterrupt32,  IRQ,   0) \
    X(0x33, KiInterrupt33,  IRQ,   0) \
    X(0x34, KiInterrupt34,  IRQ,   0) \
    X(0x35, KiInterrupt35,  IRQ,   0) \
    X(0x36, KiInterrupt36,  IRQ,   0) \
    X(0x37, KiInterrupt37,  IRQ,   0) \
    X(0x38, KiInterrupt38,  IRQ,   0) \
    X(0x39, KiInterrupt39,  IRQ,   0) \
    X(0x3A, KiInterrupt3A,  IRQ,   0) \
    X(0x3B, KiInterrupt3B,  IRQ,   0) \
    X(0x3C, KiInterrupt3C,  IRQ,   0) \
    X(0x3D, KiInterrupt3D,  IRQ,   0) \
    X(0x3E, KiInterrupt3E,  IRQ,   0) \
    X(0x3F, KiInterrupt3F,  IRQ,   0) \
    X(0xD1, KiInterruptD1,  IRQ,   0)   /* local APIC: clock (ke/mp.c) */ \
    X(0xE1, KiInterruptE1,  IRQ,   0)   /* local APIC: interprocessor interrupt */ \
    X(0xFF, KiInterruptFF,  IRQ,   0)   /* local APIC: spurious */

#ifndef __ASSEMBLER__
#include "ntdef.h"
/* The entry routines, declared from the list. */
#define KI_DECLARE_VECTOR_ROUTINE(Vector, Routine, Kind, Dpl) VOID Routine(VOID);
KI_IDT_VECTORS(KI_DECLARE_VECTOR_ROUTINE)
#undef KI_DECLARE_VECTOR_ROUTINE
#endif

#endif
