/*
 * systrace.c - the system-call tracer: with the boot option trace=..., every system service
 * call is printed on the console with its arguments and its result, e.g.
 *     trace: 8.12 NtCreateFile(0012ff24, 00100080, 0012ff30, ...) -> c0000034
 * trace=all traces everything but NtDisplayString (the programs' own output); trace=NAME,NAME
 * traces the named services only (NtDisplayString too if named).
 *
 * The dispatcher is not touched: tracing replaces each registered table's routine array with
 * one of the same length whose every entry is KiTraceServiceThunk (ke/i386/systrace.S). The
 * dispatcher calls that as it would the service, with the index in EAX and the (replaced) table
 * base in EDX, after copying the arguments. The thunk hands them to KiTraceServiceCall, which
 * logs, calls the real routine with a fresh copy of the arguments and logs the result. With no
 * trace= option nothing of this runs, so `make bench` measures the untraced path.
 */
#include "ke.h"
#include "ki.h"
#include "ps.h"
#include "pool.h"
#include "loader.h"
#include "rtl.h"
#include "svcnum.h"


static PULONG_PTR KiTraceTables[NUMBER_SERVICE_TABLES];      /* the thunk arrays */
static KSERVICE_TABLE_DESCRIPTOR KiTraceReal[NUMBER_SERVICE_TABLES];
static PCSTR *KiTraceNames[NUMBER_SERVICE_TABLES] = { KiServiceNames };
static CHAR KiTraceFilter[LOADER_COMMAND_LINE_MAX];
static BOOLEAN KiTraceAll;

/* KeSetServiceTableNames - names for a registered table, for the tracer (optional). */
VOID KeSetServiceTableNames(ULONG Index, PCSTR *Names)
{
    if (Index < NUMBER_SERVICE_TABLES)
        KiTraceNames[Index] = Names;
}

/* Is Name listed in trace=NAME,NAME (or trace=all, which leaves out NtDisplayString)? */
static BOOLEAN KiTraceWanted(PCSTR Name)
{
    if (KiTraceAll)
        return !Name || strcmp(Name, "NtDisplayString") != 0;
    if (!Name)
        return FALSE;
    ULONG n = strlen(Name);
    for (PCSTR p = KiTraceFilter; *p; ) {
        if (!strncmp(p, Name, n) && (p[n] == ',' || !p[n]))
            return TRUE;
        while (*p && *p != ',')
            p++;
        if (*p == ',')
            p++;
    }
    return FALSE;
}

/*
 * KiTraceServiceCall - from KiTraceServiceThunk. In: the service index, the table base the
 * dispatcher used (one of KiTraceTables) and the arguments it copied. Logs, runs the service,
 * logs its status. Result: the service's status.
 */
NTSTATUS KiTraceServiceCall(ULONG Index, PULONG_PTR TableBase, const ULONG *Arguments)
{
    ULONG t = 0;
    while (t < NUMBER_SERVICE_TABLES - 1 && KiTraceTables[t] != TableBase)
        t++;
    PKSERVICE_TABLE_DESCRIPTOR d = &KiTraceReal[t];
    ULONG bytes = d->Number[Index];
    PCSTR name = KiTraceNames[t] ? KiTraceNames[t][Index] : NULL;
    BOOLEAN wanted = KiTraceWanted(name);
    if (wanted) {
        CHAR line[256];
        int n = name ? RtlFormatString(line, sizeof(line), "trace: %u.%u %s(", (unsigned)PsGetCurrentProcess()->UniqueProcessId,
                                       (unsigned)(ULONG)PsGetCurrentThread()->Cid.UniqueThread, name)
                     : RtlFormatString(line, sizeof(line), "trace: %u.%u table%u#%u(", (unsigned)PsGetCurrentProcess()->UniqueProcessId,
                                       (unsigned)(ULONG)PsGetCurrentThread()->Cid.UniqueThread, (unsigned)t, (unsigned)Index);
        for (ULONG i = 0; i < bytes / 4 && n < (int)sizeof(line) - 16; i++)
            n += RtlFormatString(line + n, sizeof(line) - n, "%s%08x", i ? ", " : "", (unsigned)Arguments[i]);
        DbgPrint("%s)\n", line);
    }
    NTSTATUS status = KiTraceCallService((PVOID)d->Base[Index], Arguments, bytes);
    if (wanted)
        DbgPrint("trace: %u.%u %s -> %08x\n", (unsigned)PsGetCurrentProcess()->UniqueProcessId,
                 (unsigned)(ULONG)PsGetCurrentThread()->Cid.UniqueThread, name ? name : "(service)",
                 (unsigned)status);
    return status;
}

/* KiInitializeSystemTrace - at boot, after every table is registered: honour trace=. */
VOID KiInitializeSystemTrace(VOID)
{
    if (!KeGetBootOption("trace", KiTraceFilter, sizeof(KiTraceFilter)))
        return;
    KiTraceAll = !strcmp(KiTraceFilter, "all") || !strcmp(KiTraceFilter, "1");
    for (ULONG t = 0; t < NUMBER_SERVICE_TABLES; t++) {
        PKSERVICE_TABLE_DESCRIPTOR d = KeServiceDescriptorTableShadow[t].Base ? &KeServiceDescriptorTableShadow[t]
                                                                             : &KeServiceDescriptorTable[t];
        if (!d->Base)
            continue;
        PULONG_PTR thunks = ExAllocatePoolWithTag(NonPagedPool, d->Limit * sizeof(ULONG_PTR), 'carT');
        if (!thunks)
            return;
        for (ULONG i = 0; i < d->Limit; i++)
            thunks[i] = (ULONG_PTR)KiTraceServiceThunk;
        KiTraceReal[t] = *d;
        KiTraceTables[t] = thunks;
        if (KeServiceDescriptorTable[t].Base)
            KeServiceDescriptorTable[t].Base = thunks;
        if (KeServiceDescriptorTableShadow[t].Base)
            KeServiceDescriptorTableShadow[t].Base = thunks;
    }
    DbgPrint("NanoNT: tracing system calls (%s)\n", KiTraceFilter);
}
