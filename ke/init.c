/*
 * init.c - KiSystemStartup: phase 0 of the kernel on the boot stack. Serial console, loader
 * block, memory manager, processor structures (GDT, TSS, KPCR, IDT, sysenter), the boot thread as
 * the idle thread, interrupts and the clock, the service tables; the executive's phase 0
 * (ex/exinit.c); SharedUserData and the tracer; the executive's phase 1, which starts init=; then
 * this thread becomes the idle loop.
 */
#include "ke.h"
#include "ki.h"
#include "ps.h"
#include "mm.h"
#include "pfn.h"
#include "hal.h"
#include "arch.h"
#include "loader.h"
#include "rtl.h"
#include "ntlist.h"


static ETHREAD KiInitialThread;
EPROCESS KiInitialProcess;            /* the "System" process: the idle thread and system threads */
BOOLEAN KiForceIntSystemCall;

/* KiTimeFieldsToTime - a UTC date and time as 100 ns units since 1601-01-01,
   for the Gregorian dates the RTC can hold. */
static ULONGLONG KiTimeFieldsToTime(const TIME_FIELDS *Tf)
{
    LONG y = Tf->Year, m = Tf->Month;
    if (m <= 2) {
        y--;
        m += 12;
    }
    /* days since 1601-01-01: 365 per year, the leap days, the month's days (March-based) */
    LONG days = 365 * (y - 1600) + (y - 1600) / 4 - (y - 1600) / 100 + (y - 1600) / 400 +
                (153 * (m - 3) + 2) / 5 + Tf->Day - 1 + 59;
    days -= 365;                                   /* count from 1601, not 1600 */
    ULONGLONG seconds = (ULONGLONG)days * 86400 + Tf->Hour * 3600 + Tf->Minute * 60 + Tf->Second;
    return seconds * 10000000ULL;
}

/*
 * KiInitializeSharedUserData - fill SharedUserData (WRK's layout, inc/ke.h) with what NanoNT
 * has: the system root, the version WRK reports (NT 5.2), the product type, the machine, the
 * physical page count, processor features, the system-call routines and the clock fields.
 */
static VOID KiInitializeSharedUserData(VOID)
{
    PKUSER_SHARED_DATA usd = SharedUserData;
    static const char root[] = "C:\\WINDOWS";
    for (ULONG i = 0; root[i]; i++)
        usd->NtSystemRoot[i] = root[i];
    usd->TickCountMultiplier = (ULONG)((1000ULL << 24) / HAL_CLOCK_HZ);   /* 8.24 ms per tick */
    usd->ImageNumberLow = usd->ImageNumberHigh = IMAGE_FILE_MACHINE_I386;
    usd->NtProductType = NtProductWinNt;
    usd->ProductTypeIsValid = TRUE;
    usd->NtMajorVersion = 5;
    usd->NtMinorVersion = 2;
    usd->NumberOfPhysicalPages = MiQueryTotalPages();
    ULONG eax, ebx, ecx, edx;
    __asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(1));
    usd->ProcessorFeatures[PF_RDTSC_INSTRUCTION_AVAILABLE] = (edx >> 4) & 1;
    usd->ProcessorFeatures[PF_MMX_INSTRUCTIONS_AVAILABLE] = (edx >> 23) & 1;
    usd->ProcessorFeatures[PF_XMMI_INSTRUCTIONS_AVAILABLE] = (edx >> 25) & 1;
    usd->ProcessorFeatures[PF_XMMI64_INSTRUCTIONS_AVAILABLE] = (edx >> 26) & 1;
    usd->SystemCall = KiForceIntSystemCall ? KeUserIntSystemCall : KeUserFastSystemCall;
    usd->SystemCallReturn = KeUserFastSystemCallRet;
    usd->NanoNtFlags = KiForceIntSystemCall ? KUSER_SHARED_DATA_NANONT_INT2E : 0;

    TIME_FIELDS now;
    if (!HalQueryRealTimeClock(&now))
        now = (TIME_FIELDS){ .Year = 2024, .Month = 1, .Day = 1 };
    ULONG flags = KeDisableInterrupts();
    KeBootTime = KiTimeFieldsToTime(&now) - KeTickCount * (10000000ULL / HAL_CLOCK_HZ);
    KiUpdateSharedTime();
    KeRestoreInterrupts(flags);
}

/* An idle thread of the System process on the given stack (the boot processor's, and by ke/mp.c
   each other processor's). */
VOID KiInitializeIdleThreadObject(PKTHREAD t, PVOID StackBase, PVOID StackLimit)
{
    PKPROCESS p = &KiInitialProcess.Pcb;
    t->Process = p;
    t->ApcState.Process = p;
    CONTAINING_RECORD(t, ETHREAD, Tcb)->ThreadsProcess = &KiInitialProcess;   /* every thread is an ETHREAD */
    t->Header.Type = ThreadObject;
    InitializeListHead(&t->Header.WaitListHead);
    InitializeListHead(&t->MutantListHead);                  /* boot code may own mutants */
    InitializeListHead(&t->ApcState.ApcListHead[KernelMode]);
    InitializeListHead(&t->ApcState.ApcListHead[UserMode]);
    t->InitialStack = StackBase;
    t->StackBase = StackBase;
    t->StackLimit = StackLimit;
    t->State = Running;
    t->Priority = 0;
    KeGetThreadExtension(t)->SystemThread = TRUE;
    t->ServiceTable = KeServiceDescriptorTable;
}

static VOID KiInitializeIdleThread(VOID)
{
    PKTHREAD t = &KiInitialThread.Tcb;
    PKPROCESS p = &KiInitialProcess.Pcb;
    p->DirectoryTableBase = MmSystemDirectoryTableBase;
    InitializeListHead(&p->ThreadListHead);
    InitializeListHead(&p->Header.WaitListHead);
    memcpy(KiInitialProcess.ImageFileName, "Idle", 5);
    KiInitializeIdleThreadObject(t, KiBootStackTop, KiBootStack);
    KeGetPcr()->PrcbData.CurrentThread = t;
    KiInitializeScheduler(t);
}

VOID KiSystemStartup(ULONG Magic, ULONG InfoPhysical)
{
    HalInitializeSerial();
    DbgPrint("NanoNT: paging on\n");
    KiCaptureLoaderBlock(Magic, InfoPhysical);
    if (KeHasBootFlag("kvmprobe"))
        HalPowerOff(0);
    DbgPrint("NanoNT 0.1 (x86, NT system-service path) - command line: %s\n", KeLoaderBlock.CommandLine);

    MmInitSystem(&KeLoaderBlock);
    KiInitializeProcessor((PKPCR)KIP0PCRADDRESS);    /* FS reaches it from here on */
    KiInitializeIdt();
    KiInitializeIdleThread();
    HalInitializePic();
    HalInitializeClock();
    KiCalibrateTsc();
    KiInitializeMultiprocessor();         /* the other processors, if any: their idle loops */
    KiRunMultiprocessorSelfTest();
    KiInitializeServiceTables();
    ExInitializeExecutive(0);             /* the system ntdll, the GUI and sample tables */

    CHAR opt[16];
    KiForceIntSystemCall = KeGetBootOption("syscall", opt, sizeof(opt)) && !strcmp(opt, "int2e");
    KiInitializeSharedUserData();
    DbgPrint("NanoNT: system calls enter through %s\n",
             KiForceIntSystemCall ? "int 2Eh (KiSystemService)" : "sysenter (KiFastCallEntry)");

    KiCaptureUntracedServiceTables();     /* what a run-time trace filter change goes back to */
    KiInitializeSystemTrace();            /* after every table is registered */
    KeInitializeTimeline();               /* after trace=: its thunks wrap the tracer's */
    ExInitializeExecutive(1);             /* self-tests, I/O, the process structure and init= */
    KiIdleLoop();
}
