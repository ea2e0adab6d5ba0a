/*
 * sysinfo.c - NtQuerySystemInformation. Classes: SystemBasicInformation (0) and
 * SystemCallCountInformation (6, the system-call counters: total and per service of every
 * registered table). Layout of class 6 (NanoNT's, documented in docs/services.md):
 *   ULONG Length; ULONG NumberOfTables; ULONG TotalSystemCalls;
 *   then per table 0..3: ULONG Limit; ULONG Count[Limit]   (Limit 0 for an empty slot)
 */
#include "ke.h"
#include "mm.h"
#include "pfn.h"
#include "pool.h"
#include "rtl.h"

#define SystemBasicInformation 0
#define SystemCallCountInformation 6
#define SystemNanoNtPoolInformation 0x1000   /* NanoNT: EX_POOL_USAGE, for leak tests */
#define SystemNanoNtThreadInformation 0x1001 /* NanoNT: the caller's service table and stack */
#define SystemNanoNtPoolTagInformation 0x1002 /* NanoNT: ULONG Count, then Count (Tag, Bytes) pairs */

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

static NTSTATUS ExpQueryCallCounts(PVOID Buffer, ULONG Length, PULONG ReturnLength)
{
    /* the thread's own view: the shadow table once it is a GUI thread */
    PKSERVICE_TABLE_DESCRIPTOR tables = KeServiceDescriptorTableShadow;
    ULONG need = 3 * sizeof(ULONG);
    for (ULONG i = 0; i < NUMBER_SERVICE_TABLES; i++)
        need += sizeof(ULONG) * (1 + tables[i].Limit);
    if (ReturnLength) {
        NTSTATUS s = MmCopyToUser(ReturnLength, &need, sizeof(need));
        if (!NT_SUCCESS(s))
            return s;
    }
    if (Length < need)
        return STATUS_INFO_LENGTH_MISMATCH;
    ULONG header[3] = { need, NUMBER_SERVICE_TABLES, KeGetPcr()->PrcbData.KeSystemCalls };
    PUCHAR out = Buffer;
    NTSTATUS status = MmCopyToUser(out, header, sizeof(header));
    out += sizeof(header);
    for (ULONG i = 0; i < NUMBER_SERVICE_TABLES && NT_SUCCESS(status); i++) {
        status = MmCopyToUser(out, &tables[i].Limit, sizeof(ULONG));
        out += sizeof(ULONG);
        if (NT_SUCCESS(status) && tables[i].Limit)
            status = MmCopyToUser(out, tables[i].Count, tables[i].Limit * sizeof(ULONG));
        out += tables[i].Limit * sizeof(ULONG);
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
    NTSTATUS status = ProbeForWrite(SystemInformation, SystemInformationLength, 1);
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
    case SystemBasicInformation:
        basic.TimerResolution = 10000000 / 100;
        basic.PageSize = PAGE_SIZE;
        basic.NumberOfPhysicalPages = MiQueryTotalPages();
        basic.HighestPhysicalPageNumber = MiQueryTotalPages() - 1;
        basic.AllocationGranularity = 0x10000;
        basic.MinimumUserModeAddress = 0x10000;
        basic.MaximumUserModeAddress = MM_HIGHEST_USER_ADDRESS;
        basic.ActiveProcessorsAffinityMask = 1;
        basic.NumberOfProcessors = 1;
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
        ti.KernelStackSize = t->StackPages * PAGE_SIZE;
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
