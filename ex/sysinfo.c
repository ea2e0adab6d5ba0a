/*
 * sysinfo.c - NtQuerySystemInformation and NtSetSystemInformation. Query classes:
 * SystemBasicInformation (0), SystemProcessInformation (5, ps/psquery.c, inc/ntpsapi.h),
 * SystemHandleInformation (16, ps/psquery.c) and
 * SystemCallCountInformation (6, the per-service call counters of every registered table), in
 * NT's layouts, plus NanoNT's diagnostic classes from 0x1000. Class 6 is NT's
 * SYSTEM_CALL_COUNT_INFORMATION (ntexapi.h) followed by its two arrays (docs/services.md):
 *   ULONG Length;                       bytes written
 *   ULONG NumberOfTables;               NUMBER_SERVICE_TABLES (4)
 *   ULONG NumberOfEntries[4];           each table's Limit, 0 for an empty slot
 *   ULONG CallCounts[...];              table 0's Limit counters, then table 1's, ...
 */
#include "ke.h"
#include "mm.h"
#include "pfn.h"
#include "pool.h"
#include "rtl.h"
#include "ps.h"
#include "ntpsapi.h"

#define SystemBasicInformation 0
#define SystemCallCountInformation 6
#define SystemNanoNtPoolInformation 0x1000   /* NanoNT: EX_POOL_USAGE, for leak tests */
#define SystemNanoNtThreadInformation 0x1001 /* NanoNT: the caller's service table and stack */
#define SystemNanoNtPoolTagInformation 0x1002 /* NanoNT: ULONG Count, then Count (Tag, Bytes) pairs */
#define SystemNanoNtTraceFilter 0x1003       /* NanoNT, set only: the tracer's filter (KeSetSystemTraceFilter) */

typedef struct _SYSTEM_BASIC_INFORMATION {
    ULONG Reserved;
    ULONG TimerResolution;
    ULONG PageSize;
    ULONG NumberOfPhysicalPages;
    ULONG LowestPhysicalPageNumber;
    ULONG HighestPhysicalPageNumber;
    ULONG AllocationGranularity;
    ULONG MinimumUserModeAddress;
    ULONG MaximumUserModeAddress;
    ULONG ActiveProcessorsAffinityMask;
    CHAR NumberOfProcessors;
} SYSTEM_BASIC_INFORMATION;

typedef struct _SYSTEM_NANONT_THREAD_INFORMATION {
    ULONG ServiceTableIsShadow;
    ULONG KernelStackSize;
    ULONG Win32Thread;
    ULONG TrapFrameOffsetFromStackBase;
} SYSTEM_NANONT_THREAD_INFORMATION;

/* NT's fixed part of class 6; the limits and the counters follow it. */
typedef struct _SYSTEM_CALL_COUNT_INFORMATION {
    ULONG Length;
    ULONG NumberOfTables;
} SYSTEM_CALL_COUNT_INFORMATION;

/*
 * ExpQueryCallCounts - SystemCallCountInformation, laid out as NT lays it out: the header, all
 * the tables' limits, then all the counters, so a tool written for NT reads it unchanged. The
 * tables are the shadow descriptor table's (every registered table). The needed length goes to
 * ReturnLength first, also when the buffer is too short.
 */
static NTSTATUS ExpQueryCallCounts(PVOID Buffer, ULONG Length, PULONG ReturnLength)
{
    PKSERVICE_TABLE_DESCRIPTOR tables = KeServiceDescriptorTableShadow;
    ULONG limits[NUMBER_SERVICE_TABLES];
    ULONG need = sizeof(SYSTEM_CALL_COUNT_INFORMATION) + sizeof(limits);
    for (ULONG i = 0; i < NUMBER_SERVICE_TABLES; i++) {
        limits[i] = tables[i].Count ? tables[i].Limit : 0;
        need += limits[i] * sizeof(ULONG);
    }
    if (ReturnLength) {
        NTSTATUS s = MmCopyToUser(ReturnLength, &need, sizeof(need));
        if (!NT_SUCCESS(s))
            return s;
    }
    if (Length < need)
        return STATUS_INFO_LENGTH_MISMATCH;
    SYSTEM_CALL_COUNT_INFORMATION header = { need, NUMBER_SERVICE_TABLES };
    PUCHAR out = Buffer;
    NTSTATUS status = MmCopyToUser(out, &header, sizeof(header));
    out += sizeof(header);
    if (NT_SUCCESS(status))
        status = MmCopyToUser(out, limits, sizeof(limits));
    out += sizeof(limits);
    for (ULONG i = 0; i < NUMBER_SERVICE_TABLES && NT_SUCCESS(status); i++) {
        if (limits[i])
            status = MmCopyToUser(out, tables[i].Count, limits[i] * sizeof(ULONG));
        out += limits[i] * sizeof(ULONG);
    }
    return status;
}

/*
 * NtQuerySystemInformation - In: the class, a user buffer and its length, an optional user
 * pointer for the needed length. Result: STATUS_SUCCESS, STATUS_INFO_LENGTH_MISMATCH (the needed
 * length is still returned), STATUS_INVALID_INFO_CLASS, STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                        ULONG SystemInformationLength, PULONG ReturnLength)
{
    /* a kernel caller (ZwQuerySystemInformation, PreviousMode = KernelMode) is not probed, as WRK */
    NTSTATUS status = STATUS_SUCCESS;
    if (KeGetPreviousMode() != KernelMode)
        status = ProbeForWrite(SystemInformation, SystemInformationLength, 1);
    if (!NT_SUCCESS(status))
        return status;
    const VOID *data;
    ULONG size;
    /* every structure copied out is zeroed whole first, padding included (SYSTEM_BASIC_INFORMATION
       ends in a CHAR): an initializer need not clear padding, memset does */
    SYSTEM_BASIC_INFORMATION basic;
    EX_POOL_USAGE pool;
    SYSTEM_NANONT_THREAD_INFORMATION ti;
    memset(&basic, 0, sizeof(basic));
    memset(&pool, 0, sizeof(pool));
    memset(&ti, 0, sizeof(ti));
    switch (SystemInformationClass) {
    case SystemCallCountInformation:
        return ExpQueryCallCounts(SystemInformation, SystemInformationLength, ReturnLength);
    case SystemProcessInformation:
        return PsQuerySystemProcessInformation(SystemInformation, SystemInformationLength, ReturnLength);
    case SystemHandleInformation:
        return PsQuerySystemHandleInformation(SystemInformation, SystemInformationLength, ReturnLength);
    case SystemBasicInformation:
        basic.TimerResolution = 10000000 / 100;
        basic.PageSize = PAGE_SIZE;
        basic.NumberOfPhysicalPages = MiQueryTotalPages();
        basic.HighestPhysicalPageNumber = MiQueryTotalPages() - 1;
        basic.AllocationGranularity = 0x10000;
        basic.MinimumUserModeAddress = 0x10000;
        basic.MaximumUserModeAddress = MM_HIGHEST_USER_ADDRESS;
        basic.ActiveProcessorsAffinityMask = KeActiveProcessors;
        basic.NumberOfProcessors = KeNumberProcessors;
        data = &basic;
        size = sizeof(basic);
        break;
    case SystemNanoNtPoolInformation:
        ExQueryPoolUsage(&pool);
        data = &pool;
        size = sizeof(pool);
        break;
    case SystemNanoNtThreadInformation: {
        PKTHREAD t = KeGetCurrentThread();
        ti.ServiceTableIsShadow = t->ServiceTable == KeServiceDescriptorTableShadow;
        ti.KernelStackSize = KeGetThreadExtension(t)->StackPages * PAGE_SIZE;
        ti.Win32Thread = t->Win32Thread != NULL;
        ti.TrapFrameOffsetFromStackBase = (ULONG)t->StackBase - (ULONG)t->TrapFrame;
        data = &ti;
        size = sizeof(ti);
        break;
    }
    case SystemNanoNtPoolTagInformation: {
        static ULONG tags[1 + 2 * 128];
        tags[0] = ExQueryPoolTags(&tags[1], 128);
        data = tags;
        size = sizeof(ULONG) * (1 + 2 * (tags[0] < 128 ? tags[0] : 128));
        break;
    }
    default:
        return STATUS_INVALID_INFO_CLASS;
    }
    if (ReturnLength) {
        status = MmCopyToUser(ReturnLength, &size, sizeof(size));
        if (!NT_SUCCESS(status))
            return status;
    }
    if (SystemInformationLength < size)
        return STATUS_INFO_LENGTH_MISMATCH;
    return MmCopyToUser(SystemInformation, data, size);
}

/*
 * NtSetSystemInformation - In: the class, a user buffer and its length. The one class is
 * NanoNT's SystemNanoNtTraceFilter: the buffer holds the characters (no terminator needed, at
 * most 255) of a KeSetSystemTraceFilter spec, "+NtClose", "-NtClose", "all", "none" or a
 * NAME,NAME list. NT's own classes are not implemented. Result: STATUS_SUCCESS,
 * STATUS_INVALID_INFO_CLASS, STATUS_INFO_LENGTH_MISMATCH, STATUS_ACCESS_VIOLATION and
 * KeSetSystemTraceFilter's.
 */
NTSTATUS NTAPI NtSetSystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                      ULONG SystemInformationLength)
{
    CHAR spec[256];
    if (SystemInformationClass != SystemNanoNtTraceFilter)
        return STATUS_INVALID_INFO_CLASS;
    if (SystemInformationLength >= sizeof(spec))
        return STATUS_INFO_LENGTH_MISMATCH;
    NTSTATUS status = MmCopyFromUser(spec, SystemInformation, SystemInformationLength);
    if (!NT_SUCCESS(status))
        return status;
    spec[SystemInformationLength] = 0;
    if (strlen(spec) != SystemInformationLength)
        return STATUS_INVALID_PARAMETER;
    return KeSetSystemTraceFilter(spec);
}
