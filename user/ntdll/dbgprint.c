/* dbgprint.c - ntdll's DbgPrint: format, widen, and write to the console with NtDisplayString. */
#include "ntdll.h"

ULONG DbgPrintV(PCSTR Format, va_list Arguments)
{
    CHAR narrow[512];
    WCHAR wide[512];
    int n = RtlFormatStringV(narrow, sizeof(narrow), Format, Arguments);
    if (n < 0)
        return 0;
    if ((ULONG)n >= sizeof(narrow))
        n = sizeof(narrow) - 1;
    for (int i = 0; i < n; i++)
        wide[i] = (UCHAR)narrow[i];
    UNICODE_STRING s = { (USHORT)(n * 2), (USHORT)(n * 2), wide };
    NtDisplayString(&s);
    return (ULONG)n;
}

ULONG DbgPrint(PCSTR Format, ...)
{
    va_list args;
    va_start(args, Format);
    ULONG n = DbgPrintV(Format, args);
    va_end(args);
    return n;
}
