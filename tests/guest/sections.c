/*
 * sections.c - sections and views (docs/sections.md): an image section made from a PE32 file
 * this test writes to the disk, mapped at its preferred base with each section's protection and
 * mapped again elsewhere with its relocations applied (STATUS_IMAGE_NOT_AT_BASE); images that
 * cannot be relocated; bad images refused with STATUS_INVALID_IMAGE_FORMAT; data sections (paging
 * file and file-backed) shared between two views and with a child process; unmapping; the bad
 * arguments of every service; and the mingw-linked sample on the disk when the build had one.
 * As a child ("sections.exe child") it opens the parent's named section, checks and answers.
 * Started from the disk (MANIFEST: init=\SystemRoot\system32\sections.exe, disk=yes).
 */
#include "testlib.h"
#include "ntpath.h"

#define D "\\??\\C:\\sections"
#define BASE 0x10000000u
#define KERNEL_POINTER ((PVOID)0x80001000)
#define MS(n) (-(LONGLONG)(n) * 10000)

static NT_PATH_ATTRIBUTES PathStore;
static IO_STATUS_BLOCK Iosb;

static POBJECT_ATTRIBUTES Attr(PCSTR Path) { return NtPathAttributes(&PathStore, Path, NULL); }

/* ------------------------------------------------------------------ a PE32 image, built here */

/*
 * The same image as tests/host/test_pe.c's (0xC00 bytes, base 0x10000000, SizeOfImage 0x7000):
 * headers; .text RVA 0x1000 (R+X, code); .data RVA 0x2000, 0x3000 bytes (R+W, 0x200 from the
 * file); .rdata RVA 0x5000 (R); .reloc RVA 0x6000. HIGHLOW fixups at 0x1010, 0x1020, 0x1FFE
 * (straddling .text and .data), 0x2004 and 0x507C.
 */
#define IMAGE_SIZE 0xC00
static UCHAR Image[IMAGE_SIZE];

static void Put16(ULONG Offset, USHORT Value) { memcpy(&Image[Offset], &Value, 2); }
static void Put32(ULONG Offset, ULONG Value) { memcpy(&Image[Offset], &Value, 4); }
static ULONG Get32(ULONG Address) { ULONG v; memcpy(&v, (PVOID)Address, 4); return v; }

static void Section(int Index, const char *Name, ULONG VirtualSize, ULONG Rva, ULONG RawSize, ULONG RawOffset,
                    ULONG Characteristics)
{
    ULONG s = 0x80 + 248 + Index * 40;
    memcpy(&Image[s], Name, strlen(Name));
    Put32(s + 8, VirtualSize);
    Put32(s + 12, Rva);
    Put32(s + 16, RawSize);
    Put32(s + 20, RawOffset);
    Put32(s + 36, Characteristics);
}

static void BuildImage(void)
{
    memset(Image, 0, sizeof(Image));
    Put16(0, 0x5A4D);
    Put32(0x3C, 0x80);
    Put32(0x80, 0x4550);
    Put16(0x84, 0x14C);                 /* Machine */
    Put16(0x86, 4);                     /* NumberOfSections */
    Put16(0x94, 224);                   /* SizeOfOptionalHeader */
    Put16(0x96, 0x0102);                /* executable, 32-bit */
    ULONG o = 0x98;                     /* optional header */
    Put16(o, 0x10B);
    Put32(o + 16, 0x1000);              /* AddressOfEntryPoint */
    Put32(o + 28, BASE);                /* ImageBase */
    Put32(o + 32, 0x1000);
    Put32(o + 36, 0x200);
    Put16(o + 48, 4);                   /* subsystem version 4.1 */
    Put16(o + 50, 1);
    Put32(o + 56, 0x7000);              /* SizeOfImage */
    Put32(o + 60, 0x400);               /* SizeOfHeaders */
    Put16(o + 68, 3);                   /* Subsystem: console */
    Put32(o + 72, 0x100000);            /* stack reserve, commit */
    Put32(o + 76, 0x2000);
    Put32(o + 92, 16);
    Put32(o + 96 + 5 * 8, 0x6000);      /* base relocations */
    Put32(o + 96 + 5 * 8 + 4, 40);
    Section(0, ".text", 0x100, 0x1000, 0x200, 0x400, 0x60000020);
    Section(1, ".data", 0x3000, 0x2000, 0x200, 0x600, 0xC0000040);
    Section(2, ".rdata", 0x80, 0x5000, 0x200, 0x800, 0x40000040);
    Section(3, ".reloc", 40, 0x6000, 0x200, 0xA00, 0x42000040);
    for (int k = 0; k < 0x100; k++)
        Image[0x400 + k] = (UCHAR)(0xC3 ^ k);
    Put32(0x410, BASE + 0x2000);
    Put32(0x420, BASE + 0x5000);
    Image[0x600] = 0x34;
    Image[0x601] = 0x12;
    Put32(0x604, BASE + 0x1000);
    Put32(0x87C, BASE + 0x6000);
    static const USHORT Entries[] = { 0x3010, 0x3020, 0x3FFE, 0, 0x3004, 0, 0x307C, 0 };
    Put32(0xA00, 0x1000); Put32(0xA04, 16); memcpy(&Image[0xA08], &Entries[0], 8);
    Put32(0xA10, 0x2000); Put32(0xA14, 12); memcpy(&Image[0xA18], &Entries[4], 4);
    Put32(0xA1C, 0x5000); Put32(0xA20, 12); memcpy(&Image[0xA24], &Entries[6], 4);
}

/* Write Length bytes of Data as the file Path (replacing it). */
static NTSTATUS WriteFile(PCSTR Path, const void *Data, ULONG Length)
{
    HANDLE h;
    NTSTATUS s = NtCreateFile(&h, GENERIC_WRITE | SYNCHRONIZE, Attr(Path), &Iosb, NULL, 0, 0, FILE_OVERWRITE_IF,
                              FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE, NULL, 0);
    if (!NT_SUCCESS(s))
        return s;
    LARGE_INTEGER at = { .QuadPart = 0 };
    if (Length)
        s = NtWriteFile(h, NULL, NULL, NULL, &Iosb, (PVOID)Data, Length, &at, NULL);
    NtClose(h);
    return s;
}

static NTSTATUS OpenFile(PCSTR Path, ACCESS_MASK Access, PHANDLE H)
{
    *H = NULL;
    return NtCreateFile(H, Access | SYNCHRONIZE, Attr(Path), &Iosb, NULL, 0, FILE_SHARE_READ, FILE_OPEN,
                        FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
}

/* An image section from the bytes Image[0, Length) written to Path. */
static NTSTATUS ImageSectionFrom(PCSTR Path, ULONG Length, PHANDLE Section)
{
    HANDLE file;
    *Section = NULL;
    NTSTATUS s = WriteFile(Path, Image, Length);
    if (NT_SUCCESS(s))
        s = OpenFile(Path, FILE_EXECUTE | FILE_READ_DATA, &file);
    if (!NT_SUCCESS(s))
        return s;
    s = NtCreateSection(Section, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE_READ, SEC_IMAGE, file);
    NtClose(file);
    return s;
}

static NTSTATUS Map(HANDLE Section, PULONG Base, PULONG Size, ULONG Protect)
{
    SIZE_T size = *Size;
    PVOID base = (PVOID)*Base;
    NTSTATUS s = NtMapViewOfSection(Section, NtCurrentProcess(), &base, 0, 0, NULL, &size, ViewUnmap, 0, Protect);
    *Base = (ULONG)base;
    *Size = size;
    return s;
}

/* ------------------------------------------------------------------ probing pages */

extern char ProbeReadInstruction[] __asm__("ProbeReadInstruction");
extern char ProbeWriteInstruction[] __asm__("ProbeWriteInstruction");
static volatile int ProbeFaults;

static LONG NTAPI ProbeHandler(PEXCEPTION_POINTERS Ep)
{
    PVOID at = Ep->ExceptionRecord->ExceptionAddress;
    if (Ep->ExceptionRecord->ExceptionCode != STATUS_ACCESS_VIOLATION ||
        (at != (PVOID)ProbeReadInstruction && at != (PVOID)ProbeWriteInstruction))
        return EXCEPTION_CONTINUE_SEARCH;
    ProbeFaults++;
    Ep->ContextRecord->Eip += 2;       /* movl (%eax), %ecx / movl %ecx, (%eax) */
    return EXCEPTION_CONTINUE_EXECUTION;
}

/* Can the byte at Address be read / written (the write stores back what was there)? */
static __attribute__((noinline, noclone)) int CanRead(ULONG Address)
{
    int before = ProbeFaults;
    ULONG v;
    __asm__ volatile(".globl ProbeReadInstruction\n"
                     "ProbeReadInstruction: movl (%%eax), %%ecx\n" : "=c"(v) : "a"(Address & ~3u) : "memory");
    (void)v;
    return ProbeFaults == before;
}

static __attribute__((noinline, noclone)) int CanWrite(ULONG Address)
{
    if (!CanRead(Address))
        return 0;
    int before = ProbeFaults;
    ULONG v = Get32(Address & ~3u);
    __asm__ volatile(".globl ProbeWriteInstruction\n"
                     "ProbeWriteInstruction: movl %%ecx, (%%eax)\n" :: "a"(Address & ~3u), "c"(v) : "memory");
    return ProbeFaults == before;
}

/* ------------------------------------------------------------------ image sections */

static void CheckImageView(ULONG Base)
{
    ULONG delta = Base - BASE;
    TL_CHECK_EQ(0x5A4D, *(USHORT *)Base);
    TL_CHECK_EQ(Base, Get32(Base + 0x98 + 28));              /* the header's ImageBase: where it is */
    TL_CHECK_EQ(0xC3 ^ 0x05, *(UCHAR *)(Base + 0x1005));     /* text */
    TL_CHECK_EQ(BASE + 0x2000 + delta, Get32(Base + 0x1010));
    TL_CHECK_EQ(BASE + 0x5000 + delta, Get32(Base + 0x1020));
    TL_CHECK_EQ(0x12340000u + delta, Get32(Base + 0x1FFE));  /* straddles two pages */
    TL_CHECK_EQ(BASE + 0x1000 + delta, Get32(Base + 0x2004));
    TL_CHECK_EQ(BASE + 0x6000 + delta, Get32(Base + 0x507C));
    TL_CHECK_EQ(0, Get32(Base + 0x4FFC));                    /* .data's zero tail */
    TL_CHECK_EQ(0, *(UCHAR *)(Base + 0x1100));               /* past .text's VirtualSize */
    /* protections: headers, text, rdata read-only; data writable (copy on write: private) */
    TL_CHECK(CanRead(Base) && !CanWrite(Base));
    TL_CHECK(CanRead(Base + 0x1000) && !CanWrite(Base + 0x1000));
    TL_CHECK(CanWrite(Base + 0x2000) && CanWrite(Base + 0x4FFC));
    TL_CHECK(CanRead(Base + 0x5000) && !CanWrite(Base + 0x5000));
    TL_CHECK(!CanRead(Base + 0x7000));                       /* nothing past SizeOfImage */
}

TL_TEST(image_at_preferred_base)
{
    HANDLE s;
    BuildImage();
    TL_CHECK_EQ(STATUS_SUCCESS, ImageSectionFrom(D "\\good.exe", IMAGE_SIZE, &s));
    SECTION_BASIC_INFORMATION basic;
    SECTION_IMAGE_INFORMATION info;
    SIZE_T got = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQuerySection(s, SectionBasicInformation, &basic, sizeof(basic), &got));
    TL_CHECK_EQ(sizeof(basic), got);
    TL_CHECK_EQ(SEC_IMAGE | SEC_FILE, basic.AllocationAttributes);
    TL_CHECK_EQ(0x7000, basic.MaximumSize.QuadPart);
    TL_CHECK_EQ(0, (ULONG)basic.BaseAddress);
    memset(&info, 0xCC, sizeof(info));
    TL_CHECK_EQ(STATUS_SUCCESS, NtQuerySection(s, SectionImageInformation, &info, sizeof(info), &got));
    TL_CHECK_EQ(0x30, got);
    TL_CHECK_EQ(BASE + 0x1000, (ULONG)info.TransferAddress);
    TL_CHECK_EQ(0, info.ZeroBits);
    TL_CHECK_EQ(0x100000, info.MaximumStackSize);
    TL_CHECK_EQ(0x2000, info.CommittedStackSize);
    TL_CHECK_EQ(3, info.SubSystemType);
    TL_CHECK_EQ(0x00040001, info.SubSystemVersion);
    TL_CHECK_EQ(0x0102, info.ImageCharacteristics);
    TL_CHECK_EQ(0x14C, info.Machine);
    TL_CHECK_EQ(1, info.ImageContainsCode);
    TL_CHECK_EQ(IMAGE_SIZE, info.ImageFileSize);
    TL_CHECK_EQ(0, info.Reserved[0]);

    ULONG base = 0, size = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, Map(s, &base, &size, PAGE_EXECUTE_READ));
    TL_CHECK_EQ(BASE, base);
    TL_CHECK_EQ(0x7000, size);
    if (base != BASE)
        return;
    CheckImageView(base);
    /* a view is not virtual memory to free, and a second unmap finds nothing */
    PVOID b = (PVOID)base;
    SIZE_T z = 0;
    TL_CHECK_EQ(STATUS_UNABLE_TO_DELETE_SECTION, NtFreeVirtualMemory(NtCurrentProcess(), &b, &z, MEM_RELEASE));
    TL_CHECK_EQ(STATUS_SUCCESS, NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)(base + 0x2000)));
    TL_CHECK(!CanRead(base) && !CanRead(base + 0x2000));
    TL_CHECK_EQ(STATUS_NOT_MAPPED_VIEW, NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)base));
    NtClose(s);
}

TL_TEST(image_relocated_when_base_taken)
{
    HANDLE s;
    BuildImage();
    TL_CHECK_EQ(STATUS_SUCCESS, ImageSectionFrom(D "\\good.exe", IMAGE_SIZE, &s));
    ULONG a = 0, b = 0, c = 0x30000000, size = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, Map(s, &a, &size, PAGE_EXECUTE_READ));
    TL_CHECK_EQ(BASE, a);
    TL_CHECK_EQ(STATUS_IMAGE_NOT_AT_BASE, Map(s, &b, &size, PAGE_EXECUTE_READ));
    TL_CHECK(b != BASE && b != 0 && b % 0x10000 == 0);
    if (a != BASE || b == 0)
        return;
    CheckImageView(a);
    CheckImageView(b);
    /* at a base the caller names */
    TL_CHECK_EQ(STATUS_IMAGE_NOT_AT_BASE, Map(s, &c, &size, PAGE_EXECUTE_READ));
    TL_CHECK_EQ(0x30000000, c);
    CheckImageView(c);
    /* each view has its own copy of the writable pages */
    *(volatile ULONG *)(a + 0x3000) = 0xAAAA5555;
    TL_CHECK_EQ(0, Get32(b + 0x3000));
    /* named bases that are taken or misaligned */
    ULONG d = BASE;
    TL_CHECK_EQ(STATUS_CONFLICTING_ADDRESSES, Map(s, &d, &size, PAGE_EXECUTE_READ));
    d = 0x30001000;
    TL_CHECK_EQ(STATUS_MAPPED_ALIGNMENT, Map(s, &d, &size, PAGE_EXECUTE_READ));
    TL_CHECK_EQ(STATUS_SUCCESS, NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)a));
    TL_CHECK_EQ(STATUS_SUCCESS, NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)b));
    TL_CHECK_EQ(STATUS_SUCCESS, NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)c));
    /* the preferred base is free again */
    d = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, Map(s, &d, &size, PAGE_EXECUTE_READ));
    TL_CHECK_EQ(BASE, d);
    NtClose(s);                                /* the view keeps the section */
    CheckImageView(d);
    TL_CHECK_EQ(STATUS_SUCCESS, NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)d));
}

TL_TEST(image_without_relocations)
{
    HANDLE s;
    BuildImage();
    Image[0x96] |= 1;                          /* IMAGE_FILE_RELOCS_STRIPPED */
    TL_CHECK_EQ(STATUS_SUCCESS, ImageSectionFrom(D "\\fixed.exe", IMAGE_SIZE, &s));
    ULONG a = 0, b = 0, size = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, Map(s, &a, &size, PAGE_EXECUTE_READ));
    TL_CHECK_EQ(STATUS_CONFLICTING_ADDRESSES, Map(s, &b, &size, PAGE_EXECUTE_READ));
    b = 0x30000000;
    TL_CHECK_EQ(STATUS_CONFLICTING_ADDRESSES, Map(s, &b, &size, PAGE_EXECUTE_READ));
    TL_CHECK_EQ(STATUS_SUCCESS, NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)a));
    NtClose(s);
}

TL_TEST(bad_images_refused)
{
    static const struct { ULONG Offset; ULONG Value; ULONG Bytes; const char *What; } Cases[] = {
        { 0x00, 0x5A4E, 2, "DOS magic" },
        { 0x3C, 0x7FFFFFF0, 4, "e_lfanew far away" },
        { 0x80, 0x4551, 4, "PE signature" },
        { 0x84, 0x8664, 2, "machine x64" },
        { 0x96, 0x0100, 2, "not executable" },
        { 0x98, 0x20B, 2, "PE32+" },
        { 0x98 + 32, 0x1800, 4, "section alignment" },
        { 0x98 + 56, 0x6000, 4, "SizeOfImage short" },
        { 0x98 + 60, 0x1001, 4, "SizeOfHeaders past the file" },
        { 0x80 + 248 + 40 + 12, 0x3000, 4, "a hole between sections" },
        { 0x80 + 248 + 80 + 16, 0x10000, 4, "section bytes past the file" },
        { 0xA08, 0x1010, 2, "relocation type HIGH" },
        { 0xA04, 0xFFF8, 4, "relocation block size" },
        { 0x98 + 16, 0x7000, 4, "entry point outside" },
    };
    HANDLE s = (HANDLE)1;
    for (ULONG k = 0; k < ARRAYSIZE(Cases); k++) {
        BuildImage();
        memcpy(&Image[Cases[k].Offset], &Cases[k].Value, Cases[k].Bytes);
        NTSTATUS st = ImageSectionFrom(D "\\bad.exe", IMAGE_SIZE, &s);
        if (st != STATUS_INVALID_IMAGE_FORMAT || s != NULL)
            TL_FAIL("%s: status 0x%08lX, handle %p", Cases[k].What, (unsigned long)st, s);
    }
    /* truncated files, an empty one, a text file */
    static const ULONG Lengths[] = { 0, 1, 63, 64, 0x100, 0x3FF, 0x400, 0x800, 0xBFF };
    BuildImage();
    for (ULONG k = 0; k < ARRAYSIZE(Lengths); k++)
        TL_CHECK_EQ(STATUS_INVALID_IMAGE_FORMAT, ImageSectionFrom(D "\\bad.exe", Lengths[k], &s));
    TL_CHECK_EQ(STATUS_SUCCESS, WriteFile(D "\\text.txt", "just some text, not an image\r\n", 31));
    HANDLE f;
    TL_CHECK_EQ(STATUS_SUCCESS, OpenFile(D "\\text.txt", FILE_EXECUTE, &f));
    TL_CHECK_EQ(STATUS_INVALID_IMAGE_FORMAT, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE,
                                                             SEC_IMAGE, f));
    NtClose(f);
    /* random corruption of the headers: refused or accepted, never anything else */
    ULONG seed = 1406, refused = 0, accepted = 0;
    for (int round = 0; round < 60; round++) {
        BuildImage();
        for (int flip = 0; flip < 3; flip++) {
            seed = seed * 1103515245u + 12345u;
            Image[(seed >> 8) % 0x240] ^= (UCHAR)(1u << ((seed >> 20) & 7));
        }
        NTSTATUS st = ImageSectionFrom(D "\\bad.exe", IMAGE_SIZE, &s);
        if (st == STATUS_INVALID_IMAGE_FORMAT) {
            refused++;
        } else if (NT_SUCCESS(st)) {
            accepted++;
            ULONG base = 0, size = 0;
            NTSTATUS m = Map(s, &base, &size, PAGE_EXECUTE_READ);
            if (NT_SUCCESS(m))
                NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)base);
            NtClose(s);
        } else {
            TL_FAIL("round %d: status 0x%08lX", round, (unsigned long)st);
        }
    }
    printf("  corrupted images: %lu accepted, %lu refused\n", (unsigned long)accepted, (unsigned long)refused);
}

TL_TEST(mingw_image_from_disk)
{
    HANDLE f, s;
    NTSTATUS st = OpenFile("\\SystemRoot\\system32\\pe_sample_a.exe", FILE_EXECUTE, &f);
    if (st == STATUS_OBJECT_NAME_NOT_FOUND) {
        printf("  no mingw-linked sample on the disk\n");
        return;
    }
    TL_CHECK_EQ(STATUS_SUCCESS, st);
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE, SEC_IMAGE, f));
    NtClose(f);
    SECTION_IMAGE_INFORMATION info;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQuerySection(s, SectionImageInformation, &info, sizeof(info), NULL));
    TL_CHECK_EQ(0x14C, info.Machine);
    ULONG a = 0, b = 0, size = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, Map(s, &a, &size, PAGE_EXECUTE));
    TL_CHECK_EQ(0x10000000, a);
    TL_CHECK_EQ(STATUS_IMAGE_NOT_AT_BASE, Map(s, &b, &size, PAGE_EXECUTE));
    /* the two views differ exactly by the relocation delta wherever the linker put a fixup:
       the entry code is the same program; CounterPointer (in .data) points into each view */
    TL_CHECK_EQ(0x5A4D, *(USHORT *)a);
    TL_CHECK_EQ(0x5A4D, *(USHORT *)b);
    TL_CHECK(CanRead(a + 0x1000) && !CanWrite(a + 0x1000));
    NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)a);
    NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)b);
    NtClose(s);
}

/* ------------------------------------------------------------------ data sections */

#define SHARED_NAME "\\BaseNamedObjects\\NanoSectionShared"
#define MAGIC 0x5EC71011u

TL_TEST(data_section_shared)
{
    HANDLE s, p = 0, t = 0;
    LARGE_INTEGER max = { .QuadPart = 0x3000 };
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateSection(&s, SECTION_ALL_ACCESS, Attr(SHARED_NAME), &max, PAGE_READWRITE,
                                                SEC_COMMIT, NULL));
    SECTION_BASIC_INFORMATION basic;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQuerySection(s, SectionBasicInformation, &basic, sizeof(basic), NULL));
    TL_CHECK_EQ(SEC_COMMIT, basic.AllocationAttributes);
    TL_CHECK_EQ(0x3000, basic.MaximumSize.QuadPart);
    SECTION_IMAGE_INFORMATION info;
    TL_CHECK_EQ(STATUS_SECTION_NOT_IMAGE, NtQuerySection(s, SectionImageInformation, &info, sizeof(info), NULL));
    ULONG a = 0, b = 0, r = 0, size = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, Map(s, &a, &size, PAGE_READWRITE));
    TL_CHECK_EQ(0x3000, size);
    TL_CHECK_EQ(STATUS_SUCCESS, Map(s, &b, &size, PAGE_READWRITE));
    TL_CHECK(a != b);
    TL_CHECK_EQ(0, Get32(a + 0x2FFC));                       /* zeroed */
    *(volatile ULONG *)(a + 0x1000) = MAGIC;
    TL_CHECK_EQ(MAGIC, Get32(b + 0x1000));                   /* one page, two views */
    TL_CHECK_EQ(STATUS_SUCCESS, Map(s, &r, &size, PAGE_READONLY));
    TL_CHECK_EQ(MAGIC, Get32(r + 0x1000));
    TL_CHECK(CanRead(r) && !CanWrite(r));
    TL_CHECK(!CanRead(a + 0x3000));

    /* another process opens it by name, maps it, reads ours and answers */
    static WCHAR path[] = u"\\SystemRoot\\system32\\sections.exe", cmd[] = u"sections.exe child";
    UNICODE_STRING up = { sizeof(path) - 2, sizeof(path), path }, uc = { sizeof(cmd) - 2, sizeof(cmd), cmd };
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateUserProcessFromPath(&p, &t, PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS, &up, &uc,
                                                            0, NULL));
    LARGE_INTEGER timeout = { .QuadPart = MS(10000) };
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForSingleObject(p, FALSE, &timeout));
    PROCESS_BASIC_INFORMATION pbi;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationProcess(p, ProcessBasicInformation, &pbi, sizeof(pbi), NULL));
    TL_CHECK_EQ(0, pbi.ExitStatus);
    TL_CHECK_EQ(~MAGIC, Get32(a + 0x2000));                  /* the child's answer */
    NtClose(p);
    NtClose(t);

    /* map into another process by handle: the child is gone, so use ourselves through a real handle */
    NtClose(s);                                              /* views keep the section */
    TL_CHECK_EQ(MAGIC, Get32(b + 0x1000));
    TL_CHECK_EQ(STATUS_SUCCESS, NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)a));
    TL_CHECK_EQ(STATUS_SUCCESS, NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)r));
    TL_CHECK_EQ(MAGIC, Get32(b + 0x1000));
    TL_CHECK_EQ(STATUS_SUCCESS, NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)b));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, NtOpenSection(&s, SECTION_QUERY, Attr(SHARED_NAME)));
}

/* The child: open the parent's section, check its word, answer. Exit status 0 = all went well;
   its view is still mapped when it exits (the process's end removes it). */
static int Child(void)
{
    HANDLE s;
    NTSTATUS st = NtOpenSection(&s, SECTION_MAP_READ | SECTION_MAP_WRITE, Attr(SHARED_NAME));
    if (st)
        return 0x100 | (st & 0xFF);
    ULONG base = 0, size = 0;
    if ((st = Map(s, &base, &size, PAGE_READWRITE)))
        return 0x200 | (st & 0xFF);
    if (size != 0x3000 || Get32(base + 0x1000) != MAGIC)
        return 0x300;
    *(volatile ULONG *)(base + 0x2000) = ~MAGIC;
    SECTION_BASIC_INFORMATION basic;
    if (NtQuerySection(s, SectionBasicInformation, &basic, sizeof(basic), NULL) != STATUS_ACCESS_DENIED)
        return 0x400;                                        /* no SECTION_QUERY on this handle */
    return 0;
}

TL_TEST(data_section_views)
{
    HANDLE s, ro;
    LARGE_INTEGER max = { .QuadPart = 0x21000 };
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &max, PAGE_READWRITE, SEC_COMMIT, NULL));
    /* a view at an offset: 64 KiB granularity, inside the section */
    LARGE_INTEGER offset = { .QuadPart = 0x10000 };
    PVOID base = NULL, whole = NULL;
    SIZE_T size = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, NtMapViewOfSection(s, NtCurrentProcess(), &whole, 0, 0, NULL, &size, ViewShare, 0,
                                                   PAGE_READWRITE));
    TL_CHECK_EQ(0x21000, size);
    size = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, &offset, &size, ViewShare, 0,
                                                   PAGE_READWRITE));
    TL_CHECK_EQ(0x11000, size);
    *(volatile ULONG *)((ULONG)base + 4) = 77;
    TL_CHECK_EQ(77, Get32((ULONG)whole + 0x10004));
    NtUnmapViewOfSection(NtCurrentProcess(), base);
    offset.QuadPart = 0x1000;
    base = NULL;
    TL_CHECK_EQ(STATUS_MAPPED_ALIGNMENT, NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, &offset, &size,
                                                            ViewShare, 0, PAGE_READWRITE));
    offset.QuadPart = 0x30000;
    TL_CHECK_EQ(STATUS_INVALID_VIEW_SIZE, NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, &offset, &size,
                                                             ViewShare, 0, PAGE_READWRITE));
    offset.QuadPart = 0;
    size = 0x22000;
    TL_CHECK_EQ(STATUS_INVALID_VIEW_SIZE, NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, &offset, &size,
                                                             ViewShare, 0, PAGE_READWRITE));
    /* a view inside an existing one, and a commit inside a view */
    base = whole;
    size = 0;
    TL_CHECK_EQ(STATUS_CONFLICTING_ADDRESSES, NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                                                 ViewShare, 0, PAGE_READWRITE));
    base = whole;
    size = 0x1000;
    TL_CHECK_EQ(STATUS_CONFLICTING_ADDRESSES, NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_COMMIT,
                                                                      PAGE_READWRITE));
    NtUnmapViewOfSection(NtCurrentProcess(), whole);
    NtClose(s);

    /* a read-only section cannot have writable or executable views */
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateSection(&ro, SECTION_ALL_ACCESS, NULL, &max, PAGE_READONLY, SEC_COMMIT, NULL));
    base = NULL;
    size = 0;
    TL_CHECK_EQ(STATUS_SECTION_PROTECTION, NtMapViewOfSection(ro, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                                              ViewShare, 0, PAGE_READWRITE));
    TL_CHECK_EQ(STATUS_SECTION_PROTECTION, NtMapViewOfSection(ro, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                                              ViewShare, 0, PAGE_EXECUTE_READ));
    /* a handle without SECTION_MAP_WRITE cannot make a writable view */
    HANDLE readOnly;
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateSection(&readOnly, SECTION_MAP_READ | SECTION_QUERY, NULL, &max,
                                                PAGE_READWRITE, SEC_COMMIT, NULL));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtMapViewOfSection(readOnly, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                                         ViewShare, 0, PAGE_READWRITE));
    NtClose(readOnly);
    NtClose(ro);
}

TL_TEST(file_backed_data_section)
{
    static char text[5000];
    for (ULONG k = 0; k < sizeof(text); k++)
        text[k] = (char)('a' + k % 26);
    TL_CHECK_EQ(STATUS_SUCCESS, WriteFile(D "\\data.bin", text, sizeof(text)));
    HANDLE f, s;
    TL_CHECK_EQ(STATUS_SUCCESS, OpenFile(D "\\data.bin", FILE_READ_DATA, &f));
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_READONLY, SEC_COMMIT, f));
    SECTION_BASIC_INFORMATION basic;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQuerySection(s, SectionBasicInformation, &basic, sizeof(basic), NULL));
    TL_CHECK_EQ(SEC_COMMIT | SEC_FILE, basic.AllocationAttributes);
    TL_CHECK_EQ(sizeof(text), basic.MaximumSize.QuadPart);
    ULONG base = 0, size = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, Map(s, &base, &size, PAGE_READONLY));
    TL_CHECK_EQ(0x2000, size);
    TL_CHECK(memcmp((PVOID)base, text, sizeof(text)) == 0);
    TL_CHECK_EQ(0, *(UCHAR *)(base + sizeof(text)));          /* past the end of the file: zero */
    TL_CHECK(!CanWrite(base));
    NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)base);
    NtClose(s);
    /* larger than the file, writable through a read-only handle, executable without FILE_EXECUTE */
    LARGE_INTEGER big = { .QuadPart = sizeof(text) + 1 };
    TL_CHECK_EQ(STATUS_SECTION_TOO_BIG, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &big, PAGE_READONLY,
                                                        SEC_COMMIT, f));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_READWRITE,
                                                      SEC_COMMIT, f));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE,
                                                      SEC_IMAGE, f));
    NtClose(f);
    TL_CHECK_EQ(STATUS_SUCCESS, WriteFile(D "\\empty.bin", "", 0));
    TL_CHECK_EQ(STATUS_SUCCESS, OpenFile(D "\\empty.bin", FILE_READ_DATA, &f));
    TL_CHECK_EQ(STATUS_MAPPED_FILE_SIZE_ZERO, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_READONLY,
                                                              SEC_COMMIT, f));
    NtClose(f);
}

/* ------------------------------------------------------------------ bad arguments */

TL_TEST(bad_arguments)
{
    HANDLE s = NULL, ev, f;
    LARGE_INTEGER max = { .QuadPart = 0x1000 }, negative = { .QuadPart = -1 };
    TL_CHECK_EQ(STATUS_INVALID_PAGE_PROTECTION, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &max, PAGE_NOACCESS,
                                                                SEC_COMMIT, NULL));
    TL_CHECK_EQ(STATUS_INVALID_PAGE_PROTECTION, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &max, 0x104,
                                                                SEC_COMMIT, NULL));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER_6, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &max, PAGE_READWRITE,
                                                            0, NULL));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER_6, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &max, PAGE_READWRITE,
                                                            SEC_IMAGE | SEC_COMMIT, NULL));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER_6, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &max, PAGE_READWRITE,
                                                            SEC_COMMIT | 0x1, NULL));
    TL_CHECK_EQ(STATUS_INVALID_FILE_FOR_SECTION, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE,
                                                                 SEC_IMAGE, NULL));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER_4, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_READWRITE,
                                                            SEC_COMMIT, NULL));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER_4, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &negative,
                                                            PAGE_READWRITE, SEC_COMMIT, NULL));
    LARGE_INTEGER huge = { .QuadPart = 0x100000000ll };
    TL_CHECK_EQ(STATUS_SECTION_TOO_BIG, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &huge, PAGE_READWRITE,
                                                        SEC_COMMIT, NULL));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, KERNEL_POINTER,
                                                         PAGE_READWRITE, SEC_COMMIT, NULL));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtCreateSection(KERNEL_POINTER, SECTION_ALL_ACCESS, NULL, &max,
                                                         PAGE_READWRITE, SEC_COMMIT, NULL));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE, SEC_IMAGE,
                                                       (HANDLE)0x7FF0));
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateEvent(&ev, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE,
                                                             SEC_IMAGE, ev));
    /* a directory is no file for a section */
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateFile(&f, FILE_EXECUTE | FILE_READ_DATA | SYNCHRONIZE, Attr(D), &Iosb, NULL,
                                             0, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN,
                                             FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0));
    TL_CHECK_EQ(STATUS_INVALID_FILE_FOR_SECTION, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE,
                                                                 SEC_IMAGE, f));
    NtClose(f);

    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateSection(&s, SECTION_ALL_ACCESS, NULL, &max, PAGE_READWRITE, SEC_COMMIT, NULL));
    PVOID base = NULL;
    SIZE_T size = 0;
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtMapViewOfSection((HANDLE)0x7FF0, NtCurrentProcess(), &base, 0, 0, NULL,
                                                          &size, ViewShare, 0, PAGE_READWRITE));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, NtMapViewOfSection(ev, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                                                ViewShare, 0, PAGE_READWRITE));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, NtMapViewOfSection(s, ev, &base, 0, 0, NULL, &size, ViewShare, 0,
                                                                PAGE_READWRITE));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtMapViewOfSection(s, NULL, &base, 0, 0, NULL, &size, ViewShare, 0,
                                                          PAGE_READWRITE));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER_4, NtMapViewOfSection(s, NtCurrentProcess(), &base, 1, 0, NULL, &size,
                                                               ViewShare, 0, PAGE_READWRITE));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER_8, NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                                               (SECTION_INHERIT)0, 0, PAGE_READWRITE));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER_9, NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                                               ViewShare, MEM_COMMIT, PAGE_READWRITE));
    TL_CHECK_EQ(STATUS_INVALID_PAGE_PROTECTION, NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                                                   ViewShare, 0, 0));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtMapViewOfSection(s, NtCurrentProcess(), KERNEL_POINTER, 0, 0, NULL,
                                                            &size, ViewShare, 0, PAGE_READWRITE));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, NULL,
                                                            KERNEL_POINTER, ViewShare, 0, PAGE_READWRITE));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, KERNEL_POINTER,
                                                            &size, ViewShare, 0, PAGE_READWRITE));
    base = (PVOID)0x80000000;
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER_3, NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, NULL, &size,
                                                               ViewShare, 0, PAGE_READWRITE));
    base = (PVOID)0x7FFD0000;                  /* would run into the PEB/TEBs and SharedUserData */
    size = 0x40000;
    NTSTATUS st = NtMapViewOfSection(s, NtCurrentProcess(), &base, 0, 0, NULL, &size, ViewShare, 0, PAGE_READWRITE);
    TL_CHECK(st == STATUS_INVALID_VIEW_SIZE || st == STATUS_INVALID_PARAMETER_3 || st == STATUS_CONFLICTING_ADDRESSES);

    TL_CHECK_EQ(STATUS_INVALID_INFO_CLASS, NtQuerySection(s, (SECTION_INFORMATION_CLASS)2, &max, sizeof(max), NULL));
    SECTION_BASIC_INFORMATION basic;
    TL_CHECK_EQ(STATUS_INFO_LENGTH_MISMATCH, NtQuerySection(s, SectionBasicInformation, &basic, sizeof(basic) - 1,
                                                            NULL));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtQuerySection(s, SectionBasicInformation, KERNEL_POINTER, sizeof(basic),
                                                        NULL));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtQuerySection(s, SectionBasicInformation, &basic, sizeof(basic),
                                                        KERNEL_POINTER));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtQuerySection(NULL, SectionBasicInformation, &basic, sizeof(basic), NULL));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, NtQuerySection(ev, SectionBasicInformation, &basic, sizeof(basic), NULL));

    /* private memory and an empty address are no views (this program's own image is one when it
       is a PE image: it is left alone) */
    PVOID priv = NULL;
    SIZE_T privSize = 0x1000;
    TL_CHECK_EQ(STATUS_SUCCESS, NtAllocateVirtualMemory(NtCurrentProcess(), &priv, 0, &privSize,
                                                        MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE));
    TL_CHECK_EQ(STATUS_NOT_MAPPED_VIEW, NtUnmapViewOfSection(NtCurrentProcess(), priv));
    TL_CHECK_EQ(STATUS_NOT_MAPPED_VIEW, NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)0x00010000));
    TL_CHECK_EQ(STATUS_NOT_MAPPED_VIEW, NtUnmapViewOfSection(NtCurrentProcess(), KERNEL_POINTER));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtUnmapViewOfSection(NULL, priv));
    privSize = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, NtFreeVirtualMemory(NtCurrentProcess(), &priv, &privSize, MEM_RELEASE));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, NtOpenSection(&s, SECTION_QUERY, Attr("\\BaseNamedObjects\\NoSuchSection")));
    NtClose(s);
    NtClose(ev);
}

typedef struct {                       /* EX_POOL_USAGE (inc/pool.h), class 0x1000 */
    SIZE_T BytesInUse;
    ULONG AllocationsInUse, TotalAllocations, TotalFrees, PagesInUse;
} EX_POOL_USAGE_USER;

TL_TEST(no_leaks)
{
    EX_POOL_USAGE_USER before = { 0 }, after = { 0 };
    HANDLE image, f;
    BuildImage();
    TL_CHECK_EQ(STATUS_SUCCESS, WriteFile(D "\\leak.exe", Image, IMAGE_SIZE));
    TL_CHECK_EQ(STATUS_SUCCESS, OpenFile(D "\\leak.exe", FILE_EXECUTE | FILE_READ_DATA, &f));
    NtQuerySystemInformation(SystemNanoNtPoolInformation, &before, sizeof(before), NULL);
    for (int round = 0; round < 50; round++) {
        HANDLE data;
        LARGE_INTEGER max = { .QuadPart = 0x5000 };
        ULONG a = 0, b = 0, c = 0, size = 0;
        NTSTATUS s1 = NtCreateSection(&image, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE_READ, SEC_IMAGE, f);
        NTSTATUS s2 = NtCreateSection(&data, SECTION_ALL_ACCESS, NULL, &max, PAGE_READWRITE, SEC_COMMIT, NULL);
        NTSTATUS s3 = Map(image, &a, &size, PAGE_EXECUTE_READ);
        NTSTATUS s4 = Map(image, &b, &size, PAGE_EXECUTE_READ);
        size = 0;
        NTSTATUS s5 = Map(data, &c, &size, PAGE_READWRITE);
        NtClose(image);
        NtClose(data);
        NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)a);
        NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)b);
        NtUnmapViewOfSection(NtCurrentProcess(), (PVOID)c);
        if (s1 || s2 || s3 || s4 != STATUS_IMAGE_NOT_AT_BASE || s5) {
            TL_FAIL("round %d: %08lX %08lX %08lX %08lX %08lX", round, (unsigned long)s1, (unsigned long)s2,
                    (unsigned long)s3, (unsigned long)s4, (unsigned long)s5);
            break;
        }
    }
    NtQuerySystemInformation(SystemNanoNtPoolInformation, &after, sizeof(after), NULL);
    NtClose(f);
    TL_CHECK_EQ(before.AllocationsInUse, after.AllocationsInUse);
    TL_CHECK_EQ(before.BytesInUse, after.BytesInUse);
    TL_CHECK_EQ(before.PagesInUse, after.PagesInUse);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child"))
        return Child();
    PVOID handler = RtlAddVectoredExceptionHandler(1, ProbeHandler);
    HANDLE dir;
    NTSTATUS st = NtCreateFile(&dir, FILE_LIST_DIRECTORY | SYNCHRONIZE, Attr(D), &Iosb, NULL, 0,
                               FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN_IF,
                               FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    if (!NT_SUCCESS(st)) {
        printf("[FAIL] setup: cannot make %s: 0x%08lX\n", D, (unsigned long)st);
        return 1;
    }
    NtClose(dir);
    TL_RUN(image_at_preferred_base);
    TL_RUN(image_relocated_when_base_taken);
    TL_RUN(image_without_relocations);
    TL_RUN(bad_images_refused);
    TL_RUN(mingw_image_from_disk);
    TL_RUN(data_section_shared);
    TL_RUN(data_section_views);
    TL_RUN(file_backed_data_section);
    TL_RUN(bad_arguments);
    TL_RUN(no_leaks);
    RtlRemoveVectoredExceptionHandler(handler);
    TL_FINISH();
}
