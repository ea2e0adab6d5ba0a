/*
 * trapsave.h - private interface between the thread-context services (ke/trapsave.c) and their
 * file half (ke/trapio.c). Both run with the record lock held.
 */
#ifndef NANONT_TRAPSAVE_H
#define NANONT_TRAPSAVE_H

#include "ntdef.h"

#define KI_TRAP_MAX_PATH        160     /* bytes of an ASCII NT path, terminator included */
#define KI_TRAP_READ_LIMIT      512     /* larger files are refused before they are read */

NTSTATUS KiReadTrapRecordFile(PCSTR Path, PVOID Buffer, ULONG BufferSize, PULONG Size);
NTSTATUS KiWriteTrapRecordFile(PCSTR Path, const VOID *Record, ULONG Size);

#endif
