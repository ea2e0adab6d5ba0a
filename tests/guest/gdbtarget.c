/*
 * gdbtarget.c - the program tests/guest/gdb.sh stops under GDB to check the kx-* commands
 * (tools/gdb/nanont.py, docs/debugging.md). Not a test by itself: it gives the debugger known
 * states, in this order:
 *   1. a system service in progress: main's first printf (NtDisplayString, through ntdll);
 *   2. a wait: a second thread blocked on an event while main calls NtSetEvent;
 *   3. a user-mode fault: GdbTargetFault writes through a null pointer (the process ends with
 *      STATUS_ACCESS_VIOLATION; KiDispatchUserException is on the way).
 */
#include "ntdll.h"
#include "crt.h"

static HANDLE GdbTargetEvent;
static volatile ULONG *volatile GdbTargetNull;   /* stays NULL: the compiler cannot know it */

/* the second thread: waits until main signals the event, then exits */
static ULONG NTAPI GdbTargetWaiter(PVOID Parameter)
{
    (void)Parameter;
    NtWaitForSingleObject(GdbTargetEvent, FALSE, NULL);
    return 0;
}

/* a fault with a known name and address, for the backtrace across the trap frame */
__attribute__((noinline)) static void GdbTargetFault(volatile ULONG *Where)
{
    *Where = 0x6DB;
}

int main(int argc, char **argv)
{
    (void)argc;
    printf("gdbtarget: %s stops for the debugger\n", argv[0]);
    if (NtCreateEvent(&GdbTargetEvent, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE) != 0)
        return 1;
    HANDLE thread = NULL;
    if (RtlCreateUserThread(NtCurrentProcess(), NULL, FALSE, 0, 0x10000, 0x8000, GdbTargetWaiter, NULL,
                            &thread, NULL) != 0)
        return 1;
    /* let the waiter block on the event before it is set */
    LARGE_INTEGER delay;
    delay.QuadPart = -20 * 10000;
    NtDelayExecution(FALSE, &delay);
    NtSetEvent(GdbTargetEvent, NULL);
    NtWaitForSingleObject(thread, FALSE, NULL);
    GdbTargetFault(GdbTargetNull);
    return 0;
}
