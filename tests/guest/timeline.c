/*
 * timeline.c - the workload tests/guest/timeline.sh records with timeline=1: two threads that
 * take turns (NtYieldExecution), a file-less service mix, and one breakpoint exception that a
 * vectored handler continues past. The script checks the converted trace, not this program.
 */
#include "testlib.h"

static volatile LONG Turns;

static ULONG NTAPI Worker(PVOID Parameter)
{
    (void)Parameter;
    for (int i = 0; i < 8; i++) {
        Turns++;
        NtYieldExecution();
    }
    return 0;
}

static LONG NTAPI SkipBreakpoint(PEXCEPTION_POINTERS Info)
{
    if (Info->ExceptionRecord->ExceptionCode != STATUS_BREAKPOINT)
        return 0;
    Info->ContextRecord->Eip++;               /* past the int3 */
    return EXCEPTION_CONTINUE_EXECUTION;
}

TL_TEST(two_threads_take_turns)
{
    HANDLE t = NULL;
    TL_CHECK_EQ(STATUS_SUCCESS, RtlCreateUserThread(NtCurrentProcess(), NULL, FALSE, 0, 0, 0, Worker, NULL, &t, NULL));
    for (int i = 0; i < 8; i++) {
        Turns++;
        NtYieldExecution();
    }
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForSingleObject(t, FALSE, NULL));
    TL_CHECK_EQ(16, Turns);
    NtClose(t);
}

TL_TEST(breakpoint_continued)
{
    PVOID h = RtlAddVectoredExceptionHandler(1, SkipBreakpoint);
    TL_CHECK(h != NULL);
    __asm__ volatile("int3");
    RtlRemoveVectoredExceptionHandler(h);
}

TL_TEST(failing_service_status)
{
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtClose((HANDLE)0x7FFC));
}

int main(void)
{
    TL_RUN(two_threads_take_turns);
    TL_RUN(breakpoint_continued);
    TL_RUN(failing_service_status);
    TL_FINISH();
}
