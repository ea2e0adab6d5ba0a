/* smoke.c - the first in-guest test: services answer on both entries and arguments arrive. */
#include "testlib.h"

TL_TEST(echo_sysenter)
{
    ULONG out[16] = { 0 };
    NTSTATUS s = NtEchoArguments(out, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    TL_CHECK_EQ(STATUS_SUCCESS, s);
    TL_CHECK_EQ((ULONG)out, out[0]);
    for (ULONG i = 1; i < 16; i++)
        TL_CHECK_EQ(i + 1, out[i]);
}

TL_TEST(echo_int2e)
{
    ULONG out[16] = { 0 };
    ULONG args[16] = { (ULONG)out, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    NTSTATUS s = NanoSystemCall(1, SERVICE_NUMBER_NtEchoArguments, 16, args);
    TL_CHECK_EQ(STATUS_SUCCESS, s);
    for (ULONG i = 1; i < 16; i++)
        TL_CHECK_EQ(i + 1, out[i]);
}

/* Without the boot option callcounts the kernel keeps no per-service counts, and
   SystemCallCountInformation answers as WRK's free build: the header, four tables, all limits 0. */
TL_TEST(call_counts_not_kept)
{
    ULONG buf[16], len = 0;
    memset(buf, 0xCC, sizeof(buf));
    TL_CHECK_EQ(STATUS_SUCCESS, NtQuerySystemInformation(SystemCallCountInformation, buf, sizeof(buf), &len));
    TL_CHECK_EQ(6 * sizeof(ULONG), len);
    TL_CHECK_EQ(6 * sizeof(ULONG), buf[0]);
    TL_CHECK_EQ(4, buf[1]);
    for (ULONG t = 0; t < 4; t++)
        TL_CHECK_EQ(0, buf[2 + t]);
    TL_CHECK_EQ(0xCCCCCCCC, buf[6]);
    TL_CHECK_EQ(STATUS_INFO_LENGTH_MISMATCH, NtQuerySystemInformation(SystemCallCountInformation, buf, 20, &len));
    TL_CHECK_EQ(6 * sizeof(ULONG), len);
}

TL_TEST(invalid_service)
{
    TL_CHECK_EQ(STATUS_INVALID_SYSTEM_SERVICE, NanoSystemCall(0, 0xFFF, 0, NULL));
    TL_CHECK_EQ(STATUS_INVALID_SYSTEM_SERVICE, NanoSystemCall(1, 0xFFF, 0, NULL));
    TL_CHECK_EQ(STATUS_INVALID_SYSTEM_SERVICE, NanoSystemCall(0, 0x3000, 0, NULL));   /* table 3: empty */
    TL_CHECK_EQ(STATUS_INVALID_SYSTEM_SERVICE, NanoSystemCall(1, 0x2FFF, 0, NULL));   /* table 2: beyond */
    TL_CHECK_EQ(STATUS_INVALID_SYSTEM_SERVICE, NanoSystemCall(0, 0xFFFFFFFF, 0, NULL));
}

int main(void)
{
    TL_RUN(echo_sysenter);
    TL_RUN(echo_int2e);
    TL_RUN(call_counts_not_kept);
    TL_RUN(invalid_service);
    TL_FINISH();
}
