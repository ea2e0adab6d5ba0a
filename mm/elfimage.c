/*
 * elfimage.c - MiValidateElfImage: decide whether an untrusted ELF32 file may be loaded, and
 * describe its segments to the loader.
 *
 * The file comes from a disk or a boot module and may be anything. So: every header is copied
 * out of the file (no unaligned or out-of-range reads through casted pointers) only after its
 * range has been checked against Size, and every sum of file fields is done in 64 bits, where
 * 32-bit values cannot overflow. The loader may then trust Info without re-checking.
 */
#include "elfimage.h"
#include "ntstatus.h"
#include "rtl.h"

#define MI_ELF_PAGE_SIZE 0x1000ull

/* ELF32 as the System V ABI defines it (only what the validator reads). */
typedef struct _ELF32_EHDR {
    UCHAR e_ident[16];
    USHORT e_type;
    USHORT e_machine;
    ULONG e_version;
    ULONG e_entry;
    ULONG e_phoff;
    ULONG e_shoff;
    ULONG e_flags;
    USHORT e_ehsize;
    USHORT e_phentsize;
    USHORT e_phnum;
    USHORT e_shentsize;
    USHORT e_shnum;
    USHORT e_shstrndx;
} Elf32_Ehdr;
_Static_assert(sizeof(Elf32_Ehdr) == 52, "Elf32_Ehdr");

typedef struct _ELF32_PHDR {
    ULONG p_type;
    ULONG p_offset;
    ULONG p_vaddr;
    ULONG p_paddr;
    ULONG p_filesz;
    ULONG p_memsz;
    ULONG p_flags;
    ULONG p_align;
} Elf32_Phdr;
_Static_assert(sizeof(Elf32_Phdr) == 32, "Elf32_Phdr");

#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS32 1
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_386 3
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3

/* MiPageStart / MiPageEnd - the page-granular extent [start, end) of a segment, in 64 bits. */
static inline ULONGLONG MiPageStart(ULONG Address)
{
    return Address & ~(MI_ELF_PAGE_SIZE - 1);
}

static inline ULONGLONG MiPageEnd(ULONG Address, ULONG Size)
{
    return ((ULONGLONG)Address + Size + MI_ELF_PAGE_SIZE - 1) & ~(MI_ELF_PAGE_SIZE - 1);
}

/*
 * MiValidateLoadSegment - check one non-empty PT_LOAD against the file, the address range and the
 * segments accepted so far (Info). TRUE when acceptable.
 */
static BOOLEAN MiValidateLoadSegment(const Elf32_Phdr *Phdr, SIZE_T Size, ULONG MinimumAddress,
                                     ULONG MaximumAddress, const MI_ELF_IMAGE *Info)
{
    ULONGLONG Start = MiPageStart(Phdr->p_vaddr), End = MiPageEnd(Phdr->p_vaddr, Phdr->p_memsz);

    if (Phdr->p_filesz > Phdr->p_memsz ||
        (ULONGLONG)Phdr->p_offset + Phdr->p_filesz > Size ||
        (Phdr->p_offset ^ Phdr->p_vaddr) & (MI_ELF_PAGE_SIZE - 1)) {
        return FALSE;
    }
    /* whole pages are mapped, so whole pages must fit; the end must be a representable ULONG */
    if (Start < MinimumAddress || End - 1 > MaximumAddress || End > 0xFFFFFFFFull) {
        return FALSE;
    }
    for (ULONG Index = 0; Index < Info->SegmentCount; Index++) {
        const MI_ELF_SEGMENT *Other = &Info->Segments[Index];
        if (Start < MiPageEnd(Other->VirtualAddress, Other->MemorySize) &&
            MiPageStart(Other->VirtualAddress) < End) {
            return FALSE;
        }
    }
    return TRUE;
}

/*
 * MiValidateElfImage - see inc/elfimage.h.
 */
NTSTATUS MiValidateElfImage(const VOID *Image, SIZE_T Size, ULONG MinimumAddress,
                            ULONG MaximumAddress, PMI_ELF_IMAGE Info)
{
    const UCHAR *File = Image;
    Elf32_Ehdr Ehdr;
    Elf32_Phdr Phdr;
    PMI_ELF_SEGMENT Segment;
    ULONGLONG End;

    if (Info == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    memset(Info, 0, sizeof(*Info));
    if (File == NULL || Size < sizeof(Ehdr)) {
        return STATUS_INVALID_IMAGE_FORMAT;
    }
    memcpy(&Ehdr, File, sizeof(Ehdr));

    /* identification: a 32-bit little-endian version-1 i386 executable */
    if (Ehdr.e_ident[0] != 0x7F || Ehdr.e_ident[1] != 'E' || Ehdr.e_ident[2] != 'L' ||
        Ehdr.e_ident[3] != 'F' || Ehdr.e_ident[EI_CLASS] != ELFCLASS32 ||
        Ehdr.e_ident[EI_DATA] != ELFDATA2LSB || Ehdr.e_ident[EI_VERSION] != EV_CURRENT ||
        Ehdr.e_version != EV_CURRENT || Ehdr.e_type != ET_EXEC || Ehdr.e_machine != EM_386) {
        return STATUS_INVALID_IMAGE_FORMAT;
    }

    /* the program header table, wholly inside the file */
    if (Ehdr.e_phentsize != sizeof(Elf32_Phdr) ||
        (ULONGLONG)Ehdr.e_phoff + (ULONGLONG)Ehdr.e_phnum * sizeof(Elf32_Phdr) > Size) {
        return STATUS_INVALID_IMAGE_FORMAT;
    }

    Info->LowestAddress = 0xFFFFFFFF;
    for (ULONG Index = 0; Index < Ehdr.e_phnum; Index++) {
        memcpy(&Phdr, File + Ehdr.e_phoff + Index * sizeof(Elf32_Phdr), sizeof(Phdr));
        if (Phdr.p_type == PT_INTERP || Phdr.p_type == PT_DYNAMIC) {
            goto Refuse; /* static executables only: nothing here would run the interpreter */
        }
        if (Phdr.p_type != PT_LOAD || Phdr.p_memsz == 0) {
            continue; /* notes, stack flags and the like; empty segments map nothing */
        }
        if (Info->SegmentCount == MI_ELF_MAX_SEGMENTS ||
            !MiValidateLoadSegment(&Phdr, Size, MinimumAddress, MaximumAddress, Info)) {
            goto Refuse;
        }
        Segment = &Info->Segments[Info->SegmentCount++];
        Segment->VirtualAddress = Phdr.p_vaddr;
        Segment->MemorySize = Phdr.p_memsz;
        Segment->FileOffset = Phdr.p_offset;
        Segment->FileSize = Phdr.p_filesz;
        Segment->Flags = Phdr.p_flags & (PF_R | PF_W | PF_X);

        End = MiPageEnd(Phdr.p_vaddr, Phdr.p_memsz); /* < 2^32: checked above */
        if (MiPageStart(Phdr.p_vaddr) < Info->LowestAddress) {
            Info->LowestAddress = (ULONG)MiPageStart(Phdr.p_vaddr);
        }
        if (End > Info->HighestAddress) {
            Info->HighestAddress = (ULONG)End;
        }
    }
    if (Info->SegmentCount == 0 || Ehdr.e_entry == 0) {
        goto Refuse;
    }

    /* the entry point must be an address the image will map executable */
    for (ULONG Index = 0; Index < Info->SegmentCount; Index++) {
        Segment = &Info->Segments[Index];
        if ((Segment->Flags & PF_X) != 0 && Ehdr.e_entry >= Segment->VirtualAddress &&
            (ULONGLONG)Ehdr.e_entry < (ULONGLONG)Segment->VirtualAddress + Segment->MemorySize) {
            Info->EntryPoint = Ehdr.e_entry;
            return STATUS_SUCCESS;
        }
    }

Refuse:
    memset(Info, 0, sizeof(*Info));
    return STATUS_INVALID_IMAGE_FORMAT;
}
