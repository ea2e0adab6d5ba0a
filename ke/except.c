/*
 * except.c - exceptions raised in user mode. The kernel copies an EXCEPTION_RECORD and the
 * faulting CONTEXT onto the user stack and sends the thread to ntdll's KiUserExceptionDispatcher
 * (first chance), which runs the vectored handlers. An exception nobody handles comes back
 * through NtRaiseException(FirstChance = FALSE) and ends the process with the exception code as
 * its exit status, after one console line naming it (docs/spec.md §1). If the records cannot be written
 * (a bad user stack), the process ends the same way.
 */
#include "ke.h"
#include "ki.h"
#include "ps.h"
#include "mm.h"
#include "rtl.h"

static DECLSPEC_NORETURN VOID KiUnhandledUserException(PEXCEPTION_RECORD Er)
{
    PEPROCESS process = PsGetCurrentProcess();
    if (Er->ExceptionCode == STATUS_ACCESS_VIOLATION && Er->NumberParameters >= 2 &&
        Er->ExceptionInformation[1] != 0xFFFFFFFF)
        DbgPrint("NanoNT: %s: unhandled exception 0x%08X at eip=%08X (%s address %08X)\n",
                 process->ImageFileName, (unsigned)Er->ExceptionCode, (unsigned)Er->ExceptionAddress,
                 Er->ExceptionInformation[0] ? "write" : "read", (unsigned)Er->ExceptionInformation[1]);
    else
        DbgPrint("NanoNT: %s: unhandled exception 0x%08X at eip=%08X\n", process->ImageFileName,
                 (unsigned)Er->ExceptionCode, (unsigned)Er->ExceptionAddress);
    KeProcessCallouts.TerminateProcess(&process->Pcb, Er->ExceptionCode);
    KeProcessCallouts.ExitThread(Er->ExceptionCode);
}

/* Write the records below the user ESP and point the frame at KiUserExceptionDispatcher. */
static BOOLEAN KiDispatchToUser(PKTRAP_FRAME Tf, PEXCEPTION_RECORD Er, PCONTEXT Context)
{
    PKTHREAD thread = KeGetCurrentThread();
    ULONG esp = (Context->Esp - sizeof(CONTEXT) - sizeof(EXCEPTION_RECORD) - 8) & ~3u;
    ULONG erVa = esp + 8, ctxVa = erVa + sizeof(EXCEPTION_RECORD);
    ULONG args[2] = { erVa, ctxVa };
    if (esp >= Context->Esp || ctxVa + sizeof(CONTEXT) > MM_USER_PROBE_ADDRESS ||
        !NT_SUCCESS(KiSafeCopy((PVOID)esp, args, sizeof(args))) ||
        !NT_SUCCESS(KiSafeCopy((PVOID)erVa, Er, sizeof(*Er))) ||
        !NT_SUCCESS(KiSafeCopy((PVOID)ctxVa, Context, sizeof(*Context))))
        return FALSE;
    KiRedirectToUserDispatcher(thread, Tf, KeUserExceptionDispatcher, esp, NULL);
    return TRUE;
}

VOID KiDispatchUserException(PKTRAP_FRAME Tf, NTSTATUS Code, ULONG NumberParameters, ULONG Info0,
                             ULONG Info1)
{
    EXCEPTION_RECORD er;
    KeTimelineEvent(KTL_EXCEPTION, Code, Tf->Eip);
    memset(&er, 0, sizeof(er));
    er.ExceptionCode = Code;
    er.ExceptionAddress = (PVOID)Tf->Eip;
    er.NumberParameters = NumberParameters;
    er.ExceptionInformation[0] = Info0;
    er.ExceptionInformation[1] = Info1;
    /* zeroed whole: KeTrapFrameToContext fills only the registers, and every byte of the CONTEXT
       is copied to the user stack (FloatSave and ExtendedRegisters would be kernel-stack garbage) */
    CONTEXT ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.ContextFlags = CONTEXT_FULL | CONTEXT_DEBUG_REGISTERS;
    KeTrapFrameToContext(KeGetCurrentThread(), Tf, &ctx);
    if (!KiDispatchToUser(Tf, &er, &ctx))
        KiUnhandledUserException(&er);
}

/*
 * NtRaiseException - In: a user EXCEPTION_RECORD and CONTEXT, and FirstChance. First chance:
 * dispatch the exception to user mode again from that context. Otherwise (nobody handled it):
 * end the process with the exception code. Result on failure: STATUS_ACCESS_VIOLATION or
 * STATUS_INVALID_PARAMETER, and the caller continues.
 */
NTSTATUS NTAPI NtRaiseException(PEXCEPTION_RECORD ExceptionRecord, PCONTEXT ContextRecord, BOOLEAN FirstChance)
{
    EXCEPTION_RECORD er;
    CONTEXT ctx;
    NTSTATUS status = MmCopyFromUser(&er, ExceptionRecord, sizeof(er));
    if (NT_SUCCESS(status))
        status = MmCopyFromUser(&ctx, ContextRecord, sizeof(ctx));
    if (!NT_SUCCESS(status))
        return status;
    if (er.NumberParameters > EXCEPTION_MAXIMUM_PARAMETERS)
        return STATUS_INVALID_PARAMETER;
    er.ExceptionRecord = NULL;
    for (ULONG i = er.NumberParameters; i < EXCEPTION_MAXIMUM_PARAMETERS; i++)
        er.ExceptionInformation[i] = 0;
    if (!FirstChance)
        KiUnhandledUserException(&er);
    PKTHREAD thread = KeGetCurrentThread();
    PKTRAP_FRAME tf = thread->TrapFrame;
    ctx.ContextFlags = CONTEXT_FULL;
    KeContextToTrapFrame(thread, tf, &ctx, CONTEXT_FULL);
    /* the sanitized view, built like the one of a fault: only what the kernel defines */
    memset(&ctx, 0, sizeof(ctx));
    ctx.ContextFlags = CONTEXT_FULL;
    KeTrapFrameToContext(thread, tf, &ctx);
    if (!KiDispatchToUser(tf, &er, &ctx))
        KiUnhandledUserException(&er);
    return STATUS_SUCCESS;
}
