/*
 * vmcopy.c - NtReadVirtualMemory and NtWriteVirtualMemory (NT's signatures): copying between the
 * caller's memory and another process's, as a process creator (RtlCreateUserProcess writing the
 * new process's parameters) or a debugger does. The copy goes through a small kernel buffer and
 * the target's pages' kernel aliases (KSEG0), a page at a time; NT attaches to the target
 * instead. A write never reaches a page the target may not write (its read-only image pages,
 * ntdll's shared ones), as NT's copy honours the target's protection.
 */
#include "mm.h"
#include "ps.h"
#include "ob.h"
#include "rtl.h"
#include "ntpsapi.h"

#define MI_COPY_CHUNK 256

/* Is [Address, Address + Length) a user range (below MmUserProbeAddress, no wrap)? */
static BOOLEAN MiIsUserRange(ULONG Address, ULONG Length)
{
    return Address < MmUserProbeAddress && Length <= MmUserProbeAddress - Address;
}

/*
 * MiCopyVirtualMemory - copy Length bytes between the caller's Local buffer and Remote in
 * Process (Write: into Process). Out: the bytes copied. Result: STATUS_SUCCESS,
 * STATUS_PARTIAL_COPY (the target's range is not all there, or not writable: what came before
 * was copied), STATUS_ACCESS_VIOLATION (the caller's buffer faulted),
 * STATUS_PROCESS_IS_TERMINATING.
 */
static NTSTATUS MiCopyVirtualMemory(PEPROCESS Process, ULONG Remote, PUCHAR Local, ULONG Length, BOOLEAN Write,
                                    PULONG Copied)
{
    UCHAR buffer[MI_COPY_CHUNK];
    ULONG done = 0;
    NTSTATUS status = STATUS_SUCCESS;
    *Copied = 0;
    if (Process->Exiting)
        return STATUS_PROCESS_IS_TERMINATING;
    while (done < Length) {
        ULONG va = Remote + done;
        ULONG chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > MI_COPY_CHUNK)
            chunk = MI_COPY_CHUNK;
        if (chunk > Length - done)
            chunk = Length - done;
        ULONG dtb = Process->Pcb.DirectoryTableBase;
        if (Write && !MmIsUserPageWritable(dtb, va)) {
            status = STATUS_PARTIAL_COPY;
            break;
        }
        if (Write) {
            status = MmCopyFromUser(buffer, Local + done, chunk);
            if (!NT_SUCCESS(status))
                break;
            PUCHAR target = MmUserVaToKernel(dtb, va);   /* checked again: the copy may have waited */
            if (!target || !MmIsUserPageWritable(dtb, va)) {
                status = STATUS_PARTIAL_COPY;
                break;
            }
            memcpy(target, buffer, chunk);
        } else {
            PUCHAR source = MmUserVaToKernel(dtb, va);
            if (!source) {
                status = STATUS_PARTIAL_COPY;
                break;
            }
            memcpy(buffer, source, chunk);
            status = MmCopyToUser(Local + done, buffer, chunk);
            if (!NT_SUCCESS(status))
                break;
        }
        done += chunk;
    }
    *Copied = done;
    return status;
}

static NTSTATUS MiReadWriteVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress, PVOID Buffer, SIZE_T Length,
                                         PSIZE_T Transferred, BOOLEAN Write)
{
    if (!MiIsUserRange((ULONG)BaseAddress, Length) || !MiIsUserRange((ULONG)Buffer, Length))
        return STATUS_ACCESS_VIOLATION;
    if (Transferred) {
        NTSTATUS status = ProbeForWrite(Transferred, sizeof(SIZE_T), sizeof(ULONG));
        if (!NT_SUCCESS(status))
            return status;
    }
    PEPROCESS process;
    NTSTATUS status = ObReferenceObjectByHandle(ProcessHandle, Write ? PROCESS_VM_WRITE : PROCESS_VM_READ,
                                                PsProcessType, UserMode, (PVOID *)&process, NULL);
    if (!NT_SUCCESS(status))
        return status;
    ULONG copied = 0;
    if (Length)
        status = MiCopyVirtualMemory(process, (ULONG)BaseAddress, Buffer, Length, Write, &copied);
    ObDereferenceObject(process);
    if (Transferred) {
        SIZE_T out = copied;
        NTSTATUS written = MmCopyToUser(Transferred, &out, sizeof(out));
        if (NT_SUCCESS(status))
            status = written;
    }
    return status;
}

/*
 * NtReadVirtualMemory - In: a process handle (PROCESS_VM_READ; NtCurrentProcess() too), the
 * address in it, the caller's buffer and length, optional PSIZE_T for the bytes copied. Result:
 * STATUS_SUCCESS, STATUS_PARTIAL_COPY, STATUS_ACCESS_VIOLATION (a range outside user space or
 * the caller's buffer), STATUS_PROCESS_IS_TERMINATING, handle errors.
 */
NTSTATUS NTAPI NtReadVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress, PVOID Buffer, SIZE_T NumberOfBytesToRead,
                                   PSIZE_T NumberOfBytesRead)
{
    return MiReadWriteVirtualMemory(ProcessHandle, BaseAddress, Buffer, NumberOfBytesToRead, NumberOfBytesRead, FALSE);
}

/* NtWriteVirtualMemory - the other way (PROCESS_VM_WRITE); a page the target may not write is
   STATUS_PARTIAL_COPY. */
NTSTATUS NTAPI NtWriteVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress, PVOID Buffer,
                                    SIZE_T NumberOfBytesToWrite, PSIZE_T NumberOfBytesWritten)
{
    return MiReadWriteVirtualMemory(ProcessHandle, BaseAddress, Buffer, NumberOfBytesToWrite, NumberOfBytesWritten,
                                    TRUE);
}
