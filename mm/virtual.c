/*
 * virtual.c - user virtual memory a process allocates: NtAllocateVirtualMemory and
 * NtFreeVirtualMemory (NT signatures), and their kernel counterparts.
 *
 * Each reservation is an MMVAD in a list sorted by address (EPROCESS.VadRoot). Reservations are
 * 64 KiB aligned; committed pages are zeroed, owned pages of the address space, mapped at once
 * (there is no demand paging yet). Image, PEB, TEBs, parameters and ntdll are not VADs, but a new
 * reservation never covers a page that is already mapped. A mapped view of a section is a VAD
 * too (mm/section.c), with its section referenced. All VADs go when the process ends.
 */
#include "mm.h"
#include "ps.h"
#include "pool.h"
#include "ob.h"
#include "ntpsapi.h"

#include "mi.h"

PMMVAD MiFindVad(PEPROCESS Process, ULONG Va)
{
    for (PMMVAD v = Process->VadRoot; v && v->StartingAddress <= Va; v = v->Next)
        if (Va < v->EndingAddress)
            return v;
    return NULL;
}

/* Is [Start, End) free of VADs and of mapped pages? */
BOOLEAN MiRangeFree(PEPROCESS Process, ULONG Start, ULONG End)
{
    for (PMMVAD v = Process->VadRoot; v; v = v->Next)
        if (v->StartingAddress < End && Start < v->EndingAddress)
            return FALSE;
    for (ULONG a = Start; a < End; a += PAGE_SIZE)
        if (MmUserVaToKernel(Process->Pcb.DirectoryTableBase, a))
            return FALSE;
    return TRUE;
}

VOID MiInsertVad(PEPROCESS Process, PMMVAD Vad)
{
    PMMVAD *link = &Process->VadRoot;
    while (*link && (*link)->StartingAddress < Vad->StartingAddress)
        link = &(*link)->Next;
    Vad->Next = *link;
    *link = Vad;
}

VOID MiRemoveVad(PEPROCESS Process, PMMVAD Vad)
{
    PMMVAD *link = &Process->VadRoot;
    while (*link != Vad)
        link = &(*link)->Next;
    *link = Vad->Next;
}

/* MiFreeVad - free a VAD that is in no list, with its page protections. */
VOID MiFreeVad(PMMVAD Vad)
{
    if (Vad->PageProtect)
        ExFreePoolWithTag(Vad->PageProtect, MI_VAD_TAG);
    ExFreePoolWithTag(Vad, MI_VAD_TAG);
}

/* MiFindFreeRange - the lowest 64 KiB-aligned free range of Length bytes between the image
   area and ntdll (automatic placement). FALSE when there is none. */
BOOLEAN MiFindFreeRange(PEPROCESS Process, ULONG Length, PULONG Start)
{
    for (ULONG start = MI_VAD_SEARCH_START; start + Length <= MI_VAD_SEARCH_END && start + Length > start;
         start += MI_ALLOCATION_GRANULARITY) {
        if (MiRangeFree(Process, start, start + Length)) {
            *Start = start;
            return TRUE;
        }
    }
    return FALSE;
}

/* Commit every page of [Start, End) of Vad that is not committed yet, with Protect (recorded in
   the VAD's page protections when NtProtectVirtualMemory gave it some, mm/protect.c). */
static NTSTATUS MiCommitRange(PEPROCESS Process, PMMVAD Vad, ULONG Start, ULONG End, ULONG Protect,
                              BOOLEAN Writable)
{
    for (ULONG a = Start; a < End; a += PAGE_SIZE) {
        if (MmUserVaToKernel(Process->Pcb.DirectoryTableBase, a))
            continue;
        NTSTATUS status = MmAllocateUserRange(Process->Pcb.DirectoryTableBase, a, PAGE_SIZE, Writable);
        if (!NT_SUCCESS(status))
            return status;
        if (Vad->PageProtect)
            Vad->PageProtect[(a - Vad->StartingAddress) >> PAGE_SHIFT] = (UCHAR)Protect;
    }
    return STATUS_SUCCESS;
}

/*
 * MmAllocateVirtualMemory - reserve and/or commit in Process. In/out: *Base (0 = choose; rounded
 * down to 64 KiB for a reservation, to a page for a commit) and *Size (rounded up to pages).
 * AllocationType: MEM_RESERVE and/or MEM_COMMIT; Protect: PAGE_READWRITE, PAGE_READONLY,
 * PAGE_EXECUTE, PAGE_EXECUTE_READ or PAGE_EXECUTE_READWRITE. Result: STATUS_SUCCESS,
 * STATUS_INVALID_PARAMETER, STATUS_INVALID_PAGE_PROTECTION, STATUS_CONFLICTING_ADDRESSES,
 * STATUS_NO_MEMORY, STATUS_PROCESS_IS_TERMINATING.
 */
NTSTATUS MmAllocateVirtualMemory(PEPROCESS Process, PULONG Base, PULONG Size, ULONG AllocationType, ULONG Protect)
{
    if (!(AllocationType & (MEM_COMMIT | MEM_RESERVE)) || (AllocationType & ~(MEM_COMMIT | MEM_RESERVE)))
        return STATUS_INVALID_PARAMETER;
    BOOLEAN writable;
    switch (Protect) {
    case PAGE_READWRITE: case PAGE_EXECUTE_READWRITE: writable = TRUE; break;
    case PAGE_READONLY: case PAGE_EXECUTE: case PAGE_EXECUTE_READ: writable = FALSE; break;
    default: return STATUS_INVALID_PAGE_PROTECTION;
    }
    if (Process->Exiting)
        return STATUS_PROCESS_IS_TERMINATING;
    ULONG size = *Size, base = *Base;
    if (size == 0 || size > MI_USER_LIMIT || base >= MI_USER_LIMIT)
        return STATUS_INVALID_PARAMETER;

    if (!(AllocationType & MEM_RESERVE)) {
        ULONG start = PAGE_ALIGN(base), end = ROUND_TO_PAGES(base + size);
        PMMVAD vad = MiFindVad(Process, start);
        if (!vad || vad->Section || end > vad->EndingAddress || end <= start)
            return STATUS_CONFLICTING_ADDRESSES;
        NTSTATUS status = MiCommitRange(Process, vad, start, end, Protect, writable);
        if (NT_SUCCESS(status)) {
            *Base = start;
            *Size = end - start;
        }
        return status;
    }

    ULONG start, end;
    if (base) {
        start = base & ~(MI_ALLOCATION_GRANULARITY - 1);
        end = ROUND_TO_PAGES(base + size);
        if (start < MI_USER_LOWEST || end > MI_USER_LIMIT || end <= start)
            return STATUS_INVALID_PARAMETER;
        if (!MiRangeFree(Process, start, end))
            return STATUS_CONFLICTING_ADDRESSES;
    } else {
        ULONG length = ROUND_TO_PAGES(size);
        if (!MiFindFreeRange(Process, length, &start))
            return STATUS_NO_MEMORY;
        end = start + length;
    }
    PMMVAD vad = ExAllocatePoolWithTag(NonPagedPool, sizeof(MMVAD), MI_VAD_TAG);
    if (!vad)
        return STATUS_NO_MEMORY;
    vad->StartingAddress = start;
    vad->EndingAddress = end;
    vad->Protect = Protect;
    vad->Section = NULL;
    vad->PageProtect = NULL;
    MiInsertVad(Process, vad);
    if (AllocationType & MEM_COMMIT) {
        NTSTATUS status = MiCommitRange(Process, vad, start, end, Protect, writable);
        if (!NT_SUCCESS(status)) {
            MmFreeUserRange(Process->Pcb.DirectoryTableBase, start, end - start);
            MiRemoveVad(Process, vad);
            ExFreePoolWithTag(vad, MI_VAD_TAG);
            return status;
        }
    }
    *Base = start;
    *Size = end - start;
    return STATUS_SUCCESS;
}

/*
 * MmFreeVirtualMemory - In/out: *Base and *Size. MEM_RELEASE frees a whole reservation (Base its
 * start, Size 0 or its size); MEM_DECOMMIT frees the committed pages of a range inside one
 * (Size 0 = to its end). Result: STATUS_SUCCESS, STATUS_INVALID_PARAMETER,
 * STATUS_MEMORY_NOT_ALLOCATED, STATUS_FREE_VM_NOT_AT_BASE, STATUS_UNABLE_TO_FREE_VM.
 */
NTSTATUS MmFreeVirtualMemory(PEPROCESS Process, PULONG Base, PULONG Size, ULONG FreeType)
{
    if (FreeType != MEM_RELEASE && FreeType != MEM_DECOMMIT)
        return STATUS_INVALID_PARAMETER;
    ULONG start = PAGE_ALIGN(*Base);
    PMMVAD vad = MiFindVad(Process, start);
    if (!vad)
        return STATUS_MEMORY_NOT_ALLOCATED;
    if (vad->Section)
        return STATUS_UNABLE_TO_DELETE_SECTION;   /* a view goes only by NtUnmapViewOfSection */
    ULONG end = *Size ? ROUND_TO_PAGES(*Base + *Size) : vad->EndingAddress;
    if (end > vad->EndingAddress || end <= start)
        return STATUS_UNABLE_TO_FREE_VM;
    if (FreeType == MEM_RELEASE) {
        if (start != vad->StartingAddress)
            return STATUS_FREE_VM_NOT_AT_BASE;
        if (end != vad->EndingAddress)
            return STATUS_UNABLE_TO_FREE_VM;
        MiRemoveVad(Process, vad);
        MiFreeVad(vad);
    }
    MmFreeUserRange(Process->Pcb.DirectoryTableBase, start, end - start);
    *Base = start;
    *Size = end - start;
    return STATUS_SUCCESS;
}

/* MmDeleteVads - the process is ending: drop its VAD list (the pages went with the address
   space) and the references its views hold on their sections. */
VOID MmDeleteVads(PEPROCESS Process)
{
    while (Process->VadRoot) {
        PMMVAD v = Process->VadRoot;
        Process->VadRoot = v->Next;
        if (v->Section)
            ObDereferenceObject(v->Section);
        MiFreeVad(v);
    }
}

/* The process behind a handle with PROCESS_VM_OPERATION, and the caller's *Base and *Size. */
static NTSTATUS MiCaptureRequest(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                                 PEPROCESS *Process, PULONG Base, PULONG Size)
{
    NTSTATUS status = MmCopyFromUser(Base, BaseAddress, sizeof(*Base));
    if (NT_SUCCESS(status))
        status = MmCopyFromUser(Size, RegionSize, sizeof(*Size));
    if (NT_SUCCESS(status))
        status = ObReferenceObjectByHandle(ProcessHandle, PROCESS_VM_OPERATION, PsProcessType, UserMode,
                                           (PVOID *)Process, NULL);
    return status;
}

static NTSTATUS MiReturnRequest(PVOID *BaseAddress, PSIZE_T RegionSize, ULONG Base, ULONG Size)
{
    NTSTATUS status = MmCopyToUser(BaseAddress, &Base, sizeof(Base));
    return NT_SUCCESS(status) ? MmCopyToUser(RegionSize, &Size, sizeof(Size)) : status;
}

/*
 * NtAllocateVirtualMemory - In: a process handle (PROCESS_VM_OPERATION), in/out *BaseAddress and
 * *RegionSize, ZeroBits (must be 0), AllocationType and Protect as MmAllocateVirtualMemory.
 * Result: as MmAllocateVirtualMemory, plus handle errors and STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
                                       PSIZE_T RegionSize, ULONG AllocationType, ULONG Protect)
{
    if (ZeroBits)
        return STATUS_INVALID_PARAMETER_3;
    PEPROCESS process;
    ULONG base, size;
    NTSTATUS status = MiCaptureRequest(ProcessHandle, BaseAddress, RegionSize, &process, &base, &size);
    if (!NT_SUCCESS(status))
        return status;
    status = MmAllocateVirtualMemory(process, &base, &size, AllocationType, Protect);
    if (NT_SUCCESS(status)) {
        status = MiReturnRequest(BaseAddress, RegionSize, base, size);
        if (!NT_SUCCESS(status) && (AllocationType & MEM_RESERVE)) {
            ULONG zero = 0;
            MmFreeVirtualMemory(process, &base, &zero, MEM_RELEASE);
        }
    }
    ObDereferenceObject(process);
    return status;
}

/*
 * NtFreeVirtualMemory - In: a process handle (PROCESS_VM_OPERATION), in/out *BaseAddress and
 * *RegionSize, FreeType MEM_RELEASE or MEM_DECOMMIT. Result: as MmFreeVirtualMemory, plus handle
 * errors and STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG FreeType)
{
    PEPROCESS process;
    ULONG base, size;
    NTSTATUS status = MiCaptureRequest(ProcessHandle, BaseAddress, RegionSize, &process, &base, &size);
    if (!NT_SUCCESS(status))
        return status;
    status = MmFreeVirtualMemory(process, &base, &size, FreeType);
    if (NT_SUCCESS(status))
        status = MiReturnRequest(BaseAddress, RegionSize, base, size);
    ObDereferenceObject(process);
    return status;
}
