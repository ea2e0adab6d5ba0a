/* display.c - NtDisplayString: a UNICODE_STRING from user mode to the console. */
#include "ke.h"
#include "mm.h"
#include "hal.h"

/*
 * NtDisplayString - In: String, a user UNICODE_STRING (at most 4 KiB of text). Result:
 * STATUS_SUCCESS, STATUS_ACCESS_VIOLATION for a bad pointer, STATUS_INVALID_PARAMETER for an odd
 * or too long length. Characters outside ASCII print as '?'.
 */
NTSTATUS NTAPI NtDisplayString(PUNICODE_STRING String)
{
    UNICODE_STRING s;
    NTSTATUS status = MmCaptureUnicodeString(&s, String, 8192);
    if (!NT_SUCCESS(status))
        return status;
    CHAR chunk[128];
    ULONG n = 0, total = s.Length / sizeof(WCHAR);
    ULONG flags = KeDisableInterrupts();
    for (ULONG i = 0; i < total; i++) {
        WCHAR c = s.Buffer[i];
        chunk[n++] = (c < 0x80 && (c >= 0x20 || c == '\n' || c == '\t' || c == '\r')) ? (CHAR)c : '?';
        if (n == sizeof(chunk)) {
            HalSerialWrite(chunk, n);
            if (HalDisplayStringRoutine)            /* the boot screen mirrors the console */
                HalDisplayStringRoutine(chunk, n);
            n = 0;
        }
    }
    HalSerialWrite(chunk, n);
    if (HalDisplayStringRoutine)
        HalDisplayStringRoutine(chunk, n);
    KeRestoreInterrupts(flags);
    MmFreeCapturedUnicodeString(&s);
    return STATUS_SUCCESS;
}
