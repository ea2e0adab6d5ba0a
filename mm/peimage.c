/*
 * peimage.c - MiValidatePeImage: decide whether an untrusted file may back an image section, and
 * describe its headers and sections to the mapper; MiRelocateImage: apply its base relocations to
 * a view placed away from the preferred base.
 *
 * As in elfimage.c: every header is copied out of the file only after its range has been checked
 * against Size, and every sum of file fields is done in 64 bits, where 32-bit values cannot
 * overflow. The mapper and the relocator may then trust Info without re-checking. The layouts
 * are the PE/COFF specification's (PE32, i386).
 */
#include "peimage.h"
#include "ntimage.h"
#include "ntstatus.h"
#include "rtl.h"

#define MI_PE_NT_HEADERS_OFFSET_LIMIT 0x10000000u   /* keeps e_lfanew sums far from 2^32 */
#define MI_PE_64K 0x10000ull

static inline BOOLEAN MiIsPowerOfTwo(ULONG Value)
{
    return Value != 0 && (Value & (Value - 1)) == 0;
}

static inline ULONGLONG MiAlignUp(ULONGLONG Value, ULONG Alignment)
{
    return (Value + Alignment - 1) & ~((ULONGLONG)Alignment - 1);
}

/*
 * MiImageSectionProtection - the PAGE_* protection of a view's pages for a section's
 * characteristics: writable image pages are copy-on-write unless the section is shared (NT's
 * rule; in NanoNT every view gets its own copy either way, docs/sections.md).
 */
static ULONG MiImageSectionProtection(ULONG Characteristics)
{
    BOOLEAN Read = (Characteristics & IMAGE_SCN_MEM_READ) != 0;
    BOOLEAN Write = (Characteristics & IMAGE_SCN_MEM_WRITE) != 0;
    BOOLEAN Execute = (Characteristics & IMAGE_SCN_MEM_EXECUTE) != 0;
    BOOLEAN Shared = (Characteristics & IMAGE_SCN_MEM_SHARED) != 0;

    if (Write) {
        if (Execute) {
            return Shared ? PAGE_EXECUTE_READWRITE : PAGE_EXECUTE_WRITECOPY;
        }
        return Shared ? PAGE_READWRITE : PAGE_WRITECOPY;
    }
    if (Execute) {
        return Read ? PAGE_EXECUTE_READ : PAGE_EXECUTE;
    }
    return Read ? PAGE_READONLY : PAGE_NOACCESS;
}

/*
 * MiValidateRelocations - the base relocation directory [Rva, Rva + Size) must lie inside one
 * section's file bytes; its blocks must tile it exactly, and each entry must be a kind the
 * relocator applies with its target inside the image. Records the file offset in Info.
 */
static BOOLEAN MiValidateRelocations(const UCHAR *File, ULONG Rva, ULONG Size, PMI_PE_IMAGE Info)
{
    ULONG Offset = 0;

    if (Size == 0) {
        return TRUE;
    }
    for (ULONG Index = 0; Index < Info->SectionCount; Index++) {
        const MI_PE_SECTION *Section = &Info->Sections[Index];
        if (Rva >= Section->VirtualAddress &&
            (ULONGLONG)Rva + Size <= (ULONGLONG)Section->VirtualAddress + Section->FileSize) {
            Info->RelocationOffset = Section->FileOffset + (Rva - Section->VirtualAddress);
            Info->RelocationSize = Size;
            break;
        }
    }
    if (Info->RelocationSize == 0) {
        return FALSE;
    }
    while (Offset < Size) {
        ULONG Block[2];            /* VirtualAddress of the page, SizeOfBlock */
        if (Size - Offset < sizeof(Block)) {
            return FALSE;
        }
        memcpy(Block, File + Info->RelocationOffset + Offset, sizeof(Block));
        if (Block[1] < sizeof(Block) || (Block[1] & 1) != 0 || Block[1] > Size - Offset) {
            return FALSE;
        }
        for (ULONG Entry = sizeof(Block); Entry < Block[1]; Entry += sizeof(USHORT)) {
            USHORT Value;
            memcpy(&Value, File + Info->RelocationOffset + Offset + Entry, sizeof(Value));
            switch (Value >> 12) {
            case IMAGE_REL_BASED_ABSOLUTE:
                break;
            case IMAGE_REL_BASED_HIGHLOW:
                if ((ULONGLONG)Block[0] + (Value & 0xFFF) + sizeof(ULONG) > Info->SizeOfImage) {
                    return FALSE;
                }
                break;
            default:
                return FALSE;
            }
        }
        Offset += Block[1];
    }
    return TRUE;
}

/*
 * MiValidatePeImage - see inc/peimage.h.
 */
NTSTATUS MiValidatePeImage(const VOID *Image, SIZE_T Size, PMI_PE_IMAGE Info)
{
    const UCHAR *File = Image;
    IMAGE_DOS_HEADER Dos;
    ULONG Signature;
    IMAGE_FILE_HEADER FileHeader;
    IMAGE_OPTIONAL_HEADER32 Optional;
    IMAGE_SECTION_HEADER SectionHeader;
    ULONGLONG OptionalOffset, SectionTableOffset, NextVa, FixedPart;

    if (Info == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    memset(Info, 0, sizeof(*Info));
    if (File == NULL || Size < sizeof(Dos)) {
        return STATUS_INVALID_IMAGE_FORMAT;
    }

    /* the DOS header, and the NT headers it points to */
    memcpy(&Dos, File, sizeof(Dos));
    if (Dos.e_magic != IMAGE_DOS_SIGNATURE || Dos.e_lfanew < (LONG)sizeof(Dos) ||
        (Dos.e_lfanew & 3) != 0 || (ULONG)Dos.e_lfanew >= MI_PE_NT_HEADERS_OFFSET_LIMIT) {
        goto Refuse;
    }
    OptionalOffset = (ULONGLONG)Dos.e_lfanew + sizeof(Signature) + sizeof(FileHeader);
    FixedPart = offsetof(IMAGE_OPTIONAL_HEADER32, DataDirectory);
    if (OptionalOffset + FixedPart > Size) {
        goto Refuse;
    }
    memcpy(&Signature, File + Dos.e_lfanew, sizeof(Signature));
    memcpy(&FileHeader, File + Dos.e_lfanew + sizeof(Signature), sizeof(FileHeader));
    if (Signature != IMAGE_NT_SIGNATURE || FileHeader.Machine != IMAGE_FILE_MACHINE_I386 ||
        (FileHeader.Characteristics & IMAGE_FILE_EXECUTABLE_IMAGE) == 0 ||
        FileHeader.NumberOfSections == 0 || FileHeader.NumberOfSections > MI_PE_MAX_SECTIONS ||
        FileHeader.SizeOfOptionalHeader < FixedPart) {
        goto Refuse;
    }

    /* the optional header: its fixed part, then as many directories as it says it has */
    memset(&Optional, 0, sizeof(Optional));
    memcpy(&Optional, File + OptionalOffset, FixedPart);
    if (Optional.Magic != IMAGE_NT_OPTIONAL_HDR32_MAGIC ||
        Optional.NumberOfRvaAndSizes > IMAGE_NUMBEROF_DIRECTORY_ENTRIES ||
        FixedPart + Optional.NumberOfRvaAndSizes * sizeof(IMAGE_DATA_DIRECTORY) >
            FileHeader.SizeOfOptionalHeader ||
        OptionalOffset + FileHeader.SizeOfOptionalHeader > Size) {
        goto Refuse;
    }
    memcpy(Optional.DataDirectory, File + OptionalOffset + FixedPart,
           Optional.NumberOfRvaAndSizes * sizeof(IMAGE_DATA_DIRECTORY));

    /* alignment, base and sizes */
    if (!MiIsPowerOfTwo(Optional.SectionAlignment) || Optional.SectionAlignment < MI_PE_PAGE_SIZE ||
        !MiIsPowerOfTwo(Optional.FileAlignment) || Optional.FileAlignment < 0x200 ||
        Optional.FileAlignment > 0x10000 || Optional.FileAlignment > Optional.SectionAlignment ||
        Optional.ImageBase % MI_PE_64K != 0 || Optional.SizeOfImage == 0 ||
        Optional.SizeOfImage > MI_PE_MAX_IMAGE_SIZE) {
        goto Refuse;
    }
    Info->SizeOfImage = (ULONG)MiAlignUp(Optional.SizeOfImage, Optional.SectionAlignment);
    if (Info->SizeOfImage > MI_PE_MAX_IMAGE_SIZE ||
        (ULONGLONG)Optional.ImageBase + Info->SizeOfImage > 0x100000000ull) {
        goto Refuse;
    }
    SectionTableOffset = OptionalOffset + FileHeader.SizeOfOptionalHeader;
    if (Optional.SizeOfHeaders > Size ||
        SectionTableOffset + FileHeader.NumberOfSections * sizeof(SectionHeader) >
            Optional.SizeOfHeaders) {
        goto Refuse;
    }

    Info->ImageBase = Optional.ImageBase;
    Info->SizeOfHeaders = Optional.SizeOfHeaders;
    Info->HeaderMappedSize = (ULONG)MiAlignUp(Optional.SizeOfHeaders, Optional.SectionAlignment);
    Info->AddressOfEntryPoint = Optional.AddressOfEntryPoint;
    Info->SectionAlignment = Optional.SectionAlignment;
    Info->FileAlignment = Optional.FileAlignment;
    Info->SizeOfStackReserve = Optional.SizeOfStackReserve;
    Info->SizeOfStackCommit = Optional.SizeOfStackCommit;
    Info->LoaderFlags = Optional.LoaderFlags;
    Info->Machine = FileHeader.Machine;
    Info->Characteristics = FileHeader.Characteristics;
    Info->Subsystem = Optional.Subsystem;
    Info->DllCharacteristics = Optional.DllCharacteristics;
    Info->MajorSubsystemVersion = Optional.MajorSubsystemVersion;
    Info->MinorSubsystemVersion = Optional.MinorSubsystemVersion;
    Info->Relocatable = (FileHeader.Characteristics & IMAGE_FILE_RELOCS_STRIPPED) == 0;
    Info->ImageBaseFieldRva = (ULONG)OptionalOffset + offsetof(IMAGE_OPTIONAL_HEADER32, ImageBase);

    /* the sections: ascending, contiguous from the end of the headers to the end of the image */
    NextVa = Info->HeaderMappedSize;
    for (ULONG Index = 0; Index < FileHeader.NumberOfSections; Index++) {
        PMI_PE_SECTION Section = &Info->Sections[Index];
        ULONG VirtualSize;

        memcpy(&SectionHeader, File + SectionTableOffset + Index * sizeof(SectionHeader),
               sizeof(SectionHeader));
        VirtualSize = SectionHeader.VirtualSize ? SectionHeader.VirtualSize : SectionHeader.SizeOfRawData;
        if (SectionHeader.VirtualAddress != NextVa || VirtualSize == 0) {
            goto Refuse;
        }
        if (SectionHeader.SizeOfRawData != 0 &&
            (ULONGLONG)SectionHeader.PointerToRawData + SectionHeader.SizeOfRawData > Size) {
            goto Refuse;
        }
        Section->VirtualAddress = SectionHeader.VirtualAddress;
        NextVa = MiAlignUp((ULONGLONG)SectionHeader.VirtualAddress + VirtualSize, Optional.SectionAlignment);
        if (NextVa > Info->SizeOfImage) {
            goto Refuse;
        }
        Section->MappedSize = (ULONG)(NextVa - SectionHeader.VirtualAddress);
        Section->FileSize = SectionHeader.SizeOfRawData < VirtualSize ? SectionHeader.SizeOfRawData : VirtualSize;
        Section->FileOffset = Section->FileSize ? SectionHeader.PointerToRawData : 0;
        Section->Characteristics = SectionHeader.Characteristics;
        Section->Protect = MiImageSectionProtection(SectionHeader.Characteristics);
        if (SectionHeader.Characteristics & (IMAGE_SCN_CNT_CODE | IMAGE_SCN_MEM_EXECUTE)) {
            Info->ContainsCode = TRUE;
        }
        Info->SectionCount++;
    }
    if (NextVa != Info->SizeOfImage || Info->AddressOfEntryPoint >= Info->SizeOfImage) {
        goto Refuse;
    }

    /* every data directory names bytes of the image (the security directory: of the file) */
    for (ULONG Index = 0; Index < Optional.NumberOfRvaAndSizes; Index++) {
        const IMAGE_DATA_DIRECTORY *Directory = &Optional.DataDirectory[Index];
        ULONGLONG Limit = Index == IMAGE_DIRECTORY_ENTRY_SECURITY ? Size : Info->SizeOfImage;
        if (Directory->Size != 0 && (ULONGLONG)Directory->VirtualAddress + Directory->Size > Limit) {
            goto Refuse;
        }
    }
    if (Optional.NumberOfRvaAndSizes > IMAGE_DIRECTORY_ENTRY_BASERELOC &&
        !MiValidateRelocations(File, Optional.DataDirectory[IMAGE_DIRECTORY_ENTRY_BASERELOC].VirtualAddress,
                               Optional.DataDirectory[IMAGE_DIRECTORY_ENTRY_BASERELOC].Size, Info)) {
        goto Refuse;
    }
    return STATUS_SUCCESS;

Refuse:
    memset(Info, 0, sizeof(*Info));
    return STATUS_INVALID_IMAGE_FORMAT;
}

/* MiViewByte - the byte at Rva of the view, or NULL when its page is not mapped. */
static PUCHAR MiViewByte(MI_PE_VIEW_PAGE ViewPage, PVOID Context, ULONG Rva)
{
    return ViewPage(Context, Rva);
}

/* MiAddToViewUlong - add Delta to the 4 bytes at Rva, one byte at a time (they may straddle two
   pages, each looked up separately). FALSE when a page is not mapped (nothing written). */
static BOOLEAN MiAddToViewUlong(MI_PE_VIEW_PAGE ViewPage, PVOID Context, ULONG Rva, ULONG Delta)
{
    PUCHAR Bytes[4];
    ULONG Value = 0;

    for (ULONG Index = 0; Index < 4; Index++) {
        Bytes[Index] = MiViewByte(ViewPage, Context, Rva + Index);
        if (Bytes[Index] == NULL) {
            return FALSE;
        }
        Value |= (ULONG)*Bytes[Index] << (8 * Index);
    }
    Value += Delta;
    for (ULONG Index = 0; Index < 4; Index++) {
        *Bytes[Index] = (UCHAR)(Value >> (8 * Index));
    }
    return TRUE;
}

/*
 * MiRelocateImage - see inc/peimage.h. The blocks were validated by MiValidatePeImage against
 * the same file: each target's 4 bytes lie inside the image.
 */
ULONG MiRelocateImage(const VOID *Image, const MI_PE_IMAGE *Info, ULONG NewBase, MI_PE_VIEW_PAGE ViewPage,
                      PVOID Context)
{
    const UCHAR *Relocations = (const UCHAR *)Image + Info->RelocationOffset;
    ULONG Delta = NewBase - Info->ImageBase, Applied = 0, Offset = 0;

    while (Offset < Info->RelocationSize) {
        ULONG Block[2];
        memcpy(Block, Relocations + Offset, sizeof(Block));
        for (ULONG Entry = sizeof(Block); Entry < Block[1]; Entry += sizeof(USHORT)) {
            USHORT Value;
            memcpy(&Value, Relocations + Offset + Entry, sizeof(Value));
            if (Value >> 12 == IMAGE_REL_BASED_HIGHLOW &&
                MiAddToViewUlong(ViewPage, Context, Block[0] + (Value & 0xFFF), Delta)) {
                Applied++;
            }
        }
        Offset += Block[1];
    }
    /* the view's header says where it is, so a loader after us does not relocate again */
    MiAddToViewUlong(ViewPage, Context, Info->ImageBaseFieldRva, Delta);
    return Applied;
}
