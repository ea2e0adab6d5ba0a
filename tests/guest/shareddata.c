/*
 * shareddata.c - SharedUserData as user mode reads it at 0x7FFE0000, checked at WRK's offsets
 * (Windows Server 2003 SP1) with raw reads, not through the structure: the clock fields move
 * (tick count at 0x320, interrupt and system time as 100 ns KSYSTEM_TIMEs), the version is 5.2,
 * and the system-call slots, product type, machine and page count are where NT programs look.
 */
#include "testlib.h"

#define USD 0x7FFE0000UL
static ULONG U32(ULONG Offset) { return *(const volatile ULONG *)(USD + Offset); }
static USHORT U16(ULONG Offset) { return *(const volatile USHORT *)(USD + Offset); }
static UCHAR U8(ULONG Offset) { return *(const volatile UCHAR *)(USD + Offset); }

/* A KSYSTEM_TIME at Offset, read as NT's readers do: High1Time, LowPart, High2Time, retried
   until the two high parts agree. */
static ULONGLONG ReadSystemTime(ULONG Offset)
{
    for (;;) {
        LONG high1 = (LONG)U32(Offset + 4);
        ULONG low = U32(Offset);
        if ((LONG)U32(Offset + 8) == high1)
            return ((ULONGLONG)(ULONG)high1 << 32) | low;
    }
}

static VOID Sleep(ULONG Milliseconds)
{
    LARGE_INTEGER interval;
    interval.QuadPart = -(LONGLONG)Milliseconds * 10000;
    NtDelayExecution(FALSE, &interval);
}

TL_TEST(version_and_product)
{
    TL_CHECK_EQ(5, U32(0x26C));                       /* NtMajorVersion */
    TL_CHECK_EQ(2, U32(0x270));                       /* NtMinorVersion */
    TL_CHECK_EQ(1, U32(0x264));                       /* NtProductType = NtProductWinNt */
    TL_CHECK_EQ(1, U8(0x268));                        /* ProductTypeIsValid */
    TL_CHECK_EQ(0x14C, U16(0x02C));                   /* ImageNumberLow = IMAGE_FILE_MACHINE_I386 */
    TL_CHECK_EQ(0x14C, U16(0x02E));                   /* ImageNumberHigh */
    TL_CHECK_EQ(0, U32(0x2C0));                       /* AlternativeArchitecture = StandardDesign */
    static const char root[] = "C:\\WINDOWS";
    for (ULONG i = 0; i < sizeof(root); i++)
        TL_CHECK_EQ((USHORT)root[i], U16(0x030 + 2 * i));   /* NtSystemRoot, terminated */
    TL_CHECK_EQ(1, U8(0x274 + 8));                    /* ProcessorFeatures[PF_RDTSC_...] */
}

TL_TEST(physical_pages)
{
    ULONG basic[16] = { 0 };
    ULONG length = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQuerySystemInformation(SystemBasicInformation, basic, 0x2C, &length));
    TL_CHECK(U32(0x2E8) != 0);
    TL_CHECK_EQ(basic[3], U32(0x2E8));                /* NumberOfPhysicalPages, as NtQuerySystemInformation says */
}

TL_TEST(system_call_slots)
{
    ULONG call = U32(0x300);
    TL_CHECK(call == (ULONG)KiFastSystemCall || call == (ULONG)KiIntSystemCall);
    TL_CHECK_EQ((ULONG)KiFastSystemCallRet, U32(0x304));
    for (ULONG o = 0x308; o < 0x320; o += 4)
        TL_CHECK_EQ(0, U32(o));                       /* SystemCallPad: ULONGLONG[3] */
}

TL_TEST(tick_count)
{
    TL_CHECK_EQ(10u << 24, U32(0x004));               /* TickCountMultiplier: 10 ms per tick */
    ULONGLONG t0 = ReadSystemTime(0x320);
    Sleep(50);
    ULONGLONG t1 = ReadSystemTime(0x320);
    if (t1 - t0 < 4 || t1 - t0 > 100)
        TL_FAIL("TickCount at 0x320 went from %llu to %llu over a 50 ms delay", t0, t1);
    ULONG low = U32(0x000);                           /* TickCountLowDeprecated follows it */
    ULONGLONG t2 = ReadSystemTime(0x320);
    if ((ULONG)t2 - low > 1)
        TL_FAIL("TickCountLowDeprecated %u, TickCount %llu", (unsigned)low, t2);
}

TL_TEST(interrupt_and_system_time)
{
    ULONGLONG tick = ReadSystemTime(0x320);
    ULONGLONG it = ReadSystemTime(0x008);
    ULONGLONG st = ReadSystemTime(0x014);
    ULONGLONG tick2 = ReadSystemTime(0x320);
    /* InterruptTime is the tick count in 100 ns units */
    if (it < tick * 100000 || it > tick2 * 100000)
        TL_FAIL("InterruptTime %llu, TickCount %llu..%llu", it, tick, tick2);
    /* SystemTime is after 2000-01-01 and moves with InterruptTime */
    TL_CHECK(st > 125911584000000000ULL);
    TL_CHECK(st < 159000000000000000ULL);             /* before 2105 */
    Sleep(30);
    ULONGLONG it2 = ReadSystemTime(0x008), st2 = ReadSystemTime(0x014);
    TL_CHECK(it2 > it);
    TL_CHECK_EQ(st - it, st2 - it2);                  /* the boot time does not drift */
    TL_CHECK_EQ(0, U32(0x020));                       /* TimeZoneBias: the clock is UTC */
}

int main(void)
{
    TL_RUN(version_and_product);
    TL_RUN(physical_pages);
    TL_RUN(system_call_slots);
    TL_RUN(tick_count);
    TL_RUN(interrupt_and_system_time);
    TL_FINISH();
}
