/*
 * timeline.c - the event timeline: with the boot option timeline=1, service entries and exits,
 * context switches, interrupts, APC deliveries, exceptions, page faults, I/O requests and
 * completions and GUI batch flushes are recorded with an rdtsc time stamp into a buffer that is
 * drained, as raw KTIMELINE_RECORDs (inc/timeline.h), to COM2. tools/nttrace turns the stream
 * into Chrome trace-event JSON (docs/timeline.md).
 *
 * Cost when off: each recording point is one test of KeTimelineEnabled (KeTimelineEvent); the
 * services are not touched at all. When on, the service events come from a thunk array laid
 * over every registered table, as the tracer does (ke/systrace.c): KiTimelineServiceThunk
 * (ke/i386/timeline.S) records the entry, calls what the table held before (the real routine,
 * or the tracer's thunk when trace= is on too) and records the exit with the status.
 *
 * The buffer: a ring of bytes, appended with interrupts disabled (any context may record) and
 * drained by the idle thread one record at a time, by a recorder that finds it full (which
 * stalls that recorder, interrupts disabled, until there is room: nothing is lost), and by
 * HalPowerOff at the end.
 */
#include "ke.h"
#include "ki.h"
#include "ps.h"
#include "hal.h"
#include "arch.h"
#include "pool.h"
#include "rtl.h"
#include "loader.h"
#include "timeline.h"

#define KI_TIMELINE_BYTES 0x10000            /* a power of two */
#define KI_TIMELINE_MASK (KI_TIMELINE_BYTES - 1)

BOOLEAN KeTimelineEnabled;
static UCHAR KiTimelineBuffer[KI_TIMELINE_BYTES];
static ULONG KiTimelineHead, KiTimelineTail;     /* free-running byte counts */
static UCHAR KiTimelineNamed[4096 / 8];          /* threads whose KTL_NAME went out (by id) */

static PULONG_PTR KiTimelineTables[NUMBER_SERVICE_TABLES];     /* the thunk arrays */
static KSERVICE_TABLE_DESCRIPTOR KiTimelineInner[NUMBER_SERVICE_TABLES];  /* what they replaced */

/* Write the oldest whole record to COM2 (interrupts disabled). FALSE: the buffer is empty. */
static BOOLEAN KiTimelineDrainOne(VOID)
{
    if (KiTimelineTail == KiTimelineHead)
        return FALSE;
    KTIMELINE_RECORD *r = (KTIMELINE_RECORD *)&KiTimelineBuffer[KiTimelineTail & KI_TIMELINE_MASK];
    ULONG size = r->Size, at = KiTimelineTail & KI_TIMELINE_MASK;
    ULONG first = size < KI_TIMELINE_BYTES - at ? size : KI_TIMELINE_BYTES - at;
    HalSerialPort2Write(&KiTimelineBuffer[at], first);
    HalSerialPort2Write(KiTimelineBuffer, size - first);
    KiTimelineTail += size;
    return TRUE;
}

/* KeTimelineFlush - drain the whole buffer to COM2 now. */
VOID KeTimelineFlush(VOID)
{
    ULONG flags = KeDisableInterrupts();
    while (KiTimelineDrainOne())
        ;
    KeRestoreInterrupts(flags);
}

/* Append one record of Size bytes (interrupts disabled); Name, if any, follows the header. */
static VOID KiTimelineAppend(ULONG Type, ULONG Process, ULONG Thread, ULONG Arg1, ULONG Arg2, PCSTR Name)
{
    ULONG nameBytes = 0;
    while (Name && nameBytes < 16 && Name[nameBytes])       /* ImageFileName: 16 chars at most */
        nameBytes++;
    nameBytes += Name != NULL;
    ULONG size = sizeof(KTIMELINE_RECORD) + ((nameBytes + 3) & ~3u);
    while (KiTimelineHead - KiTimelineTail + size > KI_TIMELINE_BYTES)
        KiTimelineDrainOne();
    KTIMELINE_RECORD r = { KeRdtsc(), (USHORT)Type, (USHORT)Process, (USHORT)Thread, (USHORT)size, Arg1, Arg2 };
    UCHAR padded[sizeof(r) + 20];
    ULONG total = sizeof(r);
    memcpy(padded, &r, sizeof(r));
    if (Name) {
        memset(padded + sizeof(r), 0, sizeof(padded) - sizeof(r));
        memcpy(padded + sizeof(r), Name, nameBytes - 1);
        total = size;
    }
    for (ULONG i = 0; i < total; i++)
        KiTimelineBuffer[(KiTimelineHead + i) & KI_TIMELINE_MASK] = padded[i];
    KiTimelineHead += total;
}

/* The ids of the running thread (0.0 for the idle thread and the boot code). */
static VOID KiTimelineIds(PKTHREAD Thread, PULONG Process, PULONG ThreadId)
{
    PETHREAD et = (PETHREAD)Thread;
    PEPROCESS ep = (PEPROCESS)Thread->Process;
    *Process = ep ? ep->UniqueProcessId : 0;
    *ThreadId = (ULONG)et->Cid.UniqueThread;
}

/* Record one event for Thread, preceded by its name the first time it is seen. */
static VOID KiTimelineLogFor(PKTHREAD Thread, ULONG Type, ULONG Arg1, ULONG Arg2)
{
    ULONG flags = KeDisableInterrupts();
    ULONG pid, tid;
    KiTimelineIds(Thread, &pid, &tid);
    if (!(KiTimelineNamed[(tid & 4095) / 8] & (1 << (tid & 7)))) {
        KiTimelineNamed[(tid & 4095) / 8] |= 1 << (tid & 7);
        PEPROCESS ep = (PEPROCESS)Thread->Process;
        KiTimelineAppend(KTL_NAME, pid, tid, 0, 0, ep ? ep->ImageFileName : "Idle");
    }
    KiTimelineAppend(Type, pid, tid, Arg1, Arg2, NULL);
    KeRestoreInterrupts(flags);
}

/* KeTimelineLog - record one event for the running thread (any context). Use KeTimelineEvent. */
VOID KeTimelineLog(ULONG Type, ULONG Arg1, ULONG Arg2)
{
    KiTimelineLogFor(KeGetCurrentThread(), Type, Arg1, Arg2);
}

/* KiTimelineIdle - from the idle loop (interrupts disabled): drain one record. */
BOOLEAN KiTimelineIdle(VOID)
{
    return KiTimelineDrainOne();
}

/* KiTimelineContextSwitch - from KiSwitchTo (interrupts disabled), recorded for the old thread;
   the new one is named first if it has not been seen yet. */
VOID KiTimelineContextSwitch(PKTHREAD Old, PKTHREAD New)
{
    ULONG pid, tid;
    KiTimelineIds(New, &pid, &tid);
    if (!(KiTimelineNamed[(tid & 4095) / 8] & (1 << (tid & 7)))) {
        PEPROCESS ep = (PEPROCESS)New->Process;
        KiTimelineNamed[(tid & 4095) / 8] |= 1 << (tid & 7);
        KiTimelineAppend(KTL_NAME, pid, tid, 0, 0, ep ? ep->ImageFileName : "Idle");
    }
    KiTimelineLogFor(Old, KTL_CONTEXT_SWITCH, pid << 16 | (tid & 0xFFFF), Old->State);
}

/*
 * KiTimelineServiceCall - from KiTimelineServiceThunk. In: the service index, the table base the
 * dispatcher used (one of KiTimelineTables) and the arguments it copied. Records the entry, runs
 * what the table held before with a fresh copy of the arguments, records the exit. Result: the
 * service's status.
 */
NTSTATUS KiTimelineServiceCall(ULONG Index, PULONG_PTR TableBase, const ULONG *Arguments)
{
    ULONG t = 0;
    while (t < NUMBER_SERVICE_TABLES - 1 && KiTimelineTables[t] != TableBase)
        t++;
    PKSERVICE_TABLE_DESCRIPTOR d = &KiTimelineInner[t];
    ULONG bytes = d->Number[Index];
    KeTimelineLog(KTL_SERVICE_ENTER, t << 16 | Index, bytes ? Arguments[0] : 0);
    NTSTATUS status = KiTimelineCallService((PVOID)d->Base[Index], Arguments, bytes, Index, d->Base);
    KeTimelineLog(KTL_SERVICE_EXIT, t << 16 | Index, status);
    return status;
}

static VOID KiTimelinePowerOff(VOID)
{
    KeTimelineFlush();
}

/* KeInitializeTimeline - at boot, after every table is registered and trace= is set up:
   honour timeline=1 (or timeline=events). */
VOID KeInitializeTimeline(VOID)
{
    CHAR value[16];
    if (!KeGetBootOption("timeline", value, sizeof(value)) || !strcmp(value, "0"))
        return;
    KiSetFastServicePath(FALSE);          /* every call through the descriptors, to the thunks */
    for (ULONG t = 0; t < NUMBER_SERVICE_TABLES; t++) {
        PKSERVICE_TABLE_DESCRIPTOR d = KeServiceDescriptorTableShadow[t].Base ? &KeServiceDescriptorTableShadow[t]
                                                                             : &KeServiceDescriptorTable[t];
        if (!d->Base)
            continue;
        PULONG_PTR thunks = ExAllocatePoolWithTag(NonPagedPool, d->Limit * sizeof(ULONG_PTR), 'lmiT');
        if (!thunks)
            return;
        for (ULONG i = 0; i < d->Limit; i++)
            thunks[i] = (ULONG_PTR)KiTimelineServiceThunk;
        KiTimelineInner[t] = *d;
        KiTimelineTables[t] = thunks;
        if (KeServiceDescriptorTable[t].Base)
            KeServiceDescriptorTable[t].Base = thunks;
        if (KeServiceDescriptorTableShadow[t].Base)
            KeServiceDescriptorTableShadow[t].Base = thunks;
    }
    HalInitializeSerialPort2();
    ULONG flags = KeDisableInterrupts();
    KiTimelineAppend(KTL_HEADER, 0, 0, KTL_VERSION, (ULONG)(KeTscFrequency / 1000), NULL);
    KeRestoreInterrupts(flags);
    HalPowerOffNotify = KiTimelinePowerOff;
    KeTimelineEnabled = TRUE;
    DbgPrint("NanoNT: event timeline on COM2 (timeline=%s)\n", value);
}
