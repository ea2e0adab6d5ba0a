/* ldrinit.c - ntdll's image entry (never run: the kernel starts executables at their own entry). */
#include "ntdll.h"

VOID LdrInitializeThunk(VOID)
{
    NtTerminateProcess(NtCurrentProcess(), STATUS_INVALID_IMAGE_FORMAT);
}
