/*
 * test_pe.c - host tests for MiValidatePeImage and MiRelocateImage (mm/peimage.c).
 *
 * A small valid PE32 image is built in memory; each malformed kind is derived from it; then every
 * truncation and thousands of random byte flips, each accepted result checked for soundness and
 * relocated. Images are placed so that their last byte is followed by an inaccessible page (and
 * their first preceded by one): a read outside [File, File + Size) crashes the test instead of
 * passing unnoticed. When the build found a mingw-w64 i686 compiler, the same program linked by
 * it at two bases (PE_SAMPLE_A, PE_SAMPLE_B) checks the validator on real linker output and the
 * relocator against the linker: A relocated to B's base must equal B.
 */
#include <sys/mman.h>
#include "hosttest.h"
#include "peimage.h"
#include "ntstatus.h"

#define BAD STATUS_INVALID_IMAGE_FORMAT

/* The test's own PE32 layout (kept apart from the validator's, so a shared mistake shows). */
#pragma pack(push, 1)
typedef struct {
    unsigned short Magic;
    unsigned char Pad[58];
    int Lfanew;
} DOSHDR;
typedef struct {
    unsigned int Signature;
    unsigned short Machine, NumberOfSections;
    unsigned int TimeDateStamp, SymbolTable, NumberOfSymbols;
    unsigned short SizeOfOptionalHeader, Characteristics;
    unsigned short Magic;
    unsigned char LinkerMajor, LinkerMinor;
    unsigned int SizeOfCode, SizeOfData, SizeOfBss, Entry, BaseOfCode, BaseOfData, ImageBase;
    unsigned int SectionAlignment, FileAlignment;
    unsigned short OsMajor, OsMinor, ImageMajor, ImageMinor, SubsystemMajor, SubsystemMinor;
    unsigned int Win32Version, SizeOfImage, SizeOfHeaders, CheckSum;
    unsigned short Subsystem, DllCharacteristics;
    unsigned int StackReserve, StackCommit, HeapReserve, HeapCommit, LoaderFlags, NumberOfRvaAndSizes;
    unsigned int Directory[16][2];
} NTHDR;
typedef struct {
    char Name[8];
    unsigned int VirtualSize, VirtualAddress, SizeOfRawData, PointerToRawData, Relocs, Lines;
    unsigned short NumRelocs, NumLines;
    unsigned int Characteristics;
} SECHDR;
#pragma pack(pop)

#define R 0x40000000u
#define W 0x80000000u
#define X 0x20000000u
#define CODE 0x20u

/*
 * The reference image: 0xC00 bytes, preferred base 0x10000000, SizeOfImage 0x7000.
 *   headers          file 0x000-0x400                     (SizeOfHeaders 0x400)
 *   .text   RVA 0x1000 VS 0x100  file 0x400 size 0x200    code, R+X
 *   .data   RVA 0x2000 VS 0x3000 file 0x600 size 0x200    R+W (0x200 of data, then zeros)
 *   .rdata  RVA 0x5000 VS 0x80   file 0x800 size 0x200    R
 *   .reloc  RVA 0x6000 VS 0x24   file 0xA00 size 0x200    R
 *   entry 0x1000; relocations: page 0x1000: HIGHLOW +0x10, +0x20, +0xFFE (straddles into .data),
 *   ABSOLUTE; page 0x2000: HIGHLOW +0x4, ABSOLUTE; page 0x5000: HIGHLOW +0x7C.
 */
#define IMAGE_SIZE 0xC00
#define NT_OFFSET 0x80
#define BASE 0x10000000u
typedef struct {
    union {
        unsigned char Bytes[IMAGE_SIZE];
        struct {
            DOSHDR Dos;
            unsigned char Stub[NT_OFFSET - sizeof(DOSHDR)];
            NTHDR Nt;
            SECHDR Sec[8];
        };
    };
} IMAGE;

static void Put32(unsigned char *Where, unsigned int Value)
{
    memcpy(Where, &Value, 4);
}

static unsigned int Get32(const unsigned char *Where)
{
    unsigned int Value;
    memcpy(&Value, Where, 4);
    return Value;
}

static const unsigned short RelocationEntries[] = {
    /* block 1 */ 0x3010, 0x3020, 0x3FFE, 0x0000,
    /* block 2 */ 0x3004, 0x0000,
    /* block 3 */ 0x307C, 0x0000,
};
#define RELOC_SIZE (3 * 8 + sizeof(RelocationEntries))

static void BuildImage(IMAGE *I)
{
    memset(I, 0, sizeof(*I));
    I->Dos.Magic = 0x5A4D;
    I->Dos.Lfanew = NT_OFFSET;
    I->Nt.Signature = 0x4550;
    I->Nt.Machine = 0x14C;
    I->Nt.NumberOfSections = 4;
    I->Nt.SizeOfOptionalHeader = 224;
    I->Nt.Characteristics = 0x0102; /* executable, 32-bit machine */
    I->Nt.Magic = 0x10B;
    I->Nt.Entry = 0x1000;
    I->Nt.ImageBase = BASE;
    I->Nt.SectionAlignment = 0x1000;
    I->Nt.FileAlignment = 0x200;
    I->Nt.SubsystemMajor = 4;
    I->Nt.SubsystemMinor = 1;
    I->Nt.SizeOfImage = 0x7000;
    I->Nt.SizeOfHeaders = 0x400;
    I->Nt.Subsystem = 3;
    I->Nt.DllCharacteristics = 0x40;
    I->Nt.StackReserve = 0x100000;
    I->Nt.StackCommit = 0x2000;
    I->Nt.NumberOfRvaAndSizes = 16;
    I->Nt.Directory[5][0] = 0x6000;
    I->Nt.Directory[5][1] = RELOC_SIZE;
    I->Sec[0] = (SECHDR){ ".text", 0x100, 0x1000, 0x200, 0x400, 0, 0, 0, 0, CODE | R | X };
    I->Sec[1] = (SECHDR){ ".data", 0x3000, 0x2000, 0x200, 0x600, 0, 0, 0, 0, 0x40 | R | W };
    I->Sec[2] = (SECHDR){ ".rdata", 0x80, 0x5000, 0x200, 0x800, 0, 0, 0, 0, 0x40 | R };
    I->Sec[3] = (SECHDR){ ".reloc", RELOC_SIZE, 0x6000, 0x200, 0xA00, 0, 0, 0, 0, 0x42000040 };
    /* text: two absolute addresses and the start of nothing special */
    for (int K = 0; K < 0x100; K++) {
        I->Bytes[0x400 + K] = (unsigned char)(0xC3 ^ K);
    }
    Put32(&I->Bytes[0x400 + 0x10], BASE + 0x2000);
    Put32(&I->Bytes[0x400 + 0x20], BASE + 0x5000);
    /* data: the two bytes at RVA 0x2000-0x2001 finish the straddling fixup at 0x1FFE */
    I->Bytes[0x600] = 0x34;
    I->Bytes[0x601] = 0x12;
    Put32(&I->Bytes[0x600 + 4], BASE + 0x1000);
    /* rdata: the last dword of the section's bytes */
    Put32(&I->Bytes[0x800 + 0x7C], BASE + 0x6000);
    /* relocations */
    unsigned char *Reloc = &I->Bytes[0xA00];
    Put32(Reloc, 0x1000);
    Put32(Reloc + 4, 16);
    memcpy(Reloc + 8, &RelocationEntries[0], 8);
    Put32(Reloc + 16, 0x2000);
    Put32(Reloc + 20, 12);
    memcpy(Reloc + 24, &RelocationEntries[4], 4);
    Put32(Reloc + 28, 0x5000);
    Put32(Reloc + 32, 12);
    memcpy(Reloc + 36, &RelocationEntries[6], 4);
}

/* ---- guarded copies */

static size_t GuardedLength;
static unsigned char *GuardedBase;

static const void *Guarded(const void *Data, size_t Size)
{
    if (Size > (1u << 24)) {
        exit(2);
    }
    size_t Pages = (Size + 4095) / 4096;
    GuardedLength = (Pages + 2) * 4096;
    GuardedBase = mmap(NULL, GuardedLength, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (GuardedBase == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
    if (Pages != 0 && mprotect(GuardedBase + 4096, Pages * 4096, PROT_READ | PROT_WRITE) != 0) {
        perror("mprotect");
        exit(2);
    }
    unsigned char *Copy = GuardedBase + 4096 + Pages * 4096 - Size;
    memcpy(Copy, Data, Size);
    if (Pages != 0) {
        mprotect(GuardedBase + 4096, Pages * 4096, PROT_READ);
    }
    return Copy;
}

static void ReleaseGuarded(void)
{
    munmap(GuardedBase, GuardedLength);
}

static NTSTATUS Validate(const void *Data, size_t Size, MI_PE_IMAGE *Info)
{
    const void *Copy = Guarded(Data, Size);
    NTSTATUS Status = MiValidatePeImage(Copy, Size, Info);
    ReleaseGuarded();
    return Status;
}

#define EXPECT_REFUSED(I) do { \
    static MI_PE_IMAGE Info_; \
    memset(&Info_, 0x77, sizeof(Info_)); \
    HT_CHECK_EQ(BAD, Validate((I)->Bytes, IMAGE_SIZE, &Info_)); \
    HT_CHECK_EQ(0, Info_.SectionCount); \
    HT_CHECK_EQ(0, Info_.SizeOfImage); \
} while (0)

/* ---- views: what the section mapper does, on a flat buffer */

typedef struct {
    unsigned char *Bytes;          /* SizeOfImage bytes */
    unsigned int Size;
    const MI_PE_IMAGE *Info;
    int Misses;                    /* lookups outside the view: must stay 0 */
} VIEW;

static int PageIsMapped(const MI_PE_IMAGE *Info, unsigned int Rva)
{
    if (Rva < Info->HeaderMappedSize) {
        return 1;
    }
    for (unsigned int K = 0; K < Info->SectionCount; K++) {
        const MI_PE_SECTION *S = &Info->Sections[K];
        if (Rva >= S->VirtualAddress && Rva - S->VirtualAddress < S->MappedSize) {
            return S->Protect != PAGE_NOACCESS;
        }
    }
    return 0;
}

static PUCHAR ViewPage(PVOID Context, ULONG Rva)
{
    VIEW *V = Context;
    if (Rva >= V->Size) {
        V->Misses++;
        return NULL;
    }
    return PageIsMapped(V->Info, Rva) ? V->Bytes + Rva : NULL;
}

/* Lay File out as a view of Info (headers, then each section's file bytes; the rest zero). */
static void BuildView(VIEW *V, const unsigned char *File, const MI_PE_IMAGE *Info)
{
    V->Size = Info->SizeOfImage;
    V->Bytes = calloc(1, V->Size);
    V->Info = Info;
    V->Misses = 0;
    memcpy(V->Bytes, File, Info->SizeOfHeaders);
    for (unsigned int K = 0; K < Info->SectionCount; K++) {
        const MI_PE_SECTION *S = &Info->Sections[K];
        memcpy(V->Bytes + S->VirtualAddress, File + S->FileOffset, S->FileSize);
    }
}

/* What a successful validation promises the mapper. */
static int InfoIsSound(const MI_PE_IMAGE *Info, size_t Size)
{
    unsigned long long Next;
    if (Info->SectionCount == 0 || Info->SectionCount > MI_PE_MAX_SECTIONS || Info->SizeOfImage == 0 ||
        Info->SizeOfImage > MI_PE_MAX_IMAGE_SIZE || Info->SizeOfHeaders > Size ||
        Info->HeaderMappedSize < Info->SizeOfHeaders || Info->SectionAlignment < 0x1000 ||
        (Info->SectionAlignment & (Info->SectionAlignment - 1)) != 0 || Info->ImageBase % 0x10000 != 0 ||
        (unsigned long long)Info->ImageBase + Info->SizeOfImage > 0x100000000ull ||
        Info->AddressOfEntryPoint >= Info->SizeOfImage ||
        (unsigned long long)Info->RelocationOffset + Info->RelocationSize > Size ||
        Info->ImageBaseFieldRva + 4 > Info->SizeOfHeaders) {
        return 0;
    }
    Next = Info->HeaderMappedSize;
    for (unsigned int K = 0; K < Info->SectionCount; K++) {
        const MI_PE_SECTION *S = &Info->Sections[K];
        if (S->VirtualAddress != Next || S->MappedSize == 0 || S->MappedSize % Info->SectionAlignment ||
            S->FileSize > S->MappedSize || (unsigned long long)S->FileOffset + S->FileSize > Size) {
            return 0;
        }
        Next += S->MappedSize;
    }
    return Next == Info->SizeOfImage;
}

/* ---- the valid image */

HT_TEST(pe_valid_image)
{
    IMAGE I;
    static MI_PE_IMAGE Info;

    BuildImage(&I);
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    HT_CHECK_EQ(BASE, Info.ImageBase);
    HT_CHECK_EQ(0x7000, Info.SizeOfImage);
    HT_CHECK_EQ(0x400, Info.SizeOfHeaders);
    HT_CHECK_EQ(0x1000, Info.HeaderMappedSize);
    HT_CHECK_EQ(0x1000, Info.AddressOfEntryPoint);
    HT_CHECK_EQ(0x14C, Info.Machine);
    HT_CHECK_EQ(3, Info.Subsystem);
    HT_CHECK_EQ(4, Info.MajorSubsystemVersion);
    HT_CHECK_EQ(1, Info.MinorSubsystemVersion);
    HT_CHECK_EQ(0x100000, Info.SizeOfStackReserve);
    HT_CHECK_EQ(0x2000, Info.SizeOfStackCommit);
    HT_CHECK(Info.ContainsCode);
    HT_CHECK(Info.Relocatable);
    HT_CHECK_EQ(4, Info.SectionCount);
    HT_CHECK_EQ(0x1000, Info.Sections[0].VirtualAddress);
    HT_CHECK_EQ(0x1000, Info.Sections[0].MappedSize);
    HT_CHECK_EQ(0x400, Info.Sections[0].FileOffset);
    HT_CHECK_EQ(0x100, Info.Sections[0].FileSize); /* VirtualSize limits the file bytes */
    HT_CHECK_EQ(PAGE_EXECUTE_READ, Info.Sections[0].Protect);
    HT_CHECK_EQ(0x3000, Info.Sections[1].MappedSize);
    HT_CHECK_EQ(0x200, Info.Sections[1].FileSize);
    HT_CHECK_EQ(PAGE_WRITECOPY, Info.Sections[1].Protect);
    HT_CHECK_EQ(PAGE_READONLY, Info.Sections[2].Protect);
    HT_CHECK_EQ(0xA00, Info.RelocationOffset);
    HT_CHECK_EQ(RELOC_SIZE, Info.RelocationSize);
    HT_CHECK_EQ(NT_OFFSET + 24 + 28, Info.ImageBaseFieldRva);
    HT_CHECK(InfoIsSound(&Info, IMAGE_SIZE));
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER, MiValidatePeImage(I.Bytes, IMAGE_SIZE, NULL));
    HT_CHECK_EQ(BAD, MiValidatePeImage(NULL, IMAGE_SIZE, &Info));
}

HT_TEST(pe_protections)
{
    static const struct { unsigned int Characteristics, Protect; } Cases[] = {
        { R, PAGE_READONLY }, { X, PAGE_EXECUTE }, { R | X, PAGE_EXECUTE_READ },
        { W, PAGE_WRITECOPY }, { R | W, PAGE_WRITECOPY }, { R | W | X, PAGE_EXECUTE_WRITECOPY },
        { R | W | 0x10000000u, PAGE_READWRITE }, { R | W | X | 0x10000000u, PAGE_EXECUTE_READWRITE },
        { 0, PAGE_NOACCESS }, { 0x10000000u, PAGE_NOACCESS },
    };
    for (size_t K = 0; K < ARRAYSIZE(Cases); K++) {
        IMAGE I;
        static MI_PE_IMAGE Info;
        BuildImage(&I);
        I.Sec[2].Characteristics = Cases[K].Characteristics;
        HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
        HT_CHECK_EQ(Cases[K].Protect, Info.Sections[2].Protect);
    }
}

HT_TEST(pe_valid_variants)
{
    IMAGE I;
    static MI_PE_IMAGE Info;

    /* no relocation directory at all; relocations stripped */
    BuildImage(&I);
    I.Nt.Directory[5][0] = I.Nt.Directory[5][1] = 0;
    I.Nt.Characteristics |= 1;
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    HT_CHECK(!Info.Relocatable);
    HT_CHECK_EQ(0, Info.RelocationSize);
    /* fewer directories, and a correspondingly smaller optional header */
    BuildImage(&I);
    I.Nt.NumberOfRvaAndSizes = 5;
    I.Nt.SizeOfOptionalHeader = 96 + 5 * 8;
    memmove(&I.Bytes[NT_OFFSET + 24 + 96 + 40], I.Sec, 4 * sizeof(SECHDR));
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    HT_CHECK_EQ(0, Info.RelocationSize); /* directory 5 is absent */
    /* VirtualSize 0 means SizeOfRawData; a section with no file bytes (bss) */
    BuildImage(&I);
    I.Sec[2].VirtualSize = 0;
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    HT_CHECK_EQ(0x200, Info.Sections[2].FileSize);
    BuildImage(&I);
    I.Sec[2].SizeOfRawData = 0;
    I.Sec[2].PointerToRawData = 0xFFFFFFF0; /* ignored when there are no file bytes */
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    HT_CHECK_EQ(0, Info.Sections[2].FileSize);
    /* a DLL, an entry point of 0, SizeOfImage not rounded (the validator rounds it) */
    BuildImage(&I);
    I.Nt.Characteristics |= 0x2000;
    I.Nt.Entry = 0;
    I.Nt.SizeOfImage = 0x6024;
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    HT_CHECK_EQ(0x7000, Info.SizeOfImage);
    /* 64 KiB section alignment */
    BuildImage(&I);
    I.Nt.SectionAlignment = 0x10000;
    I.Nt.SizeOfImage = 0x50000;
    I.Nt.Entry = 0x10000;
    I.Nt.Directory[5][0] = 0x40000;
    for (int K = 0; K < 4; K++) {
        I.Sec[K].VirtualAddress = 0x10000 * (K + 1);
    }
    I.Sec[1].VirtualSize = 0x100;
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    HT_CHECK_EQ(0x50000, Info.SizeOfImage);
    HT_CHECK_EQ(0x10000, Info.HeaderMappedSize);
    HT_CHECK_EQ(0x40000, Info.Sections[3].VirtualAddress);
    /* ... whose 0x50000 bytes at 0xFFFF0000 would run past 4 GB */
    I.Nt.ImageBase = 0xFFFF0000;
    EXPECT_REFUSED(&I);
    I.Nt.ImageBase = 0xFFFA0000; /* ends exactly at 4 GB: a valid file (the mapper places it) */
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
}

/* ---- each malformed kind */

HT_TEST(pe_refuses_bad_headers)
{
    IMAGE I;
    static MI_PE_IMAGE Info;
    BuildImage(&I);
    HT_CHECK_EQ(BAD, Validate(I.Bytes, 0, &Info));
    BuildImage(&I);
    HT_CHECK_EQ(BAD, Validate(I.Bytes, 63, &Info));
    BuildImage(&I); I.Dos.Magic = 0x4D5A; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Dos.Lfanew = 0x82; EXPECT_REFUSED(&I);           /* not 4-aligned */
    BuildImage(&I); I.Dos.Lfanew = 0x3C; EXPECT_REFUSED(&I);           /* overlaps the DOS header */
    BuildImage(&I); I.Dos.Lfanew = -4; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Dos.Lfanew = 0x7FFFFFFC; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Dos.Lfanew = IMAGE_SIZE - 8; EXPECT_REFUSED(&I); /* headers past the end */
    BuildImage(&I); I.Nt.Signature = 0x4550 | 0x01000000; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.Signature = 0x454E; EXPECT_REFUSED(&I);       /* "NE" */
    static const unsigned short Machines[] = { 0, 0x8664, 0x1C0, 0xAA64, 0x200, 0x14D };
    for (size_t K = 0; K < ARRAYSIZE(Machines); K++) {
        BuildImage(&I); I.Nt.Machine = Machines[K]; EXPECT_REFUSED(&I);
    }
    BuildImage(&I); I.Nt.Characteristics &= ~2; EXPECT_REFUSED(&I);    /* not executable (an object file) */
    BuildImage(&I); I.Nt.Magic = 0x20B; EXPECT_REFUSED(&I);             /* PE32+ */
    BuildImage(&I); I.Nt.Magic = 0x107; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.SizeOfOptionalHeader = 95; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.SizeOfOptionalHeader = 223; EXPECT_REFUSED(&I); /* 16 directories need 224 */
    BuildImage(&I); I.Nt.NumberOfRvaAndSizes = 17; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.NumberOfRvaAndSizes = 0xFFFFFFFF; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.SizeOfOptionalHeader = 0xFFFF; EXPECT_REFUSED(&I);
}

HT_TEST(pe_refuses_bad_alignment_and_sizes)
{
    IMAGE I;
    BuildImage(&I); I.Nt.SectionAlignment = 0; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.SectionAlignment = 0x1800; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.SectionAlignment = 0x800; I.Nt.FileAlignment = 0x200; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.FileAlignment = 0; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.FileAlignment = 0x100; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.FileAlignment = 0x300; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.FileAlignment = 0x2000; EXPECT_REFUSED(&I);   /* above SectionAlignment */
    BuildImage(&I); I.Nt.ImageBase = BASE + 0x1000; EXPECT_REFUSED(&I); /* not 64 KiB aligned */
    BuildImage(&I); I.Nt.SizeOfImage = 0; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.SizeOfImage = 0x6000; EXPECT_REFUSED(&I);     /* .reloc outside */
    BuildImage(&I); I.Nt.SizeOfImage = 0x8000; EXPECT_REFUSED(&I);     /* a hole after the last section */
    BuildImage(&I); I.Nt.SizeOfImage = 0xFFFFF000; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.SizeOfImage = MI_PE_MAX_IMAGE_SIZE + 1; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.SizeOfHeaders = IMAGE_SIZE + 1; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.SizeOfHeaders = 0x200; EXPECT_REFUSED(&I);    /* section table outside */
    BuildImage(&I); I.Nt.SizeOfHeaders = 0x1001; EXPECT_REFUSED(&I);   /* headers run into .text */
    BuildImage(&I); I.Nt.SizeOfHeaders = 0xFFFFFFFF; EXPECT_REFUSED(&I);
}

HT_TEST(pe_refuses_bad_section_table)
{
    IMAGE I;
    BuildImage(&I); I.Nt.NumberOfSections = 0; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.NumberOfSections = 97; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.NumberOfSections = 0xFFFF; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.NumberOfSections = 5; EXPECT_REFUSED(&I);     /* an all-zero fifth section */
    BuildImage(&I); I.Nt.NumberOfSections = 3; EXPECT_REFUSED(&I);     /* image ends after .rdata */
    BuildImage(&I); I.Sec[0].VirtualAddress = 0x2000; EXPECT_REFUSED(&I); /* a hole before it */
    BuildImage(&I); I.Sec[0].VirtualAddress = 0; EXPECT_REFUSED(&I);   /* over the headers */
    BuildImage(&I); I.Sec[1].VirtualAddress = 0x1800; EXPECT_REFUSED(&I); /* unaligned, overlapping */
    BuildImage(&I); I.Sec[2].VirtualAddress = 0x4000; EXPECT_REFUSED(&I); /* overlaps .data's bss */
    BuildImage(&I); SECHDR T = I.Sec[1]; I.Sec[1] = I.Sec[2]; I.Sec[2] = T; EXPECT_REFUSED(&I); /* order */
    BuildImage(&I); I.Sec[2].VirtualSize = 0; I.Sec[2].SizeOfRawData = 0; EXPECT_REFUSED(&I); /* empty */
    BuildImage(&I); I.Sec[3].VirtualSize = 0x1001; EXPECT_REFUSED(&I); /* past SizeOfImage */
    BuildImage(&I); I.Sec[3].VirtualSize = 0xFFFFFFFF; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Sec[3].SizeOfRawData = 0x201; EXPECT_REFUSED(&I); /* file bytes past the end */
    BuildImage(&I); I.Sec[1].PointerToRawData = 0xFFFFFF00; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Sec[1].PointerToRawData = 0xC00; EXPECT_REFUSED(&I);
}

HT_TEST(pe_refuses_bad_entry_and_directories)
{
    IMAGE I;
    BuildImage(&I); I.Nt.Entry = 0x7000; EXPECT_REFUSED(&I);
    BuildImage(&I); I.Nt.Entry = 0xFFFFFFFF; EXPECT_REFUSED(&I);
    for (int D = 0; D < 16; D++) {
        if (D == 5) {
            continue;
        }
        BuildImage(&I); I.Nt.Directory[D][0] = 0x6FF0; I.Nt.Directory[D][1] = 0x11; EXPECT_REFUSED(&I);
        BuildImage(&I); I.Nt.Directory[D][0] = 0xFFFFFFF0; I.Nt.Directory[D][1] = 0x20; EXPECT_REFUSED(&I);
    }
    /* the security directory is a file range: inside the file is fine, beyond it is not */
    static MI_PE_IMAGE Info;
    BuildImage(&I); I.Nt.Directory[4][0] = 0xB00; I.Nt.Directory[4][1] = 0x100;
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    BuildImage(&I); I.Nt.Directory[4][0] = 0xB00; I.Nt.Directory[4][1] = 0x101; EXPECT_REFUSED(&I);
    /* a directory of size 0 is absent, whatever its address */
    BuildImage(&I); I.Nt.Directory[1][0] = 0xFFFFFFFF; I.Nt.Directory[1][1] = 0;
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
}

HT_TEST(pe_refuses_bad_relocations)
{
    IMAGE I;
    unsigned char *Reloc;
    static MI_PE_IMAGE Info;

    BuildImage(&I); I.Nt.Directory[5][0] = 0x5000; EXPECT_REFUSED(&I);  /* blocks read from .rdata */
    BuildImage(&I); I.Nt.Directory[5][0] = 0x6100; EXPECT_REFUSED(&I);  /* past .reloc's file bytes */
    BuildImage(&I); I.Nt.Directory[5][1] = RELOC_SIZE + 2; EXPECT_REFUSED(&I); /* a partial block */
    BuildImage(&I); I.Nt.Directory[5][1] = RELOC_SIZE - 12; /* two whole blocks: fine */
    I.Sec[3].VirtualSize = RELOC_SIZE;
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    BuildImage(&I); I.Nt.Directory[5][1] = 4; EXPECT_REFUSED(&I);       /* shorter than a block header */
    BuildImage(&I); Reloc = &I.Bytes[0xA00]; Put32(Reloc + 4, 0); EXPECT_REFUSED(&I);     /* SizeOfBlock 0 */
    BuildImage(&I); Reloc = &I.Bytes[0xA00]; Put32(Reloc + 4, 7); EXPECT_REFUSED(&I);
    BuildImage(&I); Reloc = &I.Bytes[0xA00]; Put32(Reloc + 4, 15); EXPECT_REFUSED(&I);    /* odd */
    BuildImage(&I); Reloc = &I.Bytes[0xA00]; Put32(Reloc + 4, 0xFFFFFFF8); EXPECT_REFUSED(&I);
    BuildImage(&I); Reloc = &I.Bytes[0xA00]; Put32(Reloc + 4, RELOC_SIZE + 8); EXPECT_REFUSED(&I);
    /* other relocation types: HIGH, LOW, HIGHADJ, DIR64 and unassigned ones */
    static const unsigned short Types[] = { 1, 2, 4, 5, 9, 10, 11, 15 };
    for (size_t K = 0; K < ARRAYSIZE(Types); K++) {
        BuildImage(&I);
        Reloc = &I.Bytes[0xA00];
        unsigned short Entry = (unsigned short)(Types[K] << 12 | 0x10);
        memcpy(Reloc + 8, &Entry, 2);
        EXPECT_REFUSED(&I);
    }
    /* targets whose 4 bytes leave the image */
    BuildImage(&I); Reloc = &I.Bytes[0xA00]; Put32(Reloc + 28, 0x6000);
    unsigned short Last = 0x3FFD;
    memcpy(Reloc + 36, &Last, 2);
    EXPECT_REFUSED(&I);
    Last = 0x3FFC; /* the last whole dword: fine */
    memcpy(Reloc + 36, &Last, 2);
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    BuildImage(&I); Reloc = &I.Bytes[0xA00]; Put32(Reloc + 28, 0xFFFFF000); EXPECT_REFUSED(&I);
    /* an ABSOLUTE entry is padding wherever it points */
    BuildImage(&I); Reloc = &I.Bytes[0xA00]; Put32(Reloc + 28, 0xFFFFF000);
    Last = 0;
    memcpy(Reloc + 36, &Last, 2);
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
}

/* ---- relocation */

HT_TEST(pe_relocate)
{
    IMAGE I;
    static MI_PE_IMAGE Info;
    VIEW V;
    const unsigned int NewBase = 0x00A30000, Delta = NewBase - BASE;

    BuildImage(&I);
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    BuildView(&V, I.Bytes, &Info);
    HT_CHECK_EQ(5, MiRelocateImage(I.Bytes, &Info, NewBase, ViewPage, &V));
    HT_CHECK_EQ(0, V.Misses);
    HT_CHECK_EQ(NewBase + 0x2000, Get32(V.Bytes + 0x1010));
    HT_CHECK_EQ(NewBase + 0x5000, Get32(V.Bytes + 0x1020));
    HT_CHECK_EQ(0x12340000u + Delta, Get32(V.Bytes + 0x1FFE)); /* straddles .text and .data */
    HT_CHECK_EQ(NewBase + 0x1000, Get32(V.Bytes + 0x2004));
    HT_CHECK_EQ(NewBase + 0x6000, Get32(V.Bytes + 0x507C));
    HT_CHECK_EQ(NewBase, Get32(V.Bytes + Info.ImageBaseFieldRva));
    /* nothing else changed */
    unsigned char *Expected = calloc(1, V.Size);
    VIEW E;
    BuildView(&E, I.Bytes, &Info);
    memcpy(Expected, E.Bytes, V.Size);
    static const unsigned int Fixed[] = { 0x1010, 0x1020, 0x1FFE, 0x2004, 0x507C, NT_OFFSET + 24 + 28 };
    for (size_t K = 0; K < ARRAYSIZE(Fixed); K++) {
        memcpy(Expected + Fixed[K], V.Bytes + Fixed[K], 4);
    }
    HT_CHECK(memcmp(Expected, V.Bytes, V.Size) == 0);
    free(V.Bytes);
    /* a view at the preferred base is left as it is (delta 0) */
    BuildView(&V, I.Bytes, &Info);
    MiRelocateImage(I.Bytes, &Info, BASE, ViewPage, &V);
    HT_CHECK(memcmp(E.Bytes, V.Bytes, V.Size) == 0);
    free(V.Bytes);
    /* a sum past 2^32 wraps, as the image asked for; it is not an error */
    BuildView(&V, I.Bytes, &Info);
    MiRelocateImage(I.Bytes, &Info, 0xFFFF0000u, ViewPage, &V);
    HT_CHECK_EQ(0xFFFF0000u + 0x12340000u - BASE, Get32(V.Bytes + 0x1FFE));
    free(Expected);
    free(E.Bytes);
    free(V.Bytes);
}

HT_TEST(pe_relocate_skips_unmapped_pages)
{
    IMAGE I;
    static MI_PE_IMAGE Info;
    VIEW V;

    BuildImage(&I);
    I.Sec[2].Characteristics = 0x40; /* .rdata: no access, so its page is not mapped */
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    BuildView(&V, I.Bytes, &Info);
    HT_CHECK_EQ(4, MiRelocateImage(I.Bytes, &Info, 0x00A30000, ViewPage, &V));
    HT_CHECK_EQ(BASE + 0x6000, Get32(V.Bytes + 0x507C));
    HT_CHECK_EQ(0, V.Misses);
    free(V.Bytes);
}

/* ---- truncation and corruption */

HT_TEST(pe_every_truncation)
{
    IMAGE I;
    static MI_PE_IMAGE Info;
    BuildImage(&I);
    for (size_t Length = 0; Length <= IMAGE_SIZE; Length++) {
        NTSTATUS Status = Validate(I.Bytes, Length, &Info);
        /* .reloc's file bytes end at the very end: every shorter file lacks some */
        NTSTATUS Expected = Length == IMAGE_SIZE ? STATUS_SUCCESS : BAD;
        if (Status != Expected) {
            printf("[FAIL] truncated to %u bytes: status 0x%08X\n", (unsigned)Length, Status);
            ht_failed_now = 1;
        }
    }
}

/* Validate one (maybe corrupt) file; if accepted, check Info and relocate a view of it. */
static int CheckOne(const unsigned char *Bytes, size_t Length, unsigned *Accepted, unsigned *Refused)
{
    static MI_PE_IMAGE Info;
    const unsigned char *Copy = Guarded(Bytes, Length);
    NTSTATUS Status = MiValidatePeImage(Copy, Length, &Info);
    int Good = 1;
    if (Status == STATUS_SUCCESS) {
        ++*Accepted;
        if (!InfoIsSound(&Info, Length)) {
            printf("[FAIL] accepted an image with unsound Info\n");
            Good = 0;
        } else {
            VIEW V;
            BuildView(&V, Copy, &Info);
            MiRelocateImage(Copy, &Info, Info.ImageBase ^ 0x40000000u, ViewPage, &V);
            if (V.Misses) {
                printf("[FAIL] relocation outside the view\n");
                Good = 0;
            }
            free(V.Bytes);
        }
    } else if (Status == BAD) {
        ++*Refused;
    } else {
        printf("[FAIL] status 0x%08X\n", Status);
        Good = 0;
    }
    ReleaseGuarded();
    return Good;
}

HT_TEST(pe_random_byte_flips)
{
    IMAGE I, Flipped;
    unsigned Seed = 20240614, Accepted = 0, Refused = 0;
    /* bytes the validator reads: headers and section table, and the relocation blocks */
    const unsigned HeaderBytes = NT_OFFSET + sizeof(NTHDR) + 4 * sizeof(SECHDR);

    BuildImage(&I);
    for (int Round = 0; Round < 20000; Round++) {
        Flipped = I;
        Seed = Seed * 1103515245u + 12345u;
        int Flips = 1 + (Seed >> 16) % 4;
        for (int F = 0; F < Flips; F++) {
            Seed = Seed * 1103515245u + 12345u;
            unsigned Pick = (Seed >> 8) % 10;
            unsigned Where = Pick < 7 ? (Seed >> 12) % HeaderBytes
                           : Pick < 9 ? 0xA00 + (Seed >> 12) % RELOC_SIZE
                                      : (Seed >> 12) % IMAGE_SIZE;
            Seed = Seed * 1103515245u + 12345u;
            unsigned char Value = (Seed >> 24) & 1 ? (unsigned char)(1u << ((Seed >> 16) & 7))
                                                   : (unsigned char)(Seed >> 8);
            if ((Seed >> 24) & 1) {
                Flipped.Bytes[Where] ^= Value;
            } else {
                Flipped.Bytes[Where] = Value;
            }
        }
        size_t Length = (Seed >> 4) % 8 == 0 ? (Seed >> 7) % (IMAGE_SIZE + 1) : IMAGE_SIZE;
        if (!CheckOne(Flipped.Bytes, Length, &Accepted, &Refused)) {
            printf("[FAIL] round %d\n", Round);
            ht_failed_now = 1;
            return;
        }
    }
    printf("  %u accepted, %u refused\n", Accepted, Refused);
    HT_CHECK(Accepted > 100 && Refused > 1000); /* both outcomes are exercised */
}

/* ---- real linker output */

static unsigned char *ReadFile(const char *Path, size_t *Size)
{
    FILE *F = fopen(Path, "rb");
    if (F == NULL) {
        return NULL;
    }
    unsigned char *Bytes = malloc(1 << 20);
    *Size = fread(Bytes, 1, 1 << 20, F);
    fclose(F);
    return Bytes;
}

HT_TEST(pe_mingw_images)
{
#if defined(PE_SAMPLE_A) && defined(PE_SAMPLE_B)
    size_t SizeA, SizeB;
    unsigned char *A = ReadFile(PE_SAMPLE_A, &SizeA), *B = ReadFile(PE_SAMPLE_B, &SizeB);
    static MI_PE_IMAGE InfoA, InfoB;
    unsigned Accepted = 0, Refused = 0;
    HT_CHECK(A != NULL && B != NULL);
    if (A == NULL || B == NULL) {
        return;
    }
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(A, SizeA, &InfoA));
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(B, SizeB, &InfoB));
    HT_CHECK(InfoIsSound(&InfoA, SizeA));
    HT_CHECK(InfoA.RelocationSize > 0 && InfoA.Relocatable && InfoA.ContainsCode);
    HT_CHECK(InfoA.ImageBase != InfoB.ImageBase);
    HT_CHECK_EQ(InfoA.SizeOfImage, InfoB.SizeOfImage);
    /* A's view relocated to B's base is B's view, section for section */
    VIEW VA, VB;
    BuildView(&VA, A, &InfoA);
    BuildView(&VB, B, &InfoB);
    HT_CHECK(MiRelocateImage(A, &InfoA, InfoB.ImageBase, ViewPage, &VA) > 0);
    HT_CHECK_EQ(0, VA.Misses);
    for (unsigned K = 0; K < InfoA.SectionCount; K++) {
        const MI_PE_SECTION *S = &InfoA.Sections[K];
        if (memcmp(VA.Bytes + S->VirtualAddress, VB.Bytes + S->VirtualAddress, S->MappedSize) != 0) {
            printf("[FAIL] section %u differs from the linker's\n", K);
            ht_failed_now = 1;
        }
    }
    HT_CHECK_EQ(InfoB.ImageBase, Get32(VA.Bytes + InfoA.ImageBaseFieldRva));
    free(VA.Bytes);
    free(VB.Bytes);
    /* and every truncation of it: accepted only from where the last section's bytes end */
    for (size_t Length = 0; Length <= SizeA; Length++) {
        CheckOne(A, Length, &Accepted, &Refused);
    }
    HT_CHECK(Refused > 0 && Accepted > 0);
    free(A);
    free(B);
#else
    printf("  no i686-w64-mingw32-gcc: generated images only\n");
#endif
}

HT_MAIN()
