/* natmissexp.c - imports an ntdll function NanoNT's ntdll does not export (NtQueryKey, which
   mingw-w64's libntdll.a offers): the process ends with STATUS_ENTRYPOINT_NOT_FOUND
   (0xC0000139) before the entry runs. */
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS
#include <winternl.h>
#include <ntstatus.h>

NTSTATUS NTAPI NtQueryKey(HANDLE KeyHandle, ULONG KeyInformationClass, PVOID KeyInformation, ULONG Length,
                          PULONG ResultLength);
NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus);

void NTAPI NtProcessStartup(PPEB Peb)
{
    (void)Peb;
    NtTerminateProcess((HANDLE)-1, NtQueryKey(NULL, 0, NULL, 0, NULL));
}
