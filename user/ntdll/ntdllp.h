/* ntdllp.h - what ntdll's own files share and nothing outside ntdll.dll calls. */
#ifndef NANONT_NTDLLP_H
#define NANONT_NTDLLP_H

#include "ntdll.h"

/* ldr.c: DLL_THREAD_ATTACH for a new thread (RtlUserThreadStart), the body of
   LdrInitializeThunk, and where a PE executable's first thread is sent (EAX = entry, EBX = PEB) */
VOID LdrpThreadAttach(VOID);
VOID NTAPI LdrpInitialize(PCONTEXT Context, PVOID NtdllBase, PVOID Flags);
VOID LdrpProcessStartThunk(VOID);
DECLSPEC_NORETURN VOID NTAPI LdrpProcessStart(VOID (NTAPI *Entry)(PPEB Peb), PPEB Peb);
/* thread.c: the C half of RtlUserThreadStart (dispatch.S) */
DECLSPEC_NORETURN VOID NTAPI RtlpUserThreadStart(PUSER_THREAD_START_ROUTINE Start, PVOID Parameter);

#endif
