/*
 * test_elf.c - host tests for MiValidateElfImage (mm/elfimage.c).
 *
 * A small valid executable is built in memory; each malformed kind is derived from it; then every
 * truncation and thousands of random byte flips. Images are placed so that their last byte is
 * followed by an inaccessible page (and their first preceded by one): a read outside
 * [Image, Image + Size) crashes the test instead of passing unnoticed.
 */
#include <sys/mman.h>
#include "hosttest.h"
#include "elfimage.h"
#include "ntstatus.h"

#define USER_MINIMUM 0x00010000u
#define USER_MAXIMUM 0x7FFEFFFFu
#define BAD STATUS_INVALID_IMAGE_FORMAT

/* The test's own ELF32 layout (kept apart from the validator's, so a shared mistake shows). */
typedef struct {
    unsigned char Ident[16];
    unsigned short Type, Machine;
    unsigned int Version, Entry, PhOff, ShOff, Flags;
    unsigned short EhSize, PhEntSize, PhNum, ShEntSize, ShNum, ShStrNdx;
} EHDR;
typedef struct {
    unsigned int Type, Offset, VAddr, PAddr, FileSz, MemSz, Flags, Align;
} PHDR;

/*
 * The reference image: 0x2100 bytes.
 *   phdr 0: PT_LOAD R+X  offset 0      vaddr 0x400000 filesz=memsz 0x1100 (headers and text)
 *   phdr 1: PT_LOAD R+W  offset 0x2000 vaddr 0x402000 filesz 0x100 memsz 0x3000 (data, bss)
 *   phdr 2: PT_GNU_STACK, phdr 3: PT_NOTE (ignored)
 *   entry 0x401000
 */
#define IMAGE_SIZE 0x2100
#define MAX_PHDRS 20
typedef struct {
    union {
        unsigned char Bytes[IMAGE_SIZE];
        struct { EHDR Ehdr; PHDR Phdr[MAX_PHDRS]; };
    };
} IMAGE;

static void BuildImage(IMAGE *I)
{
    memset(I, 0, sizeof(*I));
    memcpy(I->Ehdr.Ident, "\x7F" "ELF\x01\x01\x01", 7);
    I->Ehdr.Type = 2;
    I->Ehdr.Machine = 3;
    I->Ehdr.Version = 1;
    I->Ehdr.Entry = 0x401000;
    I->Ehdr.PhOff = sizeof(EHDR);
    I->Ehdr.EhSize = sizeof(EHDR);
    I->Ehdr.PhEntSize = sizeof(PHDR);
    I->Ehdr.PhNum = 4;
    I->Phdr[0] = (PHDR){ 1, 0, 0x400000, 0x400000, 0x1100, 0x1100, 4 | 1, 0x1000 };
    I->Phdr[1] = (PHDR){ 1, 0x2000, 0x402000, 0x402000, 0x100, 0x3000, 4 | 2, 0x1000 };
    I->Phdr[2] = (PHDR){ 0x6474E551, 0, 0, 0, 0, 0, 4 | 2, 16 };
    I->Phdr[3] = (PHDR){ 4, 0x100, 0x400100, 0x400100, 0x20, 0x20, 4, 4 };
    for (int K = 0x1000; K < 0x1100; K++) {
        I->Bytes[K] = (unsigned char)(0x90 + K); /* "text" */
    }
}

/*
 * Copy Size bytes into a mapping where they end exactly at an inaccessible page (and start one
 * page after another). Returns the copy; ReleaseGuarded frees it.
 */
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
        mprotect(GuardedBase + 4096, Pages * 4096, PROT_READ); /* and no writes either */
    }
    return Copy;
}

static void ReleaseGuarded(void)
{
    munmap(GuardedBase, GuardedLength);
}

/* Validate Size bytes of Data (guarded) between the user-space bounds. */
static NTSTATUS Validate(const void *Data, size_t Size, MI_ELF_IMAGE *Info)
{
    const void *Copy = Guarded(Data, Size);
    NTSTATUS Status = MiValidateElfImage(Copy, Size, USER_MINIMUM, USER_MAXIMUM, Info);
    ReleaseGuarded();
    return Status;
}

/* Expect the image I (IMAGE_SIZE bytes) to be refused, with Info left zeroed. */
#define EXPECT_REFUSED(I) do { \
    MI_ELF_IMAGE Info_; \
    memset(&Info_, 0x77, sizeof(Info_)); \
    HT_CHECK_EQ(BAD, Validate((I)->Bytes, IMAGE_SIZE, &Info_)); \
    HT_CHECK_EQ(0, Info_.SegmentCount); \
    HT_CHECK_EQ(0, Info_.EntryPoint); \
} while (0)

/* Check what a successful validation promises the loader. */
static int InfoIsSound(const MI_ELF_IMAGE *Info, size_t Size, ULONG Minimum, ULONG Maximum)
{
    int EntryFound = 0;
    unsigned long long Lowest = ~0ull, Highest = 0;

    if (Info->SegmentCount == 0 || Info->SegmentCount > MI_ELF_MAX_SEGMENTS ||
        Info->EntryPoint == 0) {
        return 0;
    }
    for (ULONG I = 0; I < Info->SegmentCount; I++) {
        const MI_ELF_SEGMENT *S = &Info->Segments[I];
        unsigned long long Start = S->VirtualAddress & ~0xFFFull;
        unsigned long long End = ((unsigned long long)S->VirtualAddress + S->MemorySize + 0xFFF) &
                                 ~0xFFFull;
        if (S->MemorySize == 0 || S->FileSize > S->MemorySize ||
            (unsigned long long)S->FileOffset + S->FileSize > Size || Start < Minimum ||
            End - 1 > Maximum || (S->FileOffset & 0xFFF) != (S->VirtualAddress & 0xFFF)) {
            return 0;
        }
        for (ULONG J = 0; J < I; J++) {
            const MI_ELF_SEGMENT *T = &Info->Segments[J];
            unsigned long long TStart = T->VirtualAddress & ~0xFFFull;
            unsigned long long TEnd = ((unsigned long long)T->VirtualAddress + T->MemorySize +
                                       0xFFF) & ~0xFFFull;
            if (Start < TEnd && TStart < End) {
                return 0;
            }
        }
        if ((S->Flags & PF_X) && Info->EntryPoint >= S->VirtualAddress &&
            Info->EntryPoint - S->VirtualAddress < S->MemorySize) {
            EntryFound = 1;
        }
        Lowest = Start < Lowest ? Start : Lowest;
        Highest = End > Highest ? End : Highest;
    }
    return EntryFound && Lowest == Info->LowestAddress && Highest == Info->HighestAddress;
}

/* ---- the valid image */

HT_TEST(elf_valid_image)
{
    IMAGE I;
    MI_ELF_IMAGE Info;

    BuildImage(&I);
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    HT_CHECK_EQ(0x401000, Info.EntryPoint);
    HT_CHECK_EQ(2, Info.SegmentCount);
    HT_CHECK_EQ(0x400000, Info.Segments[0].VirtualAddress);
    HT_CHECK_EQ(0x1100, Info.Segments[0].MemorySize);
    HT_CHECK_EQ(0, Info.Segments[0].FileOffset);
    HT_CHECK_EQ(0x1100, Info.Segments[0].FileSize);
    HT_CHECK_EQ(PF_R | PF_X, Info.Segments[0].Flags);
    HT_CHECK_EQ(0x402000, Info.Segments[1].VirtualAddress);
    HT_CHECK_EQ(0x3000, Info.Segments[1].MemorySize);
    HT_CHECK_EQ(0x2000, Info.Segments[1].FileOffset);
    HT_CHECK_EQ(0x100, Info.Segments[1].FileSize);
    HT_CHECK_EQ(PF_R | PF_W, Info.Segments[1].Flags);
    HT_CHECK_EQ(0x400000, Info.LowestAddress);
    HT_CHECK_EQ(0x405000, Info.HighestAddress);
    HT_CHECK(InfoIsSound(&Info, IMAGE_SIZE, USER_MINIMUM, USER_MAXIMUM));
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER,
                MiValidateElfImage(I.Bytes, IMAGE_SIZE, USER_MINIMUM, USER_MAXIMUM, NULL));
}

HT_TEST(elf_valid_variants)
{
    IMAGE I;
    MI_ELF_IMAGE Info;

    /* an empty PT_LOAD maps nothing and is ignored; unknown flag bits are dropped */
    BuildImage(&I);
    I.Phdr[3] = (PHDR){ 1, 0, 0x10000000, 0, 0, 0, 7, 0x1000 };
    I.Phdr[1].Flags |= 0xF0000000;
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    HT_CHECK_EQ(2, Info.SegmentCount);
    HT_CHECK_EQ(PF_R | PF_W, Info.Segments[1].Flags);

    /* a bss-only segment (no file bytes), segments out of address order, adjacent pages */
    BuildImage(&I);
    I.Ehdr.PhNum = 5;
    I.Phdr[4] = (PHDR){ 1, 0x2100, 0x300100, 0, 0, 0x500, 6, 0x1000 };
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    HT_CHECK_EQ(3, Info.SegmentCount);
    HT_CHECK_EQ(0x300000, Info.LowestAddress);
    HT_CHECK(InfoIsSound(&Info, IMAGE_SIZE, USER_MINIMUM, USER_MAXIMUM));

    /* exactly MI_ELF_MAX_SEGMENTS segments, the last ending at the top of user space */
    BuildImage(&I);
    I.Ehdr.PhNum = MI_ELF_MAX_SEGMENTS;
    for (int K = 2; K < MI_ELF_MAX_SEGMENTS; K++) {
        I.Phdr[K] = (PHDR){ 1, 0x2000, 0x10000000 + K * 0x10000, 0, 0x10, 0x1000, 4, 0x1000 };
    }
    I.Phdr[MI_ELF_MAX_SEGMENTS - 1].VAddr = 0x7FFEF000;
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    HT_CHECK_EQ(MI_ELF_MAX_SEGMENTS, Info.SegmentCount);
    HT_CHECK_EQ(0x7FFF0000, Info.HighestAddress);
    HT_CHECK(InfoIsSound(&Info, IMAGE_SIZE, USER_MINIMUM, USER_MAXIMUM));

    /* the whole address space allowed: a segment in the last page but one */
    BuildImage(&I);
    I.Phdr[1].VAddr = 0xFFFFE000;
    I.Phdr[1].MemSz = 0x1000;
    const void *Copy = Guarded(I.Bytes, IMAGE_SIZE);
    HT_CHECK_EQ(STATUS_SUCCESS, MiValidateElfImage(Copy, IMAGE_SIZE, 0, 0xFFFFFFFF, &Info));
    HT_CHECK_EQ(0xFFFFF000, Info.HighestAddress);
    ReleaseGuarded();
}

/* ---- one test per malformed kind */

HT_TEST(elf_refuses_short_file)
{
    IMAGE I;
    MI_ELF_IMAGE Info;

    BuildImage(&I);
    HT_CHECK_EQ(BAD, Validate(I.Bytes, sizeof(EHDR) - 1, &Info));
    HT_CHECK_EQ(BAD, Validate(I.Bytes, 0, &Info));
    HT_CHECK_EQ(BAD, MiValidateElfImage(NULL, 0, USER_MINIMUM, USER_MAXIMUM, &Info));
}

HT_TEST(elf_refuses_bad_magic)
{
    for (int K = 0; K < 4; K++) {
        IMAGE I;
        BuildImage(&I);
        I.Bytes[K] ^= 0x20;
        EXPECT_REFUSED(&I);
    }
}

HT_TEST(elf_refuses_not_class32)
{
    IMAGE I;
    BuildImage(&I);
    I.Ehdr.Ident[4] = 2; /* ELFCLASS64 */
    EXPECT_REFUSED(&I);
    I.Ehdr.Ident[4] = 0;
    EXPECT_REFUSED(&I);
}

HT_TEST(elf_refuses_big_endian)
{
    IMAGE I;
    BuildImage(&I);
    I.Ehdr.Ident[5] = 2; /* ELFDATA2MSB */
    EXPECT_REFUSED(&I);
}

HT_TEST(elf_refuses_bad_version)
{
    IMAGE I;
    BuildImage(&I);
    I.Ehdr.Ident[6] = 2;
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Ehdr.Version = 0;
    EXPECT_REFUSED(&I);
}

HT_TEST(elf_refuses_not_executable_type)
{
    static const unsigned short Types[] = { 0, 1, 3, 4, 0xFE00 }; /* none, REL, DYN, CORE, OS */
    for (size_t K = 0; K < ARRAYSIZE(Types); K++) {
        IMAGE I;
        BuildImage(&I);
        I.Ehdr.Type = Types[K];
        EXPECT_REFUSED(&I);
    }
}

HT_TEST(elf_refuses_other_machine)
{
    static const unsigned short Machines[] = { 0, 6, 40, 62 }; /* none, 486, ARM, x86-64 */
    for (size_t K = 0; K < ARRAYSIZE(Machines); K++) {
        IMAGE I;
        BuildImage(&I);
        I.Ehdr.Machine = Machines[K];
        EXPECT_REFUSED(&I);
    }
}

HT_TEST(elf_refuses_wrong_phentsize)
{
    IMAGE I;
    BuildImage(&I);
    I.Ehdr.PhEntSize = 56; /* ELF64's */
    EXPECT_REFUSED(&I);
    I.Ehdr.PhEntSize = 0;
    EXPECT_REFUSED(&I);
}

HT_TEST(elf_refuses_program_headers_outside_file)
{
    IMAGE I;
    BuildImage(&I);
    I.Ehdr.PhOff = IMAGE_SIZE - 3 * sizeof(PHDR); /* the fourth header runs past the end */
    memcpy(I.Bytes + I.Ehdr.PhOff, I.Phdr, 3 * sizeof(PHDR));
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Ehdr.PhOff = 0xFFFFFFF0; /* offset + size wraps in 32 bits */
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Ehdr.PhNum = 0xFFFF;
    EXPECT_REFUSED(&I);
}

HT_TEST(elf_refuses_no_load_segment)
{
    IMAGE I;
    BuildImage(&I);
    I.Ehdr.PhNum = 0;
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Phdr[0].Type = 4;
    I.Phdr[1].Type = 6;
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Phdr[0].MemSz = I.Phdr[0].FileSz = 0; /* only empty ones (and no home for the entry) */
    I.Phdr[1].MemSz = I.Phdr[1].FileSz = 0;
    EXPECT_REFUSED(&I);
}

HT_TEST(elf_refuses_too_many_segments)
{
    IMAGE I;
    BuildImage(&I);
    I.Ehdr.PhNum = MI_ELF_MAX_SEGMENTS + 1;
    for (int K = 2; K < MI_ELF_MAX_SEGMENTS + 1; K++) {
        I.Phdr[K] = (PHDR){ 1, 0x2000, 0x10000000 + K * 0x10000, 0, 0x10, 0x1000, 4, 0x1000 };
    }
    EXPECT_REFUSED(&I);
}

HT_TEST(elf_refuses_interpreter_or_dynamic)
{
    IMAGE I;
    BuildImage(&I);
    I.Phdr[3].Type = 3; /* PT_INTERP */
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Phdr[2].Type = 2; /* PT_DYNAMIC */
    EXPECT_REFUSED(&I);
}

HT_TEST(elf_refuses_filesz_above_memsz)
{
    IMAGE I;
    BuildImage(&I);
    I.Phdr[1].MemSz = 0x80;
    EXPECT_REFUSED(&I);
}

HT_TEST(elf_refuses_file_bytes_beyond_file)
{
    IMAGE I;
    BuildImage(&I);
    I.Phdr[1].FileSz = 0x101; /* one byte past the end */
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Phdr[1].Offset = 0xFFFFF000; /* offset + size wraps in 32 bits */
    I.Phdr[1].VAddr = 0x402000;
    I.Phdr[1].FileSz = 0x1100;
    I.Phdr[1].MemSz = 0x3000;
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Phdr[1].Offset = 0x3000; /* empty file part, but starting past the end */
    I.Phdr[1].FileSz = 0;
    EXPECT_REFUSED(&I);
}

HT_TEST(elf_refuses_segment_below_minimum)
{
    IMAGE I;
    BuildImage(&I);
    I.Phdr[1].VAddr = 0x2000; /* below 64 KB */
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Phdr[1].VAddr = 0;
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Phdr[1].VAddr = USER_MINIMUM + 0x10; /* its first page starts at the minimum: fine */
    I.Phdr[1].Offset = 0x2010;
    I.Phdr[1].FileSz = 0xF0;
    MI_ELF_IMAGE Info;
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
}

HT_TEST(elf_refuses_segment_above_maximum)
{
    IMAGE I;
    BuildImage(&I);
    I.Phdr[1].VAddr = 0x7FFEF000; /* its bss runs into 0x7FFF0000 */
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Phdr[1].VAddr = 0x80000000; /* kernel space */
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Phdr[1].VAddr = 0xC0002000;
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Phdr[1].MemSz = 0xFFFFFFFF; /* vaddr + memsz wraps in 32 bits */
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Phdr[1].VAddr = 0x7FFEF000;
    I.Phdr[1].MemSz = 0x1001; /* one byte into the next page maps that whole page */
    EXPECT_REFUSED(&I);

    /* with the whole address space allowed, a segment ending at 4 GB has no exclusive end */
    BuildImage(&I);
    I.Phdr[1].VAddr = 0xFFFFF000;
    I.Phdr[1].MemSz = 0x1000;
    MI_ELF_IMAGE Info;
    const void *Copy = Guarded(I.Bytes, IMAGE_SIZE);
    HT_CHECK_EQ(BAD, MiValidateElfImage(Copy, IMAGE_SIZE, 0, 0xFFFFFFFF, &Info));
    ReleaseGuarded();
}

HT_TEST(elf_refuses_overlapping_segments)
{
    IMAGE I;
    BuildImage(&I);
    I.Phdr[1].VAddr = 0x401000; /* inside the text's second page */
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Phdr[1].VAddr = 0x401800; /* after the text's last byte, but in its last page */
    I.Phdr[1].Offset = 0x1800;
    I.Phdr[1].FileSz = 0x100;
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Phdr[1].VAddr = 0x3FF000; /* below the text, its bss covering it */
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Phdr[1] = I.Phdr[0]; /* the same segment twice */
    EXPECT_REFUSED(&I);
}

HT_TEST(elf_refuses_offset_not_congruent)
{
    IMAGE I;
    BuildImage(&I);
    I.Phdr[1].VAddr = 0x402010;
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Phdr[0].Offset = 0x800;
    I.Phdr[0].FileSz = 0x800;
    EXPECT_REFUSED(&I);
}

HT_TEST(elf_refuses_bad_entry_point)
{
    IMAGE I;
    BuildImage(&I);
    I.Ehdr.Entry = 0;
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Ehdr.Entry = 0x402010; /* in the data segment, which is not executable */
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Ehdr.Entry = 0x401100; /* just past the text */
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Ehdr.Entry = 0x500000; /* in no segment */
    EXPECT_REFUSED(&I);
    BuildImage(&I);
    I.Ehdr.Entry = 0x4010FF; /* the last byte of the text is fine */
    MI_ELF_IMAGE Info;
    HT_CHECK_EQ(STATUS_SUCCESS, Validate(I.Bytes, IMAGE_SIZE, &Info));
    BuildImage(&I);
    I.Phdr[0].Flags = 4; /* text not executable: the entry has no executable home */
    EXPECT_REFUSED(&I);
}

/* ---- truncation and corruption */

HT_TEST(elf_every_truncation)
{
    IMAGE I;
    MI_ELF_IMAGE Info;
    int Accepted = 0;

    BuildImage(&I);
    for (size_t Length = 0; Length <= IMAGE_SIZE; Length++) {
        NTSTATUS Status = Validate(I.Bytes, Length, &Info);
        /* the data segment's file bytes end at the very end: every shorter file lacks some */
        if (Length < IMAGE_SIZE) {
            if (Status != BAD) {
                printf("[FAIL] truncated to %u bytes: status 0x%08X\n", (unsigned)Length, Status);
                ht_failed_now = 1;
            }
        } else {
            HT_CHECK_EQ(STATUS_SUCCESS, Status);
            Accepted = Status == STATUS_SUCCESS;
        }
    }
    HT_CHECK(Accepted);
}

HT_TEST(elf_random_byte_flips)
{
    IMAGE I, Flipped;
    MI_ELF_IMAGE Info;
    unsigned Seed = 20240601, Accepted = 0, Refused = 0;
    /* bytes the validator reads: the ELF header and the four program headers */
    const unsigned HeaderBytes = sizeof(EHDR) + 4 * sizeof(PHDR);

    BuildImage(&I);
    for (int Round = 0; Round < 20000; Round++) {
        Flipped = I;
        Seed = Seed * 1103515245u + 12345u;
        int Flips = 1 + (Seed >> 16) % 4;
        for (int F = 0; F < Flips; F++) {
            Seed = Seed * 1103515245u + 12345u;
            unsigned Where = (Seed >> 8) % 10 < 9 ? (Seed >> 12) % HeaderBytes
                                                  : (Seed >> 12) % IMAGE_SIZE;
            Seed = Seed * 1103515245u + 12345u;
            /* half single-bit flips, half whole new bytes (0x00 / 0xFF are likely limits) */
            unsigned char Value = (Seed >> 24) & 1 ? (unsigned char)(1u << ((Seed >> 16) & 7))
                                                   : (unsigned char)(Seed >> 8);
            if ((Seed >> 24) & 1) {
                Flipped.Bytes[Where] ^= Value;
            } else {
                Flipped.Bytes[Where] = Value;
            }
        }
        /* a random length too, sometimes */
        size_t Length = (Seed >> 4) % 8 == 0 ? (Seed >> 7) % (IMAGE_SIZE + 1) : IMAGE_SIZE;
        NTSTATUS Status = Validate(Flipped.Bytes, Length, &Info);
        if (Status == STATUS_SUCCESS) {
            Accepted++;
            if (!InfoIsSound(&Info, Length, USER_MINIMUM, USER_MAXIMUM)) {
                printf("[FAIL] round %d: accepted an image with unsound Info\n", Round);
                ht_failed_now = 1;
                return;
            }
        } else if (Status == BAD) {
            Refused++;
        } else {
            printf("[FAIL] round %d: status 0x%08X\n", Round, Status);
            ht_failed_now = 1;
            return;
        }
    }
    printf("  %u accepted, %u refused\n", Accepted, Refused);
    HT_CHECK(Accepted > 100 && Refused > 1000); /* both outcomes are exercised */
}

HT_MAIN()
