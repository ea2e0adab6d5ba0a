/*
 * loader.h - LOADER_PARAMETER_BLOCK: what the boot loader told us, captured from the Multiboot
 * information into kernel memory before anything may overwrite it.
 */
#ifndef NANONT_LOADER_H
#define NANONT_LOADER_H

#include "ntdef.h"

#define LOADER_MAX_MODULES 16
#define LOADER_MAX_RANGES 32
#define LOADER_COMMAND_LINE_MAX 512

typedef struct _LOADER_MODULE {
    ULONG PhysicalStart, PhysicalEnd;
    CHAR String[128];                  /* "path args..." as given to -initrd */
    CHAR Name[32];                     /* last path component of the first word */
} LOADER_MODULE;

typedef struct _LOADER_MEMORY_RANGE {
    ULONGLONG Base, Length;
} LOADER_MEMORY_RANGE;

typedef struct _LOADER_PARAMETER_BLOCK {
    CHAR CommandLine[LOADER_COMMAND_LINE_MAX];
    ULONG ModuleCount;
    LOADER_MODULE Modules[LOADER_MAX_MODULES];
    ULONG MemoryRangeCount;
    LOADER_MEMORY_RANGE MemoryRanges[LOADER_MAX_RANGES];
} LOADER_PARAMETER_BLOCK, *PLOADER_PARAMETER_BLOCK;

extern LOADER_PARAMETER_BLOCK KeLoaderBlock;

/* Find "KEY=" in the kernel command line; copies the value (up to a space) into Value. */
BOOLEAN KeGetBootOption(PCSTR Key, PCHAR Value, ULONG ValueSize);
BOOLEAN KeHasBootFlag(PCSTR Flag);
/* The module whose name matches (case-insensitive), or NULL. */
const LOADER_MODULE *KeFindBootModule(PCSTR Name);
PCSTR KeGetInitArguments(VOID);

#endif
