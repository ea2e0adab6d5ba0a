/*
 * timerapc.c - timer APC routines (NtSetTimer with TimerApcRoutine): queued to the thread that
 * set the timer at each expiry, run only when that thread is alertable, with the timer context;
 * disarmed by NtCancelTimer, a new NtSetTimer, or closing the timer; harmless when the thread that
 * set it has ended.
 */
#include "testlib.h"

static volatile ULONG Runs;
static volatile PVOID LastContext;

static VOID NTAPI OnTimer(PVOID Context, ULONG Low, LONG High)
{
    UNREFERENCED_PARAMETER(Low);
    UNREFERENCED_PARAMETER(High);
    LastContext = Context;
    Runs++;
}

static LARGE_INTEGER Ms(LONG Milliseconds)
{
    LARGE_INTEGER t;
    t.QuadPart = -10000LL * Milliseconds;
    return t;
}

static NTSTATUS Sleep(BOOLEAN Alertable, LONG Milliseconds)
{
    LARGE_INTEGER t = Ms(Milliseconds);
    return NtDelayExecution(Alertable, &t);
}

static HANDLE NewTimer(VOID)
{
    HANDLE h = NULL;
    NtCreateTimer(&h, TIMER_ALL_ACCESS, NULL, NotificationTimer);
    return h;
}

TL_TEST(apc_runs_when_alertable)
{
    HANDLE h = NewTimer();
    LARGE_INTEGER due = Ms(20);
    Runs = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, NtSetTimer(h, &due, OnTimer, (PVOID)0x1234, FALSE, 0, NULL));
    TL_CHECK_EQ(STATUS_SUCCESS, Sleep(FALSE, 100));          /* not alertable: nothing runs */
    TL_CHECK_EQ(0, Runs);
    TL_CHECK_EQ(STATUS_USER_APC, Sleep(TRUE, 1000));         /* already queued: runs at once */
    TL_CHECK_EQ(1, Runs);
    TL_CHECK_EQ(0x1234, (ULONG)LastContext);
    TL_CHECK_EQ(STATUS_SUCCESS, Sleep(TRUE, 50));            /* one shot: no second run */
    TL_CHECK_EQ(1, Runs);
    NtClose(h);
}

TL_TEST(periodic_and_cancel)
{
    HANDLE h = NewTimer();
    LARGE_INTEGER due = Ms(10);
    Runs = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, NtSetTimer(h, &due, OnTimer, (PVOID)7, FALSE, 20, NULL));
    for (int i = 0; i < 3; i++)
        TL_CHECK_EQ(STATUS_USER_APC, Sleep(TRUE, 1000));
    TL_CHECK(Runs >= 3);
    TL_CHECK_EQ(STATUS_SUCCESS, NtCancelTimer(h, NULL));
    Sleep(TRUE, 10);                                         /* an APC queued before the cancel */
    ULONG after = Runs;
    TL_CHECK_EQ(STATUS_SUCCESS, Sleep(TRUE, 100));
    TL_CHECK_EQ(after, Runs);
    NtClose(h);
}

TL_TEST(close_with_apc_queued)
{
    HANDLE h = NewTimer();
    LARGE_INTEGER due = Ms(5);
    Runs = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, NtSetTimer(h, &due, OnTimer, NULL, FALSE, 0, NULL));
    Sleep(FALSE, 50);                                        /* expired: the APC is queued */
    TL_CHECK_EQ(STATUS_SUCCESS, NtClose(h));                 /* ... and taken back */
    TL_CHECK_EQ(STATUS_SUCCESS, Sleep(TRUE, 50));
    TL_CHECK_EQ(0, Runs);
}

static HANDLE SharedTimer;

static ULONG NTAPI ArmAndExit(PVOID Parameter)
{
    UNREFERENCED_PARAMETER(Parameter);
    LARGE_INTEGER due = Ms(30);
    NtSetTimer(SharedTimer, &due, OnTimer, NULL, FALSE, 10, NULL);
    return 0;
}

TL_TEST(setter_thread_ended)
{
    SharedTimer = NewTimer();
    HANDLE t = NULL;
    Runs = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, RtlCreateUserThread(NtCurrentProcess(), NULL, FALSE, 0, 0, 0, ArmAndExit,
                                                    NULL, &t, NULL));
    LARGE_INTEGER forever = Ms(2000);
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForSingleObject(t, FALSE, &forever));
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForSingleObject(SharedTimer, FALSE, &forever));   /* still signals */
    Sleep(TRUE, 100);                                        /* its APCs belong to the dead thread */
    TL_CHECK_EQ(0, Runs);
    NtClose(SharedTimer);
    NtClose(t);
}

TL_TEST(bad_routine)
{
    HANDLE h = NewTimer();
    LARGE_INTEGER due = Ms(5);
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, NtSetTimer(h, &due, (PTIMER_APC_ROUTINE)0x80001000, NULL, FALSE, 0, NULL));
    NtClose(h);
}

int main(void)
{
    TL_RUN(apc_runs_when_alertable);
    TL_RUN(periodic_and_cancel);
    TL_RUN(close_with_apc_queued);
    TL_RUN(setter_thread_ended);
    TL_RUN(bad_routine);
    TL_FINISH();
}
