/*
 * sample.c - a built-in example extension: a whole service table (table 2) added without
 * touching the native one (KeAddSystemServiceTable, table 2). Its services are declared in
 * ex/sample/services.tab; the build generates the kernel tables (build/gen/svc_sample.c), the
 * user stubs linked into every program and build/inc/svcsample.h. At boot the extension hands
 * the generated tables to KeAddSystemServiceTable (ke/syscall.c), and it also tries the
 * registrations that must be refused, keeping the answers for NtSampleQueryRegistration.
 */
#include "ke.h"
#include "mm.h"
#include "ex.h"
#include "ntsample.h"
#include "svcsample.h"

/* generated from ex/sample/services.tab with --prefix Exs */

static ULONG ExsRegistrationResults[SAMPLE_REGISTRATION_RESULTS];

/*
 * ExsInitializeSampleServices - register the sample table as table EXS_SERVICE_TABLE_INDEX (2),
 * then try what KeAddSystemServiceTable must refuse (index 0, an index past the last descriptor,
 * table 2 again, an empty table); record every answer. No result: a refusal of the first
 * registration only shows in the recorded answers and as STATUS_INVALID_SYSTEM_SERVICE.
 */
VOID ExsInitializeSampleServices(VOID)
{
    ULONG *r = ExsRegistrationResults;
    r[SAMPLE_REGISTER_TABLE_2] = KeAddSystemServiceTable((PULONG_PTR)ExsServiceTable, ExsServiceCounters,
                                                         ExsServiceLimit, ExsArgumentTable,
                                                         EXS_SERVICE_TABLE_INDEX);
    KeSetServiceTableNames(EXS_SERVICE_TABLE_INDEX, ExsServiceNames);
    KeSetServiceTableTypes(EXS_SERVICE_TABLE_INDEX, ExsServiceArgumentTypes);
    r[SAMPLE_REGISTER_TABLE_0] = KeAddSystemServiceTable((PULONG_PTR)ExsServiceTable, NULL, ExsServiceLimit,
                                                         ExsArgumentTable, 0);
    r[SAMPLE_REGISTER_TABLE_4] = KeAddSystemServiceTable((PULONG_PTR)ExsServiceTable, NULL, ExsServiceLimit,
                                                         ExsArgumentTable, NUMBER_SERVICE_TABLES);
    r[SAMPLE_REGISTER_TABLE_2_AGAIN] = KeAddSystemServiceTable((PULONG_PTR)ExsServiceTable, NULL, ExsServiceLimit,
                                                               ExsArgumentTable, EXS_SERVICE_TABLE_INDEX);
    r[SAMPLE_REGISTER_TABLE_3_EMPTY] = KeAddSystemServiceTable((PULONG_PTR)ExsServiceTable, NULL, 0,
                                                               ExsArgumentTable, 3);
}

/* NtSampleAdd - In: two numbers and a user pointer. Result: STATUS_SUCCESS with *Sum = A + B,
   STATUS_INTEGER_OVERFLOW (nothing written), STATUS_ACCESS_VIOLATION. */
NTSTATUS NTAPI NtSampleAdd(ULONG A, ULONG B, PULONG Sum)
{
    ULONG sum = A + B;
    if (sum < A)
        return STATUS_INTEGER_OVERFLOW;
    return MmCopyToUser(Sum, &sum, sizeof(sum));
}

/* NtSampleVersion - In: a user pointer. Result: STATUS_SUCCESS with *Version = SAMPLE_VERSION,
   or STATUS_ACCESS_VIOLATION. */
NTSTATUS NTAPI NtSampleVersion(PULONG Version)
{
    ULONG version = SAMPLE_VERSION;
    return MmCopyToUser(Version, &version, sizeof(version));
}

/* NtSampleQueryRegistration - In: a user array and its element count. Result: STATUS_SUCCESS
   with the boot-time registration answers, STATUS_INFO_LENGTH_MISMATCH, STATUS_ACCESS_VIOLATION. */
NTSTATUS NTAPI NtSampleQueryRegistration(PULONG Results, ULONG Count)
{
    if (Count != SAMPLE_REGISTRATION_RESULTS)
        return STATUS_INFO_LENGTH_MISMATCH;
    return MmCopyToUser(Results, ExsRegistrationResults, sizeof(ExsRegistrationResults));
}
