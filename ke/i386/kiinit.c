/*
 * kiinit.c - processor structures: the GDT with NT's selectors (docs/spec.md §3), the TSS and its per-CPU
 * entry stack, the double-fault TSS, the KPCR at 0xFFDFF000 (FS = 0x30) and the sysenter MSRs.
 * The boot processor's tables are the static ones here; another processor's come from ke/mp.c,
 * each with its own GDT, so FS = 0x30 reaches its own KPCR.
 */
#include "ke.h"
#include "arch.h"
#include "../ki.h"

static ULONGLONG KiGdt[KI_GDT_ENTRIES] __attribute__((aligned(16)));
KI_CPU_ENTRY_AREA KiCpuEntryArea;    /* page-aligned by its declaration in ki.h */
static KTSS KiDoubleFaultTss __attribute__((aligned(128)));
static UCHAR KiDoubleFaultStack[0x2000] __attribute__((aligned(16)));


static VOID KiSetGdtEntry(ULONGLONG *Gdt, ULONG Selector, ULONG Base, ULONG Limit, UCHAR Access,
                          UCHAR Flags)
{
    ULONG lo = (Limit & 0xFFFF) | ((Base & 0xFFFF) << 16);
    ULONG hi = ((Base >> 16) & 0xFF) | ((ULONG)Access << 8) | (Limit & 0xF0000) |
               ((ULONG)(Flags & 0xF) << 20) | (Base & 0xFF000000);
    Gdt[Selector >> 3] = ((ULONGLONG)hi << 32) | lo;
}

/* Point the user FS descriptor (0x3B) of this processor's GDT at a thread's TEB: done on every
   context switch. */
VOID KiSetTebDescriptor(ULONG TebBase)
{
    KiSetGdtEntry(KeGetPcr()->GDT, KGDT_R3_TEB, TebBase, 0xFFF, 0xF2, 0x4);
}

/* A task gate's TSS for double faults: a fresh stack and address space, then a bugcheck. */
static VOID KiInitializeDoubleFaultTss(PKTSS t, PVOID StackTop)
{
    t->Esp0 = t->Esp = (ULONG)StackTop;
    t->Ss0 = t->Ss = KGDT_R0_DATA;
    t->Eip = (ULONG)KiTrap08;
    t->CR3 = MI_VA_TO_PA(KiBootPageDirectory);
    t->EFlags = 0x2;
    t->Cs = KGDT_R0_CODE;
    t->Ds = t->Es = KGDT_R3_DATA | RPL_MASK;
    t->Fs = KGDT_R0_PCR;
    t->IoMapBase = sizeof(KTSS);
}

/* KiInitializeProcessorTables - load this processor's GDT, segments and TSS, fill in its KPCR and
   set its sysenter MSRs (every processor runs this once, on its own tables). */
VOID KiInitializeProcessorTables(PKPCR Pcr, const KI_PROCESSOR_TABLES *Tables)
{
    ULONGLONG *gdt = Tables->Gdt;
    KI_CPU_ENTRY_AREA *area = Tables->EntryArea;
    /* GDT (docs/spec.md §3) */
    KiSetGdtEntry(gdt, KGDT_R0_CODE, 0, 0xFFFFF, 0x9A, 0xC);
    KiSetGdtEntry(gdt, KGDT_R0_DATA, 0, 0xFFFFF, 0x92, 0xC);
    KiSetGdtEntry(gdt, KGDT_R3_CODE, 0, 0xFFFFF, 0xFA, 0xC);
    KiSetGdtEntry(gdt, KGDT_R3_DATA, 0, 0xFFFFF, 0xF2, 0xC);
    KiSetGdtEntry(gdt, KGDT_TSS, (ULONG)&area->Tss, sizeof(KTSS) - 1, 0x89, 0x0);
    KiSetGdtEntry(gdt, KGDT_R0_PCR, (ULONG)Pcr, 0xFFF, 0x92, 0x4);
    KiSetGdtEntry(gdt, KGDT_R3_TEB, 0, 0xFFF, 0xF2, 0x4);
    KiInitializeDoubleFaultTss(Tables->DoubleFaultTss, Tables->DoubleFaultStackTop);
    KiSetGdtEntry(gdt, KGDT_DF_TSS, (ULONG)Tables->DoubleFaultTss, sizeof(KTSS) - 1, 0x89, 0x0);

    struct { USHORT Limit; ULONG Base; } __attribute__((packed)) gdtr = {
        KI_GDT_ENTRIES * sizeof(ULONGLONG) - 1, (ULONG)gdt };
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
    KTSS *tss = &area->Tss;
    tss->Ss0 = KGDT_R0_DATA;
    tss->Esp0 = (ULONG)Tables->InitialEsp0;
    tss->IoMapBase = sizeof(KTSS);
    __asm__ volatile("ltr %w0" :: "r"(KGDT_TSS));

    /* KPCR (docs/spec.md §4) */
    Pcr->NtTib.ExceptionList = (PVOID)-1;
    Pcr->NtTib.Self = NULL;
    Pcr->SelfPcr = Pcr;
    Pcr->Prcb = &Pcr->PrcbData;
    Pcr->TSS = tss;
    Pcr->GDT = gdt;
    Pcr->MajorVersion = 1;
    Pcr->MinorVersion = 1;
    Pcr->PrcbData.MajorVersion = 1;
    Pcr->PrcbData.MinorVersion = 1;
    Pcr->PrcbData.BuildType = PRCB_BUILD_UNIPROCESSOR;
    Pcr->SetMember = Pcr->PrcbData.SetMember = 1;

    /* sysenter (docs/spec.md §3): CS 0x08, ESP = the TSS (KiFastCallEntry reads Esp0 from it) */
    KeWrmsr(MSR_SYSENTER_CS, KGDT_R0_CODE);
    KeWrmsr(MSR_SYSENTER_ESP, (ULONG)&area->Tss);
    KeWrmsr(MSR_SYSENTER_EIP, (ULONG)KiFastCallEntry);

    /* no FPU for user code: x87 instructions raise #NM, reported as illegal instructions */
    KeSetCr0(KeGetCr0() | 0x4 /* EM */);
}

/* The boot processor's tables. */
VOID KiInitializeProcessor(PKPCR Pcr)
{
    KI_PROCESSOR_TABLES tables = { KiGdt, &KiCpuEntryArea, &KiDoubleFaultTss,
                                   KiDoubleFaultStack + sizeof(KiDoubleFaultStack), KiBootStackTop };
    KiInitializeProcessorTables(Pcr, &tables);
}

/* Switch the sysenter target (benchmark calibration only). */
VOID KiSetSysenterTarget(PVOID Target)
{
    KeWrmsr(MSR_SYSENTER_EIP, (ULONG)Target);
}
