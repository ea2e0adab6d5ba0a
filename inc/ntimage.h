/*
 * ntimage.h - the PE/COFF structures a user-mode loader walks (ntdll's user/ntdll/ldr*.c) and the
 * kernel's export lookup in ntdll.dll (ps/sysdll.c): NT's names and x86 layouts, as in the
 * PE/COFF specification. The kernel's image-section validator keeps its own private copies of
 * the header structures (mm/peimage.c).
 */
#ifndef NANONT_NTIMAGE_H
#define NANONT_NTIMAGE_H

#include "ntdef.h"

#define IMAGE_DIRECTORY_ENTRY_EXPORT 0
#define IMAGE_DIRECTORY_ENTRY_IMPORT 1
#define IMAGE_ORDINAL_FLAG32 0x80000000u
#define IMAGE_SCN_MEM_WRITE_NT 0x80000000u       /* section characteristics: writable */
#define IMAGE_SUBSYSTEM_NATIVE 1
#define IMAGE_SUBSYSTEM_WINDOWS_GUI 2
#define IMAGE_SUBSYSTEM_WINDOWS_CUI 3
#ifndef IMAGE_FILE_DLL
#define IMAGE_FILE_DLL 0x2000
#endif

typedef struct _IMAGE_DOS_HEADER_NT {
    USHORT e_magic;                    /* "MZ" */
    USHORT e_other[29];
    LONG e_lfanew;                     /* 0x3C: file offset of the NT headers */
} IMAGE_DOS_HEADER_NT;

typedef struct _IMAGE_FILE_HEADER_NT {
    USHORT Machine;
    USHORT NumberOfSections;
    ULONG TimeDateStamp;
    ULONG PointerToSymbolTable;
    ULONG NumberOfSymbols;
    USHORT SizeOfOptionalHeader;
    USHORT Characteristics;
} IMAGE_FILE_HEADER_NT;

typedef struct _IMAGE_DATA_DIRECTORY_NT {
    ULONG VirtualAddress;
    ULONG Size;
} IMAGE_DATA_DIRECTORY_NT;

typedef struct _IMAGE_OPTIONAL_HEADER32_NT {
    USHORT Magic;
    UCHAR MajorLinkerVersion, MinorLinkerVersion;
    ULONG SizeOfCode, SizeOfInitializedData, SizeOfUninitializedData;
    ULONG AddressOfEntryPoint, BaseOfCode, BaseOfData, ImageBase;
    ULONG SectionAlignment, FileAlignment;
    USHORT MajorOperatingSystemVersion, MinorOperatingSystemVersion;
    USHORT MajorImageVersion, MinorImageVersion;
    USHORT MajorSubsystemVersion, MinorSubsystemVersion;
    ULONG Win32VersionValue, SizeOfImage, SizeOfHeaders, CheckSum;
    USHORT Subsystem, DllCharacteristics;
    ULONG SizeOfStackReserve, SizeOfStackCommit, SizeOfHeapReserve, SizeOfHeapCommit;
    ULONG LoaderFlags, NumberOfRvaAndSizes;
    IMAGE_DATA_DIRECTORY_NT DataDirectory[16];
} IMAGE_OPTIONAL_HEADER32_NT;

typedef struct _IMAGE_NT_HEADERS32_NT {
    ULONG Signature;                   /* "PE\0\0" */
    IMAGE_FILE_HEADER_NT FileHeader;
    IMAGE_OPTIONAL_HEADER32_NT OptionalHeader;
} IMAGE_NT_HEADERS32_NT;
_Static_assert(sizeof(IMAGE_NT_HEADERS32_NT) == 248, "IMAGE_NT_HEADERS32");

typedef struct _IMAGE_SECTION_HEADER_NT {
    UCHAR Name[8];
    ULONG VirtualSize, VirtualAddress, SizeOfRawData, PointerToRawData;
    ULONG PointerToRelocations, PointerToLinenumbers;
    USHORT NumberOfRelocations, NumberOfLinenumbers;
    ULONG Characteristics;
} IMAGE_SECTION_HEADER_NT;

/* the export directory: names sorted (for a binary search), each with an index into the
   function table; an ordinal is Base + that index */
typedef struct _IMAGE_EXPORT_DIRECTORY {
    ULONG Characteristics;
    ULONG TimeDateStamp;
    USHORT MajorVersion, MinorVersion;
    ULONG Name;
    ULONG Base;
    ULONG NumberOfFunctions;
    ULONG NumberOfNames;
    ULONG AddressOfFunctions;          /* RVA of ULONG[NumberOfFunctions] */
    ULONG AddressOfNames;              /* RVA of ULONG[NumberOfNames], RVAs of the names */
    ULONG AddressOfNameOrdinals;       /* RVA of USHORT[NumberOfNames] */
} IMAGE_EXPORT_DIRECTORY, *PIMAGE_EXPORT_DIRECTORY;

/* one per imported DLL, ended by an all-zero one */
typedef struct _IMAGE_IMPORT_DESCRIPTOR {
    ULONG OriginalFirstThunk;          /* RVA of the lookup table (0: use FirstThunk's) */
    ULONG TimeDateStamp;
    ULONG ForwarderChain;
    ULONG Name;                        /* RVA of the DLL's name */
    ULONG FirstThunk;                  /* RVA of the import address table the loader fills */
} IMAGE_IMPORT_DESCRIPTOR, *PIMAGE_IMPORT_DESCRIPTOR;

/* a lookup entry without IMAGE_ORDINAL_FLAG32 is the RVA of one of these */
typedef struct _IMAGE_IMPORT_BY_NAME {
    USHORT Hint;                       /* index into the exporter's name table to try first */
    CHAR Name[1];
} IMAGE_IMPORT_BY_NAME, *PIMAGE_IMPORT_BY_NAME;

#endif
