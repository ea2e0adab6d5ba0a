/* printf.c - printf for user programs: ntdll's formatter and NtDisplayString. */
#include "ntdll.h"
#include "crt.h"

int printf(const char *Format, ...)
{
    va_list args;
    va_start(args, Format);
    ULONG n = DbgPrintV(Format, args);
    va_end(args);
    return (int)n;
}
