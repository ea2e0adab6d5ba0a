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
#include "hal.h"
#include "arch.h"
#include "loader.h"
#include "rtl.h"
#include "ntlist.h"


static ETHREAD KiInitialThread;
EPROCESS KiInitialProcess;            /* the "System" process: the idle thread and system threads */
BOOLEAN KiForceIntSystemCall;

static VOID KiInitializeSharedUserData(VOID)
{
    PKUSER_SHARED_DATA usd = SharedUserData;
    static const char root[] = "C:\\WINDOWS";
    for (ULONG i = 0; root[i]; i++)
        usd->NtSystemRoot[i] = root[i];
    usd->TickCountMultiplier = (1000u << 24) / HAL_CLOCK_HZ;
    usd->SystemCall = KiForceIntSystemCall ? KeUserIntSystemCall : KeUserFastSystemCall;
    usd->SystemCallReturn = KeUserFastSystemCallRet;
    usd->NanoNtFlags = KiForceIntSystemCall ? 1 : 0;
}

/* An idle thread of the System process on the given stack (the boot processor's, and by ke/mp.c
   each other processor's). */
VOID KiInitializeIdleThreadObject(PKTHREAD t, PVOID StackBase, PVOID StackLimit)
{
    PKPROCESS p = &KiInitialProcess.Pcb;
    t->Process = p;
    t->ApcState.Process = p;
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
    t->SystemThread = TRUE;
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

    KiInitializeSystemTrace();            /* after every table is registered */
    KeInitializeTimeline();               /* after trace=: its thunks wrap the tracer's */
    ExInitializeExecutive(1);             /* self-tests, I/O, the process structure and init= */
    KiIdleLoop();
}
