/*
 * ntdef.h - basic NT types shared by the kernel, ntdll, user programs, host tools and host tests.
 *
 * The kernel is 32-bit; host tests and tools are built with -m32 as well so that ULONG_PTR and
 * pointers keep their x86 sizes everywhere.
 */
#ifndef NANONT_NTDEF_H
#define NANONT_NTDEF_H

#include <stddef.h>
#include <stdint.h>

#define NTAPI __attribute__((stdcall))
#define FASTCALL __attribute__((fastcall))
#define DECLSPEC_NORETURN __attribute__((noreturn))
#define UNREFERENCED_PARAMETER(p) ((void)(p))
#define ARRAYSIZE(a) (sizeof(a) / sizeof((a)[0]))

#ifndef VOID
#define VOID void
#endif
typedef uint8_t UCHAR, *PUCHAR, BOOLEAN, *PBOOLEAN, BYTE;
typedef char CHAR, *PCHAR, CCHAR;
typedef const char *PCSTR;
typedef uint16_t USHORT, *PUSHORT, WCHAR, *PWCHAR, *PWSTR, WORD;
typedef const uint16_t *PCWSTR;
typedef int16_t SHORT;
typedef uint32_t ULONG, *PULONG, DWORD, ACCESS_MASK, *PACCESS_MASK;
typedef int32_t LONG, *PLONG;
typedef int32_t NTSTATUS;
typedef uint64_t ULONGLONG, *PULONGLONG;
typedef int64_t LONGLONG, *PLONGLONG;
typedef uintptr_t ULONG_PTR, *PULONG_PTR, SIZE_T, *PSIZE_T;
typedef intptr_t LONG_PTR;
typedef void *PVOID, **PPVOID, *HANDLE, **PHANDLE;
typedef UCHAR KPROCESSOR_MODE, KIRQL;
typedef LONG KPRIORITY;

#define TRUE 1
#define FALSE 0
#ifndef NULL
#define NULL ((void *)0)
#endif

#define KernelMode 0
#define UserMode 1

#define NT_SUCCESS(s) ((NTSTATUS)(s) >= 0)
#define NT_ERROR(s) ((ULONG)(s) >> 30 == 3)    /* severity error (0xC...), not a warning */

typedef union _LARGE_INTEGER {
    struct { ULONG LowPart; LONG HighPart; };
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef struct _UNICODE_STRING {
    USHORT Length;          /* bytes, without terminator */
    USHORT MaximumLength;   /* bytes */
    PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING *PCUNICODE_STRING;
typedef struct _STRING {
    USHORT Length;
    USHORT MaximumLength;
    PCHAR Buffer;
} STRING, *PSTRING, ANSI_STRING, *PANSI_STRING;

typedef struct _LIST_ENTRY {
    struct _LIST_ENTRY *Flink, *Blink;
} LIST_ENTRY, *PLIST_ENTRY;

typedef struct _CLIENT_ID {
    HANDLE UniqueProcess;
    HANDLE UniqueThread;
} CLIENT_ID, *PCLIENT_ID;

#define OBJ_INHERIT 0x00000002
#define OBJ_CASE_INSENSITIVE 0x00000040
#define OBJ_OPENIF 0x00000080             /* create: open an existing object of that name instead */
#define OBJ_VALID_ATTRIBUTES 0x000007F2
typedef struct _OBJECT_ATTRIBUTES {
    ULONG Length;
    HANDLE RootDirectory;
    PUNICODE_STRING ObjectName;
    ULONG Attributes;
    PVOID SecurityDescriptor;
    PVOID SecurityQualityOfService;
} OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;

typedef struct _IO_STATUS_BLOCK {
    union { NTSTATUS Status; PVOID Pointer; };
    ULONG_PTR Information;
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;

#define NtCurrentProcess() ((HANDLE)(LONG_PTR)-1)
#define NtCurrentThread() ((HANDLE)(LONG_PTR)-2)

#define CONTAINING_RECORD(address, type, field) \
    ((type *)((char *)(address) - offsetof(type, field)))

#endif
