/*
 * traploop.c - the crash-safety load for tests/guest/trapcrash.sh.
 *   traploop.exe loop [N]  record \SystemRoot\TrapFrame over and over (N times, default for
 *                          ever), each time with other register values (seed = the count);
 *   traploop.exe check     recover that record: it must be whole and resume at the recording
 *                          call with one consistent set of registers; prints its seed.
 * Record and recover are the same call in the same function (same stack depth), so a recovery
 * resumes inside Run with the registers of the record.
 */
#include "ntdll.h"
#include "traplib.h"

int printf(const char *Format, ...) __attribute__((format(printf, 1, 2)));

static __attribute__((noinline)) int Run(BOOLEAN Check, ULONG Count)
{
    for (ULONG i = 1; Count == 0 || i <= Count; i++) {
        NTSTATUS s = TrCall(Check ? SERVICE_NUMBER_NtRecoverTrapFrame : SERVICE_NUMBER_NtRecordTrapFrame,
                            0, 0, i << 1);
        if (s == STATUS_TRAP_FRAME_RECOVERED) {
            ULONG seed = TrOut.Ebx ^ 0x0B0B0B0Bu;
            BOOLEAN whole = TrOut.Esi == TR_ESI(seed) && TrOut.Edi == TR_EDI(seed) &&
                            TrOut.Ebp == TR_EBP(seed) && (seed & 1) == 0;
            printf("traploop: resumed at record %lu: registers %s\n", (unsigned long)(seed >> 1),
                   whole ? "consistent" : "MIXED");
            return whole ? 0 : 1;
        }
        if (Check || s != STATUS_SUCCESS) {
            printf("traploop: %s failed: 0x%08lx\n", Check ? "recover" : "record", (unsigned long)s);
            return 1;
        }
        if (i % 25 == 0)
            printf("traploop: %lu records\n", (unsigned long)i);
    }
    return 0;
}

int main(int argc, char **argv)
{
    /* one call of Run, never a tail call: the recording and the recovering call of TrCall must
       be at the same stack depth */
    volatile int result;
    BOOLEAN check = argc > 1 && strcmp(argv[1], "check") == 0;
    ULONG count = 0;
    if (argc > 2)
        for (const char *p = argv[2]; *p >= '0' && *p <= '9'; p++)
            count = count * 10 + (ULONG)(*p - '0');
    TrSetPath(0);
    result = Run(check, count);
    return result;
}
