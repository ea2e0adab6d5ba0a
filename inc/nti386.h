/* nti386.h - CONTEXT and EXCEPTION_RECORD with NT's x86 layouts (docs/spec.md §7). */
#ifndef NANONT_NTI386_H
#define NANONT_NTI386_H

#include "ntdef.h"

#define CONTEXT_i386               0x00010000
#define CONTEXT_CONTROL            (CONTEXT_i386 | 0x01)
#define CONTEXT_INTEGER            (CONTEXT_i386 | 0x02)
#define CONTEXT_SEGMENTS           (CONTEXT_i386 | 0x04)
#define CONTEXT_FLOATING_POINT     (CONTEXT_i386 | 0x08)
#define CONTEXT_DEBUG_REGISTERS    (CONTEXT_i386 | 0x10)
#define CONTEXT_EXTENDED_REGISTERS (CONTEXT_i386 | 0x20)
#define CONTEXT_FULL (CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_SEGMENTS)

#define SIZE_OF_80387_REGISTERS 80
#define MAXIMUM_SUPPORTED_EXTENSION 512

typedef struct _FLOATING_SAVE_AREA {
    ULONG ControlWord, StatusWord, TagWord, ErrorOffset, ErrorSelector, DataOffset, DataSelector;
    UCHAR RegisterArea[SIZE_OF_80387_REGISTERS];
    ULONG Cr0NpxState;
} FLOATING_SAVE_AREA;

typedef struct _CONTEXT {
    ULONG ContextFlags;                         /* 0x00 */
    ULONG Dr0, Dr1, Dr2, Dr3, Dr6, Dr7;         /* 0x04 */
    FLOATING_SAVE_AREA FloatSave;               /* 0x1C */
    ULONG SegGs, SegFs, SegEs, SegDs;           /* 0x8C */
    ULONG Edi, Esi, Ebx, Edx, Ecx, Eax;         /* 0x9C */
    ULONG Ebp, Eip, SegCs, EFlags, Esp, SegSs;  /* 0xB4 */
    UCHAR ExtendedRegisters[MAXIMUM_SUPPORTED_EXTENSION]; /* 0xCC */
} CONTEXT, *PCONTEXT;

#define CONTEXT_ASSERT(f, o) _Static_assert(offsetof(CONTEXT, f) == (o), "CONTEXT." #f)
CONTEXT_ASSERT(ContextFlags, 0x00); CONTEXT_ASSERT(Dr0, 0x04); CONTEXT_ASSERT(Dr1, 0x08);
CONTEXT_ASSERT(Dr2, 0x0C); CONTEXT_ASSERT(Dr3, 0x10); CONTEXT_ASSERT(Dr6, 0x14);
CONTEXT_ASSERT(Dr7, 0x18); CONTEXT_ASSERT(FloatSave, 0x1C); CONTEXT_ASSERT(FloatSave.RegisterArea, 0x38);
CONTEXT_ASSERT(FloatSave.Cr0NpxState, 0x88); CONTEXT_ASSERT(SegGs, 0x8C); CONTEXT_ASSERT(SegFs, 0x90);
CONTEXT_ASSERT(SegEs, 0x94); CONTEXT_ASSERT(SegDs, 0x98); CONTEXT_ASSERT(Edi, 0x9C);
CONTEXT_ASSERT(Esi, 0xA0); CONTEXT_ASSERT(Ebx, 0xA4); CONTEXT_ASSERT(Edx, 0xA8);
CONTEXT_ASSERT(Ecx, 0xAC); CONTEXT_ASSERT(Eax, 0xB0); CONTEXT_ASSERT(Ebp, 0xB4);
CONTEXT_ASSERT(Eip, 0xB8); CONTEXT_ASSERT(SegCs, 0xBC); CONTEXT_ASSERT(EFlags, 0xC0);
CONTEXT_ASSERT(Esp, 0xC4); CONTEXT_ASSERT(SegSs, 0xC8);
#undef CONTEXT_ASSERT
_Static_assert(sizeof(FLOATING_SAVE_AREA) == 0x70, "FLOATING_SAVE_AREA size");
_Static_assert(offsetof(CONTEXT, ExtendedRegisters) == 0xCC, "CONTEXT.ExtendedRegisters");
_Static_assert(sizeof(CONTEXT) == 0x2CC, "CONTEXT size");

#define EXCEPTION_MAXIMUM_PARAMETERS 15
#define EXCEPTION_NONCONTINUABLE 0x1

typedef struct _EXCEPTION_RECORD {
    NTSTATUS ExceptionCode;
    ULONG ExceptionFlags;
    struct _EXCEPTION_RECORD *ExceptionRecord;
    PVOID ExceptionAddress;
    ULONG NumberParameters;
    ULONG_PTR ExceptionInformation[EXCEPTION_MAXIMUM_PARAMETERS];
} EXCEPTION_RECORD, *PEXCEPTION_RECORD;

_Static_assert(offsetof(EXCEPTION_RECORD, ExceptionFlags) == 0x04, "EXCEPTION_RECORD.ExceptionFlags");
_Static_assert(offsetof(EXCEPTION_RECORD, ExceptionRecord) == 0x08, "EXCEPTION_RECORD.ExceptionRecord");
_Static_assert(offsetof(EXCEPTION_RECORD, ExceptionAddress) == 0x0C, "EXCEPTION_RECORD.ExceptionAddress");
_Static_assert(offsetof(EXCEPTION_RECORD, NumberParameters) == 0x10, "EXCEPTION_RECORD.NumberParameters");
_Static_assert(offsetof(EXCEPTION_RECORD, ExceptionInformation) == 0x14, "EXCEPTION_RECORD.ExceptionInformation");
_Static_assert(sizeof(EXCEPTION_RECORD) == 0x50, "EXCEPTION_RECORD size");

typedef struct _EXCEPTION_POINTERS {
    PEXCEPTION_RECORD ExceptionRecord;
    PCONTEXT ContextRecord;
} EXCEPTION_POINTERS, *PEXCEPTION_POINTERS;

#endif
