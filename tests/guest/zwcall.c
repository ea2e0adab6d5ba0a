/*
 * zwcall.c - PreviousMode from the caller's CS (docs/services.md, "Kernel callers: the Zw entry
 * points"): the kernel calls a service through its ZwXxx stub (KiSystemService from ring 0) with a
 * kernel buffer and the service writes it, unprobed; the same service called from user mode, by
 * either entry, with that kernel address is refused with STATUS_ACCESS_VIOLATION. The kernel half
 * is NtBenchControl(4), so the test needs the boot option "bench".
 */
#include "ntdll.h"
#include "testlib.h"

typedef struct {
    NTSTATUS EchoStatus;
    ULONG EchoMatches, KernelBuffer, PreviousModeAfter, TrapFrameKept;
} ZW_CALL_DATA;
static ZW_CALL_DATA Data;

/* The kernel's own call: a kernel buffer, no probe, PreviousMode and the trap frame restored. */
TL_TEST(kernel_caller_not_probed)
{
    memset(&Data, 0xEE, sizeof(Data));
    TL_CHECK_EQ(STATUS_SUCCESS, NtBenchControl(4, (ULONG)&Data));
    TL_CHECK_EQ(STATUS_SUCCESS, Data.EchoStatus);
    TL_CHECK_EQ(16, Data.EchoMatches);
    TL_CHECK(Data.KernelBuffer >= 0x80000000u);
    TL_CHECK_EQ(1, Data.PreviousModeAfter);          /* UserMode: the outer service's mode */
    TL_CHECK_EQ(1, Data.TrapFrameKept);
}

/* The same service from user mode with the kernel's buffer: probed and refused, on both entries. */
TL_TEST(user_caller_probed)
{
    TL_CHECK_EQ(STATUS_SUCCESS, NtBenchControl(4, (ULONG)&Data));
    for (ULONG path = 0; path <= 1; path++) {
        ULONG args[16] = { Data.KernelBuffer, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
        TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NanoSystemCall(path, SERVICE_NUMBER_NtEchoArguments, 16, args));
    }
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtEchoArguments((PULONG)Data.KernelBuffer, 2, 3, 4, 5, 6, 7, 8, 9,
                                                         10, 11, 12, 13, 14, 15, 16));
    /* and a user buffer still works from user mode */
    ULONG out[16];
    TL_CHECK_EQ(STATUS_SUCCESS, NtEchoArguments(out, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16));
    TL_CHECK_EQ(16, out[15]);
}

/* Repeated kernel calls leave the thread as it was: a later user call still sees PreviousMode
   user (its probe refuses the kernel buffer) and the null service round trip still works. */
TL_TEST(repeated)
{
    for (int i = 0; i < 50; i++) {
        TL_CHECK_EQ(STATUS_SUCCESS, NtBenchControl(4, (ULONG)&Data));
        TL_CHECK_EQ(16, Data.EchoMatches);
    }
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtEchoArguments((PULONG)Data.KernelBuffer, 0, 0, 0, 0, 0, 0, 0, 0,
                                                         0, 0, 0, 0, 0, 0, 0));
}

int main(void)
{
    TL_RUN(kernel_caller_not_probed);
    TL_RUN(user_caller_probed);
    TL_RUN(repeated);
    TL_FINISH();
}
