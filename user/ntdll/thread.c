/*
 * thread.c - user threads from ntdll: RtlCreateUserThread builds the stack (a reservation with
 * its top part committed), the CONTEXT and the INITIAL_TEB that NtCreateThread takes, and
 * RtlUserThreadStart (dispatch.S), where such a thread begins, runs the start routine and ends the
 * thread with its result (the process ends when its last thread does).
 */
#include "ntdll.h"
#include "ntdllp.h"

#define RTLP_DEFAULT_STACK_RESERVE 0x40000
#define RTLP_DEFAULT_STACK_COMMIT  0x10000
#define RTLP_ROUND(x, a) (((x) + (a) - 1) & ~((SIZE_T)(a) - 1))

/* RtlUserThreadStart (user/ntdll/dispatch.S) comes here with the start routine and its parameter
   (the loader APC has already sent DLL_THREAD_ATTACH): the routine, then the thread's end with
   its result. */
DECLSPEC_NORETURN VOID NTAPI RtlpUserThreadStart(PUSER_THREAD_START_ROUTINE Start, PVOID Parameter)
{
    RtlExitUserThread((NTSTATUS)Start(Parameter));
    for (;;)
        ;
}

/* RtlExitUserThread - end the calling thread with ExitStatus, after DLL_THREAD_DETACH. */
VOID NTAPI RtlExitUserThread(NTSTATUS ExitStatus)
{
    LdrShutdownThread();
    NtTerminateThread(NtCurrentThread(), ExitStatus);
}

/*
 * RtlCreateUserThread - In: the process (NtCurrentProcess() or a handle with
 * PROCESS_VM_OPERATION | PROCESS_CREATE_THREAD), a security descriptor (ignored), CreateSuspended,
 * StackZeroBits, StackReserve and StackCommit (0 = 256 KiB and 64 KiB; the commit is mapped at
 * once and is all the stack the thread can use), the start routine (NTAPI, one parameter, its
 * result becomes the thread's exit status) and its parameter, optional handle and CLIENT_ID out.
 * Result: NtAllocateVirtualMemory's or NtCreateThread's status.
 */
NTSTATUS NTAPI RtlCreateUserThread(HANDLE ProcessHandle, PVOID SecurityDescriptor, BOOLEAN CreateSuspended,
                                   ULONG StackZeroBits, SIZE_T StackReserve, SIZE_T StackCommit,
                                   PUSER_THREAD_START_ROUTINE StartAddress, PVOID Parameter, PHANDLE ThreadHandle,
                                   PCLIENT_ID ClientId)
{
    (void)SecurityDescriptor;
    SIZE_T commit = RTLP_ROUND(StackCommit ? StackCommit : RTLP_DEFAULT_STACK_COMMIT, 0x1000);
    SIZE_T reserve = RTLP_ROUND(StackReserve ? StackReserve : RTLP_DEFAULT_STACK_RESERVE, 0x10000);
    if (reserve < commit)
        reserve = RTLP_ROUND(commit, 0x10000);
    PVOID base = NULL;
    SIZE_T size = reserve;
    NTSTATUS status = NtAllocateVirtualMemory(ProcessHandle, &base, StackZeroBits, &size, MEM_RESERVE,
                                              PAGE_READWRITE);
    if (!NT_SUCCESS(status))
        return status;
    ULONG top = (ULONG)base + size;
    PVOID commitBase = (PVOID)(top - commit);
    SIZE_T commitSize = commit;
    status = NtAllocateVirtualMemory(ProcessHandle, &commitBase, 0, &commitSize, MEM_COMMIT, PAGE_READWRITE);
    if (NT_SUCCESS(status)) {
        INITIAL_TEB teb = { { NULL, NULL }, (PVOID)top, commitBase, base };
        CONTEXT ctx;
        memset(&ctx, 0, sizeof(ctx));
        ctx.ContextFlags = CONTEXT_FULL;
        ctx.SegCs = 0x1B;
        ctx.SegSs = ctx.SegDs = ctx.SegEs = 0x23;
        ctx.SegFs = 0x3B;
        ctx.EFlags = 0x202;
        ctx.Esp = top - 16;
        ctx.Eip = (ULONG)RtlUserThreadStart;
        ctx.Eax = (ULONG)StartAddress;
        ctx.Ebx = (ULONG)Parameter;
        HANDLE h;
        status = NtCreateThread(&h, THREAD_ALL_ACCESS, NULL, ProcessHandle, ClientId, &ctx, &teb, CreateSuspended);
        if (NT_SUCCESS(status)) {
            if (ThreadHandle)
                *ThreadHandle = h;
            else
                NtClose(h);
            return status;
        }
    }
    SIZE_T zero = 0;
    NtFreeVirtualMemory(ProcessHandle, &base, &zero, MEM_RELEASE);
    return status;
}
