/* multiboot.h - the Multiboot v1 information structure (the parts NanoNT reads). */
#ifndef NANONT_MULTIBOOT_H
#define NANONT_MULTIBOOT_H

#include "ntdef.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002
#define MULTIBOOT_INFO_MEMORY   0x001
#define MULTIBOOT_INFO_CMDLINE  0x004
#define MULTIBOOT_INFO_MODS     0x008
#define MULTIBOOT_INFO_MEM_MAP  0x040

typedef struct _MULTIBOOT_INFO {
    ULONG Flags;
    ULONG MemLower, MemUpper;
    ULONG BootDevice;
    ULONG Cmdline;
    ULONG ModsCount, ModsAddr;
    ULONG Syms[4];
    ULONG MmapLength, MmapAddr;
} MULTIBOOT_INFO, *PMULTIBOOT_INFO;

typedef struct _MULTIBOOT_MODULE {
    ULONG ModStart, ModEnd;
    ULONG String;
    ULONG Reserved;
} MULTIBOOT_MODULE, *PMULTIBOOT_MODULE;

typedef struct __attribute__((packed)) _MULTIBOOT_MMAP_ENTRY {
    ULONG Size;
    ULONGLONG Address;
    ULONGLONG Length;
    ULONG Type;                         /* 1 = usable RAM */
} MULTIBOOT_MMAP_ENTRY;

#endif
