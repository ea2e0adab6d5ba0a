/*
 * vectored.c - vectored exception handlers (RtlAddVectoredExceptionHandler) and
 * RtlDispatchException, which KiUserExceptionDispatcher calls with the kernel's records.
 */
#include "ntdll.h"

#define MAX_VECTORED_HANDLERS 16
static PVECTORED_EXCEPTION_HANDLER RtlpHandlers[MAX_VECTORED_HANDLERS];
static ULONG RtlpHandlerCount;

PVOID NTAPI RtlAddVectoredExceptionHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler)
{
    if (!Handler || RtlpHandlerCount == MAX_VECTORED_HANDLERS)
        return NULL;
    if (First) {
        memmove(&RtlpHandlers[1], &RtlpHandlers[0], RtlpHandlerCount * sizeof(RtlpHandlers[0]));
        RtlpHandlers[0] = Handler;
    } else {
        RtlpHandlers[RtlpHandlerCount] = Handler;
    }
    RtlpHandlerCount++;
    return (PVOID)Handler;
}

ULONG NTAPI RtlRemoveVectoredExceptionHandler(PVOID Handle)
{
    for (ULONG i = 0; i < RtlpHandlerCount; i++) {
        if ((PVOID)RtlpHandlers[i] == Handle) {
            memmove(&RtlpHandlers[i], &RtlpHandlers[i + 1], (RtlpHandlerCount - i - 1) * sizeof(RtlpHandlers[0]));
            RtlpHandlerCount--;
            return 1;
        }
    }
    return 0;
}

/* TRUE when a handler asked to continue (the CONTEXT may have been fixed). */
BOOLEAN NTAPI RtlDispatchException(PEXCEPTION_RECORD ExceptionRecord, PCONTEXT Context)
{
    EXCEPTION_POINTERS ep = { ExceptionRecord, Context };
    for (ULONG i = 0; i < RtlpHandlerCount; i++)
        if (RtlpHandlers[i](&ep) == EXCEPTION_CONTINUE_EXECUTION)
            return TRUE;
    return FALSE;
}
