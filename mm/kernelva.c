/*
 * kernelva.c - 4 KiB-mapped kernel space: kernel stacks, each with an unmapped guard page below
 * it (a kernel stack overflow faults, then double-faults into a bugcheck instead of silently
 * corrupting memory), and other page-mapped kernel buffers. One bitmap of pages per region.
 */
#include "mm.h"
#include "mi.h"
#include "pfn.h"
#include "arch.h"

typedef struct _MI_VA_REGION {
    ULONG Base;
    ULONG Pages;
    ULONG Hint;
    ULONG Bitmap[4096 / 32];
} MI_VA_REGION;

static MI_VA_REGION MiStackRegion, MiSystemVaRegion;

VOID MiInitializeKernelVa(VOID)
{
    MiStackRegion.Base = MM_KERNEL_STACK_REGION;
    MiStackRegion.Pages = (MM_KERNEL_STACK_REGION_END - MM_KERNEL_STACK_REGION) >> PAGE_SHIFT;
    MiSystemVaRegion.Base = MM_KERNEL_VA_REGION;
    MiSystemVaRegion.Pages = (MM_KERNEL_VA_REGION_END - MM_KERNEL_VA_REGION) >> PAGE_SHIFT;
}

static BOOLEAN MiTestBit(MI_VA_REGION *r, ULONG i) { return (r->Bitmap[i / 32] >> (i % 32)) & 1; }
static VOID MiSetBits(MI_VA_REGION *r, ULONG i, ULONG n, BOOLEAN v)
{
    for (ULONG k = i; k < i + n; k++) {
        if (v)
            r->Bitmap[k / 32] |= 1u << (k % 32);
        else
            r->Bitmap[k / 32] &= ~(1u << (k % 32));
    }
}

/* First fit from the hint; returns the first page index or -1. */
static LONG MiReserveVa(MI_VA_REGION *r, ULONG n)
{
    for (ULONG pass = 0; pass < 2; pass++) {
        ULONG start = pass ? 0 : r->Hint, run = 0;
        for (ULONG i = start; i < r->Pages; i++) {
            run = MiTestBit(r, i) ? 0 : run + 1;
            if (run == n) {
                ULONG first = i + 1 - n;
                MiSetBits(r, first, n, TRUE);
                r->Hint = i + 1;
                return (LONG)first;
            }
        }
    }
    return -1;
}

/* Map Pages fresh zeroed pages at Va (kernel, writable); on failure unmap what was mapped. */
static BOOLEAN MiMapFreshPages(ULONG Va, ULONG Pages)
{
    for (ULONG i = 0; i < Pages; i++) {
        ULONG pfn = MiAllocateZeroedPfn();
        if (!pfn) {
            while (i--) {
                PULONG pte = MiKernelPte(Va + i * PAGE_SIZE);
                MiFreePhysicalPage(*pte >> PAGE_SHIFT);
                *pte = 0;
                KeInvalidateTlbEntry((PVOID)(Va + i * PAGE_SIZE));
            }
            return FALSE;
        }
        MiMapKernelPage(Va + i * PAGE_SIZE, pfn);
    }
    return TRUE;
}

static VOID MiUnmapAndFree(ULONG Va, ULONG Pages)
{
    for (ULONG i = 0; i < Pages; i++) {
        PULONG pte = MiKernelPte(Va + i * PAGE_SIZE);
        if (*pte & MI_PTE_PRESENT)
            MiFreePhysicalPage(*pte >> PAGE_SHIFT);
        *pte = 0;
        KeInvalidateTlbEntry((PVOID)(Va + i * PAGE_SIZE));
    }
}

PVOID MmCreateKernelStack(ULONG Pages, PVOID *StackLimit)
{
    ULONG flags = KeDisableInterrupts();
    LONG first = MiReserveVa(&MiStackRegion, Pages + 1);      /* + the guard page */
    KeRestoreInterrupts(flags);
    if (first < 0)
        return NULL;
    ULONG limit = MiStackRegion.Base + ((ULONG)first + 1) * PAGE_SIZE;
    if (!MiMapFreshPages(limit, Pages)) {
        flags = KeDisableInterrupts();
        MiSetBits(&MiStackRegion, (ULONG)first, Pages + 1, FALSE);
        KeRestoreInterrupts(flags);
        return NULL;
    }
    *StackLimit = (PVOID)limit;
    return (PVOID)(limit + Pages * PAGE_SIZE);
}

VOID MmDeleteKernelStack(PVOID StackBase, ULONG Pages)
{
    ULONG limit = (ULONG)StackBase - Pages * PAGE_SIZE;
    MiUnmapAndFree(limit, Pages);
    ULONG flags = KeDisableInterrupts();
    MiSetBits(&MiStackRegion, ((limit - MiStackRegion.Base) >> PAGE_SHIFT) - 1, Pages + 1, FALSE);
    KeRestoreInterrupts(flags);
}

/*
 * MmMapIoSpace - map device memory (a framebuffer, registers) into kernel space, 4 KiB pages
 * in the kernel VA region. In: the physical address (need not be page aligned), the byte count,
 * the caching wanted (MmNonCached: uncached; MmWriteCombined: write-through, the nearest without
 * PAT; MmCached: write-back). Result: the kernel address of
 * PhysicalAddress, or NULL when the region is full or the range is empty or beyond 4 GiB.
 * The pages are not RAM the kernel owns: MmUnmapIoSpace never frees them.
 */
PVOID MmMapIoSpace(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes, MEMORY_CACHING_TYPE CacheType)
{
    ULONGLONG pa = (ULONGLONG)PhysicalAddress.QuadPart;
    if (NumberOfBytes == 0 || pa + NumberOfBytes > 0x100000000ULL)
        return NULL;
    ULONG offset = (ULONG)pa & (PAGE_SIZE - 1);
    ULONG pages = (ULONG)(ROUND_TO_PAGES(offset + NumberOfBytes) >> PAGE_SHIFT);
    ULONG flags = KeDisableInterrupts();
    LONG first = MiReserveVa(&MiSystemVaRegion, pages);
    KeRestoreInterrupts(flags);
    if (first < 0)
        return NULL;
    ULONG va = MiSystemVaRegion.Base + (ULONG)first * PAGE_SIZE;
    ULONG pte = MI_PTE_PRESENT | MI_PTE_WRITE;
    if (CacheType == MmNonCached)
        pte |= MI_PTE_CACHE_DISABLE | MI_PTE_WRITE_THROUGH;
    else if (CacheType == MmWriteCombined)
        pte |= MI_PTE_WRITE_THROUGH;
    for (ULONG i = 0; i < pages; i++) {
        *MiKernelPte(va + i * PAGE_SIZE) = (((ULONG)pa & ~(PAGE_SIZE - 1)) + i * PAGE_SIZE) | pte;
        KeInvalidateTlbEntry((PVOID)(va + i * PAGE_SIZE));
    }
    return (PVOID)(va + offset);
}

/* MmUnmapIoSpace - undo MmMapIoSpace (same byte count); the physical pages stay the device's. */
VOID MmUnmapIoSpace(PVOID BaseAddress, SIZE_T NumberOfBytes)
{
    ULONG va = PAGE_ALIGN(BaseAddress);
    ULONG pages = (ULONG)(ROUND_TO_PAGES(((ULONG)BaseAddress & (PAGE_SIZE - 1)) + NumberOfBytes) >> PAGE_SHIFT);
    for (ULONG i = 0; i < pages; i++) {
        *MiKernelPte(va + i * PAGE_SIZE) = 0;
        KeInvalidateTlbEntry((PVOID)(va + i * PAGE_SIZE));
    }
    ULONG flags = KeDisableInterrupts();
    MiSetBits(&MiSystemVaRegion, (va - MiSystemVaRegion.Base) >> PAGE_SHIFT, pages, FALSE);
    KeRestoreInterrupts(flags);
}
