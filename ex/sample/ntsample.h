/*
 * ntsample.h - the example extension's services (service table 2, ex/sample/services.tab), for
 * the kernel side (ex/sample/sample.c) and for user programs (stubs from the same table).
 */
#ifndef NANONT_NTSAMPLE_H
#define NANONT_NTSAMPLE_H

#include "ntdef.h"

#define SAMPLE_VERSION 0x00010000       /* what NtSampleVersion reports: 1.0 */

/* The results of the registration attempts the extension makes at boot (1 = accepted), in this
   order; NtSampleQueryRegistration returns them so that a test can check each one. */
#define SAMPLE_REGISTER_TABLE_2        0   /* table 2, first time: must succeed */
#define SAMPLE_REGISTER_TABLE_0        1   /* index 0 (the native table): must fail */
#define SAMPLE_REGISTER_TABLE_4        2   /* index 4, past the last descriptor: must fail */
#define SAMPLE_REGISTER_TABLE_2_AGAIN  3   /* table 2 a second time: must fail */
#define SAMPLE_REGISTER_TABLE_3_EMPTY  4   /* table 3 with a limit of 0: must fail */
#define SAMPLE_REGISTRATION_RESULTS    5

/* NtSampleAdd - *Sum = A + B. STATUS_INTEGER_OVERFLOW when it does not fit in 32 bits,
   STATUS_ACCESS_VIOLATION for a bad Sum. */
NTSTATUS NTAPI NtSampleAdd(ULONG A, ULONG B, PULONG Sum);
/* NtSampleVersion - *Version = SAMPLE_VERSION. */
NTSTATUS NTAPI NtSampleVersion(PULONG Version);
/* NtSampleQueryRegistration - copy the SAMPLE_REGISTRATION_RESULTS results to Results; Count
   must be SAMPLE_REGISTRATION_RESULTS (else STATUS_INFO_LENGTH_MISMATCH). */
NTSTATUS NTAPI NtSampleQueryRegistration(PULONG Results, ULONG Count);

#endif
