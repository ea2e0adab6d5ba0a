/*
 * trapdemo.c - thread-context record and recover across a reboot (docs/trapfile.md).
 *
 * Calls the seed service NtRecordOrRecoveryTrapFrame with EBX/ESI/EDI/EBP loaded with values
 * that differ from boot to boot (from the TSC). With no \SystemRoot\TrapFrame the call records
 * and returns with this boot's values; the program says so and exits. Started again - in the
 * same boot or after a reboot, from the same image - the same call recovers: it returns at the
 * recorded point with the registers of the boot that recorded, which the program shows next to
 * the values it had loaded itself. Try it:
 *     make run RUN_ARGS='--init trapdemo.exe'      # records, exits
 *     make run RUN_ARGS='--init trapdemo.exe'      # new boot, same disk: resumes
 * Argument "forget": delete the record first.
 */
#include "ntdll.h"
#include "traplib.h"
#include "crt.h"

static void ShowRegisters(PCSTR What, ULONG Seed)
{
    printf("trapdemo: %s EBX=0x%08lx ESI=0x%08lx EDI=0x%08lx EBP=0x%08lx\n", What,
           (unsigned long)TR_EBX(Seed), (unsigned long)TR_ESI(Seed), (unsigned long)TR_EDI(Seed),
           (unsigned long)TR_EBP(Seed));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "forget") == 0)
        printf("trapdemo: deleting the record: 0x%08lx\n", (unsigned long)TrDeleteFile("\\SystemRoot\\TrapFrame"));
    ULONG lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    ULONG seed = (lo ^ (hi << 7) ^ 0x5A5A0000u) & ~1u;
    TrTarget = USER_SHARED_DATA->SystemCall;        /* the entry the ntdll stubs use */
    ShowRegisters("this boot loads", seed);

    NTSTATUS s = TrCall(SERVICE_NUMBER_NtRecordOrRecoveryTrapFrame, 0, 0, seed);

    if (!NT_SUCCESS(s)) {
        printf("trapdemo: NtRecordOrRecoveryTrapFrame refused the record: 0x%08lx\n", (unsigned long)s);
        return s;
    }
    ULONG got = TrOut.Ebx ^ 0x0B0B0B0Bu;
    if (got == seed) {
        printf("trapdemo: recorded (no \\SystemRoot\\TrapFrame existed): ESP=0x%08lx\n",
               (unsigned long)TrOut.Esp);
        ShowRegisters("recorded", seed);
        printf("trapdemo: start trapdemo.exe again (a new boot with the same disk) to resume here\n");
        return 0;
    }
    printf("trapdemo: resumed at the recorded point (status 0x%08lx, ESP=0x%08lx)\n",
           (unsigned long)s, (unsigned long)TrOut.Esp);
    ShowRegisters("resumed with the recorded", got);
    BOOLEAN whole = TrOut.Esi == TR_ESI(got) && TrOut.Edi == TR_EDI(got) && TrOut.Ebp == TR_EBP(got);
    printf("trapdemo: the recorded registers are %s\n", whole ? "all back" : "NOT consistent");
    return whole ? 0 : 1;
}
