/*
 * sleep.c - waits SECONDS (default 60) in NtDelayExecution and exits with STATUS_SUCCESS: a
 * process that stays alive for nsh's start, handles and kill commands (tests/guest/nsh.sh). It
 * holds one event handle meanwhile, so that `handles PID` has something to show.
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
    HANDLE event;
    NTSTATUS s = NtCreateEvent(&event, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE);
    if (!NT_SUCCESS(s))
        return s;
    LARGE_INTEGER delay;
    delay.QuadPart = -(LONGLONG)seconds * 10000000;
    return NtDelayExecution(FALSE, &delay);
}
