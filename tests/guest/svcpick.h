/* svcpick.h - picking services at random for the fuzzers (fuzzsys.c, fuzzleak.c): the tables'
   limits (from SystemCallCountInformation when the kernel keeps per-service counts, boot option
   callcounts, else the build's own), the services they leave out, and table 0's implemented
   slots (table 0 keeps WRK's numbering, so most of its slots share the routine that returns
   STATUS_NOT_IMPLEMENTED). */
#ifndef NANONT_SVCPICK_H
#define NANONT_SVCPICK_H

#include "ntdll.h"
#include "svcnum.h"
#include "w32svcnum.h"
#include "svcsample.h"

/* SvcTableLimit - the number of services of Table (0 when the table is empty or unknown). */
static inline ULONG SvcTableLimit(ULONG Table)
{
    static ULONG info[4096];
    ULONG len = 0;
    static const ULONG built[4] = { KI_SERVICE_COUNT, W32P_SERVICE_COUNT, EXS_SERVICE_COUNT, 0 };
    if (NtQuerySystemInformation(SystemCallCountInformation, info, sizeof(info), &len) != STATUS_SUCCESS)
        return 0;
    /* NT's layout: Length, NumberOfTables, then the tables' limits, then their counts; without
       counts (as WRK's free build) the header and four zero limits only */
    if (info[0] == 2 * sizeof(ULONG) + 4 * sizeof(ULONG) && Table < 4)
        return built[Table];
    return Table < info[1] ? info[2 + Table] : 0;
}

/* SvcImplemented - whether Index of Table has a routine of its own. */
static inline int SvcImplemented(ULONG Table, ULONG Index)
{
    static const ULONG map[] = KI_SERVICE_IMPLEMENTED_BITMAP;
    if (Table != 0)
        return 1;
    return Index / 32 < ARRAYSIZE(map) && (map[Index / 32] >> (Index % 32)) & 1;
}

/* SvcNeverCalled - services no fuzzer calls: they stop the machine, or change the tracer for the
   whole system. */
static inline int SvcNeverCalled(ULONG Number)
{
    return Number == SERVICE_NUMBER_NtShutdownSystem || Number == SERVICE_NUMBER_NtSetSystemInformation;
}

/* SvcHostileToCaller - services that would end, block, suspend or redirect the calling thread,
   copy to any address of any process, or free, unmap or protect the caller's own memory (this
   process included: they would overwrite or take away the fuzzer's image, a view of a PE file). */
static inline int SvcHostileToCaller(ULONG Number)
{
    static const ULONG hostile[] = {
        SERVICE_NUMBER_NtTerminateProcess, SERVICE_NUMBER_NtContinue,
        SERVICE_NUMBER_NtRecordOrRecoveryTrapFrame, SERVICE_NUMBER_NtRaiseException,
        SERVICE_NUMBER_NtNanoDiskControl, SERVICE_NUMBER_NtCreateUserProcessFromPath,
        SERVICE_NUMBER_NtCreateThread, SERVICE_NUMBER_NtTerminateThread,
        SERVICE_NUMBER_NtSuspendThread, SERVICE_NUMBER_NtQueueApcThread,
        SERVICE_NUMBER_NtSetContextThread, SERVICE_NUMBER_NtDelayExecution,
        SERVICE_NUMBER_NtWaitForSingleObject, SERVICE_NUMBER_NtWaitForMultipleObjects,
        SERVICE_NUMBER_NtFreeVirtualMemory, SERVICE_NUMBER_NtRecordTrapFrame,
        SERVICE_NUMBER_NtRecoverTrapFrame, SERVICE_NUMBER_NtSetInformationThread,
        SERVICE_NUMBER_NtReadVirtualMemory, SERVICE_NUMBER_NtWriteVirtualMemory,
        SERVICE_NUMBER_NtUnmapViewOfSection, SERVICE_NUMBER_NtProtectVirtualMemory,
    };
    for (ULONG i = 0; i < ARRAYSIZE(hostile); i++)
        if (hostile[i] == Number)
            return 1;
    return 0;
}

#endif
