/* delay.c - NtDelayExecution (NT signature): sleep, optionally alertable. */
#include "ke.h"
#include "ki.h"
#include "mm.h"

/*
 * NtDelayExecution - In: Alertable, the interval (100 ns units; negative = relative, as NT;
 * 0 = just give up the rest of the quantum). Result: STATUS_SUCCESS, STATUS_USER_APC or
 * STATUS_ALERTED (alertable only), STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtDelayExecution(BOOLEAN Alertable, PLARGE_INTEGER DelayInterval)
{
    LARGE_INTEGER interval;
    NTSTATUS status = MmCopyFromUser(&interval, DelayInterval, sizeof(interval));
    if (!NT_SUCCESS(status))
        return status;
    status = KeDelayExecutionThread(UserMode, Alertable, &interval);
    if (status == STATUS_SUCCESS && interval.QuadPart == 0)
        KiYieldThread();
    return status;
}
