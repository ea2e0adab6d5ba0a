/*
 * sleep.c - waits SECONDS (default 60) in NtDelayExecution and exits with STATUS_SUCCESS: a
 * process that stays alive for nsh's start, handles and kill commands (tests/guest/nsh.sh).
 */
#include "ntdll.h"
#include "crt.h"

int main(int argc, char **argv)
{
    LONG seconds = 60;
    if (argc > 1) {
        seconds = 0;
        for (const char *p = argv[1]; *p >= '0' && *p <= '9'; p++)
            seconds = seconds * 10 + (*p - '0');
    }
    LARGE_INTEGER delay;
    delay.QuadPart = -(LONGLONG)seconds * 10000000;
    return NtDelayExecution(FALSE, &delay);
}
