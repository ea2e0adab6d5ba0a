/* pssvc.c - process services: NtTerminateProcess. */
#include "psp.h"

/*
 * NtTerminateProcess - In: a process handle (NtCurrentProcess() = -1 for the caller) and the exit
 * status. Ending the caller's own process does not return. Result: STATUS_SUCCESS,
 * STATUS_INVALID_HANDLE.
 */
NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus)
{
    if (ProcessHandle != NtCurrentProcess())
        return STATUS_INVALID_HANDLE;
    PspTerminateProcess(PsGetCurrentProcess(), ExitStatus);
    return STATUS_SUCCESS;
}
