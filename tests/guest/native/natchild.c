/* natchild.c - started by natproc.c through RtlCreateUserProcess: ends with 0x600D when its
   parameters arrived (image path, and a command line ending in "magic"), else 0xBAD. */
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS
#include <winternl.h>
#include <ntstatus.h>

NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus);

void NTAPI NtProcessStartup(PPEB Peb)
{
    PRTL_USER_PROCESS_PARAMETERS p = Peb->ProcessParameters;
    static const WCHAR magic[] = L"magic";
    NTSTATUS result = 0xBAD;
    if (p && p->ImagePathName.Length && p->CommandLine.Length >= 10) {
        const WCHAR *end = p->CommandLine.Buffer + p->CommandLine.Length / 2 - 5;
        result = 0x600D;
        for (int i = 0; i < 5; i++)
            if (end[i] != magic[i])
                result = 0xBAD;
    }
    NtTerminateProcess((HANDLE)-1, result);
}
