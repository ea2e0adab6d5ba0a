/* natbadimp.c - imports from natbad.dll, which is on the disk but is not a valid image: the
   process ends with STATUS_INVALID_IMAGE_FORMAT (0xC000007B) before the entry runs. */
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS
#include <winternl.h>
#include <ntstatus.h>

ULONG NTAPI NatBad(void);
NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus);

void NTAPI NtProcessStartup(PPEB Peb)
{
    (void)Peb;
    NtTerminateProcess((HANDLE)-1, (NTSTATUS)NatBad());
}
