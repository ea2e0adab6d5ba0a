/*
 * peimage.h - the PE32 image validator and relocator (mm/peimage.c) used by image sections
 * (mm/section.c, docs/sections.md).
 *
 * MiValidatePeImage checks an untrusted file held in memory and, when it is an acceptable i386
 * PE32 image, describes what a view of it maps: the headers and each section with its file bytes
 * and protection. Anything else is refused with STATUS_INVALID_IMAGE_FORMAT; it never reads
 * outside [File, File + Size). MiRelocateImage applies the image's base relocations to a view
 * placed away from its preferred base; it trusts only what MiValidatePeImage accepted.
 */
#ifndef NANONT_PEIMAGE_H
#define NANONT_PEIMAGE_H

#include "ntdef.h"
#include "ntimage.h"

#define MI_PE_MAX_SECTIONS 96             /* NT's limit on NumberOfSections */
#define MI_PE_MAX_IMAGE_SIZE 0x04000000u   /* 64 MiB: NanoNT maps every page of a view at once */
#define MI_PE_PAGE_SIZE 0x1000u


/* Page protections (NT's values, as in inc/ntpsapi.h, which host tests cannot include). */
#ifndef PAGE_NOACCESS
#define PAGE_NOACCESS          0x01
#define PAGE_READONLY          0x02
#define PAGE_READWRITE         0x04
#define PAGE_EXECUTE           0x10
#define PAGE_EXECUTE_READ      0x20
#define PAGE_EXECUTE_READWRITE 0x40
#endif
#ifndef PAGE_WRITECOPY
#define PAGE_WRITECOPY         0x08
#define PAGE_EXECUTE_WRITECOPY 0x80
#endif

typedef struct _MI_PE_SECTION {
    ULONG VirtualAddress;   /* RVA, a multiple of SectionAlignment */
    ULONG MappedSize;       /* bytes of address space, a multiple of SectionAlignment */
    ULONG FileOffset;       /* FileSize bytes come from here; the rest of the section is zero */
    ULONG FileSize;         /* <= MappedSize, inside the file */
    ULONG Protect;          /* PAGE_* the view's pages get (see MiValidatePeImage) */
    ULONG Characteristics;  /* the section header's, as found */
} MI_PE_SECTION, *PMI_PE_SECTION;

typedef struct _MI_PE_IMAGE {
    ULONG ImageBase;            /* preferred base, a multiple of 64 KiB */
    ULONG SizeOfImage;          /* rounded up to SectionAlignment: the view's size */
    ULONG SizeOfHeaders;        /* header bytes copied from the file at RVA 0 */
    ULONG HeaderMappedSize;     /* address space of the headers: up to the first section */
    ULONG AddressOfEntryPoint;  /* RVA, 0 (none) or below SizeOfImage */
    ULONG SectionAlignment;
    ULONG FileAlignment;
    ULONG SizeOfStackReserve;
    ULONG SizeOfStackCommit;
    ULONG LoaderFlags;
    USHORT Machine;
    USHORT Characteristics;     /* FileHeader.Characteristics */
    USHORT Subsystem;
    USHORT DllCharacteristics;
    USHORT MajorSubsystemVersion;
    USHORT MinorSubsystemVersion;
    BOOLEAN ContainsCode;       /* some section is code or executable */
    BOOLEAN Relocatable;        /* IMAGE_FILE_RELOCS_STRIPPED is clear */
    ULONG ImageBaseFieldRva;    /* where OptionalHeader.ImageBase lies in a view (updated on relocation) */
    ULONG RelocationOffset;     /* file offset of the base relocation blocks, validated */
    ULONG RelocationSize;       /* their size in bytes (0: none) */
    ULONG SectionCount;         /* 1 .. MI_PE_MAX_SECTIONS, ascending and contiguous */
    MI_PE_SECTION Sections[MI_PE_MAX_SECTIONS];
} MI_PE_IMAGE, *PMI_PE_IMAGE;

/*
 * Accepts only (NT's rules for an image section, with NanoNT's limits noted):
 *   - an "MZ" DOS header with e_lfanew 4-aligned and the NT headers wholly inside the file;
 *   - "PE\0\0", Machine i386, IMAGE_FILE_EXECUTABLE_IMAGE, 1..96 sections, an optional header of
 *     magic 0x10B whose size covers its fixed part and NumberOfRvaAndSizes (<= 16) directories;
 *   - SectionAlignment a power of two >= the page size (NanoNT: no sub-page "small" images),
 *     FileAlignment a power of two in [512, 64 KiB] and <= SectionAlignment;
 *   - ImageBase a multiple of 64 KiB, the image range below 4 GB, SizeOfImage in (0, 64 MiB];
 *   - the section table inside SizeOfHeaders, SizeOfHeaders inside the file;
 *   - sections in ascending order, each starting where the previous one ends (the first at
 *     SizeOfHeaders rounded up to SectionAlignment), VirtualSize 0 meaning SizeOfRawData, their
 *     file bytes inside the file, the last ending at SizeOfImage (both rounded);
 *   - the entry point 0 or inside the image; every data directory inside the image (the security
 *     directory inside the file);
 *   - base relocations inside one section's file bytes, in whole blocks of >= 8 bytes, each entry
 *     IMAGE_REL_BASED_ABSOLUTE or IMAGE_REL_BASED_HIGHLOW with its 4 bytes inside the image
 *     (NanoNT: other relocation types are refused).
 * Section protections: read -> PAGE_READONLY, execute -> PAGE_EXECUTE, both -> PAGE_EXECUTE_READ,
 * write -> PAGE_WRITECOPY (PAGE_EXECUTE_WRITECOPY with execute; PAGE_READWRITE /
 * PAGE_EXECUTE_READWRITE when also IMAGE_SCN_MEM_SHARED), none -> PAGE_NOACCESS. The headers
 * are PAGE_READONLY.
 * Returns STATUS_SUCCESS with *Info filled, else STATUS_INVALID_IMAGE_FORMAT
 * (STATUS_INVALID_PARAMETER for a NULL Info); *Info is zeroed first and on refusal.
 */
NTSTATUS MiValidatePeImage(const VOID *File, SIZE_T Size, PMI_PE_IMAGE Info);

/*
 * The byte at Rva of the view being relocated, and the rest of its page: NULL when that page is
 * not mapped (a PAGE_NOACCESS section), in which case the fixup is skipped.
 */
typedef PUCHAR (*MI_PE_VIEW_PAGE)(PVOID Context, ULONG Rva);

/*
 * MiRelocateImage - apply Info's base relocations (read from File, the file MiValidatePeImage
 * accepted Info from) to a view placed at NewBase: every HIGHLOW target gets NewBase -
 * ImageBase added, modulo 2^32; a target that straddles two pages is handled byte by byte. The
 * view's OptionalHeader.ImageBase becomes NewBase. Returns the number of fixups applied.
 */
ULONG MiRelocateImage(const VOID *File, const MI_PE_IMAGE *Info, ULONG NewBase, MI_PE_VIEW_PAGE ViewPage,
                      PVOID Context);

#endif
