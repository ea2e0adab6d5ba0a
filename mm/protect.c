/*
 * protect.c - NtProtectVirtualMemory (NT's signature and statuses): change the protection of the
 * committed pages of one reservation or view and return the old protection of the first page.
 *
 * A VAD keeps one protection (MMVAD.Protect, or the image's per section); the first change gives
 * it a byte per page (MMVAD.PageProtect) holding each page's PAGE_* value. The hardware sees the
 * protection in the PTE: writable for the protections that write (a write-copy one included:
 * NanoNT has no copy-on-write, image view pages are private copies already), supervisor-only for
 * PAGE_NOACCESS (user mode faults, the frame and its contents stay). x86 without PAE cannot refuse
 * execution, so the execute protections differ from the others only in what they report.
 */
#include "mm.h"
#include "ps.h"
#include "pool.h"
#include "ob.h"
#include "ntpsapi.h"

#include "mi.h"

/* Is Protect one of NT's eight page protections (no PAGE_GUARD/NOCACHE/WRITECOMBINE modifier)? */
static BOOLEAN MiIsPageProtection(ULONG Protect)
{
    switch (Protect) {
    case PAGE_NOACCESS: case PAGE_READONLY: case PAGE_READWRITE: case PAGE_WRITECOPY:
    case PAGE_EXECUTE: case PAGE_EXECUTE_READ: case PAGE_EXECUTE_READWRITE: case PAGE_EXECUTE_WRITECOPY:
        return TRUE;
    }
    return FALSE;
}

/* The protection the page at Va of Vad has now. */
static ULONG MiPageProtection(PMMVAD Vad, ULONG Va)
{
    if (Vad->PageProtect)
        return Vad->PageProtect[(Va - Vad->StartingAddress) >> PAGE_SHIFT];
    return Vad->Section ? MiViewDefaultProtection(Vad, Va) : Vad->Protect;
}

/*
 * MiProtectVirtualMemory - give the pages of [*Base, *Base + *Size) in Process the protection
 * NewProtect. In/out: *Base (rounded down to a page) and *Size (the range rounded out to whole
 * pages). Out: *OldProtect, the first page's protection before. The range must lie in one
 * reservation or view. Result: STATUS_SUCCESS, STATUS_INVALID_PAGE_PROTECTION (not one of the
 * eight protections; a write-copy one on private memory), STATUS_CONFLICTING_ADDRESSES (a page
 * outside every reservation and view, or the range crosses one's end), STATUS_NOT_COMMITTED (a
 * page not committed; nothing changes), STATUS_SECTION_PROTECTION (a view's section does not
 * allow it), STATUS_NO_MEMORY, STATUS_PROCESS_IS_TERMINATING.
 */
static NTSTATUS MiProtectVirtualMemory(PEPROCESS Process, PULONG Base, PULONG Size, ULONG NewProtect, PULONG OldProtect)
{
    if (!MiIsPageProtection(NewProtect))
        return STATUS_INVALID_PAGE_PROTECTION;
    if (Process->Exiting)
        return STATUS_PROCESS_IS_TERMINATING;
    if (*Size == 0 || *Base + *Size < *Base)
        return STATUS_INVALID_PARAMETER;
    ULONG start = PAGE_ALIGN(*Base), last = (*Base + *Size - 1) | (PAGE_SIZE - 1);
    PMMVAD vad = MiFindVad(Process, start);
    if (!vad || last >= vad->EndingAddress)
        return STATUS_CONFLICTING_ADDRESSES;
    if (!vad->Section && (NewProtect == PAGE_WRITECOPY || NewProtect == PAGE_EXECUTE_WRITECOPY))
        return STATUS_INVALID_PAGE_PROTECTION;      /* private memory is never write-copy */

    ULONG dtb = Process->Pcb.DirectoryTableBase;
    for (ULONG a = start; a < last; a += PAGE_SIZE) {
        if (vad->Section) {
            NTSTATUS status = MiCheckViewProtection(vad, a, NewProtect);
            if (!NT_SUCCESS(status))
                return status;
        }
        if (!MmUserVaToKernel(dtb, a))
            return STATUS_NOT_COMMITTED;
    }
    if (!vad->PageProtect) {
        ULONG pages = (vad->EndingAddress - vad->StartingAddress) >> PAGE_SHIFT;
        PUCHAR map = ExAllocatePoolWithTag(NonPagedPool, pages, MI_VAD_TAG);
        if (!map)
            return STATUS_NO_MEMORY;
        for (ULONG i = 0; i < pages; i++)
            map[i] = (UCHAR)MiPageProtection(vad, vad->StartingAddress + (i << PAGE_SHIFT));
        vad->PageProtect = map;
    }

    *OldProtect = MiPageProtection(vad, start);
    for (ULONG a = start; a < last; a += PAGE_SIZE) {
        vad->PageProtect[(a - vad->StartingAddress) >> PAGE_SHIFT] = (UCHAR)NewProtect;
        MiSetUserPteAccess(dtb, a, MiProtectionWrites(NewProtect), NewProtect != PAGE_NOACCESS);
    }
    *Base = start;
    *Size = last - start + 1;
    return STATUS_SUCCESS;
}

/* MiProbeAndTouch - probe a user dword for writing as NT's ProbeForWriteUlong does: aligned,
   below MmUserProbeAddress, and read and written back once (a read-only page fails here, before
   the service changes anything). Out: the value read. */
static NTSTATUS MiProbeAndTouch(PVOID Address, PULONG Value)
{
    NTSTATUS status = ProbeForWrite(Address, sizeof(ULONG), sizeof(ULONG));
    if (NT_SUCCESS(status))
        status = MmCopyFromUser(Value, Address, sizeof(ULONG));
    if (NT_SUCCESS(status))
        status = MmCopyToUser(Address, Value, sizeof(ULONG));
    return status;
}

/*
 * NtProtectVirtualMemory - In: a process handle (PROCESS_VM_OPERATION), in/out *BaseAddress and
 * *RegionSize (as MiProtectVirtualMemory), NewProtect; out *OldProtect. As NT: the protection is
 * checked first, then every pointer is probed for writing (read and written back) before
 * anything changes, then the range (STATUS_INVALID_PARAMETER_2 for a base above the user space, STATUS_INVALID_PARAMETER_3
 * for a size of 0 or one that runs past it). Result: as MiProtectVirtualMemory, plus handle
 * errors and STATUS_ACCESS_VIOLATION / STATUS_DATATYPE_MISALIGNMENT for bad pointers.
 */
NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                                      ULONG NewProtect, PULONG OldProtect)
{
    if (!MiIsPageProtection(NewProtect))
        return STATUS_INVALID_PAGE_PROTECTION;
    ULONG base, size, old = 0;
    NTSTATUS status = MiProbeAndTouch(OldProtect, &old);
    if (NT_SUCCESS(status))
        status = MiProbeAndTouch(BaseAddress, &base);
    if (NT_SUCCESS(status))
        status = MiProbeAndTouch(RegionSize, &size);
    if (!NT_SUCCESS(status))
        return status;
    if (base > MM_HIGHEST_USER_ADDRESS)
        return STATUS_INVALID_PARAMETER_2;
    if (size == 0 || MM_HIGHEST_USER_ADDRESS - base < size)
        return STATUS_INVALID_PARAMETER_3;
    PEPROCESS process;
    status = ObReferenceObjectByHandle(ProcessHandle, PROCESS_VM_OPERATION, PsProcessType, UserMode,
                                       (PVOID *)&process, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = MiProtectVirtualMemory(process, &base, &size, NewProtect, &old);
    ObDereferenceObject(process);
    if (!NT_SUCCESS(status))
        return status;
    status = MmCopyToUser(OldProtect, &old, sizeof(old));
    if (NT_SUCCESS(status))
        status = MmCopyToUser(BaseAddress, &base, sizeof(base));
    if (NT_SUCCESS(status))
        status = MmCopyToUser(RegionSize, &size, sizeof(size));
    return status;
}
