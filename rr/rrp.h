/*
 * rrp.h - private interface between the thread-context services (rr/rrsvc.c) and their
 * file half (rr/rrfile.c). Both run with the record lock held.
 */
#ifndef NANONT_RRP_H
#define NANONT_RRP_H

#include "ntdef.h"

#define RR_TRAP_MAX_PATH        160     /* bytes of an ASCII NT path, terminator included */
#define RR_TRAP_READ_LIMIT      512     /* larger files are refused before they are read */

NTSTATUS RrpReadTrapRecordFile(PCSTR Path, PVOID Buffer, ULONG BufferSize, PULONG Size);
NTSTATUS RrpWriteTrapRecordFile(PCSTR Path, const VOID *Record, ULONG Size);

#endif
