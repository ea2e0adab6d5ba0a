/* natnull.c - the smallest PE process that imports from ntdll: it ends itself at once. benchps
   (user/programs/benchps.c) times its creation, run and exit: ps_pe_process_create_exit. */
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS
#include <winternl.h>
#include <ntstatus.h>

NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus);

void NTAPI NtProcessStartup(PPEB Peb)
{
    (void)Peb;
    NtTerminateProcess((HANDLE)-1, STATUS_SUCCESS);
}
