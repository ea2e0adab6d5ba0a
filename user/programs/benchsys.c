/*
 * benchsys.c - `make bench`: instructions (or cycles) per null system-service round trip,
 * stub to stub, through whichever entry SharedUserData->SystemCall selects (tools/bench.sh boots
 * once with sysenter and once with syscall=int2e), for 0, 4, 8 and 16 argument dwords; and, with
 * the boot option "bench", the calibration floors (a bare sysenter/sysexit pair and a minimal
 * save-all-registers-and-call-C entry).
 *
 * Under QEMU -icount shift=0 one TSC tick is one instruction, so rdtsc counts instructions
 * exactly. Each figure is the median of many samples, minus the same measurement around an empty
 * stdcall routine taking the same arguments (cancels the pushes, the call and rdtsc), plus one
 * for the stub's final ret which the baseline's ret stood for.
 * Usage: benchsys.exe [instructions|cycles]
 */
#include "benchlib.h"
#include "crt.h"

/* Empty stdcall routines with the argument counts of the NtBenchNull services: the baseline. */
__asm__(".text\n"
        "BenchEmpty0: ret\n"
        "BenchEmpty4: ret $16\n"
        "BenchEmpty8: ret $32\n"
        "BenchEmpty16: ret $64\n");

#define SAMPLES 301
static ULONG Samples[SAMPLES];

static ULONG Median(VOID) { return BenchMedian(Samples, SAMPLES); }

#define MEASURE(call) ({ \
        for (int s_ = 0; s_ < SAMPLES; s_++) { \
            ULONG a_ = BenchTsc(); call; ULONG b_ = BenchTsc(); Samples[s_] = b_ - a_; } \
        Median(); })

static ULONG Null0(VOID) { return MEASURE(NtBenchNull()) - MEASURE(BenchEmpty0()) + 1; }
static ULONG Null4(VOID) { return MEASURE(NtBenchNull4(1, 2, 3, 4)) - MEASURE(BenchEmpty4(1, 2, 3, 4)) + 1; }
static ULONG Null8(VOID)
{
    return MEASURE(NtBenchNull8(1, 2, 3, 4, 5, 6, 7, 8)) - MEASURE(BenchEmpty8(1, 2, 3, 4, 5, 6, 7, 8)) + 1;
}
static ULONG Null16(VOID)
{
    return MEASURE(NtBenchNull16(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)) -
           MEASURE(BenchEmpty16(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)) + 1;
}

int main(int argc, char **argv)
{
    const char *unit = argc > 1 ? argv[1] : "instructions";
    int int2e = (USER_SHARED_DATA->NanoNtFlags & KUSER_SHARED_DATA_NANONT_INT2E) != 0;
    const char *path = int2e ? "int2e" : "sysenter";

    ULONG n0 = Null0(), n4 = Null4(), n8 = Null8(), n16 = Null16();
    printf("bench %s_null_roundtrip %u %s\n", path, (unsigned)n0, unit);
    printf("bench %s_null4_roundtrip %u %s\n", path, (unsigned)n4, unit);
    printf("bench %s_null8_roundtrip %u %s\n", path, (unsigned)n8, unit);
    printf("bench %s_null16_roundtrip %u %s\n", path, (unsigned)n16, unit);
    /* cost per extra argument dword, in hundredths to keep integer output */
    ULONG perArg100 = ((n16 - n0) * 100) / 16;
    printf("bench %s_per_arg_dword %u.%02u %s\n", path, (unsigned)(perArg100 / 100),
           (unsigned)(perArg100 % 100), unit);

    if (!int2e) {
        /* floors: switch SYSENTER_EIP through int 2Eh (which does not use it), measure, switch back */
        ULONG arg[2] = { 1, 1 };
        if (NanoSystemCall(1, SERVICE_NUMBER_NtBenchControl, 2, arg) == STATUS_SUCCESS) {
            ULONG floor1 = Null0();
            arg[1] = 2;
            NanoSystemCall(1, SERVICE_NUMBER_NtBenchControl, 2, arg);
            ULONG floor2 = Null0();
            arg[1] = 0;
            NanoSystemCall(1, SERVICE_NUMBER_NtBenchControl, 2, arg);
            ULONG again = Null0();
            printf("bench floor_sysenter_sysexit %u %s\n", (unsigned)floor1, unit);
            printf("bench floor_saveall_call_c %u %s\n", (unsigned)floor2, unit);
            if (again != n0)
                printf("note: sysenter round trip after restoring the entry: %u\n", (unsigned)again);
        }
    }
    return 0;
}
