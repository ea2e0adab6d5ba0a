/* natmissdll.c - imports from a DLL that exists nowhere: the loader ends the process with
   STATUS_DLL_NOT_FOUND (0xC0000135) before the entry runs; the kernel stays up. */
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS
#include <winternl.h>
#include <ntstatus.h>

ULONG NTAPI NatNowhere(void);
NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus);

void NTAPI NtProcessStartup(PPEB Peb)
{
    (void)Peb;
    NtTerminateProcess((HANDLE)-1, (NTSTATUS)NatNowhere());
}
