/*
 * ntdll.h - what user programs get from the system ntdll: NT types, NTSTATUS values, the native
 * services (NT signatures, SPEC 7), Rtl helpers, and NanoNT's diagnostics.
 */
#ifndef NANONT_USER_NTDLL_H
#define NANONT_USER_NTDLL_H

#include <stdarg.h>
#include "ntdef.h"
#include "ntstatus.h"
#include "nti386.h"
#include "ktrap.h"
#include "rtl.h"
#include "svcnum.h"

#ifndef NANONT_PS_H
typedef struct _TEB TEB, *PTEB;
#endif
#include "ps.h"

/* native services (the stubs are generated from ke/services.tab) */
NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus);
NTSTATUS NTAPI NtDisplayString(PUNICODE_STRING String);
NTSTATUS NTAPI NtTestAlert(VOID);
NTSTATUS NTAPI NtContinue(PCONTEXT ContextRecord, BOOLEAN TestAlert);
NTSTATUS NTAPI NtEchoArguments(PULONG Out, ULONG A2, ULONG A3, ULONG A4, ULONG A5, ULONG A6,
                               ULONG A7, ULONG A8, ULONG A9, ULONG A10, ULONG A11, ULONG A12,
                               ULONG A13, ULONG A14, ULONG A15, ULONG A16);
NTSTATUS NTAPI NtRecordOrRecoveryTrapFrame(VOID);
NTSTATUS NTAPI NtQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                        ULONG SystemInformationLength, PULONG ReturnLength);
NTSTATUS NTAPI NtYieldExecution(VOID);
NTSTATUS NTAPI NtQueryPerformanceCounter(PLARGE_INTEGER PerformanceCounter, PLARGE_INTEGER PerformanceFrequency);
NTSTATUS NTAPI NtRaiseException(PEXCEPTION_RECORD ExceptionRecord, PCONTEXT ContextRecord, BOOLEAN FirstChance);
NTSTATUS NTAPI NtClose(HANDLE Handle);
NTSTATUS NTAPI NtBenchNull(VOID);
NTSTATUS NTAPI NtBenchNull4(ULONG, ULONG, ULONG, ULONG);
NTSTATUS NTAPI NtBenchNull8(ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG);
NTSTATUS NTAPI NtBenchNull16(ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG,
                             ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG);
NTSTATUS NTAPI NtBenchControl(ULONG Operation, ULONG Argument);

#define SystemBasicInformation 0
#define SystemCallCountInformation 6
#define SystemNanoNtPoolInformation 0x1000
#define SystemNanoNtThreadInformation 0x1001

/* ntdll entry points (user/ntdll) */
VOID KiFastSystemCall(VOID);
VOID KiFastSystemCallRet(VOID);
VOID KiIntSystemCall(VOID);
VOID KiUserApcDispatcher(VOID);
VOID KiUserExceptionDispatcher(VOID);
/* Make a service call through a chosen entry: Path 0 sysenter, 1 int 2Eh. */
NTSTATUS NanoSystemCall(ULONG Path, ULONG Number, ULONG ArgumentCount, const ULONG *Arguments);

/* exceptions */
#define EXCEPTION_CONTINUE_EXECUTION (-1)
#define EXCEPTION_CONTINUE_SEARCH 0
typedef LONG (NTAPI *PVECTORED_EXCEPTION_HANDLER)(PEXCEPTION_POINTERS ExceptionInfo);
PVOID NTAPI RtlAddVectoredExceptionHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler);
ULONG NTAPI RtlRemoveVectoredExceptionHandler(PVOID Handle);
BOOLEAN NTAPI RtlDispatchException(PEXCEPTION_RECORD ExceptionRecord, PCONTEXT Context);

/* console output */
ULONG DbgPrint(PCSTR Format, ...) __attribute__((format(printf, 1, 2)));
ULONG DbgPrintV(PCSTR Format, va_list Arguments);

static inline PTEB NtCurrentTeb(VOID)
{
    PTEB teb;
    __asm__ volatile("movl %%fs:0x18, %0" : "=r"(teb));
    return teb;
}
#define NtCurrentPeb() (NtCurrentTeb()->ProcessEnvironmentBlock)
#define USER_SHARED_DATA ((const volatile ULONG *)0x7FFE0000)

#endif
