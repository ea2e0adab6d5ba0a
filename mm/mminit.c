/*
 * mminit.c - phase 0 of the memory manager: the physical page allocator from the Multiboot memory
 * map, the system page directory (KSEG0 mapped with 4 MiB pages by boot.S, identity map dropped),
 * the page tables of the 4 KiB-mapped kernel regions (shared by every process because every page
 * directory copies the kernel PDEs), the KPCR page and SharedUserData (docs/spec.md §2).
 */
#include "mm.h"
#include "mi.h"
#include "pfn.h"
#include "arch.h"
#include "rtl.h"
#include "loader.h"


ULONG MmUserProbeAddress = MM_USER_PROBE_ADDRESS;
ULONG MmHighestUserAddress = MM_HIGHEST_USER_ADDRESS;
ULONG MmSystemDirectoryTableBase;
ULONG MmSharedUserDataPfn;
static ULONG MiPfnBitmap[(MM_KSEG0_LIMIT - MM_KSEG0_BASE) / PAGE_SIZE / 32];

PULONG MiSystemPageDirectory(VOID) { return KiBootPageDirectory; }

ULONG MiAllocateZeroedPfn(VOID)
{
    ULONG pfn = MiAllocatePhysicalPage();
    if (pfn)
        memset(MI_PA_TO_VA(pfn << PAGE_SHIFT), 0, PAGE_SIZE);
    return pfn;
}

/* The PTE that maps a kernel address in one of the 4 KiB-mapped regions. */
PULONG MiKernelPte(ULONG Va)
{
    ULONG pde = KiBootPageDirectory[Va >> 22];
    if (!(pde & MI_PTE_PRESENT) || (pde & MI_PTE_LARGE))
        KeBugCheckEx(NO_MORE_SYSTEM_PTES, Va, pde, 0, 0);
    PULONG pt = MI_PA_TO_VA(pde & ~0xFFF);
    return &pt[(Va >> 12) & 1023];
}

static VOID MiCreateKernelPageTable(ULONG Va)
{
    ULONG pfn = MiAllocateZeroedPfn();
    if (!pfn)
        KeBugCheckEx(PHASE0_INITIALIZATION_FAILED, 0x4D4D, Va, 0, 0);
    KiBootPageDirectory[Va >> 22] = (pfn << PAGE_SHIFT) | MI_PTE_PRESENT | MI_PTE_WRITE;
}

VOID MiMapKernelPage(ULONG Va, ULONG Pfn)
{
    *MiKernelPte(Va) = (Pfn << PAGE_SHIFT) | MI_PTE_PRESENT | MI_PTE_WRITE;
    KeInvalidateTlbEntry((PVOID)Va);
}

VOID MmInitSystem(PLOADER_PARAMETER_BLOCK Lb)
{
    /* 1. physical pages: usable RAM from the memory map, below the KSEG0 limit */
    ULONG limitPfn = (MM_KSEG0_LIMIT - MM_KSEG0_BASE) >> PAGE_SHIFT;
    ULONG highest = 0;
    for (ULONG i = 0; i < Lb->MemoryRangeCount; i++) {
        ULONGLONG end = Lb->MemoryRanges[i].Base + Lb->MemoryRanges[i].Length;
        ULONG endPfn = end >= ((ULONGLONG)limitPfn << PAGE_SHIFT) ? limitPfn : (ULONG)(end >> PAGE_SHIFT);
        if (endPfn > highest)
            highest = endPfn;
    }
    MiInitializePfnAllocator(MiPfnBitmap, highest);
    for (ULONG i = 0; i < Lb->MemoryRangeCount; i++) {
        ULONGLONG base = Lb->MemoryRanges[i].Base, end = base + Lb->MemoryRanges[i].Length;
        ULONG first = (ULONG)((base + PAGE_SIZE - 1) >> PAGE_SHIFT);
        ULONG last = end >= ((ULONGLONG)highest << PAGE_SHIFT) ? highest : (ULONG)(end >> PAGE_SHIFT);
        if (last > first)
            MiReleasePhysicalRange(first, last - first);
    }
    /* the first MiB (BIOS, multiboot structures), the kernel image, the modules */
    MiReservePhysicalRange(0, 0x100000 >> PAGE_SHIFT);
    ULONG kfirst = MI_VA_TO_PA(__KernelStart) >> PAGE_SHIFT;
    ULONG klast = (MI_VA_TO_PA(__KernelEnd) + PAGE_SIZE - 1) >> PAGE_SHIFT;
    MiReservePhysicalRange(kfirst, klast - kfirst);
    for (ULONG i = 0; i < Lb->ModuleCount; i++) {
        ULONG first = Lb->Modules[i].PhysicalStart >> PAGE_SHIFT;
        ULONG last = (Lb->Modules[i].PhysicalEnd + PAGE_SIZE - 1) >> PAGE_SHIFT;
        if (last > highest)
            last = highest;
        if (last > first)
            MiReservePhysicalRange(first, last - first);
    }

    /* 2. drop the boot identity map; page 0 is never mapped again */
    KiBootPageDirectory[0] = 0;
    KiBootPageDirectory[1] = 0;
    MmSystemDirectoryTableBase = MI_VA_TO_PA(KiBootPageDirectory);
    KeSetCr3(MmSystemDirectoryTableBase);

    /* 3. page tables for the 4 KiB-mapped kernel regions and the top 4 MiB (KPCR, SharedUserData) */
    for (ULONG va = MM_KERNEL_STACK_REGION; va < MM_KERNEL_VA_REGION_END; va += 0x400000)
        MiCreateKernelPageTable(va);
    MiCreateKernelPageTable(0xFFC00000);

    /* 4. the KPCR and SharedUserData pages */
    ULONG pcrPfn = MiAllocateZeroedPfn();
    MmSharedUserDataPfn = MiAllocateZeroedPfn();
    if (!pcrPfn || !MmSharedUserDataPfn)
        KeBugCheckEx(PHASE0_INITIALIZATION_FAILED, 0x4D4D, 1, 0, 0);
    MiMapKernelPage(KIP0PCRADDRESS, pcrPfn);
    MiMapKernelPage(KI_USER_SHARED_DATA, MmSharedUserDataPfn);
    MiInitializeKernelVa();
}

/* Pool pages: physically contiguous, used through KSEG0 (mm/pool.c calls these). */
/* One page (the pool's small-block pages) needs no search for a run. */
PVOID MiAllocatePoolPages(ULONG PageCount)
{
    ULONG first;
    if (PageCount == 1)
        first = MiAllocatePhysicalPage();
    else if (!NT_SUCCESS(MiAllocateContiguousPages(PageCount, &first)))
        return NULL;
    return first ? MI_PA_TO_VA(first << PAGE_SHIFT) : NULL;
}

VOID MiFreePoolPages(PVOID Base, ULONG PageCount)
{
    if (PageCount == 1)
        MiFreePhysicalPage(MI_VA_TO_PA(Base) >> PAGE_SHIFT);
    else
        MiFreeContiguousPages(MI_VA_TO_PA(Base) >> PAGE_SHIFT, PageCount);
}
