/*
 * procvm.c - process address spaces (docs/spec.md §2): one page directory per process whose kernel half
 * (PDEs 512-1023) is copied from the system page directory; since kernel PDEs never change after
 * phase 0, every process sees the same kernel. User pages the process owns carry MI_PTE_OWNED and
 * are freed with the address space; shared pages (ntdll text, SharedUserData) do not.
 */
#include "mm.h"
#include "mi.h"
#include "pfn.h"
#include "arch.h"
#include "rtl.h"

static PULONG MiPd(ULONG Dtb) { return MI_PA_TO_VA(Dtb & ~0xFFF); }

NTSTATUS MmCreateProcessAddressSpace(PULONG DirectoryTableBase)
{
    ULONG pfn = MiAllocateZeroedPfn();
    if (!pfn)
        return STATUS_NO_MEMORY;
    PULONG pd = MI_PA_TO_VA(pfn << PAGE_SHIFT);
    memcpy(&pd[512], &MiSystemPageDirectory()[512], 512 * sizeof(ULONG));
    *DirectoryTableBase = pfn << PAGE_SHIFT;
    return STATUS_SUCCESS;
}

/* The PTE for a user address, creating its page table when Create is set. */
static PULONG MiUserPte(ULONG Dtb, ULONG Va, BOOLEAN Create)
{
    PULONG pde = &MiPd(Dtb)[Va >> 22];
    if (!(*pde & MI_PTE_PRESENT)) {
        if (!Create)
            return NULL;
        ULONG pfn = MiAllocateZeroedPfn();
        if (!pfn)
            return NULL;
        *pde = (pfn << PAGE_SHIFT) | MI_PTE_PRESENT | MI_PTE_WRITE | MI_PTE_USER;
    }
    PULONG pt = MI_PA_TO_VA(*pde & ~0xFFF);
    return &pt[(Va >> 12) & 1023];
}

static VOID MiFlushIfCurrent(ULONG Dtb, ULONG Va)
{
    if ((KeGetCr3() & ~0xFFF) == (Dtb & ~0xFFF))
        KeInvalidateTlbEntry((PVOID)Va);
}

NTSTATUS MmMapUserPage(ULONG Dtb, ULONG Va, ULONG Pfn, ULONG PteFlags)
{
    if (Va < 0x10000 || Va > MM_HIGHEST_USER_ADDRESS)
        return STATUS_INVALID_PARAMETER;
    PULONG pte = MiUserPte(Dtb, Va, TRUE);
    if (!pte)
        return STATUS_NO_MEMORY;
    if (*pte & MI_PTE_PRESENT)
        return STATUS_CONFLICTING_ADDRESSES;
    *pte = (Pfn << PAGE_SHIFT) | MI_PTE_PRESENT | MI_PTE_USER | (PteFlags & (MI_PTE_WRITE | MI_PTE_OWNED));
    MiFlushIfCurrent(Dtb, Va);
    return STATUS_SUCCESS;
}

VOID MmFreeUserRange(ULONG Dtb, ULONG Va, ULONG Size)
{
    for (ULONG a = PAGE_ALIGN(Va); a < Va + Size; a += PAGE_SIZE) {
        PULONG pte = MiUserPte(Dtb, a, FALSE);
        if (!pte || !(*pte & MI_PTE_PRESENT))
            continue;
        if (*pte & MI_PTE_OWNED)
            MiFreePhysicalPage(*pte >> PAGE_SHIFT);
        *pte = 0;
        MiFlushIfCurrent(Dtb, a);
    }
}

NTSTATUS MmAllocateUserRange(ULONG Dtb, ULONG Va, ULONG Size, BOOLEAN Writable)
{
    return MmAllocateUserRangeWithData(Dtb, Va, Size, Writable, 0, NULL, 0);
}

/* A new frame holding the bytes of [DataVa, DataVa + DataLength) that fall in the page at Va
   and zero everywhere else (each byte written once: no zeroing of what is then copied). */
static ULONG MiAllocateFilledPfn(ULONG Va, ULONG DataVa, const UCHAR *Data, ULONG DataLength)
{
    ULONG pfn = MiAllocatePhysicalPage();
    if (!pfn)
        return 0;
    PUCHAR page = MI_PA_TO_VA(pfn << PAGE_SHIFT);
    ULONG lo = DataVa > Va ? DataVa : Va, hi = DataVa + DataLength;
    if (hi > Va + PAGE_SIZE)
        hi = Va + PAGE_SIZE;
    if (DataLength == 0 || lo >= hi) {
        memset(page, 0, PAGE_SIZE);
        return pfn;
    }
    memset(page, 0, lo - Va);
    memcpy(page + (lo - Va), Data + (lo - DataVa), hi - lo);
    memset(page + (hi - Va), 0, Va + PAGE_SIZE - hi);
    return pfn;
}

/*
 * MmAllocateUserRangeWithData - MmAllocateUserRange whose pages start with the DataLength bytes
 * at Data placed at DataVa (inside the range), zero elsewhere. Result: as MmAllocateUserRange.
 */
NTSTATUS MmAllocateUserRangeWithData(ULONG Dtb, ULONG Va, ULONG Size, BOOLEAN Writable, ULONG DataVa,
                                     const VOID *Data, ULONG DataLength)
{
    for (ULONG a = PAGE_ALIGN(Va); a < Va + Size; a += PAGE_SIZE) {
        ULONG pfn = MiAllocateFilledPfn(a, DataVa, Data, DataLength);
        NTSTATUS status = pfn ? MmMapUserPage(Dtb, a, pfn, MI_PTE_OWNED | (Writable ? MI_PTE_WRITE : 0))
                              : STATUS_NO_MEMORY;
        if (!NT_SUCCESS(status)) {
            if (pfn)
                MiFreePhysicalPage(pfn);
            MmFreeUserRange(Dtb, PAGE_ALIGN(Va), a - PAGE_ALIGN(Va));
            return status;
        }
    }
    return STATUS_SUCCESS;
}

PVOID MmUserVaToKernel(ULONG Dtb, ULONG Va)
{
    PULONG pte = MiUserPte(Dtb, Va, FALSE);
    if (!pte || !(*pte & MI_PTE_PRESENT))
        return NULL;
    return (PUCHAR)MI_PA_TO_VA(*pte & ~0xFFF) + (Va & 0xFFF);
}

/* Copy into another (or this) address space through KSEG0, page by page. */
NTSTATUS MmCopyToProcess(ULONG Dtb, ULONG Va, const VOID *Source, ULONG Length)
{
    const UCHAR *src = Source;
    while (Length) {
        ULONG chunk = PAGE_SIZE - (Va & 0xFFF);
        if (chunk > Length)
            chunk = Length;
        PVOID dst = MmUserVaToKernel(Dtb, Va);
        if (!dst)
            return STATUS_ACCESS_VIOLATION;
        memcpy(dst, src, chunk);
        Va += chunk;
        src += chunk;
        Length -= chunk;
    }
    return STATUS_SUCCESS;
}

/* The first non-zero entry in [Pte, End), or End: most of a page table is empty, and one
   repe scasl per entry skips it. */
static PULONG MiNextNonZeroPte(PULONG Pte, PULONG End)
{
    ULONG count = (ULONG)(End - Pte);
    if (count == 0)
        return End;
    BOOLEAN found;
    __asm__("repe scasl"
            : "+D"(Pte), "+c"(count), "=@ccnz"(found)
            : "a"(0), "m"(*(const ULONG(*)[1024])Pte));
    return found ? Pte - 1 : End;
}

/* Free every owned user page, the page tables and the directory. Not the current CR3. */
VOID MmDeleteProcessAddressSpace(ULONG Dtb)
{
    PULONG pd = MiPd(Dtb);
    for (ULONG i = 0; i < 512; i++) {
        if (!(pd[i] & MI_PTE_PRESENT))
            continue;
        PULONG pt = MI_PA_TO_VA(pd[i] & ~0xFFF);
        for (PULONG pte = pt, end = pt + 1024; (pte = MiNextNonZeroPte(pte, end)) != end; pte++)
            if ((*pte & MI_PTE_PRESENT) && (*pte & MI_PTE_OWNED))
                MiFreePhysicalPage(*pte >> PAGE_SHIFT);
        MiFreePhysicalPage(pd[i] >> PAGE_SHIFT);
    }
    MiFreePhysicalPage(Dtb >> PAGE_SHIFT);
}

/* Is the user page at Va present and writable in the address space Dtb? */
BOOLEAN MmIsUserPageWritable(ULONG Dtb, ULONG Va)
{
    PULONG pte = MiUserPte(Dtb, Va, FALSE);
    return pte && (*pte & MI_PTE_PRESENT) && (*pte & MI_PTE_WRITE);
}

/* MiSetUserPteAccess - change the present user page at Va to Writable / user-Accessible (a
   supervisor-only page is NanoNT's PAGE_NOACCESS: user mode faults on it, the frame stays).
   FALSE when no page is there. */
BOOLEAN MiSetUserPteAccess(ULONG Dtb, ULONG Va, BOOLEAN Writable, BOOLEAN Accessible)
{
    PULONG pte = MiUserPte(Dtb, Va, FALSE);
    if (!pte || !(*pte & MI_PTE_PRESENT))
        return FALSE;
    ULONG value = *pte & ~(MI_PTE_WRITE | MI_PTE_USER);
    *pte = value | (Writable ? MI_PTE_WRITE : 0) | (Accessible ? MI_PTE_USER : 0);
    MiFlushIfCurrent(Dtb, Va);
    return TRUE;
}
