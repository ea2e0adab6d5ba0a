/*
 * framedbg.c - the debugger's fields of a trap frame (docs/spec.md §6.2): every entry fills DbgEbp
 * (the interrupted EBP), DbgEip (the frame's EIP), DbgArgMark (0xBADB0D00) and DbgArgPointer (a
 * service's argument pointer, the interrupted EDX for an exception) and clears the frame's Dr7, as
 * WRK's entries do. A call made through each entry with chosen registers (the sysabi harness) asks
 * NtBenchControl(2) for its own frame's fields; an int3 with chosen EBP and EDX is captured by
 * NtBenchControl(3). Needs the boot option "bench".
 */
#pragma GCC diagnostic ignored "-Wunused-function"   /* the harness helpers this test does not use */
#include "sysabi.h"

#define DBG_ARG_MARK 0xBADB0D00u

typedef struct { ULONG DbgEbp, DbgEip, DbgArgMark, DbgArgPointer, Dr7; } FRAME_DEBUG_DATA;
static FRAME_DEBUG_DATA Data;

extern char FrameDbgInt3After[] __asm__("FrameDbgInt3After");   /* one spelling in PE and ELF builds */
VOID FrameDbgInt3(VOID) __asm__("FrameDbgInt3");
__asm__(
    "   .text\n"
    "   .globl FrameDbgInt3, FrameDbgInt3After\n"
    "FrameDbgInt3:\n"                        /* int3 with EBP and EDX known to the test */
    "   pushl %ebp\n"
    "   movl $0xEBEB3333, %ebp\n"
    "   movl $0xD0D03333, %edx\n"
    "   int3\n"
    "FrameDbgInt3After:\n"
    "   popl %ebp\n"
    "   ret\n");

static LONG NTAPI Int3Handler(PEXCEPTION_POINTERS Info)
{
    if ((ULONG)Info->ExceptionRecord->ExceptionCode != (ULONG)STATUS_BREAKPOINT)
        return SysabiHandler(Info);
    Info->ContextRecord->Eip = (ULONG)FrameDbgInt3After;
    return EXCEPTION_CONTINUE_EXECUTION;
}

/* Both service entries: the caller's own frame, seen from inside the service. */
TL_TEST(service_frames)
{
    for (ULONG path = PATH_SYSENTER; path <= PATH_INT2E; path++) {
        ULONG args[2] = { 2, (ULONG)&Data };
        memset(&Data, 0xEE, sizeof(Data));
        Setup(path, SERVICE_NUMBER_NtBenchControl, 2, args);
        ULONG argp = (ULONG)(CALL_SP + 2);           /* where Setup put the arguments */
        EXPECT(path, "status", STATUS_SUCCESS, Invoke());
        EXPECT(path, "DbgEbp (the caller's EBP)", SysabiIn.Ebp, Data.DbgEbp);
        EXPECT(path, "DbgEip (the frame's EIP)",
               path == PATH_SYSENTER ? USER_SHARED_DATA->SystemCallReturn : (ULONG)SysabiInt2e + 3,
               Data.DbgEip);
        EXPECT(path, "DbgArgMark", DBG_ARG_MARK, Data.DbgArgMark);
        EXPECT(path, "DbgArgPointer (the arguments)", argp, Data.DbgArgPointer);
        EXPECT(path, "Dr7", 0, Data.Dr7);
    }
}

/* An exception entry: an int3 from user mode. */
TL_TEST(exception_frame)
{
    memset(&Data, 0xEE, sizeof(Data));
    TL_CHECK_EQ(STATUS_UNSUCCESSFUL, NtBenchControl(3, (ULONG)&Data));   /* nothing captured yet */
    TL_CHECK_EQ(STATUS_SUCCESS, NtBenchControl(3, 0));
    FrameDbgInt3();
    TL_CHECK_EQ(STATUS_SUCCESS, NtBenchControl(3, (ULONG)&Data));
    TL_CHECK_EQ(0xEBEB3333, Data.DbgEbp);
    TL_CHECK_EQ((ULONG)FrameDbgInt3After, Data.DbgEip);     /* int3 pushes the next EIP */
    TL_CHECK_EQ(DBG_ARG_MARK, Data.DbgArgMark);
    TL_CHECK_EQ(0xD0D03333, Data.DbgArgPointer);
    TL_CHECK_EQ(0, Data.Dr7);
}

int main(void)
{
    SaveSysabiGs();
    RtlAddVectoredExceptionHandler(TRUE, Int3Handler);
    TL_RUN(service_frames);
    TL_RUN(exception_frame);
    TL_FINISH();
}
