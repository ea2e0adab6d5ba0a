/*
 * smpinfo.c - the processor count the kernel reports: SystemBasicInformation's NumberOfProcessors
 * equals the count given as the first argument, and ActiveProcessorsAffinityMask has exactly one
 * bit per processor (a processor sets its bit only once it runs its own code, so every processor
 * came up). MANIFEST boots it with cpus=N (docs/smp.md).
 */
#include "testlib.h"

typedef struct _BASIC_INFO {           /* SYSTEM_BASIC_INFORMATION, NT's layout */
    ULONG Reserved, TimerResolution, PageSize, NumberOfPhysicalPages, LowestPhysicalPageNumber;
    ULONG HighestPhysicalPageNumber, AllocationGranularity, MinimumUserModeAddress;
    ULONG MaximumUserModeAddress, ActiveProcessorsAffinityMask;
    CHAR NumberOfProcessors;
} BASIC_INFO;

static ULONG Expected = 1;

TL_TEST(basic_information_counts_processors)
{
    BASIC_INFO info;
    ULONG got = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQuerySystemInformation(SystemBasicInformation, &info, sizeof(info), &got));
    TL_CHECK_EQ(Expected, (ULONG)info.NumberOfProcessors);
    TL_CHECK_EQ((1u << Expected) - 1, info.ActiveProcessorsAffinityMask);
}

int main(int argc, char **argv)
{
    if (argc > 1 && argv[1][0] >= '1' && argv[1][0] <= '8')
        Expected = (ULONG)(argv[1][0] - '0');
    TL_RUN(basic_information_counts_processors);
    TL_FINISH();
}
