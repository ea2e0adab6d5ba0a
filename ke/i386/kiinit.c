/*
 * kiinit.c - processor structures: the GDT with NT's selectors (docs/spec.md §3), the TSS and its per-CPU
 * entry stack, the double-fault TSS, the KPCR at 0xFFDFF000 (FS = 0x30) and the sysenter MSRs.
 */
#include "ke.h"
#include "arch.h"
#include "../ki.h"

#define KGDT_NUMBER 12
static ULONGLONG KiGdt[KGDT_NUMBER] __attribute__((aligned(16)));
KI_CPU_ENTRY_AREA KiCpuEntryArea;    /* page-aligned by its declaration in ki.h */
static KTSS KiDoubleFaultTss __attribute__((aligned(128)));
static UCHAR KiDoubleFaultStack[0x2000] __attribute__((aligned(16)));


static VOID KiSetGdtEntry(ULONG Selector, ULONG Base, ULONG Limit, UCHAR Access, UCHAR Flags)
{
    ULONG lo = (Limit & 0xFFFF) | ((Base & 0xFFFF) << 16);
    ULONG hi = ((Base >> 16) & 0xFF) | ((ULONG)Access << 8) | (Limit & 0xF0000) |
               ((ULONG)(Flags & 0xF) << 20) | (Base & 0xFF000000);
    KiGdt[Selector >> 3] = ((ULONGLONG)hi << 32) | lo;
}

/* Point the user FS descriptor (0x3B) at a thread's TEB: done on every context switch. */
VOID KiSetTebDescriptor(ULONG TebBase)
{
    KiSetGdtEntry(KGDT_R3_TEB, TebBase, 0xFFF, 0xF2, 0x4);
}

/* A task gate's TSS for double faults: a fresh stack and address space, then a bugcheck. */
static VOID KiInitializeDoubleFaultTss(VOID)
{
    KTSS *t = &KiDoubleFaultTss;
    t->Esp0 = t->Esp = (ULONG)(KiDoubleFaultStack + sizeof(KiDoubleFaultStack));
    t->Ss0 = t->Ss = KGDT_R0_DATA;
    t->Eip = (ULONG)KiTrap08;
    t->CR3 = MI_VA_TO_PA(KiBootPageDirectory);
    t->EFlags = 0x2;
    t->Cs = KGDT_R0_CODE;
    t->Ds = t->Es = KGDT_R3_DATA | RPL_MASK;
    t->Fs = KGDT_R0_PCR;
    t->IoMapBase = sizeof(KTSS);
}

VOID KiInitializeProcessor(PKPCR Pcr)
{
    /* GDT (docs/spec.md §3) */
    KiSetGdtEntry(KGDT_R0_CODE, 0, 0xFFFFF, 0x9A, 0xC);
    KiSetGdtEntry(KGDT_R0_DATA, 0, 0xFFFFF, 0x92, 0xC);
    KiSetGdtEntry(KGDT_R3_CODE, 0, 0xFFFFF, 0xFA, 0xC);
    KiSetGdtEntry(KGDT_R3_DATA, 0, 0xFFFFF, 0xF2, 0xC);
    KiSetGdtEntry(KGDT_TSS, (ULONG)&KiCpuEntryArea.Tss, sizeof(KTSS) - 1, 0x89, 0x0);
    KiSetGdtEntry(KGDT_R0_PCR, (ULONG)Pcr, 0xFFF, 0x92, 0x4);
    KiSetTebDescriptor(0);
    KiInitializeDoubleFaultTss();
    KiSetGdtEntry(KGDT_DF_TSS, (ULONG)&KiDoubleFaultTss, sizeof(KTSS) - 1, 0x89, 0x0);

    struct { USHORT Limit; ULONG Base; } __attribute__((packed)) gdtr = { sizeof(KiGdt) - 1, (ULONG)KiGdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "ljmp %1, $1f\n"
        "1:\n\t"
        "movw %w2, %%ss\n\t"
        "movw %w3, %%ds\n\t"
        "movw %w3, %%es\n\t"
        "movw %w4, %%fs\n\t"
        "xorl %%eax, %%eax\n\t"
        "movw %%ax, %%gs\n\t"
        :: "m"(gdtr), "i"(KGDT_R0_CODE), "r"(KGDT_R0_DATA), "r"(KGDT_R3_DATA | RPL_MASK),
           "r"(KGDT_R0_PCR) : "eax", "memory");

    /* TSS: ring-0 stack for ring transitions; no I/O permission bitmap */
    KTSS *tss = &KiCpuEntryArea.Tss;
    tss->Ss0 = KGDT_R0_DATA;
    tss->Esp0 = (ULONG)KiBootStackTop;
    tss->IoMapBase = sizeof(KTSS);
    __asm__ volatile("ltr %w0" :: "r"(KGDT_TSS));

    /* KPCR (docs/spec.md §4) */
    Pcr->NtTib.ExceptionList = (PVOID)-1;
    Pcr->NtTib.Self = NULL;
    Pcr->SelfPcr = Pcr;
    Pcr->Prcb = &Pcr->PrcbData;
    Pcr->TSS = tss;
    Pcr->GDT = KiGdt;
    Pcr->MajorVersion = 1;
    Pcr->MinorVersion = 1;
    Pcr->PrcbData.MajorVersion = 1;
    Pcr->PrcbData.MinorVersion = 1;
    Pcr->PrcbData.BuildType = PRCB_BUILD_UNIPROCESSOR;
    Pcr->SetMember = Pcr->PrcbData.SetMember = 1;

    /* sysenter (docs/spec.md §3): CS 0x08, ESP = the TSS (KiFastCallEntry reads Esp0 from it) */
    KeWrmsr(MSR_SYSENTER_CS, KGDT_R0_CODE);
    KeWrmsr(MSR_SYSENTER_ESP, (ULONG)&KiCpuEntryArea.Tss);
    KeWrmsr(MSR_SYSENTER_EIP, (ULONG)KiFastCallEntry);

    /* no FPU for user code: x87 instructions raise #NM, reported as illegal instructions */
    KeSetCr0(KeGetCr0() | 0x4 /* EM */);
}

/* Switch the sysenter target (benchmark calibration only). */
VOID KiSetSysenterTarget(PVOID Target)
{
    KeWrmsr(MSR_SYSENTER_EIP, (ULONG)Target);
}
