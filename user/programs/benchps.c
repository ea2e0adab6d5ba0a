/*
 * benchps.c - `make bench`: the process-structure figures, as instructions under QEMU
 * -icount shift=0 (one TSC tick = one instruction) or cycles under KVM:
 *   ps_thread_switch_roundtrip  two threads ping-pong through two synchronization events
 *                               (NtSetEvent + NtWaitForSingleObject each way: two switches)
 *   ps_user_apc_roundtrip       NtQueueApcThread to itself + NtTestAlert: the APC is delivered on
 *                               the service exit through KiUserApcDispatcher and NtContinue
 *   ps_process_create_exit      NtCreateUserProcessFromPath of this program (which returns at
 *                               once), waiting for the process, closing both handles
 *   ps_pe_process_create_exit   the same for natnull.exe (tests/guest/native/natnull.c), a PE
 *                               program importing only ntdll: image section view, ntdll's loader
 *                               snapping its import, NtProcessStartup ending the process; when
 *                               natnull.exe is there (tools/bench.sh attaches it as a module)
 * Each figure is the median of its samples, printed as `bench NAME VALUE UNIT`.
 * Usage: benchps.exe [instructions|cycles] [switch|apc|process]; "benchps.exe child" is the
 * process it starts. A second argument runs only that figure (for `make profile`).
 * Command line (tools/bench.sh): tools/run.sh --icount --append bench --init "benchps.exe instructions"
 */
#include "benchlib.h"
#include "crt.h"

#define SWITCH_SAMPLES 201
#define APC_SAMPLES 201
#define PROCESS_SAMPLES 21
static ULONG Samples[SWITCH_SAMPLES];

static ULONG Median(ULONG Count) { return BenchMedian(Samples, Count); }

static HANDLE Ping, Pong;

static ULONG NTAPI Partner(PVOID Parameter)
{
    (void)Parameter;
    for (;;) {
        if (NtWaitForSingleObject(Ping, FALSE, NULL))
            return 1;
        NtSetEvent(Pong, NULL);
    }
}

static ULONG ThreadSwitch(VOID)
{
    NtCreateEvent(&Ping, EVENT_ALL_ACCESS, NULL, SynchronizationEvent, FALSE);
    NtCreateEvent(&Pong, EVENT_ALL_ACCESS, NULL, SynchronizationEvent, FALSE);
    HANDLE t;
    if (RtlCreateUserThread(NtCurrentProcess(), NULL, FALSE, 0, 0, 0, Partner, NULL, &t, NULL))
        return 0;
    for (int i = 0; i < 16; i++) {                    /* warm up */
        NtSetEvent(Ping, NULL);
        NtWaitForSingleObject(Pong, FALSE, NULL);
    }
    for (int i = 0; i < SWITCH_SAMPLES; i++) {
        ULONG a = BenchTsc();
        NtSetEvent(Ping, NULL);
        NtWaitForSingleObject(Pong, FALSE, NULL);
        Samples[i] = BenchTsc() - a;
    }
    NtTerminateThread(t, 0);
    NtWaitForSingleObject(t, FALSE, NULL);
    NtClose(t); NtClose(Ping); NtClose(Pong);
    return Median(SWITCH_SAMPLES);
}

static volatile ULONG ApcRuns;
static VOID NTAPI EmptyApc(PVOID A1, PVOID A2, PVOID A3)
{
    (void)A1; (void)A2; (void)A3;
    ApcRuns++;
}

static ULONG UserApc(VOID)
{
    for (int i = 0; i < APC_SAMPLES; i++) {
        ULONG a = BenchTsc();
        NtQueueApcThread(NtCurrentThread(), EmptyApc, NULL, NULL, NULL);
        NtTestAlert();
        Samples[i] = BenchTsc() - a;
    }
    return ApcRuns == APC_SAMPLES ? Median(APC_SAMPLES) : 0;
}

/* Create, run and wait for Path's process (Command its command line) PROCESS_SAMPLES times;
   the median, or 0 when a process cannot be created or does not end with STATUS_SUCCESS. */
static ULONG ProcessCreateExit(WCHAR *Path, USHORT PathBytes, WCHAR *Command, USHORT CommandBytes)
{
    UNICODE_STRING up = { PathBytes - 2, PathBytes, Path }, uc = { CommandBytes - 2, CommandBytes, Command };
    for (int i = 0; i < PROCESS_SAMPLES; i++) {
        HANDLE p, t;
        ULONG a = BenchTsc();
        if (NtCreateUserProcessFromPath(&p, &t, PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS, &up, &uc, 0, NULL))
            return 0;
        NtWaitForSingleObject(p, FALSE, NULL);
        PROCESS_BASIC_INFORMATION info;
        if (NtQueryInformationProcess(p, ProcessBasicInformation, &info, sizeof(info), NULL) ||
            info.ExitStatus != STATUS_SUCCESS)
            return 0;
        NtClose(t);
        NtClose(p);
        Samples[i] = BenchTsc() - a;
    }
    return Median(PROCESS_SAMPLES);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child"))
        return 0;
    const char *unit = (argc > 1 && !strcmp(argv[1], "cycles")) ? "cycles" : "instructions";
    static WCHAR self[] = u"benchps.exe", selfCmd[] = u"benchps.exe child", pe[] = u"natnull.exe";
    const char *only = argc > 2 ? argv[2] : NULL;
    ULONG sw = 1, apc = 1, proc = 1;
    if (!only || !strcmp(only, "switch"))
        printf("bench ps_thread_switch_roundtrip %u %s\n", (unsigned)(sw = ThreadSwitch()), unit);
    if (!only || !strcmp(only, "apc"))
        printf("bench ps_user_apc_roundtrip %u %s\n", (unsigned)(apc = UserApc()), unit);
    if (!only || !strcmp(only, "process"))
        printf("bench ps_process_create_exit %u %s\n",
               (unsigned)(proc = ProcessCreateExit(self, sizeof(self), selfCmd, sizeof(selfCmd))), unit);
    if (!only || !strcmp(only, "peprocess")) {
        ULONG peProc = ProcessCreateExit(pe, sizeof(pe), pe, sizeof(pe));
        if (peProc)
            printf("bench ps_pe_process_create_exit %u %s\n", (unsigned)peProc, unit);
    }
    return (sw && apc && proc) ? 0 : 1;
}
