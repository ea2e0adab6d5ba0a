/*
 * syscall.c - the service descriptor tables (docs/spec.md §6) and the C slow paths of the dispatcher.
 * KeServiceDescriptorTable has the native table in slot 0 and slot 1 empty;
 * KeServiceDescriptorTableShadow has the same native table and, once win32k registers it, the
 * GUI table in slot 1. KTHREAD.ServiceTable points at one of the two.
 */
#include "ke.h"
#include "ki.h"
#include "loader.h"
#include "pool.h"
#include "rtl.h"
#include "svcnum.h"


KSERVICE_TABLE_DESCRIPTOR KeServiceDescriptorTable[NUMBER_SERVICE_TABLES];
KSERVICE_TABLE_DESCRIPTOR KeServiceDescriptorTableShadow[NUMBER_SERVICE_TABLES];

/* Arguments below this address pass the dispatcher's one-compare probe: the largest argument
   block (SERVICE_MAXIMUM_ARGUMENT_DWORDS) still ends below MmUserProbeAddress. */
ULONG KiArgumentProbeLimit = MM_USER_PROBE_ADDRESS - SERVICE_MAXIMUM_ARGUMENT_DWORDS * sizeof(ULONG);

NTSTATUS (*KeGdiFlushUserBatch)(VOID);

/*
 * KiServiceNotImplemented - the routine in the slot of every service a table declares but NanoNT
 * does not implement (a `-' line in a services.tab: table 0 keeps WRK's numbering, so most of
 * WRK's services are such slots). The dispatcher has counted the call and copied the service's
 * argument dwords as for any other; the exit reloads ESP from the trap frame, so taking none of
 * them here is harmless. Result: STATUS_NOT_IMPLEMENTED.
 */
NTSTATUS NTAPI KiServiceNotImplemented(VOID)
{
    return STATUS_NOT_IMPLEMENTED;
}

/*
 * The dispatcher's direct path for table 0 (sysentry.S): a number below KiFastServiceLimit is a
 * table-0 index and reaches its routine, argument size and counter through these fixed arrays
 * instead of KTHREAD.ServiceTable's descriptor (table 0 is the same in both descriptor tables).
 * They have KI_FAST_SERVICE_SLOTS entries, a power of two, so that masking the index clamps it
 * (§6.9); the entries past the limit are never reached architecturally. KiFastArgumentBytes holds
 * the argument bytes as dwords so the stack is reserved with one subtraction from memory,
 * KiFastArgumentCopy where the copy enters the dispatcher's run of `movsd` (one per argument
 * dword, from KiFastArgumentCopyEntry in sysentry.S), and KiFastArgumentDwords the count for the
 * general path's `rep movsd` when the quick probe sends a call there. The direct path counts no call per service: it is
 * closed (KiFastServiceLimit = 0, every call goes through the descriptors) while per-service counts
 * are kept, and while the tracer or the timeline has replaced the tables' routines.
 */
ULONG KiFastServiceLimit;
BOOLEAN KiServiceCallCounts;
PVOID KiFastServiceTable[KI_FAST_SERVICE_SLOTS];
ULONG KiFastArgumentBytes[KI_FAST_SERVICE_SLOTS];
UCHAR KiFastArgumentDwords[KI_FAST_SERVICE_SLOTS];
PVOID KiFastArgumentCopy[KI_FAST_SERVICE_SLOTS];
_Static_assert(KI_SERVICE_COUNT <= KI_FAST_SERVICE_SLOTS &&
               (KI_FAST_SERVICE_SLOTS & (KI_FAST_SERVICE_SLOTS - 1)) == 0, "direct-path arrays");

/* KiSetFastServicePath - open (TRUE) or close the dispatcher's direct path for table 0; it stays
   closed while per-service counts are kept. */
VOID KiSetFastServicePath(BOOLEAN Open)
{
    KiFastServiceLimit = Open && !KiServiceCallCounts ? KiServiceLimit : 0;
}

/*
 * KiInitializeServiceTables - table 0 in both descriptor tables, and the direct path's arrays.
 * Per-service call counts are kept only with the boot option `callcounts` (WRK keeps them only in
 * checked builds): without it every descriptor's Count is NULL, as in WRK's free build.
 */
VOID KiInitializeServiceTables(VOID)
{
    KiServiceCallCounts = KeHasBootFlag("callcounts");
    KSERVICE_TABLE_DESCRIPTOR native = { (PULONG_PTR)KiServiceTable, KiServiceCallCounts ? KiServiceCounters : NULL,
                                         KiServiceLimit, KiArgumentTable };
    KeServiceDescriptorTable[0] = native;
    KeServiceDescriptorTableShadow[0] = native;
    for (ULONG i = 0; i < KI_FAST_SERVICE_SLOTS; i++) {
        BOOLEAN inside = i < KiServiceLimit;
        KiFastServiceTable[i] = inside ? KiServiceTable[i] : (PVOID)KiServiceNotImplemented;
        KiFastArgumentBytes[i] = inside ? KiArgumentTable[i] : 0;
        KiFastArgumentDwords[i] = (UCHAR)(KiFastArgumentBytes[i] / sizeof(ULONG));
        KiFastArgumentCopy[i] = KiFastArgumentCopyEntry[KiFastArgumentDwords[i]];
    }
    KiSetFastServicePath(TRUE);
}

/*
 * KeAddSystemServiceTable - register service table Index (1-3) once. Table 1 (GUI) goes into the
 * shadow table only, as on NT; tables 2 and 3 into both. Without per-service counts (boot option
 * `callcounts`) the descriptor's Count is NULL whatever the caller gives; with them, a NULL Count
 * makes the kernel provide the counters. Returns FALSE for index 0, an index out of range, an index already in
 * use, a zero limit or missing routine/argument tables.
 */
BOOLEAN KeAddSystemServiceTable(PULONG_PTR Base, PULONG Count, ULONG Limit, PUCHAR Number, ULONG Index)
{
    if (Index == 0 || Index >= NUMBER_SERVICE_TABLES || !Base || !Number || Limit == 0 ||
        Limit > SERVICE_NUMBER_MASK + 1)
        return FALSE;
    if (KeServiceDescriptorTable[Index].Base || KeServiceDescriptorTableShadow[Index].Base)
        return FALSE;
    for (ULONG i = 0; i < Limit; i++)
        if (Number[i] > SERVICE_MAXIMUM_ARGUMENT_DWORDS * sizeof(ULONG) || (Number[i] & 3))
            return FALSE;
    if (!KiServiceCallCounts) {
        Count = NULL;
    } else if (!Count) {
        Count = ExAllocatePoolZero(NonPagedPool, Limit * sizeof(ULONG), 'tnCS');
        if (!Count)
            return FALSE;
    }
    KSERVICE_TABLE_DESCRIPTOR d = { Base, Count, Limit, Number };
    ULONG flags = KeDisableInterrupts();
    KeServiceDescriptorTableShadow[Index] = d;
    if (Index != 1)
        KeServiceDescriptorTable[Index] = d;
    KeRestoreInterrupts(flags);
    return TRUE;
}

/*
 * KiConvertToGuiThreadForService - a table-1 index beyond the limit (docs/spec.md §6.3): convert the
 * calling thread to a GUI thread (PsConvertToGuiThread: GUI state, the large kernel stack, the
 * shadow table) so that the dispatcher can retry once. In: the service trap frame, the only thing
 * on the stack, and the service index. A thread converted now has KTHREAD.TrapFrame moved to the
 * frame's copy on the new stack, which is how the dispatcher tells success (the result is then
 * STATUS_SUCCESS). Otherwise the result is the service's EAX: STATUS_INVALID_SYSTEM_SERVICE when
 * the thread already was a GUI thread, no GUI table exists or the index is beyond it; when the
 * conversion itself failed, as in WRK, the service's byte in the table after its argument bytes
 * (gensvc's fail=): 0, -1, or STATUS_INVALID_SYSTEM_SERVICE. The conversion's own status is not
 * returned.
 */
ULONG KiConvertToGuiThreadForService(PKTRAP_FRAME TrapFrame, ULONG Index)
{
    PKTHREAD thread = KeGetCurrentThread();
    PKSERVICE_TABLE_DESCRIPTOR gui = &KeServiceDescriptorTableShadow[1];
    if (thread->ServiceTable == KeServiceDescriptorTableShadow || !gui->Base)
        return STATUS_INVALID_SYSTEM_SERVICE;
    if (NT_SUCCESS(KeProcessCallouts.ConvertToGuiThread(TrapFrame)))
        return STATUS_SUCCESS;
    if (Index >= gui->Limit)
        return STATUS_INVALID_SYSTEM_SERVICE;
    LONG result = (signed char)gui->Number[gui->Limit + Index];
    return result <= 0 ? (ULONG)result : (ULONG)STATUS_INVALID_SYSTEM_SERVICE;
}

/* KiFreeSmallStackAfterConversion - sysentry.S, on the new large stack right after the switch:
   the process structure frees the small stack the conversion replaced. */
VOID KiFreeSmallStackAfterConversion(VOID)
{
    KeProcessCallouts.FreeSmallStackAfterConversion();
}

/* KiFlushGdiBatch - docs/spec.md §6.4: the thread queued GDI work in its TEB; flush it first. The
   dispatcher ignores the result, as WRK's does: the service runs whatever the flush found. */
NTSTATUS KiFlushGdiBatch(VOID)
{
    return KeGdiFlushUserBatch ? KeGdiFlushUserBatch() : STATUS_SUCCESS;
}
