/*
 * psquery.c - SystemProcessInformation (NtQuerySystemInformation class 5) in NT's x86 layout
 * (inc/ntpsapi.h): every live process with its threads, for tools such as nsh's ps and
 * threads commands; and SystemHandleInformation (class 16): every process's handles (nsh's
 * handles command). Built in a pool buffer with interrupts disabled (a consistent snapshot of
 * the process and thread lists), then copied to the caller.
 */
#include "psp.h"
#include "mm.h"
#include "pool.h"
#include "rtl.h"
#include "arch.h"
#include "ntlist.h"

#define PSP_QUERY_MAX 0x10000            /* bytes of one snapshot */

/* PsQuerySystemProcessInformation - In: the caller's buffer (user address) and its length, an
   optional user pointer for the needed length. Result: STATUS_SUCCESS,
   STATUS_INFO_LENGTH_MISMATCH (the needed length is still written), STATUS_ACCESS_VIOLATION,
   STATUS_INSUFFICIENT_RESOURCES. */
NTSTATUS PsQuerySystemProcessInformation(PVOID Buffer, ULONG Length, PULONG ReturnLength)
{
    PUCHAR snap = ExAllocatePoolWithTag(NonPagedPool, PSP_QUERY_MAX, 'qsP');
    if (!snap)
        return STATUS_INSUFFICIENT_RESOURCES;
    memset(snap, 0, PSP_QUERY_MAX);
    ULONG used = 0, names = PSP_QUERY_MAX;   /* records grow up from 0, names down from the end */
    PSYSTEM_PROCESS_INFORMATION prev = NULL;
    BOOLEAN overflow = FALSE;
    ULONG flags = KeDisableInterrupts();
    for (PLIST_ENTRY e = PsActiveProcessHead.Flink; e != &PsActiveProcessHead && !overflow; e = e->Flink) {
        PEPROCESS p = CONTAINING_RECORD(e, EPROCESS, ActiveProcessLinks);
        ULONG threads = 0;
        for (PLIST_ENTRY t = p->Pcb.ThreadListHead.Flink; t != &p->Pcb.ThreadListHead; t = t->Flink)
            threads++;
        ULONG nameChars = 0;
        while (nameChars < sizeof(p->ImageFileName) && p->ImageFileName[nameChars])
            nameChars++;
        ULONG nameBytes = (nameChars + 1) * sizeof(WCHAR);
        ULONG size = sizeof(SYSTEM_PROCESS_INFORMATION) + threads * sizeof(SYSTEM_THREAD_INFORMATION);
        if (used + size > names - nameBytes) {
            overflow = TRUE;
            break;
        }
        names -= nameBytes;
        PWSTR name = (PWSTR)(snap + names);
        for (ULONG i = 0; i < nameChars; i++)
            name[i] = (UCHAR)p->ImageFileName[i];
        PSYSTEM_PROCESS_INFORMATION spi = (PSYSTEM_PROCESS_INFORMATION)(snap + used);
        if (prev)
            prev->NextEntryOffset = (PUCHAR)spi - (PUCHAR)prev;
        prev = spi;
        spi->NumberOfThreads = threads;
        spi->ImageName.Length = (USHORT)(nameChars * sizeof(WCHAR));
        spi->ImageName.MaximumLength = (USHORT)nameBytes;
        spi->ImageName.Buffer = (PWSTR)(ULONG_PTR)names;   /* an offset until the copy below */
        spi->BasePriority = p->Pcb.BasePriority;
        spi->UniqueProcessId = (HANDLE)p->UniqueProcessId;
        spi->HandleCount = ObQueryHandleCount(p);
        spi->PageDirectoryBase = p->Pcb.DirectoryTableBase;
        spi->WorkingSetSize = spi->PrivatePageCount = p->UserPages * PAGE_SIZE;
        spi->VirtualSize = (p->UserPages + p->PageTablePages) * PAGE_SIZE;
        PSYSTEM_THREAD_INFORMATION sti = (PSYSTEM_THREAD_INFORMATION)(spi + 1);
        for (PLIST_ENTRY t = p->Pcb.ThreadListHead.Flink; t != &p->Pcb.ThreadListHead; t = t->Flink, sti++) {
            PETHREAD et = (PETHREAD)CONTAINING_RECORD(t, KTHREAD, ThreadListEntry);
            sti->StartAddress = et->StartAddress;
            sti->ClientId = et->Cid;
            sti->Priority = et->Tcb.Priority;
            sti->BasePriority = et->Tcb.BasePriority;
            sti->ThreadState = et->Tcb.State;
            sti->WaitReason = et->Tcb.WaitReason;
        }
        used += size;
    }
    KeRestoreInterrupts(flags);
    /* the names move down to follow the records; the pointers become the caller's */
    ULONG nameTotal = PSP_QUERY_MAX - names, need = used + nameTotal;
    NTSTATUS status = STATUS_SUCCESS;
    if (overflow)
        status = STATUS_INSUFFICIENT_RESOURCES;
    if (NT_SUCCESS(status) && ReturnLength)
        status = MmCopyToUser(ReturnLength, &need, sizeof(need));
    if (NT_SUCCESS(status) && Length < need)
        status = STATUS_INFO_LENGTH_MISMATCH;
    if (NT_SUCCESS(status)) {
        memmove(snap + used, snap + names, nameTotal);
        for (ULONG off = 0; used; ) {
            PSYSTEM_PROCESS_INFORMATION spi = (PSYSTEM_PROCESS_INFORMATION)(snap + off);
            spi->ImageName.Buffer = (PWSTR)((PUCHAR)Buffer + used + ((ULONG_PTR)spi->ImageName.Buffer - names));
            if (!spi->NextEntryOffset)
                break;
            off += spi->NextEntryOffset;
        }
        status = MmCopyToUser(Buffer, snap, need);
    }
    ExFreePoolWithTag(snap, 'qsP');
    return status;
}

/* PsQuerySystemHandleInformation - SystemHandleInformation: SYSTEM_HANDLE_INFORMATION with one
   entry per handle of every live process (ObQueryProcessHandles), snapshot taken with
   interrupts disabled. In, Result: as PsQuerySystemProcessInformation's. */
NTSTATUS PsQuerySystemHandleInformation(PVOID Buffer, ULONG Length, PULONG ReturnLength)
{
    const ULONG max = (PSP_QUERY_MAX - __builtin_offsetof(SYSTEM_HANDLE_INFORMATION, Handles)) /
                      sizeof(SYSTEM_HANDLE_TABLE_ENTRY_INFO);
    PSYSTEM_HANDLE_INFORMATION snap = ExAllocatePoolWithTag(NonPagedPool, PSP_QUERY_MAX, 'qsP');
    if (!snap)
        return STATUS_INSUFFICIENT_RESOURCES;
    memset(snap, 0, PSP_QUERY_MAX);
    ULONG count = 0;
    ULONG flags = KeDisableInterrupts();
    for (PLIST_ENTRY e = PsActiveProcessHead.Flink; e != &PsActiveProcessHead; e = e->Flink) {
        PEPROCESS p = CONTAINING_RECORD(e, EPROCESS, ActiveProcessLinks);
        count += ObQueryProcessHandles(p, &snap->Handles[count < max ? count : max], count < max ? max - count : 0);
    }
    KeRestoreInterrupts(flags);
    snap->NumberOfHandles = count;
    ULONG need = __builtin_offsetof(SYSTEM_HANDLE_INFORMATION, Handles) + count * sizeof(SYSTEM_HANDLE_TABLE_ENTRY_INFO);
    NTSTATUS status = count > max ? STATUS_INSUFFICIENT_RESOURCES : STATUS_SUCCESS;
    if (NT_SUCCESS(status) && ReturnLength)
        status = MmCopyToUser(ReturnLength, &need, sizeof(need));
    if (NT_SUCCESS(status) && Length < need)
        status = STATUS_INFO_LENGTH_MISMATCH;
    if (NT_SUCCESS(status))
        status = MmCopyToUser(Buffer, snap, need);
    ExFreePoolWithTag(snap, 'qsP');
    return status;
}
