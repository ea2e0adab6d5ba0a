/*
 * psthread.c - threads, waits, APCs, exceptions and contexts (docs/processes.md), in one boot.
 * With an argument it is a child for the tests that must end a process:
 *   espkernel-continue / espkernel-set: resume at an ESP in kernel space (must end with 0xC0000005).
 */
#include "testlib.h"
#include "asmname.h"

#define MS(n) (-(LONGLONG)(n) * 10000)
static LARGE_INTEGER Li(LONGLONG v) { LARGE_INTEGER l; l.QuadPart = v; return l; }

static HANDLE NewEvent(EVENT_TYPE Type, BOOLEAN State)
{
    HANDLE h = NULL;
    NTSTATUS s = NtCreateEvent(&h, EVENT_ALL_ACCESS, NULL, Type, State);
    if (s)
        printf("NtCreateEvent: 0x%x\n", (unsigned)s);
    return h;
}

static HANDLE NewThread(PUSER_THREAD_START_ROUTINE Start, PVOID Parameter, BOOLEAN Suspended)
{
    HANDLE h = NULL;
    NTSTATUS s = RtlCreateUserThread(NtCurrentProcess(), NULL, Suspended, 0, 0x10000, 0x8000, Start, Parameter, &h, NULL);
    if (s)
        printf("RtlCreateUserThread: 0x%x\n", (unsigned)s);
    return h;
}

static NTSTATUS ThreadExitStatus(HANDLE Thread)
{
    THREAD_BASIC_INFORMATION tbi;
    NTSTATUS s = NtQueryInformationThread(Thread, ThreadBasicInformation, &tbi, sizeof(tbi), NULL);
    return s ? s : tbi.ExitStatus;
}

static NTSTATUS WaitOne(HANDLE h, LONGLONG Timeout)
{
    LARGE_INTEGER t = Li(Timeout);
    return NtWaitForSingleObject(h, FALSE, &t);
}

/* ------------------------------------------------------------------ counters under priorities */
#define PRIO_THREADS 6
#define PRIO_ROUNDS 300
static HANDLE GStart, GMutant, GSyncEvent;
static volatile ULONG GCounterMutant, GCounterEvent;

static ULONG NTAPI CounterThread(PVOID Parameter)
{
    KPRIORITY prio = (KPRIORITY)(ULONG)Parameter;
    NtSetInformationThread(NtCurrentThread(), ThreadPriority, &prio, sizeof(prio));
    if (NtWaitForSingleObject(GStart, FALSE, NULL))
        return 1;
    for (int i = 0; i < PRIO_ROUNDS; i++) {
        if (NtWaitForSingleObject(GMutant, FALSE, NULL))
            return 2;
        ULONG v = GCounterMutant;
        if (i % 7 == 0)
            NtYieldExecution();
        GCounterMutant = v + 1;
        NtReleaseMutant(GMutant, NULL);
        if (NtWaitForSingleObject(GSyncEvent, FALSE, NULL))
            return 3;
        v = GCounterEvent;
        if (i % 5 == 0)
            NtYieldExecution();
        GCounterEvent = v + 1;
        NtSetEvent(GSyncEvent, NULL);
    }
    return 0;
}

TL_TEST(priorities_counters_exact)
{
    static const ULONG prios[PRIO_THREADS] = { 4, 8, 8, 10, 13, 15 };
    HANDLE th[PRIO_THREADS];
    GStart = NewEvent(NotificationEvent, FALSE);
    GSyncEvent = NewEvent(SynchronizationEvent, TRUE);
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateMutant(&GMutant, MUTANT_ALL_ACCESS, NULL, FALSE));
    for (int i = 0; i < PRIO_THREADS; i++)
        th[i] = NewThread(CounterThread, (PVOID)prios[i], FALSE);
    NtDelayExecution(FALSE, &(LARGE_INTEGER){ .QuadPart = MS(20) });
    TL_CHECK_EQ(0, GCounterMutant);
    NtSetEvent(GStart, NULL);
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForMultipleObjects(PRIO_THREADS, th, WaitAll, FALSE, NULL));
    TL_CHECK_EQ(PRIO_THREADS * PRIO_ROUNDS, GCounterMutant);
    TL_CHECK_EQ(PRIO_THREADS * PRIO_ROUNDS, GCounterEvent);
    for (int i = 0; i < PRIO_THREADS; i++) {
        TL_CHECK_EQ(0, ThreadExitStatus(th[i]));
        NtClose(th[i]);
    }
    NtClose(GStart); NtClose(GMutant); NtClose(GSyncEvent);
}

/* ------------------------------------------------------------------ waits and objects */
TL_TEST(wait_any_all_timeout)
{
    HANDLE e[2] = { NewEvent(NotificationEvent, FALSE), NewEvent(NotificationEvent, FALSE) };
    LARGE_INTEGER zero = Li(0);
    TL_CHECK_EQ(STATUS_TIMEOUT, NtWaitForMultipleObjects(2, e, WaitAny, FALSE, &zero));
    NtSetEvent(e[1], NULL);
    TL_CHECK_EQ(1, NtWaitForMultipleObjects(2, e, WaitAny, FALSE, &zero));
    TL_CHECK_EQ(STATUS_TIMEOUT, NtWaitForMultipleObjects(2, e, WaitAll, FALSE, &zero));
    NtSetEvent(e[0], NULL);
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForMultipleObjects(2, e, WaitAll, FALSE, &zero));
    HANDLE dup[2] = { e[0], e[0] };
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER_MIX, NtWaitForMultipleObjects(2, dup, WaitAll, FALSE, &zero));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER_1, NtWaitForMultipleObjects(0, dup, WaitAny, FALSE, &zero));
    LONG prev = -1;
    TL_CHECK_EQ(STATUS_SUCCESS, NtResetEvent(e[0], &prev));
    TL_CHECK_EQ(1, prev);
    ULONG t0 = USER_SHARED_DATA->TickCount.LowPart;
    TL_CHECK_EQ(STATUS_TIMEOUT, WaitOne(e[0], MS(50)));
    ULONG ticks = USER_SHARED_DATA->TickCount.LowPart - t0;
    if (ticks < 5)
        TL_FAIL("a 50 ms timeout came after %u ticks", (unsigned)ticks);
    NtClose(e[0]); NtClose(e[1]);
}

TL_TEST(semaphore_counts)
{
    HANDLE s;
    LARGE_INTEGER zero = Li(0);
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateSemaphore(&s, SEMAPHORE_ALL_ACCESS, NULL, 2, 3));
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForSingleObject(s, FALSE, &zero));
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForSingleObject(s, FALSE, &zero));
    TL_CHECK_EQ(STATUS_TIMEOUT, NtWaitForSingleObject(s, FALSE, &zero));
    LONG prev = -1;
    TL_CHECK_EQ(STATUS_SUCCESS, NtReleaseSemaphore(s, 1, &prev));
    TL_CHECK_EQ(0, prev);
    TL_CHECK_EQ(STATUS_SEMAPHORE_LIMIT_EXCEEDED, NtReleaseSemaphore(s, 3, &prev));
    TL_CHECK_EQ(STATUS_SUCCESS, NtReleaseSemaphore(s, 2, &prev));
    TL_CHECK_EQ(1, prev);
    HANDLE bad;
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, NtCreateSemaphore(&bad, SEMAPHORE_ALL_ACCESS, NULL, 4, 3));
    NtClose(s);
}

static HANDLE GAbandon;
static ULONG NTAPI AbandonThread(PVOID p)
{
    (void)p;
    NtWaitForSingleObject(GAbandon, FALSE, NULL);
    NtWaitForSingleObject(GAbandon, FALSE, NULL);     /* owned twice, then ends owning it */
    return 5;
}

TL_TEST(mutant_ownership_abandon)
{
    LARGE_INTEGER zero = Li(0);
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateMutant(&GAbandon, MUTANT_ALL_ACCESS, NULL, TRUE));
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForSingleObject(GAbandon, FALSE, &zero));   /* recursive */
    LONG prev = 99;
    TL_CHECK_EQ(STATUS_SUCCESS, NtReleaseMutant(GAbandon, &prev));
    TL_CHECK_EQ(-1, prev);
    TL_CHECK_EQ(STATUS_SUCCESS, NtReleaseMutant(GAbandon, &prev));
    TL_CHECK_EQ(0, prev);
    TL_CHECK_EQ(STATUS_MUTANT_NOT_OWNED, NtReleaseMutant(GAbandon, NULL));
    HANDLE t = NewThread(AbandonThread, NULL, FALSE);
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(t, MS(2000)));
    TL_CHECK_EQ(5, ThreadExitStatus(t));
    TL_CHECK_EQ(STATUS_ABANDONED_WAIT_0, NtWaitForSingleObject(GAbandon, FALSE, &zero));
    TL_CHECK_EQ(STATUS_SUCCESS, NtReleaseMutant(GAbandon, NULL));
    NtClose(t);
    NtClose(GAbandon);
}

static HANDLE GPulse;
static volatile NTSTATUS GPulseStatus = -1;
static ULONG NTAPI PulseWaiter(PVOID p)
{
    (void)p;
    GPulseStatus = NtWaitForSingleObject(GPulse, FALSE, NULL);
    return 0;
}

TL_TEST(pulse_event_and_timers)
{
    GPulse = NewEvent(NotificationEvent, FALSE);
    HANDLE t = NewThread(PulseWaiter, NULL, FALSE);
    NtDelayExecution(FALSE, &(LARGE_INTEGER){ .QuadPart = MS(20) });
    LONG prev = -1;
    TL_CHECK_EQ(STATUS_SUCCESS, NtPulseEvent(GPulse, &prev));
    TL_CHECK_EQ(0, prev);
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(t, MS(1000)));
    TL_CHECK_EQ(STATUS_WAIT_0, GPulseStatus);
    TL_CHECK_EQ(STATUS_TIMEOUT, WaitOne(GPulse, 0));             /* pulsed, then reset */
    NtClose(t);
    NtClose(GPulse);

    HANDLE timer;
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateTimer(&timer, TIMER_ALL_ACCESS, NULL, SynchronizationTimer));
    LARGE_INTEGER due = Li(MS(30));
    TL_CHECK_EQ(STATUS_SUCCESS, NtSetTimer(timer, &due, NULL, NULL, FALSE, 20, NULL));
    ULONG t0 = USER_SHARED_DATA->TickCount.LowPart;
    for (int i = 0; i < 3; i++)
        TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(timer, MS(1000)));
    ULONG ticks = USER_SHARED_DATA->TickCount.LowPart - t0;
    if (ticks < 7)
        TL_FAIL("30 ms + 2 periods of 20 ms took %u ticks", (unsigned)ticks);
    TL_CHECK_EQ(STATUS_SUCCESS, NtCancelTimer(timer, NULL));
    TL_CHECK_EQ(STATUS_TIMEOUT, WaitOne(timer, MS(60)));
    NtClose(timer);

    ULONG d0 = USER_SHARED_DATA->TickCount.LowPart;
    TL_CHECK_EQ(STATUS_SUCCESS, NtDelayExecution(FALSE, &(LARGE_INTEGER){ .QuadPart = MS(40) }));
    if (USER_SHARED_DATA->TickCount.LowPart - d0 < 4)
        TL_FAIL("a 40 ms delay took %u ticks", (unsigned)(USER_SHARED_DATA->TickCount.LowPart - d0));
}

/* ------------------------------------------------------------------ handles */
TL_TEST(bad_handles_and_types)
{
    HANDLE e = NewEvent(NotificationEvent, FALSE), s;
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateSemaphore(&s, SEMAPHORE_ALL_ACCESS, NULL, 0, 1));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtClose((HANDLE)0x1234));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtSetEvent((HANDLE)0x7FFC, NULL));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtWaitForSingleObject((HANDLE)3, FALSE, NULL));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, NtSetEvent(s, NULL));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, NtReleaseSemaphore(e, 1, NULL));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, NtTerminateThread(e, 0));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, NtSetEvent(NtCurrentThread(), NULL));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, NtResumeThread(NtCurrentProcess(), NULL));
    /* a duplicate with SYNCHRONIZE only may wait but not set */
    HANDLE d = NULL;
    TL_CHECK_EQ(STATUS_SUCCESS, NtDuplicateObject(NtCurrentProcess(), e, NtCurrentProcess(), &d, SYNCHRONIZE, 0, 0));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtSetEvent(d, NULL));
    TL_CHECK_EQ(STATUS_SUCCESS, NtSetEvent(e, NULL));
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(d, 0));
    HANDLE d2 = NULL;
    ULONG n0 = 0, n1 = 0;
    NtQueryInformationProcess(NtCurrentProcess(), ProcessHandleCount, &n0, sizeof(n0), NULL);
    TL_CHECK_EQ(STATUS_SUCCESS, NtDuplicateObject(NtCurrentProcess(), e, NtCurrentProcess(), &d2, 0, 0,
                                                  DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    NtQueryInformationProcess(NtCurrentProcess(), ProcessHandleCount, &n1, sizeof(n1), NULL);
    TL_CHECK_EQ(n0, n1);                                          /* one closed, one made */
    TL_CHECK_EQ(STATUS_SUCCESS, NtResetEvent(d2, NULL));
    TL_CHECK_EQ(STATUS_SUCCESS, NtClose(d));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtClose(d));               /* double close */
    TL_CHECK_EQ(STATUS_SUCCESS, NtClose(d2));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtClose(d2));
    TL_CHECK_EQ(STATUS_SUCCESS, NtClose(s));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtCreateEvent((PHANDLE)0x80000000, EVENT_ALL_ACCESS, NULL, NotificationEvent, 0));
}

/* ------------------------------------------------------------------ APCs */
static volatile ULONG GApcCount;
static volatile ULONG GApcArgs[3];
static VOID NTAPI CountApc(PVOID A1, PVOID A2, PVOID A3)
{
    GApcCount++;
    GApcArgs[0] = (ULONG)A1; GApcArgs[1] = (ULONG)A2; GApcArgs[2] = (ULONG)A3;
}

TL_TEST(apc_alertable_wait_once)
{
    HANDLE e = NewEvent(NotificationEvent, FALSE);
    GApcCount = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueueApcThread(NtCurrentThread(), CountApc, (PVOID)1, (PVOID)2, (PVOID)3));
    TL_CHECK_EQ(0, GApcCount);                                     /* not alertable yet */
    LARGE_INTEGER t = Li(MS(1000));
    TL_CHECK_EQ(STATUS_USER_APC, NtWaitForSingleObject(e, TRUE, &t));
    TL_CHECK_EQ(1, GApcCount);
    TL_CHECK_EQ(1, GApcArgs[0]); TL_CHECK_EQ(2, GApcArgs[1]); TL_CHECK_EQ(3, GApcArgs[2]);
    t = Li(0);
    TL_CHECK_EQ(STATUS_TIMEOUT, NtWaitForSingleObject(e, TRUE, &t));
    TL_CHECK_EQ(1, GApcCount);
    /* NtTestAlert (both entries) and an alertable delay deliver too */
    NtQueueApcThread(NtCurrentThread(), CountApc, 0, 0, 0);
    TL_CHECK_EQ(STATUS_SUCCESS, NtTestAlert());
    TL_CHECK_EQ(2, GApcCount);
    NtQueueApcThread(NtCurrentThread(), CountApc, 0, 0, 0);
    TL_CHECK_EQ(STATUS_SUCCESS, NanoSystemCall(1, SERVICE_NUMBER_NtTestAlert, 0, NULL));
    TL_CHECK_EQ(3, GApcCount);
    NtQueueApcThread(NtCurrentThread(), CountApc, 0, 0, 0);
    TL_CHECK_EQ(STATUS_USER_APC, NtDelayExecution(TRUE, &(LARGE_INTEGER){ .QuadPart = MS(1000) }));
    TL_CHECK_EQ(4, GApcCount);
    NtClose(e);
}

static HANDLE GApcEvent, GApcEvent2;
static volatile NTSTATUS GWaitStatus1, GWaitStatus2;
static volatile ULONG GCountAfter1, GCountAfter2;
static ULONG NTAPI NonAlertableWaiter(PVOID p)
{
    (void)p;
    GWaitStatus1 = NtWaitForSingleObject(GApcEvent, FALSE, NULL);
    GCountAfter1 = GApcCount;
    LARGE_INTEGER zero = Li(0);
    GWaitStatus2 = NtWaitForSingleObject(GApcEvent2, TRUE, &zero);   /* now alertable */
    GCountAfter2 = GApcCount;
    return 0;
}

TL_TEST(apc_not_in_nonalertable_wait)
{
    GApcEvent = NewEvent(NotificationEvent, FALSE);
    GApcEvent2 = NewEvent(NotificationEvent, FALSE);
    GApcCount = 0;
    HANDLE t = NewThread(NonAlertableWaiter, NULL, FALSE);
    NtDelayExecution(FALSE, &(LARGE_INTEGER){ .QuadPart = MS(20) });
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueueApcThread(t, CountApc, 0, 0, 0));
    NtDelayExecution(FALSE, &(LARGE_INTEGER){ .QuadPart = MS(30) });
    TL_CHECK_EQ(0, GApcCount);
    NtSetEvent(GApcEvent, NULL);
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(t, MS(1000)));
    TL_CHECK_EQ(STATUS_WAIT_0, GWaitStatus1);
    TL_CHECK_EQ(0, GCountAfter1);
    TL_CHECK_EQ(STATUS_USER_APC, GWaitStatus2);
    TL_CHECK_EQ(1, GCountAfter2);
    TL_CHECK_EQ(1, GApcCount);
    NtClose(t);
    NtClose(GApcEvent);
    NtClose(GApcEvent2);
}

/* An APC queued while the target waits alertably (in a sysenter service) runs before the
   instruction after the call. */
static volatile ULONG GSeenRightAfter = 99;
static ULONG NTAPI AlertableWaiter(PVOID p)
{
    ULONG path = (ULONG)p;
    ULONG args[3] = { (ULONG)GApcEvent, TRUE, 0 };
    NTSTATUS s = NanoSystemCall(path, SERVICE_NUMBER_NtWaitForSingleObject, 3, args);
    GSeenRightAfter = GApcCount;
    return (ULONG)s;
}

TL_TEST(apc_delivered_on_service_return)
{
    for (ULONG path = 0; path < 2; path++) {
        GApcEvent = NewEvent(NotificationEvent, FALSE);
        GApcCount = 0;
        GSeenRightAfter = 99;
        HANDLE t = NewThread(AlertableWaiter, (PVOID)path, FALSE);
        NtDelayExecution(FALSE, &(LARGE_INTEGER){ .QuadPart = MS(20) });
        TL_CHECK_EQ(STATUS_SUCCESS, NtQueueApcThread(t, CountApc, 0, 0, 0));
        TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(t, MS(1000)));
        TL_CHECK_EQ(STATUS_USER_APC, ThreadExitStatus(t));
        TL_CHECK_EQ(1, GSeenRightAfter);
        NtClose(t);
        NtClose(GApcEvent);
    }
}

static volatile NTSTATUS GAlertStatus;
static ULONG NTAPI AlertWaiter(PVOID p)
{
    (void)p;
    GAlertStatus = NtDelayExecution(TRUE, &(LARGE_INTEGER){ .QuadPart = MS(5000) });
    return 0;
}

TL_TEST(alert_thread)
{
    HANDLE t = NewThread(AlertWaiter, NULL, FALSE);
    NtDelayExecution(FALSE, &(LARGE_INTEGER){ .QuadPart = MS(20) });
    TL_CHECK_EQ(STATUS_SUCCESS, NtAlertThread(t));
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(t, MS(1000)));
    TL_CHECK_EQ(STATUS_ALERTED, GAlertStatus);
    NtClose(t);
}

/* ------------------------------------------------------------------ exceptions */
static volatile ULONG GHandlerHits, GSingleSteps;
static volatile ULONG GAvInfo0 = 9, GAvInfo1 = 9;
static volatile PVOID GSsAddress;
extern char SsAfterSysenter[] __asm__("SsAfterSysenter"), AvInstruction[] __asm__("AvInstruction");
static PCONTEXT volatile GRecoverContext;
static volatile ULONG GKernelEipFaults;

static LONG NTAPI TestHandler(PEXCEPTION_POINTERS Ep)
{
    PEXCEPTION_RECORD er = Ep->ExceptionRecord;
    PCONTEXT c = Ep->ContextRecord;
    if (er->ExceptionCode == STATUS_ACCESS_VIOLATION && er->ExceptionAddress == (PVOID)AvInstruction) {
        GHandlerHits++;
        GAvInfo0 = er->ExceptionInformation[0];
        GAvInfo1 = er->ExceptionInformation[1];
        c->Eax = 0x1234;
        c->Eip += 2;                                   /* movl (%eax), %eax */
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    if (er->ExceptionCode == STATUS_SINGLE_STEP) {
        GSingleSteps++;
        GSsAddress = er->ExceptionAddress;
        c->EFlags &= ~0x100;
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    if (er->ExceptionCode == STATUS_ACCESS_VIOLATION && (ULONG)er->ExceptionAddress >= 0x80000000 &&
        GRecoverContext) {
        GKernelEipFaults++;
        *c = *GRecoverContext;
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    return EXCEPTION_CONTINUE_SEARCH;
}

TL_TEST(vectored_handler_fixes_av)
{
    ULONG v;
    __asm__ volatile(".globl AvInstruction\n"
                     "xorl %%eax, %%eax\n"
                     "AvInstruction: movl (%%eax), %%eax\n" : "=a"(v) :: "memory");
    TL_CHECK_EQ(1, GHandlerHits);
    TL_CHECK_EQ(0x1234, v);
    TL_CHECK_EQ(0, GAvInfo0);
    TL_CHECK_EQ(0, GAvInfo1);
}

TL_TEST(single_step_after_sysenter)
{
    NTSTATUS s;
    GSingleSteps = 0;
    __asm__ volatile("pushl $SsAfterSysenter\n"
                     "pushfl\n"
                     "orl $0x100, (%%esp)\n"
                     "leal 4(%%esp), %%edx\n"
                     "popfl\n"
                     "sysenter\n"
                     ".globl SsAfterSysenter\n"
                     "SsAfterSysenter:\n"
                     : "=a"(s) : "a"(SERVICE_NUMBER_NtBenchNull) : "ecx", "edx", "memory", "cc");
    TL_CHECK_EQ(STATUS_SUCCESS, s);
    TL_CHECK_EQ(1, GSingleSteps);
    TL_CHECK_EQ((ULONG)SsAfterSysenter, (ULONG)GSsAddress);
}

/* ------------------------------------------------------------------ contexts */
static CONTEXT GSaved, GProbe;
static volatile int GPhase;
volatile ULONG GProbeCs __asm__("GProbeCs"), GProbeFlags __asm__("GProbeFlags"), GProbeEax __asm__("GProbeEax");
static UCHAR GProbeStack[4096] __attribute__((aligned(16)));

/* ProbeEntry: record EAX, CS and EFLAGS exactly as the resume left them, then go back. */
VOID ProbeEntry(VOID) __asm__("ProbeEntry");
__asm__(".text\nProbeEntry:\n  movl %eax, GProbeEax\n  movw %cs, GProbeCs\n  pushfl\n  popl GProbeFlags\n"
        "  call ProbeAndReturn\n  ud2\n");
VOID ProbeAndReturn(VOID) __asm__("ProbeAndReturn");
__attribute__((used)) VOID ProbeAndReturn(VOID)
{
    GPhase++;
    NtContinue(&GSaved, FALSE);
}

/* CaptureForResume(Context): 0 now; 1 when a resume of Context comes back here (a setjmp made
   of NtGetContextThread: EIP/ESP are patched to this call's return point). */
__attribute__((returns_twice)) ULONG CaptureForResume(PCONTEXT Context) __asm__("CaptureForResume");
__asm__(".text\n.globl CaptureForResume\nCaptureForResume:\n"
        "  movl 4(%esp), %eax\n  movl $0x10007, (%eax)\n"       /* CONTEXT_FULL */
        "  pushl %eax\n  pushl $-2\n  call " ASM_NTDLL(NtGetContextThread, 8) "\n"
        "  movl 4(%esp), %ecx\n  movl (%esp), %edx\n  movl %edx, 0xB8(%ecx)\n"
        "  leal 4(%esp), %edx\n  movl %edx, 0xC4(%ecx)\n  movl $1, 0xB0(%ecx)\n"
        "  xorl %eax, %eax\n  ret\n");

/* Resume at ProbeAndReturn with hostile selectors/flags; Set = NtSetContextThread, else NtContinue. */
static VOID HostileResume(BOOLEAN Set)
{
    GProbe = GSaved;
    GProbe.Eip = (ULONG)ProbeEntry;
    GProbeCs = 0;
    GProbe.Esp = (ULONG)(GProbeStack + sizeof(GProbeStack) - 16);
    GProbe.SegCs = 0x08;                                  /* ring 0 code */
    GProbe.SegSs = 0x10;
    GProbe.SegDs = GProbe.SegEs = 0x10;
    GProbe.EFlags |= 0x3000 | 0x20000 | 0x4000;           /* IOPL 3, VM, NT */
    GProbe.Eax = 0x5A5A;
    if (Set)
        NtSetContextThread(NtCurrentThread(), &GProbe);
    else
        NtContinue(&GProbe, FALSE);
}

TL_TEST(context_sanitized_continue_and_set)
{
    for (volatile int set = 0; set < 2; set++) {
        GPhase = 0;
        if (CaptureForResume(&GSaved) == 0) {
            HostileResume(set);
            TL_FAIL("resume %d returned", set);
        }
        TL_CHECK_EQ(1, GPhase);
        TL_CHECK_EQ(0x1B, GProbeCs);
        TL_CHECK_EQ(0, GProbeFlags & 0x3000);
        TL_CHECK_EQ(0x200, GProbeFlags & 0x4200);          /* IF on, NT off */
        TL_CHECK_EQ(0x5A5A, GProbeEax);
    }
    /* an EIP in kernel space faults in user mode, at that address */
    GKernelEipFaults = 0;
    if (CaptureForResume(&GSaved) == 0) {
        GRecoverContext = &GSaved;
        GProbe = GSaved;
        GProbe.Eip = 0x80001000;
        NtSetContextThread(NtCurrentThread(), &GProbe);
        TL_FAIL("set context returned");
    }
    GRecoverContext = NULL;
    TL_CHECK_EQ(1, GKernelEipFaults);
}

static volatile ULONG GSpin;
static ULONG NTAPI Spinner(PVOID p)
{
    (void)p;
    for (;;)
        GSpin++;
    return 0;
}

volatile ULONG GRedirectCs __asm__("GRedirectCs"), GRedirectFlags __asm__("GRedirectFlags"),
    GRedirectEbx __asm__("GRedirectEbx");
VOID RedirectEntry(VOID) __asm__("RedirectEntry");
__asm__(".text\nRedirectEntry:\n  movl %ebx, GRedirectEbx\n  movw %cs, GRedirectCs\n  pushfl\n  popl GRedirectFlags\n"
        "  call Redirected\n  ud2\n");
VOID Redirected(VOID) __asm__("Redirected");
__attribute__((used)) VOID Redirected(VOID)
{
    NtTerminateThread(NtCurrentThread(), 0x600D);
}

TL_TEST(suspend_get_set_context_other)
{
    HANDLE t = NewThread(Spinner, NULL, FALSE);
    NtDelayExecution(FALSE, &(LARGE_INTEGER){ .QuadPart = MS(30) });
    TL_CHECK(GSpin != 0);
    ULONG prev = 9;
    TL_CHECK_EQ(STATUS_SUCCESS, NtSuspendThread(t, &prev));
    TL_CHECK_EQ(0, prev);
    TL_CHECK_EQ(STATUS_SUCCESS, NtSuspendThread(t, &prev));
    TL_CHECK_EQ(1, prev);
    NtDelayExecution(FALSE, &(LARGE_INTEGER){ .QuadPart = MS(30) });
    ULONG s1 = GSpin;
    NtDelayExecution(FALSE, &(LARGE_INTEGER){ .QuadPart = MS(50) });
    TL_CHECK_EQ(s1, GSpin);                                       /* it does not run */
    CONTEXT c;
    memset(&c, 0, sizeof(c));
    c.ContextFlags = CONTEXT_FULL;
    TL_CHECK_EQ(STATUS_SUCCESS, NtGetContextThread(t, &c));
    if (c.Eip < (ULONG)Spinner || c.Eip > (ULONG)Spinner + 64)
        TL_FAIL("suspended EIP 0x%x is not in Spinner (0x%x)", (unsigned)c.Eip, (unsigned)Spinner);
    TL_CHECK_EQ(0x1B, c.SegCs);
    TL_CHECK_EQ(0x23, c.SegSs);
    c.Eip = (ULONG)RedirectEntry;
    c.Esp = (c.Esp - 64) & ~15u;
    c.Ebx = 0xB0B0;
    c.SegCs = 0;
    c.EFlags |= 0x23000;
    TL_CHECK_EQ(STATUS_SUCCESS, NtSetContextThread(t, &c));
    TL_CHECK_EQ(STATUS_SUCCESS, NtResumeThread(t, &prev));
    TL_CHECK_EQ(2, prev);
    TL_CHECK_EQ(STATUS_TIMEOUT, WaitOne(t, MS(30)));               /* still suspended once */
    TL_CHECK_EQ(STATUS_SUCCESS, NtResumeThread(t, &prev));
    TL_CHECK_EQ(1, prev);
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(t, MS(1000)));
    TL_CHECK_EQ(0x600D, ThreadExitStatus(t));
    TL_CHECK_EQ(0x1B, GRedirectCs);
    TL_CHECK_EQ(0, GRedirectFlags & 0x3000);
    TL_CHECK_EQ(0xB0B0, GRedirectEbx);
    NtClose(t);

    /* terminate a suspended thread; a created-suspended thread does not run until resumed */
    GSpin = 0;
    t = NewThread(Spinner, NULL, TRUE);
    NtDelayExecution(FALSE, &(LARGE_INTEGER){ .QuadPart = MS(30) });
    TL_CHECK_EQ(0, GSpin);
    TL_CHECK_EQ(STATUS_SUCCESS, NtTerminateThread(t, 0x77));
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(t, MS(1000)));
    TL_CHECK_EQ(0x77, ThreadExitStatus(t));
    TL_CHECK_EQ(0, GSpin);
    NtClose(t);
}

/* A child that resumes at an ESP in kernel space must end with an access violation. */
TL_TEST(context_kernel_esp_ends_process)
{
    static const char *modes[2] = { "espkernel-continue", "espkernel-set" };
    for (int i = 0; i < 2; i++) {
        WCHAR path[] = u"psthread.exe", cmd[64];
        char ascii[64];
        int n = 0;
        for (const char *s = "psthread.exe "; *s; s++) ascii[n++] = *s;
        for (const char *s = modes[i]; *s; s++) ascii[n++] = *s;
        for (int k = 0; k < n; k++) cmd[k] = ascii[k];
        UNICODE_STRING up = { sizeof(path) - 2, sizeof(path), path }, uc = { n * 2, n * 2, cmd };
        HANDLE p, t;
        TL_CHECK_EQ(STATUS_SUCCESS, NtCreateUserProcessFromPath(&p, &t, PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS,
                                                                &up, &uc, 0, NULL));
        TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(p, MS(3000)));
        PROCESS_BASIC_INFORMATION pbi;
        TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationProcess(p, ProcessBasicInformation, &pbi, sizeof(pbi), NULL));
        TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, pbi.ExitStatus);
        NtClose(p); NtClose(t);
    }
}

/* ------------------------------------------------------------------ registers under preemption */
/* CheckRegsLoop(Seed, Count): Count calls of NtBenchNull with EBX/ESI/EDI/EBP = Seed + 0..3;
   returns how many calls changed one of them. */
ULONG CheckRegsLoop(ULONG Seed, ULONG Count) __asm__("CheckRegsLoop");
__asm__(".text\n.globl CheckRegsLoop\nCheckRegsLoop:\n"
        "  pushl %ebp\n  pushl %ebx\n  pushl %esi\n  pushl %edi\n"
        "  pushl $0\n  pushl 28(%esp)\n"                 /* failures, remaining */
        "1: movl 28(%esp), %ebx\n  leal 1(%ebx), %esi\n  leal 2(%ebx), %edi\n  leal 3(%ebx), %ebp\n"
        "  call " ASM_NTDLL(NtBenchNull, 0) "\n"
        "  movl 28(%esp), %eax\n  cmpl %eax, %ebx\n  jne 2f\n"
        "  leal 1(%eax), %edx\n  cmpl %edx, %esi\n  jne 2f\n"
        "  leal 2(%eax), %edx\n  cmpl %edx, %edi\n  jne 2f\n"
        "  leal 3(%eax), %edx\n  cmpl %edx, %ebp\n  je 3f\n"
        "2: incl 4(%esp)\n"
        "3: decl (%esp)\n  jnz 1b\n"
        "  popl %ecx\n  popl %eax\n  popl %edi\n  popl %esi\n  popl %ebx\n  popl %ebp\n  ret\n");

/* The count: 64 threads x 10,000 calls take well under a second of TCG time (measured:
   the whole psthread boot is about 1.3 s), with the 100 Hz clock preempting them throughout. */
#define REG_THREADS 64
#define REG_CALLS 10000
static ULONG NTAPI RegThread(PVOID p)
{
    return CheckRegsLoop(0x10000000 + (ULONG)p * 0x1000, REG_CALLS);
}

TL_TEST(nonvolatile_registers_64_threads)
{
    HANDLE th[REG_THREADS];
    ULONG switches0 = 0;
    for (int i = 0; i < REG_THREADS; i++)
        th[i] = NewThread(RegThread, (PVOID)i, FALSE);
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForMultipleObjects(REG_THREADS, th, WaitAll, FALSE, NULL));
    for (int i = 0; i < REG_THREADS; i++) {
        NTSTATUS s = ThreadExitStatus(th[i]);
        if (s)
            TL_FAIL("thread %d: %u calls lost a non-volatile register", i, (unsigned)s);
        NtClose(th[i]);
    }
    (void)switches0;
}

/* ------------------------------------------------------------------ virtual memory */
TL_TEST(virtual_memory)
{
    PVOID base = NULL;
    SIZE_T size = 0x3000;
    TL_CHECK_EQ(STATUS_SUCCESS, NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_RESERVE | MEM_COMMIT,
                                                        PAGE_READWRITE));
    TL_CHECK_EQ(0x3000, size);
    TL_CHECK_EQ(0, (ULONG)base & 0xFFFF);
    ((volatile ULONG *)base)[0x2FFC / 4] = 7;
    PVOID same = base;
    SIZE_T s2 = 0x1000;
    TL_CHECK_EQ(STATUS_CONFLICTING_ADDRESSES, NtAllocateVirtualMemory(NtCurrentProcess(), &same, 0, &s2,
                                                                      MEM_RESERVE, PAGE_READWRITE));
    SIZE_T zero = 0;
    PVOID mid = (PUCHAR)base + 0x1000;
    TL_CHECK_EQ(STATUS_FREE_VM_NOT_AT_BASE, NtFreeVirtualMemory(NtCurrentProcess(), &mid, &zero, MEM_RELEASE));
    TL_CHECK_EQ(STATUS_SUCCESS, NtFreeVirtualMemory(NtCurrentProcess(), &base, &zero, MEM_RELEASE));
    TL_CHECK_EQ(STATUS_MEMORY_NOT_ALLOCATED, NtFreeVirtualMemory(NtCurrentProcess(), &base, &zero, MEM_RELEASE));
    TL_CHECK_EQ(STATUS_INVALID_PAGE_PROTECTION, NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                                                                        MEM_RESERVE, 0x77));
}

/* ------------------------------------------------------------------ children */
static int Child(const char *Mode)
{
    CONTEXT c;
    c.ContextFlags = CONTEXT_FULL;
    NtGetContextThread(NtCurrentThread(), &c);
    c.Esp = 0x80100000;                                   /* kernel space */
    c.Eip = (ULONG)Child;
    if (!strcmp(Mode, "espkernel-continue"))
        NtContinue(&c, FALSE);
    else if (!strcmp(Mode, "espkernel-set"))
        NtSetContextThread(NtCurrentThread(), &c);
    return 0x0BAD;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return Child(argv[1]);
    RtlAddVectoredExceptionHandler(1, TestHandler);
    TL_RUN(wait_any_all_timeout);
    TL_RUN(semaphore_counts);
    TL_RUN(mutant_ownership_abandon);
    TL_RUN(pulse_event_and_timers);
    TL_RUN(bad_handles_and_types);
    TL_RUN(priorities_counters_exact);
    TL_RUN(apc_alertable_wait_once);
    TL_RUN(apc_not_in_nonalertable_wait);
    TL_RUN(apc_delivered_on_service_return);
    TL_RUN(alert_thread);
    TL_RUN(vectored_handler_fixes_av);
    TL_RUN(single_step_after_sysenter);
    TL_RUN(context_sanitized_continue_and_set);
    TL_RUN(suspend_get_set_context_other);
    TL_RUN(context_kernel_esp_ends_process);
    TL_RUN(virtual_memory);
    TL_RUN(nonvolatile_registers_64_threads);
    TL_FINISH();
}
