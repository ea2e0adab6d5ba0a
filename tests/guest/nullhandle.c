/*
 * nullhandle.c - a NULL thread or process handle is not the current thread or process. As in NT,
 * only NtTerminateThread(NULL, ...) (end the caller, unless it is the last thread:
 * STATUS_CANT_TERMINATE_SELF) and NtTerminateProcess(NULL, ...) (end every other thread of the
 * caller's process and return) give NULL a meaning; every other thread and process service
 * returns STATUS_INVALID_HANDLE and does nothing. The calls that would stop or end the caller if
 * NULL were taken for it run in a worker thread or a child process, so a wrong kernel fails the
 * test instead of hanging or ending it.
 * As a child: "nullhandle.exe lastthread" / "nullhandle.exe others" (exit 0xC0DE when right).
 */
#include "testlib.h"

#define MS(n) (-(LONGLONG)(n) * 10000)
#define CHILD_OK 0xC0DE

static NTSTATUS WaitOne(HANDLE h, LONGLONG Timeout)
{
    LARGE_INTEGER t;
    t.QuadPart = Timeout;
    return NtWaitForSingleObject(h, FALSE, &t);
}

static NTSTATUS ThreadExitStatus(HANDLE Thread)
{
    THREAD_BASIC_INFORMATION tbi;
    NTSTATUS s = NtQueryInformationThread(Thread, ThreadBasicInformation, &tbi, sizeof(tbi), NULL);
    return s ? s : tbi.ExitStatus;
}

static NTSTATUS ProcessExitStatus(HANDLE Process)
{
    PROCESS_BASIC_INFORMATION pbi;
    NTSTATUS s = NtQueryInformationProcess(Process, ProcessBasicInformation, &pbi, sizeof(pbi), NULL);
    return s ? s : pbi.ExitStatus;
}

static HANDLE NewThread(PUSER_THREAD_START_ROUTINE Start, PVOID Parameter)
{
    HANDLE h = NULL;
    NTSTATUS s = RtlCreateUserThread(NtCurrentProcess(), NULL, FALSE, 0, 0x10000, 0x8000, Start, Parameter, &h, NULL);
    if (s)
        printf("RtlCreateUserThread: 0x%x\n", (unsigned)s);
    return h;
}

static NTSTATUS RunChild(const char *CommandLine)
{
    static WCHAR path[] = u"\\SystemRoot\\nullhandle.exe";
    WCHAR cmd[64];
    int n = 0;
    for (; CommandLine[n] && n < 63; n++)
        cmd[n] = (WCHAR)CommandLine[n];
    UNICODE_STRING up = { sizeof(path) - 2, sizeof(path), path }, uc = { (USHORT)(n * 2), (USHORT)(n * 2), cmd };
    HANDLE p, t;
    NTSTATUS s = NtCreateUserProcessFromPath(&p, &t, PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS, &up, &uc, 0, NULL);
    if (s)
        return s;
    if (WaitOne(p, MS(5000)) != STATUS_WAIT_0) {
        NtTerminateProcess(p, STATUS_TIMEOUT);
        WaitOne(p, MS(5000));
    }
    s = ProcessExitStatus(p);
    NtClose(p);
    NtClose(t);
    return s;
}

/* ------------------------------------------------------------------ services that must refuse NULL */
static volatile LONG ApcRuns;

static VOID NTAPI CountingApc(PVOID A1, PVOID A2, PVOID A3)
{
    (void)A1; (void)A2; (void)A3;
    ApcRuns++;
}

/* The worker makes the calls that would suspend or alert the caller if NULL meant "me". */
static volatile NTSTATUS SuspendStatus, ResumeStatus, AlertStatus, TestAlertStatus, QueueStatus;

static ULONG NTAPI NullCallsWorker(PVOID Parameter)
{
    (void)Parameter;
    ULONG count = 0x5555;
    QueueStatus = NtQueueApcThread(NULL, CountingApc, NULL, NULL, NULL);
    AlertStatus = NtAlertThread(NULL);
    TestAlertStatus = NtTestAlert();               /* STATUS_ALERTED if the alert reached us; runs APCs */
    SuspendStatus = NtSuspendThread(NULL, &count);
    ResumeStatus = NtResumeThread(NULL, &count);
    return 0x600D;
}

TL_TEST(null_thread_handle_is_invalid)
{
    SuspendStatus = ResumeStatus = AlertStatus = TestAlertStatus = QueueStatus = STATUS_PENDING;
    ApcRuns = 0;
    HANDLE w = NewThread(NullCallsWorker, NULL);
    TL_CHECK(w != NULL);
    NTSTATUS s = WaitOne(w, MS(3000));
    if (s == STATUS_TIMEOUT) {
        TL_FAIL("the worker never came back (NtSuspendThread(NULL) suspended it?)");
        NtResumeThread(w, NULL);
        WaitOne(w, MS(3000));
    }
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, QueueStatus);
    TL_CHECK_EQ(0, ApcRuns);
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, AlertStatus);
    TL_CHECK_EQ(STATUS_SUCCESS, TestAlertStatus);
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, SuspendStatus);
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, ResumeStatus);
    TL_CHECK_EQ(0x600D, ThreadExitStatus(w));
    NtClose(w);

    /* the ones that are safe to call from here */
    THREAD_BASIC_INFORMATION tbi;
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtQueryInformationThread(NULL, ThreadBasicInformation, &tbi, sizeof(tbi), NULL));
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationThread(NtCurrentThread(), ThreadBasicInformation, &tbi,
                                                         sizeof(tbi), NULL));
    KPRIORITY before = tbi.Priority, prio = before == 9 ? 10 : 9;
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtSetInformationThread(NULL, ThreadPriority, &prio, sizeof(prio)));
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationThread(NtCurrentThread(), ThreadBasicInformation, &tbi,
                                                         sizeof(tbi), NULL));
    TL_CHECK_EQ(before, tbi.Priority);
    CONTEXT ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.ContextFlags = CONTEXT_FULL;
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtGetContextThread(NULL, &ctx));
    ctx.ContextFlags = 0;                          /* would change nothing, were it accepted */
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtSetContextThread(NULL, &ctx));
    /* NULL as a thread handle anywhere else is no thread either */
    HANDLE c = NULL;
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtDuplicateObject(NtCurrentProcess(), NULL, NtCurrentProcess(), &c, 0, 0,
                                                         DUPLICATE_SAME_ACCESS));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtWaitForSingleObject(NULL, FALSE, NULL));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtClose(NULL));
}

TL_TEST(null_process_handle_is_invalid)
{
    PROCESS_BASIC_INFORMATION pbi;
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtQueryInformationProcess(NULL, ProcessBasicInformation, &pbi, sizeof(pbi),
                                                                 NULL));
    PVOID base = NULL;
    SIZE_T size = 0x1000;
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtAllocateVirtualMemory(NULL, &base, 0, &size, MEM_COMMIT | MEM_RESERVE,
                                                               PAGE_READWRITE));
    TL_CHECK(base == NULL);
    TL_CHECK_EQ(STATUS_SUCCESS, NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                                                        MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE));
    SIZE_T zero = 0;
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtFreeVirtualMemory(NULL, &base, &zero, MEM_RELEASE));
    *(volatile ULONG *)base = 1;                   /* still there */
    TL_CHECK_EQ(STATUS_SUCCESS, NtFreeVirtualMemory(NtCurrentProcess(), &base, &zero, MEM_RELEASE));
    /* NtCreateThread into process NULL creates nothing */
    HANDLE t = NULL;
    CONTEXT ctx;
    INITIAL_TEB teb;
    memset(&ctx, 0, sizeof(ctx));
    memset(&teb, 0, sizeof(teb));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtCreateThread(&t, THREAD_ALL_ACCESS, NULL, NULL, NULL, &ctx, &teb, TRUE));
    TL_CHECK(t == NULL);
    /* NtDuplicateObject with either process NULL */
    HANDLE e, c = NULL;
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateEvent(&e, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtDuplicateObject(NULL, e, NtCurrentProcess(), &c, 0, 0,
                                                         DUPLICATE_SAME_ACCESS));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtDuplicateObject(NtCurrentProcess(), e, NULL, &c, 0, 0,
                                                         DUPLICATE_SAME_ACCESS));
    TL_CHECK(c == NULL);
    NtClose(e);
}

/* ------------------------------------------------------------------ NtTerminateThread(NULL) */
static ULONG NTAPI TerminateSelfWorker(PVOID Parameter)
{
    (void)Parameter;
    NtTerminateThread(NULL, 0x7E57);
    return 0xBAD;                                  /* not reached */
}

TL_TEST(null_terminate_thread_ends_the_caller)
{
    HANDLE w = NewThread(TerminateSelfWorker, NULL);
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(w, MS(3000)));
    TL_CHECK_EQ(0x7E57, ThreadExitStatus(w));
    NtClose(w);
    /* the last thread of a process may not end itself this way (the child's exit says) */
    TL_CHECK_EQ(CHILD_OK, RunChild("nullhandle.exe lastthread"));
}

static int LastThreadChild(void)
{
    NTSTATUS s = NtTerminateThread(NULL, 0x1234);  /* a wrong kernel ends us here with 0x1234 */
    return s == STATUS_CANT_TERMINATE_SELF ? CHILD_OK : (int)s;
}

/* ------------------------------------------------------------------ NtTerminateProcess(NULL) */
TL_TEST(null_terminate_process_ends_the_other_threads)
{
    TL_CHECK_EQ(CHILD_OK, RunChild("nullhandle.exe others"));
}

static ULONG NTAPI SleepForever(PVOID Parameter)
{
    (void)Parameter;
    for (;;) {
        LARGE_INTEGER t;
        t.QuadPart = MS(50);
        if (NtDelayExecution(FALSE, &t) == STATUS_INVALID_PARAMETER)
            return 0xBAD;
    }
}

static volatile BOOLEAN StopSpinning;          /* never set: the thread spins until ended */

static ULONG NTAPI SpinForever(PVOID Parameter)
{
    (void)Parameter;
    while (!StopSpinning)
        ;
    return 0xBAD;
}

/* Two other threads (one waiting, one running user code) end with the status; the caller goes on. */
static int OtherThreadsChild(void)
{
    HANDLE a = NewThread(SleepForever, NULL), b = NewThread(SpinForever, NULL);
    if (!a || !b)
        return 0x21;
    NtYieldExecution();
    NTSTATUS s = NtTerminateProcess(NULL, 0x77);
    if (s != STATUS_SUCCESS)
        return 0x22;
    if (WaitOne(a, MS(3000)) != STATUS_WAIT_0 || WaitOne(b, MS(3000)) != STATUS_WAIT_0)
        return 0x23;
    if (ThreadExitStatus(a) != 0x77 || ThreadExitStatus(b) != 0x77)
        return 0x24;
    /* the process is still running (not marked as ending): it can still make threads */
    PROCESS_BASIC_INFORMATION pbi;
    if (NtQueryInformationProcess(NtCurrentProcess(), ProcessBasicInformation, &pbi, sizeof(pbi), NULL) ||
        pbi.ExitStatus != STATUS_PENDING)
        return 0x25;
    HANDLE c = NewThread(SleepForever, NULL);
    if (!c)
        return 0x26;
    /* alone again: NULL still ends only the others and returns */
    if (NtTerminateProcess(NULL, 0x78) != STATUS_SUCCESS || WaitOne(c, MS(3000)) != STATUS_WAIT_0 ||
        ThreadExitStatus(c) != 0x78)
        return 0x27;
    if (NtTerminateProcess(NULL, 0x79) != STATUS_SUCCESS)
        return 0x28;
    NtClose(a);
    NtClose(b);
    NtClose(c);
    return CHILD_OK;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "lastthread"))
        return LastThreadChild();
    if (argc > 1 && !strcmp(argv[1], "others"))
        return OtherThreadsChild();
    TL_RUN(null_thread_handle_is_invalid);
    TL_RUN(null_process_handle_is_invalid);
    TL_RUN(null_terminate_thread_ends_the_caller);
    TL_RUN(null_terminate_process_ends_the_other_threads);
    TL_FINISH();
}
