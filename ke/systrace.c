/*
 * systrace.c - the system-call tracer: with the boot option trace=..., system service calls are
 * printed on the console, one line per call after it returns, with arguments decoded by type
 * (ke/sysdecode.c, types from ke/services.tab), out-values, and the NTSTATUS by name:
 *     trace: 8.12 @91234567 NtClose(0x1c) = STATUS_SUCCESS +2451
 * (process.thread, the TSC at entry - instructions under QEMU's -icount -, the call, its result,
 * the TSC ticks it took). A call that may block or not return (`!blocks' in the table) also
 * gets a line when it enters, ending in ` ...'. The filter (docs/services.md, "Tracing"):
 *     trace=TERM[+TERM...]   TERM: all | fail | pid:N | NAME[,NAME...]
 * A call is printed when it passes every kind of term given: its service is named (any, but
 * NtDisplayString, the programs' own output, when no name is given or with all), its process is
 * one of the pid: terms (any when none), and with fail its status is not a success.
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
#include "arch.h"

#define KI_TRACE_LINE     500   /* one line (DbgPrint takes 511 characters) */
#define KI_TRACE_IN_TEXT  400   /* the arguments' text before the call */
#define KI_TRACE_MAX_PIDS 8

static PULONG_PTR KiTraceTables[NUMBER_SERVICE_TABLES];      /* the thunk arrays */
static KSERVICE_TABLE_DESCRIPTOR KiTraceReal[NUMBER_SERVICE_TABLES];
static PCSTR *KiTraceNames[NUMBER_SERVICE_TABLES] = { KiServiceNames };
static PCSTR *KiTraceTypes[NUMBER_SERVICE_TABLES] = { KiServiceArgumentTypes };
static PKI_TRACE_SIGNATURE KiTraceSignatures[NUMBER_SERVICE_TABLES]; /* parsed; NULL entries untyped */
static PBOOLEAN KiTraceSelected[NUMBER_SERVICE_TABLES];      /* per service: passes the name terms */

/* the filter */
static CHAR KiTraceFilter[LOADER_COMMAND_LINE_MAX];
static BOOLEAN KiTraceFailOnly;
static ULONG KiTracePids[KI_TRACE_MAX_PIDS], KiTracePidCount;

/* One traced call in progress: its arguments' text before the call, then the line. */
typedef struct _KI_TRACE_CALL {
    CHAR In[KI_TRACE_IN_TEXT];
    USHORT At[KI_TRACE_MAX_ARGUMENTS + 1];      /* where each argument's text starts in In */
    CHAR Line[KI_TRACE_LINE];
} KI_TRACE_CALL, *PKI_TRACE_CALL;

/* KeSetServiceTableNames - names for a registered table, for the tracer (optional). */
VOID KeSetServiceTableNames(ULONG Index, PCSTR *Names)
{
    if (Index < NUMBER_SERVICE_TABLES)
        KiTraceNames[Index] = Names;
}

/* KeSetServiceTableTypes - parameter types for a registered table (gensvc's ServiceArgumentTypes),
   for the tracer's decoder (optional: without them arguments print in hex). */
VOID KeSetServiceTableTypes(ULONG Index, PCSTR *Types)
{
    if (Index < NUMBER_SERVICE_TABLES)
        KiTraceTypes[Index] = Types;
}

/* The start of "trace: PID.TID @TSC NAME(" */
static VOID KiTracePutPrefix(PKI_TRACE_TEXT Text, ULONG Table, ULONG Index, PCSTR Name, ULONGLONG Stamp)
{
    KiTracePut(Text, "trace: %u.%u @%llu ", (unsigned)PsGetCurrentProcess()->UniqueProcessId,
               (unsigned)(ULONG)PsGetCurrentThread()->Cid.UniqueThread, Stamp);
    if (Name)
        KiTracePut(Text, "%s(", Name);
    else
        KiTracePut(Text, "table%u#%u(", (unsigned)Table, (unsigned)Index);
}

/* The arguments' text before the call into Call->In / At: decoded by Signature, else hex dwords. */
static ULONG KiTraceDecodeInputs(PKI_TRACE_CALL Call, PKI_TRACE_SIGNATURE Signature, const ULONG *Arguments,
                                 ULONG Bytes)
{
    KI_TRACE_TEXT in = { Call->In, sizeof(Call->In), 0 };
    ULONG count = Signature ? Signature->Count : Bytes / 4;
    for (ULONG i = 0; i < count; i++) {
        Call->At[i] = (USHORT)in.Length;
        if (Signature)
            KiTraceDecodeArgument(&in, Signature, i, Arguments, FALSE);
        else
            KiTracePut(&in, "0x%x", (unsigned)Arguments[i]);
        if (in.Length + 1 < in.Size)            /* past the NUL that ends this argument's text */
            in.Length++;
    }
    Call->At[count] = (USHORT)in.Length;
    return count;
}

/* The argument list; after the call (After), what out and in/out pointers point at now, unless
   the call failed with an error (warnings such as STATUS_BUFFER_OVERFLOW do fill them). */
static VOID KiTracePutArguments(PKI_TRACE_TEXT Line, PKI_TRACE_CALL Call, PKI_TRACE_SIGNATURE Signature,
                                const ULONG *Arguments, ULONG Count, BOOLEAN After, NTSTATUS Status)
{
    for (ULONG i = 0; i < Count; i++) {
        BOOLEAN outNow = After && Signature && KiTraceIsOutput(Signature, i) && !NT_ERROR(Status);
        BOOLEAN inOut = Signature && Signature->Parameters[i].How == KiHowInOut;
        KiTracePut(Line, i ? ", " : "");
        if (!outNow || inOut)
            KiTracePut(Line, "%s", Call->In + Call->At[i]);
        if (outNow) {
            KiTracePut(Line, inOut ? " => " : "");
            KiTraceDecodeArgument(Line, Signature, i, Arguments, TRUE);
        }
    }
    KiTracePut(Line, ")");
}

/* A pool block for one call (the service runs on top of this frame, and the kernel stack is
   12 KiB) with the inputs decoded; NULL when the pool is out. */
static PKI_TRACE_CALL KiTraceBegin(PKI_TRACE_SIGNATURE Signature, const ULONG *Arguments, ULONG Bytes,
                                   PULONG Count)
{
    PKI_TRACE_CALL call = ExAllocatePoolWithTag(NonPagedPool, sizeof(*call), 'carT');
    if (call)
        *Count = KiTraceDecodeInputs(call, Signature, Arguments, Bytes);
    return call;
}

/* Does the current process pass the pid: terms? */
static BOOLEAN KiTracePidWanted(VOID)
{
    if (!KiTracePidCount)
        return TRUE;
    for (ULONG i = 0; i < KiTracePidCount; i++)
        if (KiTracePids[i] == PsGetCurrentProcess()->UniqueProcessId)
            return TRUE;
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
    if (!KiTraceSelected[t][Index] || !KiTracePidWanted())
        return KiTraceCallService((PVOID)d->Base[Index], Arguments, bytes);

    PCSTR name = KiTraceNames[t] ? KiTraceNames[t][Index] : NULL;
    PKI_TRACE_SIGNATURE sig = KiTraceSignatures[t] && KiTraceSignatures[t][Index].Count != 0xFF
                            ? &KiTraceSignatures[t][Index] : NULL;
    PKI_TRACE_CALL call = NULL;
    ULONG count = 0;
    ULONGLONG stamp;
    KI_TRACE_TEXT line;
    /* A call that may block holds nothing across the call (the text of the enter line is freed
       before it): a thread that ends inside NtTerminateThread never comes back to free it. */
    if (sig && sig->Blocks) {
        if (!KiTraceFailOnly && (call = KiTraceBegin(sig, Arguments, bytes, &count)) != NULL) {
            line = (KI_TRACE_TEXT){ call->Line, sizeof(call->Line), 0 };
            KiTracePutPrefix(&line, t, Index, name, KeRdtsc());
            KiTracePutArguments(&line, call, sig, Arguments, count, FALSE, 0);
            DbgPrint("%s ...\n", call->Line);
            ExFreePoolWithTag(call, 'carT');
            call = NULL;
        }
    } else
        call = KiTraceBegin(sig, Arguments, bytes, &count);
    stamp = KeRdtsc();

    NTSTATUS status = KiTraceCallService((PVOID)d->Base[Index], Arguments, bytes);

    ULONGLONG took = KeRdtsc() - stamp;
    if (KiTraceFailOnly && NT_SUCCESS(status)) {
        /* not printed */
    } else if (call || (call = KiTraceBegin(sig, Arguments, bytes, &count)) != NULL) {
        line = (KI_TRACE_TEXT){ call->Line, sizeof(call->Line), 0 };
        KiTracePutPrefix(&line, t, Index, name, stamp);
        KiTracePutArguments(&line, call, sig, Arguments, count, TRUE, status);
        KiTracePut(&line, " = ");
        KiTracePutStatus(&line, status);
        KiTracePut(&line, " +%llu", took);
        DbgPrint("%s\n", call->Line);
    } else
        DbgPrint("trace: %s: no memory to trace this call\n", name ? name : "(service)");
    if (call)
        ExFreePoolWithTag(call, 'carT');
    return status;
}

/* Is Name in the comma-separated list List (of Length characters)? */
static BOOLEAN KiTraceListHas(PCSTR List, ULONG Length, PCSTR Name)
{
    ULONG n = strlen(Name);
    for (PCSTR p = List, end = List + Length; p < end; ) {
        PCSTR q = p;
        while (q < end && *q != ',')
            q++;
        if ((ULONG)(q - p) == n && !strncmp(p, Name, n))
            return TRUE;
        p = q + 1;
    }
    return FALSE;
}

/* Is Name a service of some registered table? */
static BOOLEAN KiTraceServiceExists(PCSTR Name, ULONG Length)
{
    for (ULONG t = 0; t < NUMBER_SERVICE_TABLES; t++)
        for (ULONG i = 0; KiTraceSelected[t] && KiTraceNames[t] && i < KiTraceReal[t].Limit; i++)
            if (strlen(KiTraceNames[t][i]) == Length && !strncmp(KiTraceNames[t][i], Name, Length))
                return TRUE;
    return FALSE;
}

/*
 * KiTraceParseFilter - the trace= value: sets the fail and pid terms, and for every service of
 * every table whether the name terms select it. Unknown words are reported.
 */
static VOID KiTraceParseFilter(VOID)
{
    BOOLEAN all = FALSE, named = FALSE;
    for (PCSTR p = KiTraceFilter; *p; ) {
        PCSTR term = p;
        while (*p && *p != '+')
            p++;
        ULONG n = (ULONG)(p - term);
        if (*p == '+')
            p++;
        if ((n == 3 && !strncmp(term, "all", 3)) || (n == 1 && term[0] == '1'))
            all = TRUE;
        else if (n == 4 && !strncmp(term, "fail", 4))
            KiTraceFailOnly = TRUE;
        else if (n > 4 && !strncmp(term, "pid:", 4)) {
            ULONG pid = 0;
            for (PCSTR q = term + 4; q < term + n && *q >= '0' && *q <= '9'; q++)
                pid = pid * 10 + (ULONG)(*q - '0');
            if (KiTracePidCount < KI_TRACE_MAX_PIDS)
                KiTracePids[KiTracePidCount++] = pid;
        } else if (n) {
            named = TRUE;
            for (PCSTR q = term; q < term + n; ) {
                PCSTR e = q;
                while (e < term + n && *e != ',')
                    e++;
                if (!KiTraceServiceExists(q, (ULONG)(e - q)))
                    DbgPrint("trace: no service `%.*s'\n", (int)(e - q), q);
                q = e + 1;
            }
        }
    }
    for (ULONG t = 0; t < NUMBER_SERVICE_TABLES; t++) {
        if (!KiTraceSelected[t])
            continue;
        for (ULONG i = 0; i < KiTraceReal[t].Limit; i++) {
            PCSTR name = KiTraceNames[t] ? KiTraceNames[t][i] : NULL;
            BOOLEAN listed = FALSE;
            if (name && named)
                for (PCSTR p = KiTraceFilter; *p; ) {
                    PCSTR term = p;
                    while (*p && *p != '+')
                        p++;
                    listed |= KiTraceListHas(term, (ULONG)(p - term), name);
                    if (*p == '+')
                        p++;
                }
            BOOLEAN everything = all || !named;
            KiTraceSelected[t][i] = listed || (everything && (!name || strcmp(name, "NtDisplayString") != 0));
        }
    }
}

/* The parsed signatures of table T (Count 0xFF: no types given). */
static PKI_TRACE_SIGNATURE KiTraceParseTable(ULONG T)
{
    PKSERVICE_TABLE_DESCRIPTOR d = &KiTraceReal[T];
    PKI_TRACE_SIGNATURE sigs = ExAllocatePoolWithTag(NonPagedPool, d->Limit * sizeof(*sigs), 'carT');
    if (!sigs)
        return NULL;
    for (ULONG i = 0; i < d->Limit; i++) {
        PCSTR types = KiTraceTypes[T] ? KiTraceTypes[T][i] : NULL;
        PCSTR name = KiTraceNames[T] ? KiTraceNames[T][i] : "(service)";
        if (types)
            KiTraceParseSignature(name, types, &sigs[i]);
        else
            sigs[i].Count = 0xFF;
    }
    return sigs;
}

/* KiInitializeSystemTrace - at boot, after every table is registered: honour trace=. */
VOID KiInitializeSystemTrace(VOID)
{
    if (!KeGetBootOption("trace", KiTraceFilter, sizeof(KiTraceFilter)))
        return;
    for (ULONG t = 0; t < NUMBER_SERVICE_TABLES; t++) {
        PKSERVICE_TABLE_DESCRIPTOR d = KeServiceDescriptorTableShadow[t].Base ? &KeServiceDescriptorTableShadow[t]
                                                                             : &KeServiceDescriptorTable[t];
        if (!d->Base)
            continue;
        PBOOLEAN selected = ExAllocatePoolWithTag(NonPagedPool, d->Limit, 'carT');
        if (!selected)
            return;
        KiTraceReal[t] = *d;
        KiTraceSelected[t] = selected;
        KiTraceSignatures[t] = KiTraceParseTable(t);
    }
    KiTraceParseFilter();
    /* the tables switch last, when everything the thunk reads is ready; the dispatcher's direct
       path for table 0 (ke/syscall.c) closes first, so every call reads the descriptors */
    KiSetFastServicePath(FALSE);
    for (ULONG t = 0; t < NUMBER_SERVICE_TABLES; t++) {
        if (!KiTraceSelected[t])
            continue;
        PULONG_PTR thunks = ExAllocatePoolWithTag(NonPagedPool, KiTraceReal[t].Limit * sizeof(ULONG_PTR), 'carT');
        if (!thunks)
            return;
        for (ULONG i = 0; i < KiTraceReal[t].Limit; i++)
            thunks[i] = (ULONG_PTR)KiTraceServiceThunk;
        KiTraceTables[t] = thunks;
        if (KeServiceDescriptorTable[t].Base)
            KeServiceDescriptorTable[t].Base = thunks;
        if (KeServiceDescriptorTableShadow[t].Base)
            KeServiceDescriptorTableShadow[t].Base = thunks;
    }
    DbgPrint("NanoNT: tracing system calls (%s)\n", KiTraceFilter);
}
