/*
 * rtlstr.c - ntdll's counted-string, memory and status routines with NT's names and signatures
 * (RtlInitUnicodeString and the Unicode comparisons are rtl/unicode.c's, shared with the
 * kernel). Conversions between ANSI and Unicode cover the ASCII range: other characters become
 * '?' going to ANSI, as NanoNT's names are ASCII.
 */
#include "ntdll.h"
#include "ntdllp.h"

#define RTLP_MAX_STRING 0xFFFE

VOID NTAPI RtlInitAnsiString(PANSI_STRING DestinationString, PCSTR SourceString)
{
    SIZE_T length = SourceString ? strlen(SourceString) : 0;
    if (length > RTLP_MAX_STRING - 1)
        length = RTLP_MAX_STRING - 1;
    DestinationString->Buffer = (PCHAR)SourceString;
    DestinationString->Length = (USHORT)length;
    DestinationString->MaximumLength = SourceString ? (USHORT)(length + 1) : 0;
}

VOID NTAPI RtlInitString(PANSI_STRING DestinationString, PCSTR SourceString)
{
    RtlInitAnsiString(DestinationString, SourceString);
}

/* RtlCopyUnicodeString - copy as much of Source as Destination's buffer holds, NUL-terminated
   when there is room. */
VOID NTAPI RtlCopyUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString)
{
    if (!SourceString || !SourceString->Buffer) {
        DestinationString->Length = 0;
        return;
    }
    USHORT length = SourceString->Length;
    if (length > DestinationString->MaximumLength)
        length = DestinationString->MaximumLength;
    memmove(DestinationString->Buffer, SourceString->Buffer, length);
    DestinationString->Length = length;
    if (length + sizeof(WCHAR) <= DestinationString->MaximumLength)
        DestinationString->Buffer[length / sizeof(WCHAR)] = 0;
}

/* RtlCreateUnicodeString - a process-heap copy of a NUL-terminated string (free it with
   RtlFreeUnicodeString). FALSE when there is no memory. */
BOOLEAN NTAPI RtlCreateUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    SIZE_T length = 0;
    while (SourceString[length])
        length++;
    if (length * sizeof(WCHAR) > RTLP_MAX_STRING - sizeof(WCHAR))
        return FALSE;
    PWSTR buffer = RtlAllocateHeap(NtCurrentPeb()->ProcessHeap, 0, (length + 1) * sizeof(WCHAR));
    if (!buffer)
        return FALSE;
    memcpy(buffer, SourceString, (length + 1) * sizeof(WCHAR));
    DestinationString->Buffer = buffer;
    DestinationString->Length = (USHORT)(length * sizeof(WCHAR));
    DestinationString->MaximumLength = (USHORT)((length + 1) * sizeof(WCHAR));
    return TRUE;
}

/*
 * RtlAnsiStringToUnicodeString - widen Source into Destination: a new process-heap buffer when
 * Allocate is TRUE, else Destination's own (STATUS_BUFFER_OVERFLOW when it is too small).
 * STATUS_NO_MEMORY, STATUS_INVALID_PARAMETER_2 for a string too long for a UNICODE_STRING.
 */
NTSTATUS NTAPI RtlAnsiStringToUnicodeString(PUNICODE_STRING DestinationString, PANSI_STRING SourceString,
                                            BOOLEAN AllocateDestinationString)
{
    ULONG bytes = SourceString->Length * sizeof(WCHAR);
    if (bytes > RTLP_MAX_STRING - sizeof(WCHAR))
        return STATUS_INVALID_PARAMETER_2;
    if (AllocateDestinationString) {
        DestinationString->Buffer = RtlAllocateHeap(NtCurrentPeb()->ProcessHeap, 0, bytes + sizeof(WCHAR));
        if (!DestinationString->Buffer)
            return STATUS_NO_MEMORY;
        DestinationString->MaximumLength = (USHORT)(bytes + sizeof(WCHAR));
    } else if (bytes > DestinationString->MaximumLength) {
        return STATUS_BUFFER_OVERFLOW;
    }
    for (ULONG i = 0; i < SourceString->Length; i++)
        DestinationString->Buffer[i] = (UCHAR)SourceString->Buffer[i];
    DestinationString->Length = (USHORT)bytes;
    if (bytes + sizeof(WCHAR) <= DestinationString->MaximumLength)
        DestinationString->Buffer[SourceString->Length] = 0;
    return STATUS_SUCCESS;
}

/* RtlUnicodeStringToAnsiString - narrow Source (non-ASCII -> '?'), as above. */
NTSTATUS NTAPI RtlUnicodeStringToAnsiString(PANSI_STRING DestinationString, PCUNICODE_STRING SourceString,
                                            BOOLEAN AllocateDestinationString)
{
    ULONG length = SourceString->Length / sizeof(WCHAR);
    if (AllocateDestinationString) {
        DestinationString->Buffer = RtlAllocateHeap(NtCurrentPeb()->ProcessHeap, 0, length + 1);
        if (!DestinationString->Buffer)
            return STATUS_NO_MEMORY;
        DestinationString->MaximumLength = (USHORT)(length + 1);
    } else if (length > DestinationString->MaximumLength) {
        return STATUS_BUFFER_OVERFLOW;
    }
    for (ULONG i = 0; i < length; i++) {
        WCHAR c = SourceString->Buffer[i];
        DestinationString->Buffer[i] = c < 0x80 ? (CHAR)c : '?';
    }
    DestinationString->Length = (USHORT)length;
    if (length + 1 <= DestinationString->MaximumLength)
        DestinationString->Buffer[length] = 0;
    return STATUS_SUCCESS;
}

VOID NTAPI RtlFreeUnicodeString(PUNICODE_STRING UnicodeString)
{
    if (UnicodeString->Buffer)
        RtlFreeHeap(NtCurrentPeb()->ProcessHeap, 0, UnicodeString->Buffer);
    UnicodeString->Buffer = NULL;
    UnicodeString->Length = UnicodeString->MaximumLength = 0;
}

VOID NTAPI RtlFreeAnsiString(PANSI_STRING AnsiString)
{
    if (AnsiString->Buffer)
        RtlFreeHeap(NtCurrentPeb()->ProcessHeap, 0, AnsiString->Buffer);
    AnsiString->Buffer = NULL;
    AnsiString->Length = AnsiString->MaximumLength = 0;
}

/* RtlCompareMemory - the number of leading bytes that are equal. */
SIZE_T NTAPI RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length)
{
    const UCHAR *a = Source1, *b = Source2;
    SIZE_T i = 0;
    while (i < Length && a[i] == b[i])
        i++;
    return i;
}

VOID NTAPI RtlFillMemory(PVOID Destination, SIZE_T Length, UCHAR Fill)
{
    memset(Destination, Fill, Length);
}

VOID NTAPI RtlZeroMemory(PVOID Destination, SIZE_T Length)
{
    memset(Destination, 0, Length);
}

VOID NTAPI RtlMoveMemory(PVOID Destination, const VOID *Source, SIZE_T Length)
{
    memmove(Destination, Source, Length);
}

PPEB NTAPI RtlGetCurrentPeb(VOID)
{
    return NtCurrentPeb();
}

/* RtlNtStatusToDosError - the Win32 error for the common statuses (NT's table, cut down);
   ERROR_MR_MID_NOT_FOUND (317) for the rest, as NT answers for a status it does not know. */
ULONG NTAPI RtlNtStatusToDosError(NTSTATUS Status)
{
    static const struct { NTSTATUS Status; ULONG Error; } map[] = {
        { STATUS_SUCCESS, 0 },                        { STATUS_INVALID_HANDLE, 6 },
        { STATUS_NO_MEMORY, 8 },                      { STATUS_ACCESS_DENIED, 5 },
        { STATUS_OBJECT_NAME_NOT_FOUND, 2 },          { STATUS_OBJECT_PATH_NOT_FOUND, 3 },
        { STATUS_INVALID_PARAMETER, 87 },             { STATUS_ACCESS_VIOLATION, 998 },
        { STATUS_OBJECT_NAME_COLLISION, 183 },        { STATUS_INVALID_IMAGE_FORMAT, 193 },
        { STATUS_DLL_NOT_FOUND, 126 },                { STATUS_ENTRYPOINT_NOT_FOUND, 127 },
        { STATUS_ORDINAL_NOT_FOUND, 182 },            { STATUS_DLL_INIT_FAILED, 1114 },
        { STATUS_BUFFER_TOO_SMALL, 122 },             { STATUS_TIMEOUT, 258 },
        { STATUS_PENDING, 997 },                      { STATUS_NOT_IMPLEMENTED, 1 },
    };
    for (ULONG i = 0; i < ARRAYSIZE(map); i++)
        if (map[i].Status == Status)
            return map[i].Error;
    return 317;
}

/* RtlRaiseException - raise a software exception: the record goes to the vectored handlers
   (first chance) through the kernel, with the caller's registers as the context. */
VOID NTAPI RtlRaiseException(PEXCEPTION_RECORD ExceptionRecord)
{
    CONTEXT context;
    memset(&context, 0, sizeof(context));
    context.ContextFlags = CONTEXT_FULL;
    __asm__ volatile("movl %%ebx, %0; movl %%esi, %1; movl %%edi, %2; movl %%ebp, %3"
                     : "=m"(context.Ebx), "=m"(context.Esi), "=m"(context.Edi), "=m"(context.Ebp));
    context.Eip = (ULONG)__builtin_return_address(0);
    context.Esp = (ULONG)__builtin_frame_address(0) + 8 + 4;   /* past the return address and argument */
    context.SegCs = 0x1B;
    context.SegSs = context.SegDs = context.SegEs = 0x23;
    context.SegFs = 0x3B;
    context.EFlags = 0x202;
    if (!ExceptionRecord->ExceptionAddress)
        ExceptionRecord->ExceptionAddress = (PVOID)context.Eip;
    NtRaiseException(ExceptionRecord, &context, TRUE);
}

/* RtlRaiseStatus - raise Status as a noncontinuable exception. */
DECLSPEC_NORETURN VOID NTAPI RtlRaiseStatus(NTSTATUS Status)
{
    EXCEPTION_RECORD record;
    memset(&record, 0, sizeof(record));
    record.ExceptionCode = Status;
    record.ExceptionFlags = 1;                 /* EXCEPTION_NONCONTINUABLE */
    RtlRaiseException(&record);
    NtTerminateProcess(NtCurrentProcess(), Status);
    for (;;)
        ;
}

VOID NTAPI DbgBreakPoint(VOID)
{
    __asm__ volatile("int3");
}
