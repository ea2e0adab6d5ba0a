/*
 * kesvc.c - kernel services of the native table: NtContinue, NtTestAlert, NtYieldExecution,
 * NtEchoArguments (docs/spec.md §7), and the benchmark services.
 */
#include "ke.h"
#include "ki.h"
#include "mm.h"
#include "ps.h"
#include "rtl.h"
#include "zwapi.h"

#define STATUS_NO_YIELD_PERFORMED ((NTSTATUS)0x40000024)


/*
 * NtContinue - resume the caller with a CONTEXT (ntdll's APC and exception dispatchers return
 * through here). In: a user CONTEXT, and TestAlert to make pending user APCs deliverable. The
 * context is sanitized (docs/spec.md §8) into the caller's trap frame, which then leaves by iretd with the
 * context's registers, EAX included. Result on failure: STATUS_ACCESS_VIOLATION, and the caller
 * continues unchanged.
 */
NTSTATUS NTAPI NtContinue(PCONTEXT ContextRecord, BOOLEAN TestAlert)
{
    CONTEXT context;
    NTSTATUS status = MmCopyFromUser(&context, ContextRecord, sizeof(context));
    if (!NT_SUCCESS(status))
        return status;
    PKTHREAD thread = KeGetCurrentThread();
    PKTRAP_FRAME tf = thread->TrapFrame;
    status = KeContextToTrapFrame(thread, tf, &context, CONTEXT_FULL | CONTEXT_DEBUG_REGISTERS);
    if (!NT_SUCCESS(status))
        return status;
    if (TestAlert)
        KeTestAlertThread(UserMode);
    return (NTSTATUS)tf->Eax;     /* the exit restores EAX from the edited frame anyway */
}

/* NtTestAlert - deliver queued user APCs on the way out; STATUS_SUCCESS either way (docs/spec.md §7). */
NTSTATUS NTAPI NtTestAlert(VOID)
{
    KeTestAlertThread(UserMode);
    return STATUS_SUCCESS;
}

/* NtYieldExecution - let another ready thread of the same or higher priority run. */
NTSTATUS NTAPI NtYieldExecution(VOID)
{
    ULONG switches = KeGetPcr()->ContextSwitches;
    KiYieldThread();
    return KeGetPcr()->ContextSwitches != switches ? STATUS_SUCCESS : STATUS_NO_YIELD_PERFORMED;
}

/*
 * NtEchoArguments - a diagnostic for argument copying: writes the 16 argument dwords it received
 * (Out itself first) to Out[0..15]. Result: STATUS_SUCCESS or STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtEchoArguments(PULONG Out, ULONG A2, ULONG A3, ULONG A4, ULONG A5, ULONG A6,
                               ULONG A7, ULONG A8, ULONG A9, ULONG A10, ULONG A11, ULONG A12,
                               ULONG A13, ULONG A14, ULONG A15, ULONG A16)
{
    ULONG v[16] = { (ULONG)Out, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13, A14, A15, A16 };
    return MmCopyToUser(Out, v, sizeof(v));
}

/* Null services for the benchmark: nothing but the round trip (and the argument copy). */
NTSTATUS NTAPI NtBenchNull(VOID) { return STATUS_SUCCESS; }
NTSTATUS NTAPI NtBenchNull4(ULONG a, ULONG b, ULONG c, ULONG d)
{
    UNREFERENCED_PARAMETER(a); UNREFERENCED_PARAMETER(b); UNREFERENCED_PARAMETER(c);
    UNREFERENCED_PARAMETER(d);
    return STATUS_SUCCESS;
}
NTSTATUS NTAPI NtBenchNull8(ULONG a, ULONG b, ULONG c, ULONG d, ULONG e, ULONG f, ULONG g, ULONG h)
{
    UNREFERENCED_PARAMETER(a); UNREFERENCED_PARAMETER(b); UNREFERENCED_PARAMETER(c);
    UNREFERENCED_PARAMETER(d); UNREFERENCED_PARAMETER(e); UNREFERENCED_PARAMETER(f);
    UNREFERENCED_PARAMETER(g); UNREFERENCED_PARAMETER(h);
    return STATUS_SUCCESS;
}
NTSTATUS NTAPI NtBenchNull16(ULONG a, ULONG b, ULONG c, ULONG d, ULONG e, ULONG f, ULONG g, ULONG h,
                             ULONG i, ULONG j, ULONG k, ULONG l, ULONG m, ULONG n, ULONG o, ULONG p)
{
    UNREFERENCED_PARAMETER(a); UNREFERENCED_PARAMETER(b); UNREFERENCED_PARAMETER(c);
    UNREFERENCED_PARAMETER(d); UNREFERENCED_PARAMETER(e); UNREFERENCED_PARAMETER(f);
    UNREFERENCED_PARAMETER(g); UNREFERENCED_PARAMETER(h); UNREFERENCED_PARAMETER(i);
    UNREFERENCED_PARAMETER(j); UNREFERENCED_PARAMETER(k); UNREFERENCED_PARAMETER(l);
    UNREFERENCED_PARAMETER(m); UNREFERENCED_PARAMETER(n); UNREFERENCED_PARAMETER(o);
    UNREFERENCED_PARAMETER(p);
    return STATUS_SUCCESS;
}

PKTHREAD KiTrapDebugDataThread;
KI_FRAME_DEBUG_DATA KiTrapDebugData;

/* KiGetFrameDebugData - the fields a debugger's stack walk reads from a trap frame (§6.2). */
VOID KiGetFrameDebugData(PKTRAP_FRAME TrapFrame, KI_FRAME_DEBUG_DATA *Data)
{
    Data->DbgEbp = TrapFrame->DbgEbp;
    Data->DbgEip = TrapFrame->DbgEip;
    Data->DbgArgMark = TrapFrame->DbgArgMark;
    Data->DbgArgPointer = TrapFrame->DbgArgPointer;
    Data->Dr7 = TrapFrame->Dr7;
}

/*
 * NtBenchControl - benchmark calibration and entry diagnostics (only with the boot option "bench").
 * Operation 1 points SYSENTER_EIP at a floor entry (Argument 0: the regular KiFastCallEntry, 1:
 * bare sysexit, 2: save all registers, call an empty C routine, restore, sysexit); reach it
 * through int 2Eh so that it can switch back. Operation 2 writes the debugger's fields of the
 * caller's own service frame (KI_FRAME_DEBUG_DATA: DbgEbp, DbgEip, DbgArgMark, DbgArgPointer, Dr7)
 * to Argument. Operation 3 with Argument 0 arms the capture of those fields from the calling
 * thread's next user-mode exception (KiTrapDispatch); with a pointer it writes the captured ones
 * there (STATUS_UNSUCCESSFUL when none was captured). Operation 4 calls ZwEchoArguments with a
 * kernel buffer, as a kernel component calls its own services (through KiSystemService from ring
 * 0, PreviousMode = KernelMode: nothing probed), and writes KI_ZW_CALL_DATA to Argument; the
 * buffer's address lets the caller check that the same call from user mode is refused. Result: STATUS_SUCCESS,
 * STATUS_ACCESS_DENIED without the boot option, STATUS_INVALID_PARAMETER, STATUS_ACCESS_VIOLATION.
 */
#include "loader.h"
NTSTATUS NTAPI NtBenchControl(ULONG Operation, ULONG Argument)
{
    if (!KeHasBootFlag("bench"))
        return STATUS_ACCESS_DENIED;
    if (Operation == 2) {
        KI_FRAME_DEBUG_DATA d;
        KiGetFrameDebugData(KeGetCurrentThread()->TrapFrame, &d);
        return MmCopyToUser((PVOID)Argument, &d, sizeof(d));
    }
    if (Operation == 3 && Argument == 0) {
        KiTrapDebugData.DbgArgMark = 0;
        KiTrapDebugDataThread = KeGetCurrentThread();
        return STATUS_SUCCESS;
    }
    if (Operation == 3) {
        if (KiTrapDebugDataThread || KiTrapDebugData.DbgArgMark == 0)
            return STATUS_UNSUCCESSFUL;
        return MmCopyToUser((PVOID)Argument, &KiTrapDebugData, sizeof(KiTrapDebugData));
    }
    if (Operation == 4) {
        static ULONG echo[16];              /* kernel memory: a user caller's probe refuses it */
        KI_ZW_CALL_DATA d;
        PKTRAP_FRAME frame = KeGetCurrentThread()->TrapFrame;
        memset(&d, 0, sizeof(d));
        memset(echo, 0, sizeof(echo));
        d.EchoStatus = ZwEchoArguments(echo, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
        for (ULONG i = 1; i < 16; i++)
            d.EchoMatches += echo[i] == i + 1;
        d.EchoMatches += echo[0] == (ULONG)echo;
        d.KernelBuffer = (ULONG)echo;
        d.PreviousModeAfter = KeGetPreviousMode();
        d.TrapFrameKept = KeGetCurrentThread()->TrapFrame == frame;
        return MmCopyToUser((PVOID)Argument, &d, sizeof(d));
    }
    if (Operation != 1 || Argument > 2)
        return STATUS_INVALID_PARAMETER;
    static VOID (*const targets[3])(VOID) = { KiFastCallEntry, KiBenchFloorSysexit, KiBenchFloorSaveAll };
    KiSetSysenterTarget((PVOID)targets[Argument]);
    return STATUS_SUCCESS;
}

VOID KiBenchEmptyRoutine(VOID)
{
    __asm__ volatile("" ::: "memory");
}
