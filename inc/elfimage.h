/*
 * elfimage.h - the ELF32 executable validator (mm/elfimage.c) used by the image loader.
 *
 * MiValidateElfImage checks an untrusted file held in memory and, when it is an acceptable static
 * i386 executable for the address range given, describes its loadable segments. Anything else is
 * refused with STATUS_INVALID_IMAGE_FORMAT; it never reads outside [Image, Image + Size).
 */
#ifndef NANONT_ELFIMAGE_H
#define NANONT_ELFIMAGE_H

#include "ntdef.h"

#define MI_ELF_MAX_SEGMENTS 16

/* Segment permissions, as in p_flags (the same values as <elf.h>). */
#ifndef PF_X
#define PF_X 1
#define PF_W 2
#define PF_R 4
#endif

typedef struct _MI_ELF_SEGMENT {
    ULONG VirtualAddress;   /* p_vaddr (not rounded) */
    ULONG MemorySize;       /* p_memsz: bytes mapped from VirtualAddress */
    ULONG FileOffset;       /* p_offset: FileSize bytes come from here, the rest is zero */
    ULONG FileSize;         /* p_filesz <= MemorySize */
    ULONG Flags;            /* PF_R | PF_W | PF_X */
} MI_ELF_SEGMENT, *PMI_ELF_SEGMENT;

typedef struct _MI_ELF_IMAGE {
    ULONG EntryPoint;
    ULONG SegmentCount;     /* 1 .. MI_ELF_MAX_SEGMENTS, in program-header order */
    MI_ELF_SEGMENT Segments[MI_ELF_MAX_SEGMENTS];
    ULONG LowestAddress;    /* first page of the lowest segment */
    ULONG HighestAddress;   /* exclusive, page-rounded end of the highest segment */
} MI_ELF_IMAGE, *PMI_ELF_IMAGE;

/*
 * Accepts only: ELFCLASS32, little-endian, version 1, ET_EXEC, EM_386, 32-byte program headers
 * inside the file, 1..MI_ELF_MAX_SEGMENTS non-empty PT_LOAD segments (empty ones are ignored) and
 * no PT_INTERP or PT_DYNAMIC; each segment with p_filesz <= p_memsz, its file bytes inside the
 * file, p_offset == p_vaddr modulo the page size, its pages within [MinimumAddress,
 * MaximumAddress] (inclusive) and sharing no page with another segment; a nonzero entry point
 * inside an executable segment. Returns STATUS_SUCCESS with *Info filled, else
 * STATUS_INVALID_IMAGE_FORMAT (STATUS_INVALID_PARAMETER for a NULL Info); *Info is zeroed first.
 */
NTSTATUS MiValidateElfImage(const VOID *Image, SIZE_T Size, ULONG MinimumAddress,
                            ULONG MaximumAddress, PMI_ELF_IMAGE Info);

#endif
