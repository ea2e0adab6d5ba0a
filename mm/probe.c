/*
 * probe.c - user pointers handed to services. ProbeForRead/ProbeForWrite check that a range lies
 * wholly below MmUserProbeAddress (without overflow) and is aligned; the copy helpers then move the
 * bytes with a fault-safe copy so that an unmapped or read-only page yields
 * STATUS_ACCESS_VIOLATION. Every service that touches user memory goes through these.
 */
#include "mm.h"
#include "pool.h"
#include "rtl.h"

static NTSTATUS MiProbe(ULONG Address, SIZE_T Length, ULONG Alignment)
{
    if (Length == 0)
        return STATUS_SUCCESS;
    if (Alignment > 1 && (Address & (Alignment - 1)))
        return STATUS_DATATYPE_MISALIGNMENT;
    ULONG end = Address + Length;
    if (end < Address || end > MmUserProbeAddress)
        return STATUS_ACCESS_VIOLATION;
    return STATUS_SUCCESS;
}

NTSTATUS ProbeForRead(const VOID *Address, SIZE_T Length, ULONG Alignment)
{
    return MiProbe((ULONG)Address, Length, Alignment);
}

NTSTATUS ProbeForWrite(PVOID Address, SIZE_T Length, ULONG Alignment)
{
    return MiProbe((ULONG)Address, Length, Alignment);
}

NTSTATUS MmCopyFromUser(PVOID Destination, const VOID *UserSource, SIZE_T Length)
{
    if (KeGetPreviousMode() == UserMode) {
        NTSTATUS status = MiProbe((ULONG)UserSource, Length, 1);
        if (!NT_SUCCESS(status))
            return status;
    }
    return KiSafeCopy(Destination, UserSource, Length);
}

NTSTATUS MmCopyToUser(PVOID UserDestination, const VOID *Source, SIZE_T Length)
{
    if (KeGetPreviousMode() == UserMode) {
        NTSTATUS status = MiProbe((ULONG)UserDestination, Length, 1);
        if (!NT_SUCCESS(status))
            return status;
    }
    return KiSafeCopy(UserDestination, Source, Length);
}

/* Capture a UNICODE_STRING and its buffer into pool (NUL-terminated). */
/* MmExchangeUserUlong - swap *Value with the user dword at UserAddress (any alignment) in one
   instruction: STATUS_ACCESS_VIOLATION leaves both unchanged when the dword cannot be read and
   written. For a value that must be taken and reset at once (the GDI batch's count). */
NTSTATUS MmExchangeUserUlong(PULONG UserAddress, PULONG Value)
{
    if (KeGetPreviousMode() == UserMode && (ULONG)UserAddress > MmUserProbeAddress - sizeof(ULONG))
        return STATUS_ACCESS_VIOLATION;
    return KiSafeExchangeUlong(UserAddress, Value);
}

NTSTATUS MmCaptureUnicodeString(PUNICODE_STRING Captured, PCUNICODE_STRING UserString, ULONG MaxBytes)
{
    UNICODE_STRING s;
    NTSTATUS status = MmCopyFromUser(&s, UserString, sizeof(s));
    if (!NT_SUCCESS(status))
        return status;
    if ((s.Length & 1) || s.Length > MaxBytes || (s.Length && !s.Buffer))
        return STATUS_INVALID_PARAMETER;
    PWSTR buffer = ExAllocatePoolWithTag(PagedPool, s.Length + sizeof(WCHAR), 'rtSU');
    if (!buffer)
        return STATUS_NO_MEMORY;
    status = MmCopyFromUser(buffer, s.Buffer, s.Length);
    if (!NT_SUCCESS(status)) {
        ExFreePoolWithTag(buffer, 'rtSU');
        return status;
    }
    buffer[s.Length / sizeof(WCHAR)] = 0;
    Captured->Buffer = buffer;
    Captured->Length = s.Length;
    Captured->MaximumLength = s.Length + sizeof(WCHAR);
    return STATUS_SUCCESS;
}

VOID MmFreeCapturedUnicodeString(PUNICODE_STRING Captured)
{
    if (Captured->Buffer)
        ExFreePoolWithTag(Captured->Buffer, 'rtSU');
    Captured->Buffer = NULL;
}
