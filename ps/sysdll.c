/*
 * sysdll.c - the system ntdll image (docs/spec.md §5): it travels inside the kernel (ke/ntdllimg.S), is
 * validated once at boot, and is mapped at NTDLL_BASE in every process: read-only segments share
 * one set of physical pages, writable ones get a private copy per process. The header at
 * NTDLL_BASE tells the kernel where KiFastSystemCall, KiUserApcDispatcher and friends are.
 */
#include "psp.h"
#include "mm.h"
#include "pfn.h"
#include "elfimage.h"
#include "rtl.h"

NTDLL_KERNEL_EXPORTS PspSystemDll;
static MI_ELF_IMAGE PspNtdllInfo;
static ULONG PspNtdllSharedPfn[64];          /* pages of the read-only segments, in order */
static ULONG PspNtdllSharedPages;

NTSTATUS PspInitializeSystemDll(VOID)
{
    ULONG size = (ULONG)(KiNtdllImageEnd - KiNtdllImage);
    NTSTATUS status = MiValidateElfImage(KiNtdllImage, size, NTDLL_BASE, 0x7FFDAFFF, &PspNtdllInfo);
    if (!NT_SUCCESS(status))
        return status;
    for (ULONG s = 0; s < PspNtdllInfo.SegmentCount; s++) {
        MI_ELF_SEGMENT *seg = &PspNtdllInfo.Segments[s];
        if (seg->VirtualAddress == NTDLL_BASE && seg->FileSize >= sizeof(PspSystemDll))
            memcpy(&PspSystemDll, KiNtdllImage + seg->FileOffset, sizeof(PspSystemDll));
        if (seg->Flags & PF_W)
            continue;
        /* a shared copy of each read-only page */
        for (ULONG off = 0; off < seg->MemorySize + (seg->VirtualAddress & 0xFFF); off += PAGE_SIZE) {
            ULONG pfn = MiAllocatePhysicalPage();
            if (!pfn || PspNtdllSharedPages == ARRAYSIZE(PspNtdllSharedPfn))
                return STATUS_NO_MEMORY;
            PUCHAR page = MI_PA_TO_VA(pfn << PAGE_SHIFT);
            memset(page, 0, PAGE_SIZE);
            ULONG pageVa = PAGE_ALIGN(seg->VirtualAddress) + off;
            for (ULONG b = 0; b < PAGE_SIZE; b++) {
                ULONG va = pageVa + b;
                if (va >= seg->VirtualAddress && va < seg->VirtualAddress + seg->FileSize)
                    page[b] = KiNtdllImage[seg->FileOffset + (va - seg->VirtualAddress)];
            }
            PspNtdllSharedPfn[PspNtdllSharedPages++] = pfn;
        }
    }
    if (PspSystemDll.Magic != NTDLL_HEADER_MAGIC)
        return STATUS_INVALID_IMAGE_FORMAT;
    return STATUS_SUCCESS;
}

NTSTATUS PspMapSystemDll(ULONG Dtb)
{
    ULONG shared = 0;
    for (ULONG s = 0; s < PspNtdllInfo.SegmentCount; s++) {
        MI_ELF_SEGMENT *seg = &PspNtdllInfo.Segments[s];
        ULONG start = PAGE_ALIGN(seg->VirtualAddress);
        ULONG end = ROUND_TO_PAGES(seg->VirtualAddress + seg->MemorySize);
        NTSTATUS status;
        if (seg->Flags & PF_W) {
            status = MmAllocateUserRange(Dtb, start, end - start, TRUE);
            if (NT_SUCCESS(status))
                status = MmCopyToProcess(Dtb, seg->VirtualAddress, KiNtdllImage + seg->FileOffset,
                                         seg->FileSize);
        } else {
            status = STATUS_SUCCESS;
            for (ULONG va = start; va < end && NT_SUCCESS(status); va += PAGE_SIZE)
                status = MmMapUserPage(Dtb, va, PspNtdllSharedPfn[shared++], 0);
        }
        if (!NT_SUCCESS(status))
            return status;
    }
    return STATUS_SUCCESS;
}
