/*
 * mp.c - more than one processor. Phase 0 finds the processors in the ACPI MADT (hal/acpi.c) and,
 * when there is more than one, enables the boot processor's local APIC and starts every other
 * processor with INIT-SIPI-SIPI through the real-mode code of ke/i386/apstart.S. Each one gets its
 * own GDT, TSS, double-fault TSS and stack, KPCR (reached through FS = 0x30 in its own GDT, so
 * FS:[0x1C] = SelfPcr is this processor's PCR), sysenter MSRs, idle thread and APIC timer; it then
 * reports itself in KeActiveProcessors and runs its idle loop.
 *
 * What the other processors do for now: only their idle loop, halted, taking their clock, IPIs and
 * the freeze NMI. They never take a thread from the ready queues, because the dispatcher state is
 * still protected by disabling interrupts on one processor (NOTES.md, docs/smp.md).
 *
 * The bugcheck freeze: the first processor to bugcheck owns the freeze, sends an NMI to every
 * other processor (interrupts disabled or not) and waits for each to acknowledge; a processor
 * taking that NMI, or bugchecking while another owns the freeze, stops for good.
 */
#include "ke.h"
#include "ki.h"
#include "ps.h"
#include "mm.h"
#include "hal.h"
#include "arch.h"
#include "loader.h"
#include "rtl.h"

#define KI_AP_START_PA 0x6000                  /* ke/i386/apstart.S: its page below 1 MiB */
#define KI_AP_IDLE_STACK_PAGES 3
#define KI_AP_DOUBLE_FAULT_STACK_PAGES 2

static inline ULONG KeGetCr4(VOID) { ULONG v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }

CCHAR KeNumberProcessors = 1;
volatile KAFFINITY KeActiveProcessors = 1;

/* Per-processor structures of the processors other than the boot one (whose own are the static
   ones of ke/i386/kiinit.c and the KPCR page at 0xFFDFF000): one page each. */
typedef struct _KI_PROCESSOR_PAGE {
    KI_CPU_ENTRY_AREA EntryArea;
    KTSS DoubleFaultTss __attribute__((aligned(128)));
    ULONGLONG Gdt[KI_GDT_ENTRIES] __attribute__((aligned(16)));
    KPCR Pcr __attribute__((aligned(64)));
} __attribute__((aligned(4096))) KI_PROCESSOR_PAGE;
_Static_assert(sizeof(KI_PROCESSOR_PAGE) == 4096, "one page per processor");

static KI_PROCESSOR_PAGE KiProcessorPage[HAL_MAXIMUM_PROCESSORS];
static ETHREAD KiApIdleThread[HAL_MAXIMUM_PROCESSORS];
PKPCR KiProcessorBlock[HAL_MAXIMUM_PROCESSORS];  /* every processor's KPCR, by number */
static ULONG KiProcessorApicId[HAL_MAXIMUM_PROCESSORS];
static PVOID KiDoubleFaultStackTop[HAL_MAXIMUM_PROCESSORS];

/* the startup handshake: the boot processor starts one processor at a time */
static volatile ULONG KiStartingProcessor;
static volatile ULONG KiProcessorStarted;
static ULONG KiApStartupDirectory[1024] __attribute__((aligned(4096)));

/* requests carried by the IPI vector, per processor */
static volatile ULONG KiIpiRequest[HAL_MAXIMUM_PROCESSORS];
#define KI_IPI_CRASH 0x1                       /* selftest=mpcrash: bugcheck on this processor */
#define KI_IPI_LOCK_TEST 0x2                   /* selftest=mplock: run KiLockTestRun */
#define KI_IPI_FLUSH_TB 0x4                    /* invalidate KiFlushTbVa (KeFlushSingleTb) */
#define KI_IPI_TLB_TEST 0x8                    /* selftest=mptlb: read KiTlbTestVa */

/* KeFlushSingleTb's request: one at a time (KiFlushTbLock); each target clears its bit */
static KSPIN_LOCK KiFlushTbLock;
static PVOID volatile KiFlushTbVa;
static volatile KAFFINITY KiFlushTbPending;
static PULONG volatile KiTlbTestVa;
static volatile ULONG KiTlbTestValue, KiTlbTestDone;

/* the bugcheck freeze */
static volatile LONG KiFreezeOwner = -1;
static volatile ULONG KiFrozenCount;
static volatile ULONG KiFrozenEip[HAL_MAXIMUM_PROCESSORS];
static volatile KAFFINITY KiFrozenProcessors;

static ULONG KiCurrentNumber(VOID)
{
    return KeNumberProcessors > 1 ? KeGetPcr()->Number : 0;
}

/* Stop this processor for good (the bugcheck owner powers the machine off). */
static DECLSPEC_NORETURN VOID KiFreezeSelf(ULONG Eip)
{
    ULONG n = KiCurrentNumber();
    KiFrozenEip[n] = Eip;
    __atomic_fetch_or(&KiFrozenProcessors, 1u << n, __ATOMIC_SEQ_CST);
    __atomic_fetch_add(&KiFrozenCount, 1, __ATOMIC_SEQ_CST);
    for (;;)
        __asm__ volatile("cli; hlt" ::: "memory");
}

/*
 * KiFreezeExecution - the NMI handler's part: when a bugcheck owns the freeze, this processor
 * stops here and never returns. Result: FALSE (returns) when no freeze is in progress, so the NMI
 * is some other one.
 */
BOOLEAN KiFreezeExecution(PKTRAP_FRAME TrapFrame)
{
    if (KiFreezeOwner < 0 || (ULONG)KiFreezeOwner == KiCurrentNumber())
        return FALSE;
    KiFreezeSelf(TrapFrame->Eip);
}

/*
 * KiFreezeOtherProcessors - called first by KeBugCheckEx, interrupts disabled. One processor:
 * nothing. Otherwise the first caller owns the freeze: every other processor gets an NMI and this
 * one waits (a bounded time) until each has stopped; a later caller on another processor stops
 * itself. Result: TRUE when this processor already owned the freeze (a bugcheck inside the
 * bugcheck).
 */
BOOLEAN KiFreezeOtherProcessors(VOID)
{
    if (KeNumberProcessors <= 1)
        return FALSE;
    LONG me = (LONG)KiCurrentNumber(), expected = -1;
    if (!__atomic_compare_exchange_n(&KiFreezeOwner, &expected, me, FALSE, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST)) {
        if (expected == me)
            return TRUE;                       /* a bugcheck inside this processor's bugcheck */
        KiFreezeSelf((ULONG)__builtin_return_address(0));   /* another processor's bugcheck */
    }
    HalSendNmiToOthers();
    ULONG others = (ULONG)__builtin_popcount(KeActiveProcessors) - 1;
    for (ULONG spins = 0; KiFrozenCount < others && spins < 100000; spins++)
        HalStallExecutionProcessor(10);
    return FALSE;
}

/* KiReportFrozenProcessors - the bugcheck's line saying which processors stopped and where. */
VOID KiReportFrozenProcessors(VOID)
{
    if (KeNumberProcessors <= 1)
        return;
    DbgPrint("Processors stopped by the bugcheck on processor %lu:", (unsigned long)KiFreezeOwner);
    for (ULONG i = 0; i < (ULONG)KeNumberProcessors; i++)
        if (KiFrozenProcessors & (1u << i))
            DbgPrint(" %lu (eip %08lx)", (unsigned long)i, (unsigned long)KiFrozenEip[i]);
    if ((KiFrozenProcessors | (1u << KiFreezeOwner)) != KeActiveProcessors)
        DbgPrint(" - some did not answer");
    DbgPrint("\n");
}

/* selftest=mplock: every processor adds to a counter with a read, a pause and a write, under
   each kind of lock in turn (one counter per kind: processors run the kinds at different times);
   no increment may be lost. */
#define KI_LOCK_TEST_ROUNDS 3000
static volatile ULONG KiLockTestCount[3], KiLockTestDone;
static KSPIN_LOCK KiLockTestLock, KiLockTestQueuedLock;

static inline VOID KiLockTestIncrement(ULONG Kind)
{
    ULONG v = KiLockTestCount[Kind];
    __asm__ volatile("pause" ::: "memory");
    KiLockTestCount[Kind] = v + 1;
}

static VOID KiLockTestRun(VOID)
{
    for (ULONG i = 0; i < KI_LOCK_TEST_ROUNDS; i++) {
        KIRQL old;
        KeAcquireSpinLock(&KiLockTestLock, &old);
        KiLockTestIncrement(0);
        KeReleaseSpinLock(&KiLockTestLock, old);
    }
    for (ULONG i = 0; i < KI_LOCK_TEST_ROUNDS; i++) {
        KIRQL old = KiLockDispatcherDatabase();
        KiLockTestIncrement(1);
        KiUnlockDispatcherDatabase(old);
    }
    for (ULONG i = 0; i < KI_LOCK_TEST_ROUNDS; i++) {
        KLOCK_QUEUE_HANDLE handle;
        KeAcquireInStackQueuedSpinLock(&KiLockTestQueuedLock, &handle);
        KiLockTestIncrement(2);
        KeReleaseInStackQueuedSpinLock(&handle);
    }
    __atomic_fetch_add(&KiLockTestDone, 1, __ATOMIC_SEQ_CST);
}

/* A TLB flush asked of this processor: done at once, also while it waits to ask for one itself
   (two processors flushing at the same time would otherwise wait for each other for ever). */
static VOID KiServiceFlushRequest(ULONG Number)
{
    if (!(KiIpiRequest[Number] & KI_IPI_FLUSH_TB))
        return;
    __atomic_fetch_and(&KiIpiRequest[Number], ~KI_IPI_FLUSH_TB, __ATOMIC_SEQ_CST);
    KeInvalidateTlbEntry(KiFlushTbVa);
    __atomic_fetch_and(&KiFlushTbPending, ~(1u << Number), __ATOMIC_SEQ_CST);
}

/* The local APIC's vectors (clock, IPI, spurious), from KiInterruptDispatch. */
VOID KiApicInterrupt(PKTRAP_FRAME TrapFrame, ULONG Vector)
{
    (VOID)TrapFrame;
    if (Vector == HAL_APIC_SPURIOUS_VECTOR)
        return;                                /* no EOI for a spurious interrupt */
    HalLocalApicEndOfInterrupt();
    if (Vector == KI_IPI_VECTOR) {
        ULONG n = KeGetPcr()->Number;
        KiServiceFlushRequest(n);
        ULONG request = __atomic_exchange_n(&KiIpiRequest[n], 0, __ATOMIC_SEQ_CST) & ~KI_IPI_FLUSH_TB;
        if (request & KI_IPI_CRASH)
            KeBugCheckEx(MANUALLY_INITIATED_CRASH, 0x4D50, n, 0, 0);
        if (request & KI_IPI_LOCK_TEST)
            KiLockTestRun();
        if (request & KI_IPI_TLB_TEST) {
            KiTlbTestValue = *KiTlbTestVa;
            __atomic_store_n(&KiTlbTestDone, 1, __ATOMIC_SEQ_CST);
        }
    }
    /* KI_APIC_CLOCK_VECTOR: the processor's own clock; counted in InterruptCount, nothing to
       schedule while these processors run only their idle loop */
}

/* KiRequestIpi - ask processor Number for Request and interrupt it. */
static VOID KiRequestIpi(ULONG Number, ULONG Request)
{
    __atomic_fetch_or(&KiIpiRequest[Number], Request, __ATOMIC_SEQ_CST);
    HalRequestIpi(KiProcessorApicId[Number], KI_IPI_VECTOR);
}

/*
 * KeFlushSingleTb - invalidate the translation of Va on this processor and, with AllProcessors,
 * on every other running processor: an IPI to each, then a wait until each has done it. Called
 * after a kernel mapping changes, by the processor that changed it. One processor: invlpg alone.
 */
VOID KeFlushSingleTb(PVOID Va, BOOLEAN AllProcessors)
{
    KeInvalidateTlbEntry(Va);
    if (!AllProcessors || KeNumberProcessors <= 1)
        return;
    ULONG flags = KeDisableInterrupts();
    ULONG me = KeGetPcr()->Number;
    while (!KeTryToAcquireSpinLockAtDpcLevel(&KiFlushTbLock)) {
        KiServiceFlushRequest(me);
        __asm__ volatile("pause");
    }
    KAFFINITY targets = KeActiveProcessors & ~(1u << me);
    KiFlushTbVa = Va;
    __atomic_store_n(&KiFlushTbPending, targets, __ATOMIC_SEQ_CST);
    for (ULONG i = 0; i < (ULONG)KeNumberProcessors; i++)
        if (targets & (1u << i))
            KiRequestIpi(i, KI_IPI_FLUSH_TB);
    while (__atomic_load_n(&KiFlushTbPending, __ATOMIC_SEQ_CST))
        __asm__ volatile("pause");
    KeReleaseSpinLockFromDpcLevel(&KiFlushTbLock);
    KeRestoreInterrupts(flags);
}

/* selftest=mptlb: ask processor 1 to read through Va and wait for the value. */
static ULONG KiTlbTestRead(PULONG Va)
{
    KiTlbTestVa = Va;
    KiTlbTestDone = 0;
    KiRequestIpi(1, KI_IPI_TLB_TEST);
    for (ULONG waited = 0; !KiTlbTestDone && waited < 1000000; waited++)
        HalStallExecutionProcessor(10);
    return KiTlbTestDone ? KiTlbTestValue : 0xDEAD;
}

/*
 * selftest=mptlb: a kernel page is mapped and read by processor 1, which now caches the
 * translation; it is unmapped with only this processor's TLB entry invalidated, and processor 1
 * still reads the old page through its stale entry; after KeFlushSingleTb(Va, TRUE) processor 1's
 * read faults: a bugcheck 0x50 on processor 1 for that address (what MANIFEST expects).
 */
static ULONG KiTlbTestPage[PAGE_SIZE / sizeof(ULONG)] __attribute__((aligned(4096)));

static DECLSPEC_NORETURN VOID KiRunTlbSelfTest(VOID)
{
    KiTlbTestPage[0] = 0xAAAA;
    PHYSICAL_ADDRESS pa;
    pa.QuadPart = MI_VA_TO_PA(KiTlbTestPage);
    PULONG va = MmMapIoSpace(pa, PAGE_SIZE, MmCached);
    ULONG first = KiTlbTestRead(va);
    MmUnmapIoSpace(va, PAGE_SIZE);
    ULONG stale = KiTlbTestRead(va);
    DbgPrint("selftest=mptlb: processor 1 read %lx at %p, and %lx after the unmap without a "
             "shootdown; now KeFlushSingleTb, then its read must fault\n", (unsigned long)first,
             (PVOID)va, (unsigned long)stale);
    KeFlushSingleTb(va, TRUE);
    KiTlbTestRead(va);
    DbgPrint("selftest=mptlb: processor 1 still read the unmapped page\n");
    HalPowerOff(1);
}

/* An application processor's first C code, on its idle stack, with the startup directory. */
static DECLSPEC_NORETURN VOID KiSystemStartupAp(VOID)
{
    KeSetCr3(MmSystemDirectoryTableBase);      /* drop the 1:1 map of the startup page */
    ULONG n = KiStartingProcessor;
    KI_PROCESSOR_PAGE *page = &KiProcessorPage[n];
    PKPCR pcr = &page->Pcr;
    PKTHREAD idle = &KiApIdleThread[n].Tcb;

    KI_PROCESSOR_TABLES tables = { page->Gdt, &page->EntryArea, &page->DoubleFaultTss,
                                   KiDoubleFaultStackTop[n], idle->InitialStack };
    KiInitializeProcessorTables(pcr, &tables);
    KiLoadIdt();
    pcr->Number = (UCHAR)n;
    pcr->SetMember = 1u << n;
    pcr->PrcbData.Number = (UCHAR)n;
    pcr->PrcbData.SetMember = 1u << n;
    pcr->PrcbData.IdleThread = idle;
    pcr->PrcbData.CurrentThread = idle;

    HalInitializeLocalApic(FALSE);
    HalStartApicTimer(KI_APIC_CLOCK_VECTOR);
    DbgPrint("NanoNT: processor %lu started (APIC id %lu), running its idle loop\n",
             (unsigned long)n, (unsigned long)HalGetLocalApicId());
    __atomic_fetch_or(&KeActiveProcessors, 1u << n, __ATOMIC_SEQ_CST);
    KiProcessorStarted = 1;
    for (;;)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
}

/* Start processor Number (APIC id ApicId) and wait until it reports in (a second at most). */
static BOOLEAN KiStartProcessor(ULONG Number, ULONG ApicId)
{
    PKTHREAD idle = &KiApIdleThread[Number].Tcb;
    PVOID limit;
    PVOID stack = MmCreateKernelStack(KI_AP_IDLE_STACK_PAGES, &limit);
    PVOID dfLimit;
    KiDoubleFaultStackTop[Number] = MmCreateKernelStack(KI_AP_DOUBLE_FAULT_STACK_PAGES, &dfLimit);
    if (!stack || !KiDoubleFaultStackTop[Number])
        return FALSE;
    KiInitializeIdleThreadObject(idle, stack, limit);

    KI_AP_START_PARAMETERS *params = (KI_AP_START_PARAMETERS *)MI_PA_TO_VA(
        KI_AP_START_PA + ((ULONG)KiApStartupParameters - (ULONG)KiApStartup));
    params->Cr0 = KeGetCr0();
    params->Cr3 = MI_VA_TO_PA(KiApStartupDirectory);
    params->Cr4 = KeGetCr4();
    params->Stack = (ULONG)stack;
    params->Entry = (ULONG)KiSystemStartupAp;
    KiStartingProcessor = Number;
    KiProcessorStarted = 0;
    KiProcessorBlock[Number] = &KiProcessorPage[Number].Pcr;
    KiProcessorApicId[Number] = ApicId;
    HalStartProcessor(ApicId, KI_AP_START_PA >> PAGE_SHIFT);
    for (ULONG waited = 0; !KiProcessorStarted && waited < 100000; waited++)
        HalStallExecutionProcessor(10);
    return KiProcessorStarted != 0;
}

/*
 * KiInitializeMultiprocessor - phase 0, after the clock and the TSC calibration: find the
 * processors and start all of them but this one. numproc=N on the command line starts at most N
 * (numproc=1: the uniprocessor boot on any machine). With one processor nothing here touches
 * the hardware.
 */
VOID KiInitializeMultiprocessor(VOID)
{
    PKPCR pcr = KeGetPcr();
    KiProcessorBlock[0] = pcr;
    pcr->SetMember = 1;
    pcr->PrcbData.SetMember = 1;
    if (!HalQueryProcessors() || HalProcessorTable.Count < 2)
        return;
    ULONG wanted = HalProcessorTable.Count;
    CHAR opt[8];
    if (KeGetBootOption("numproc", opt, sizeof(opt)) && opt[0] >= '1' && opt[0] <= '9' && !opt[1])
        wanted = (ULONG)(opt[0] - '0') < wanted ? (ULONG)(opt[0] - '0') : wanted;
    if (wanted < 2 || !HalMapLocalApic())
        return;

    HalInitializeLocalApic(TRUE);
    HalCalibrateApicTimer();
    ULONG bootApicId = HalGetLocalApicId();
    KiProcessorApicId[0] = bootApicId;
    DbgPrint("NanoNT: processor 0 is the boot processor (APIC id %lu), %lu processor(s) found\n",
             (unsigned long)bootApicId, (unsigned long)HalProcessorTable.Count);

    /* the startup code below 1 MiB, and a directory mapping it 1:1 beside the kernel */
    memcpy(MI_PA_TO_VA(KI_AP_START_PA), (PVOID)KiApStartup,
           (ULONG)KiApStartupEnd - (ULONG)KiApStartup);
    memcpy(KiApStartupDirectory, MI_PA_TO_VA(MmSystemDirectoryTableBase), PAGE_SIZE);
    KiApStartupDirectory[0] = 0x83;                         /* 0-4 MiB, large, present, writable */

    ULONG number = 1;
    for (ULONG i = 0; i < HalProcessorTable.Count && number < wanted; i++) {
        ULONG apicId = HalProcessorTable.ApicId[i];
        if (apicId == bootApicId)
            continue;
        /* the count goes up first: the new processor's code tests it (KiCurrentNumber) */
        KeNumberProcessors = (CCHAR)(number + 1);
        if (KiStartProcessor(number, apicId)) {
            number++;
        } else {
            KeNumberProcessors = (CCHAR)number;
            DbgPrint("NanoNT: processor with APIC id %lu did not start\n", (unsigned long)apicId);
        }
    }
    KeNumberProcessors = (CCHAR)number;
}

/*
 * KiRunMultiprocessorSelfTest - selftest=mpcrash: processor 1 is asked by IPI to bugcheck while
 * this processor spins with interrupts disabled; the freeze NMI must stop it, and the STOP line
 * must name processor 1. selftest=mplock: the spin lock test above on every processor at once;
 * powers off with 0 when no increment was lost.
 */
VOID KiRunMultiprocessorSelfTest(VOID)
{
    CHAR opt[16];
    if (!KeGetBootOption("selftest", opt, sizeof(opt)))
        return;
    if (!strcmp(opt, "mplock")) {
        ULONG n = (ULONG)KeNumberProcessors;
        for (ULONG i = 1; i < n; i++)
            KiRequestIpi(i, KI_IPI_LOCK_TEST);
        KiLockTestRun();
        for (ULONG waited = 0; KiLockTestDone < n && waited < 3000000; waited++)
            HalStallExecutionProcessor(10);
        ULONG want = n * KI_LOCK_TEST_ROUNDS;
        DbgPrint("selftest=mplock: %lu processor(s) finished of %lu; increments of %lu: spin lock %lu, "
                 "dispatcher lock %lu, in-stack queued lock %lu\n", (unsigned long)KiLockTestDone,
                 (unsigned long)n, (unsigned long)want, (unsigned long)KiLockTestCount[0],
                 (unsigned long)KiLockTestCount[1], (unsigned long)KiLockTestCount[2]);
        HalPowerOff(KiLockTestDone == n && KiLockTestCount[0] == want && KiLockTestCount[1] == want &&
                    KiLockTestCount[2] == want ? 0 : 1);
    }
    if (!strcmp(opt, "mptlb") && KeNumberProcessors >= 2)
        KiRunTlbSelfTest();
    if (strcmp(opt, "mpcrash"))
        return;
    if (KeNumberProcessors < 2) {
        DbgPrint("selftest=mpcrash: needs two processors\n");
        HalPowerOff(1);
    }
    DbgPrint("selftest=mpcrash: processor 1 bugchecks, processor 0 spins with interrupts off\n");
    _disable();
    KiRequestIpi(1, KI_IPI_CRASH);
    for (;;)
        __asm__ volatile("pause" ::: "memory");
}
