/* ldrinit.c - ntdll's image entry (never run: the kernel starts executables at their own entry)
   and RtlUserThreadStart, where threads created by RtlCreateUserThread begin. */
#include "ntdll.h"

VOID LdrInitializeThunk(VOID)
{
    NtTerminateProcess(NtCurrentProcess(), STATUS_INVALID_IMAGE_FORMAT);
}

typedef ULONG (NTAPI *PUSER_THREAD_START_ROUTINE)(PVOID Parameter);

VOID NTAPI RtlUserThreadStart(PUSER_THREAD_START_ROUTINE Start, PVOID Parameter)
{
    ULONG status = Start(Parameter);
    NtTerminateProcess(NtCurrentProcess(), (NTSTATUS)status);
}
