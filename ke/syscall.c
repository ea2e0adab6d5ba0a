/*
 * syscall.c - the service descriptor tables (docs/spec.md §6) and the C slow paths of the dispatcher.
 * KeServiceDescriptorTable has the native table in slot 0 and slot 1 empty;
 * KeServiceDescriptorTableShadow has the same native table and, once win32k registers it, the
 * GUI table in slot 1. KTHREAD.ServiceTable points at one of the two.
 */
#include "ke.h"
#include "ki.h"
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

VOID KiInitializeServiceTables(VOID)
{
    KSERVICE_TABLE_DESCRIPTOR native = { (PULONG_PTR)KiServiceTable, KiServiceCounters, KiServiceLimit, KiArgumentTable };
    KeServiceDescriptorTable[0] = native;
    KeServiceDescriptorTableShadow[0] = native;
}

/*
 * KeAddSystemServiceTable - register service table Index (1-3) once. Table 1 (GUI) goes into the
 * shadow table only, as on NT; tables 2 and 3 into both. Count may be NULL: the kernel then
 * provides the counters. Returns FALSE for index 0, an index out of range, an index already in
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
    if (!Count) {
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
 * on the stack. Result: STATUS_SUCCESS when the thread was converted now (KTHREAD.TrapFrame is then
 * the frame's copy on the new stack), STATUS_INVALID_SYSTEM_SERVICE when it already was a GUI
 * thread or no GUI table exists, or the conversion's failure status.
 */
NTSTATUS KiConvertToGuiThreadForService(PKTRAP_FRAME TrapFrame)
{
    PKTHREAD thread = KeGetCurrentThread();
    if (thread->ServiceTable == KeServiceDescriptorTableShadow || !KeServiceDescriptorTableShadow[1].Base)
        return STATUS_INVALID_SYSTEM_SERVICE;
    return KeProcessCallouts.ConvertToGuiThread(TrapFrame);
}

/* KiFreeSmallStackAfterConversion - sysentry.S, on the new large stack right after the switch:
   the process structure frees the small stack the conversion replaced. */
VOID KiFreeSmallStackAfterConversion(VOID)
{
    KeProcessCallouts.FreeSmallStackAfterConversion();
}

/* KiFlushGdiBatch - docs/spec.md §6.4: the thread queued GDI work in its TEB; flush it first. */
NTSTATUS KiFlushGdiBatch(VOID)
{
    return KeGdiFlushUserBatch ? KeGdiFlushUserBatch() : STATUS_SUCCESS;
}
