/* nathello.c - the smallest native program: NtProcessStartup(PPEB), one line, return (the
   process then ends with STATUS_SUCCESS). Built exactly as docs/native-programs.md shows. */
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS
#include <winternl.h>
#include <ntstatus.h>

NTSTATUS NTAPI NtDisplayString(PUNICODE_STRING String);

void NTAPI NtProcessStartup(PPEB Peb)
{
    UNICODE_STRING text;
    (void)Peb;
    RtlInitUnicodeString(&text, L"Hello from a native NT program!\n");
    NtDisplayString(&text);
}
