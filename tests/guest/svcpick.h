/* svcpick.h - picking services at random for the fuzzers (fuzzsys.c, fuzzleak.c): the tables'
   limits from SystemCallCountInformation, and table 0's implemented slots (table 0 keeps WRK's
   numbering, so most of its slots share the routine that returns STATUS_NOT_IMPLEMENTED). */
#ifndef NANONT_SVCPICK_H
#define NANONT_SVCPICK_H

#include "ntdll.h"
#include "svcnum.h"

/* SvcTableLimit - the number of services of Table (0 when the table is empty or unknown). */
static inline ULONG SvcTableLimit(ULONG Table)
{
    static ULONG info[4096];
    ULONG len = 0;
    if (NtQuerySystemInformation(SystemCallCountInformation, info, sizeof(info), &len) != STATUS_SUCCESS)
        return 0;
    /* NT's layout: Length, NumberOfTables, then the tables' limits, then their counts */
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

#endif
