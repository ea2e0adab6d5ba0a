/*
 * ntldr.h - the user-mode loader's structures in NT's x86 layouts: PEB_LDR_DATA (PEB->Ldr) and
 * one LDR_DATA_TABLE_ENTRY per mapped image, on three lists (load order, memory order,
 * initialization order). Programs walk them as on NT (user/ntdll/ldr.c fills them).
 */
#ifndef NANONT_NTLDR_H
#define NANONT_NTLDR_H

#include "ntdef.h"

typedef struct _PEB_LDR_DATA {
    ULONG Length;                                /* 0x00 */
    BOOLEAN Initialized;                         /* 0x04 */
    PVOID SsHandle;                              /* 0x08 */
    LIST_ENTRY InLoadOrderModuleList;            /* 0x0C */
    LIST_ENTRY InMemoryOrderModuleList;          /* 0x14 */
    LIST_ENTRY InInitializationOrderModuleList;  /* 0x1C */
    PVOID EntryInProgress;                       /* 0x24 */
} PEB_LDR_DATA, *PPEB_LDR_DATA;
_Static_assert(offsetof(PEB_LDR_DATA, InMemoryOrderModuleList) == 0x14, "PEB_LDR_DATA");
_Static_assert(sizeof(PEB_LDR_DATA) == 0x28, "PEB_LDR_DATA size");

typedef struct _LDR_DATA_TABLE_ENTRY {
    LIST_ENTRY InLoadOrderLinks;                 /* 0x00 */
    LIST_ENTRY InMemoryOrderLinks;               /* 0x08 */
    LIST_ENTRY InInitializationOrderLinks;       /* 0x10 */
    PVOID DllBase;                               /* 0x18 */
    PVOID EntryPoint;                            /* 0x1C */
    ULONG SizeOfImage;                           /* 0x20 */
    UNICODE_STRING FullDllName;                  /* 0x24 */
    UNICODE_STRING BaseDllName;                  /* 0x2C */
    ULONG Flags;                                 /* 0x34: LDRP_* */
    USHORT LoadCount;                            /* 0x38: 0xFFFF = never unloaded */
    USHORT TlsIndex;                             /* 0x3A */
    LIST_ENTRY HashLinks;                        /* 0x3C */
    ULONG TimeDateStamp;                         /* 0x44 */
    PVOID EntryPointActivationContext;           /* 0x48 */
    PVOID PatchInformation;                      /* 0x4C */
} LDR_DATA_TABLE_ENTRY, *PLDR_DATA_TABLE_ENTRY;
_Static_assert(offsetof(LDR_DATA_TABLE_ENTRY, DllBase) == 0x18, "DllBase");
_Static_assert(offsetof(LDR_DATA_TABLE_ENTRY, BaseDllName) == 0x2C, "BaseDllName");
_Static_assert(offsetof(LDR_DATA_TABLE_ENTRY, LoadCount) == 0x38, "LoadCount");

/* LDR_DATA_TABLE_ENTRY.Flags (NT's values) */
#define LDRP_IMAGE_DLL               0x00000004
#define LDRP_LOAD_IN_PROGRESS        0x00001000
#define LDRP_ENTRY_PROCESSED         0x00004000
#define LDRP_DONT_CALL_FOR_THREADS   0x00040000
#define LDRP_PROCESS_ATTACH_CALLED   0x00080000

/* DllMain reasons */
#define DLL_PROCESS_DETACH 0
#define DLL_PROCESS_ATTACH 1
#define DLL_THREAD_ATTACH  2
#define DLL_THREAD_DETACH  3

/* SystemArgument2 of the LdrInitializeThunk APC (NanoNT): what the kernel mapped as the image */
#define LDRP_INIT_IMAGE_IS_PE 0x1

#endif
